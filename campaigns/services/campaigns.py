"""Campaigns, their plan metadata, phases, awards with caps and deadlines.

Every write takes `by` and requires FILE on the launching unit (the secretary, head or administrator
who drafts the plan: `campaigns.rules.can_edit_campaign`); PermissionDenied otherwise, `by=None` is
the system. History rows written inside name `by`.
"""

import datetime

from django.db import transaction

from awards.models import AwardType
from core.audit import audited
from core.exceptions import ServiceError
from core.models import version_check_and_bump
from core.text import nfc
from core.workflow import transition
from units.enums import UnitKind
from units.models import Unit
from units.rules import Cap, require

from .. import selectors
from ..enums import CampaignKind, DeadlineAction, ObjectGroup, ReachKind
from ..models import Campaign, CampaignAward, Criterion, Deadline, LegalBasis, Phase

CAMPAIGN_TEXT_FIELDS = ("name", "document_number", "document_symbol", "place")
CAMPAIGN_LONG_TEXT_FIELDS = ("purposes", "requirements")
CAMPAIGN_FIELDS = (
    CAMPAIGN_TEXT_FIELDS
    + CAMPAIGN_LONG_TEXT_FIELDS
    + (
        "kind",
        "reach",
        "school_year",
        "period_start",
        "period_end",
        "issued_on",
    )
)


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _clean_long_text(value: str | None) -> str:
    """NFC, trimmed, keeping line breaks (plans have numbered paragraphs)."""
    return "\n".join(nfc(line) for line in (value or "").strip().splitlines()).strip()


def _validate_campaign(campaign: Campaign, reach_units, reach_blocks) -> None:
    if not campaign.name:
        raise ServiceError("Tên phong trào không được để trống.")
    if campaign.kind not in CampaignKind.values:
        raise ServiceError("Loại phong trào không hợp lệ.")
    if campaign.launched_by.kind == UnitKind.TEAM:
        raise ServiceError("Tổ chuyên môn không phát động phong trào riêng; hãy phát động ở cấp trường.")
    if campaign.period_start and campaign.period_end and campaign.period_end < campaign.period_start:
        raise ServiceError("Ngày kết thúc thời gian thi đua phải sau ngày bắt đầu.")
    if campaign.school_year is not None and not 2000 <= campaign.school_year <= 2100:
        raise ServiceError("Năm học không hợp lệ (ghi năm bắt đầu, ví dụ 2024 cho năm học 2024-2025).")
    if not (campaign.school_year or campaign.period_start):
        raise ServiceError("Cần ghi năm học hoặc thời gian thi đua.")
    launcher_path = campaign.launched_by.path
    if campaign.reach == ReachKind.UNITS:
        if not reach_units:
            raise ServiceError("Chưa chọn đơn vị nào trong phạm vi phong trào.")
        # Unnamed: a unit or block posted from outside the launcher may also lie outside the user's scope.
        if any(not u.path.startswith(launcher_path) for u in reach_units):
            raise ServiceError("Có đơn vị được chọn không thuộc phạm vi quản lý của đơn vị phát động.")
    if campaign.reach == ReachKind.BLOCKS:
        if not reach_blocks:
            raise ServiceError("Chưa chọn khối/cụm thi đua nào trong phạm vi phong trào.")
        if any(not m.path.startswith(launcher_path) for b in reach_blocks for m in b.members.all()):
            raise ServiceError("Có khối/cụm thi đua gồm đơn vị ngoài phạm vi quản lý của đơn vị phát động.")


def _set_lines(campaign: Campaign, legal_bases, criteria) -> None:
    if legal_bases is not None:
        campaign.legal_bases.all().delete()
        lines = [nfc(text) for text in legal_bases if nfc(text)]
        LegalBasis.objects.bulk_create(
            [LegalBasis(campaign=campaign, order=i, text=text) for i, text in enumerate(lines, start=1)]
        )
    if criteria is not None:
        unknown = set(criteria) - set(ObjectGroup.values)
        if unknown:
            raise ServiceError("Nhóm đối tượng không hợp lệ.")
        campaign.criteria.all().delete()
        Criterion.objects.bulk_create(
            [
                Criterion(campaign=campaign, group=group, text=_clean_long_text(text))
                for group, text in criteria.items()
                if _clean_long_text(text)
            ]
        )


def _require_file(by, campaign: Campaign) -> None:
    require(by, Cap.FILE, campaign.launched_by)


@audited
@transaction.atomic
def campaign_create(
    *,
    launched_by: Unit,
    name: str,
    kind: str,
    by,
    reach: str = ReachKind.SUBTREE,
    reach_units=(),
    reach_blocks=(),
    legal_bases: list[str] | None = None,
    criteria: dict[str, str] | None = None,
    **fields,
) -> Campaign:
    """Draft a campaign (status "đang soạn thảo"); it is visible to its launcher's users only until launched.
    `by` must hold FILE on `launched_by`."""
    require(by, Cap.FILE, launched_by)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"unknown campaign fields: {sorted(unknown)}")
    for key in CAMPAIGN_TEXT_FIELDS:
        if key in fields:
            fields[key] = nfc(fields[key])
    for key in CAMPAIGN_LONG_TEXT_FIELDS:
        if key in fields:
            fields[key] = _clean_long_text(fields[key])
    reach_units, reach_blocks = list(reach_units), list(reach_blocks)
    campaign = Campaign(launched_by=launched_by, name=nfc(name), kind=kind, reach=reach, created_by=by, **fields)
    _validate_campaign(campaign, reach_units, reach_blocks)
    campaign.save()
    campaign.reach_units.set(reach_units if reach == ReachKind.UNITS else [])
    campaign.reach_blocks.set(reach_blocks if reach == ReachKind.BLOCKS else [])
    _set_lines(campaign, legal_bases, criteria)
    return campaign


@audited
@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    by,
    expected_version: int | None = None,
    reach_units=None,
    reach_blocks=None,
    legal_bases: list[str] | None = None,
    criteria: dict[str, str] | None = None,
    **fields,
) -> Campaign:
    """Change a campaign's plan. Refuses a stale form. Lines given replace the old ones."""
    locked = Campaign.objects.select_for_update(of=("self",)).select_related("launched_by").get(pk=campaign.pk)
    _require_file(by, locked)
    version_check_and_bump(locked, expected_version)
    changed = []
    for key, value in fields.items():
        if key not in CAMPAIGN_FIELDS:
            raise TypeError(f"unknown campaign field: {key}")
        if key in CAMPAIGN_TEXT_FIELDS:
            value = nfc(value)
        elif key in CAMPAIGN_LONG_TEXT_FIELDS:
            value = _clean_long_text(value)
        if getattr(locked, key) != value:
            setattr(locked, key, value)
            changed.append(key)
    units = list(reach_units) if reach_units is not None else list(locked.reach_units.all())
    blocks = list(reach_blocks) if reach_blocks is not None else list(locked.reach_blocks.all())
    _validate_campaign(locked, units, blocks)
    locked.save(update_fields=changed + ["version", "updated_at"])
    locked.reach_units.set(units if locked.reach == ReachKind.UNITS else [])
    locked.reach_blocks.set(blocks if locked.reach == ReachKind.BLOCKS else [])
    _set_lines(locked, legal_bases, criteria)
    return locked


def campaign_launch(*, campaign: Campaign, by, version: int | None = None) -> Campaign:
    """Phát động: the campaign becomes visible to every unit it reaches (the `launch` action).

    Goes through the campaign workflow (`campaigns.workflows.CAMPAIGN_WORKFLOW`):
    who may, the history row, a repeat by the same actor being a no-op.
    Side effect: an in-app notification to the heads and secretaries of the
    units expected to register.
    """
    return transition(campaign, "launch", by=by, version=version)


def campaign_close(*, campaign: Campaign, by, version: int | None = None, comment: str = "") -> Campaign:
    """Kết thúc: no more registrations are accepted (the `close` action); kept in the history with who and when."""
    return transition(campaign, "close", by=by, version=version, comment=comment)


# --- Phases ------------------------------------------------------------------------------


def _validate_phase(phase: Phase) -> None:
    if phase.end < phase.start:
        raise ServiceError("Ngày kết thúc của đợt phải sau hoặc trùng ngày bắt đầu.")
    siblings = Phase.objects.filter(campaign=phase.campaign).exclude(pk=phase.pk)
    if siblings.filter(number=phase.number).exists():
        raise ServiceError(f"Phong trào đã có Đợt {phase.number}.")
    overlap = siblings.filter(start__lte=phase.end, end__gte=phase.start).order_by("start").first()
    if overlap:
        raise ServiceError(
            f"Đợt {phase.number} ({_d(phase.start)} – {_d(phase.end)}) trùng thời gian với Đợt {overlap.number} "
            f"({_d(overlap.start)} – {_d(overlap.end)}). Các đợt của một phong trào không được chồng lên nhau."
        )


@audited
@transaction.atomic
def phase_create(
    *,
    campaign: Campaign,
    number: int,
    start: datetime.date,
    end: datetime.date,
    by,
    name: str = "",
    theme: str = "",
) -> Phase:
    _require_file(by, campaign)
    # Lock the campaign so two phases added at once cannot both pass the overlap check.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    phase = Phase(campaign=campaign, number=number, name=nfc(name), theme=_clean_long_text(theme), start=start, end=end)
    _validate_phase(phase)
    phase.save()
    return phase


@audited
@transaction.atomic
def phase_update(*, phase: Phase, by, expected_version: int | None = None, **fields) -> Phase:
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("launched_by").get(pk=phase.campaign_id)
    _require_file(by, campaign)
    locked = Phase.objects.select_for_update().get(pk=phase.pk)
    version_check_and_bump(locked, expected_version)
    changed = []
    for key, value in fields.items():
        if key not in ("number", "name", "theme", "start", "end"):
            raise TypeError(f"unknown phase field: {key}")
        value = nfc(value) if key == "name" else _clean_long_text(value) if key == "theme" else value
        if getattr(locked, key) != value:
            setattr(locked, key, value)
            changed.append(key)
    _validate_phase(locked)
    locked.save(update_fields=changed + ["version", "updated_at"])
    return locked


# --- Awards on offer ---------------------------------------------------------------------


@audited
@transaction.atomic
def campaign_award_set(
    *, campaign: Campaign, award_type: AwardType, by, cap: int | None = None, note: str = ""
) -> CampaignAward:
    """Offer an award in the campaign (or change its cap). The award must be in force for the campaign."""
    _require_file(by, campaign)
    day = campaign.reference_date
    if not award_type.in_force_on(day):
        raise ServiceError(f"«{award_type.name}» không còn hiệu lực vào ngày {_d(day)} (thời điểm của phong trào).")
    if cap is not None and cap < 1:
        raise ServiceError("Số lượng tối đa phải là số nguyên dương (để trống nếu không giới hạn).")
    award, created = CampaignAward.objects.get_or_create(
        campaign=campaign, award_type=award_type, defaults={"cap": cap, "note": nfc(note)}
    )
    if not created and (award.cap, award.note) != (cap, nfc(note)):
        award.cap, award.note = cap, nfc(note)
        award.save(update_fields=["cap", "note"])
    return award


@audited
@transaction.atomic
def campaign_award_remove(*, award: CampaignAward, by) -> None:
    _require_file(by, award.campaign)
    award.delete()


def offerable_award_types(campaign: Campaign):
    day = campaign.reference_date
    return AwardType.objects.filter(effective_from__lte=day).exclude(effective_to__lt=day).order_by("rank", "name")


# --- Deadlines ---------------------------------------------------------------------------


@audited
@transaction.atomic
def deadline_create(
    *,
    campaign: Campaign,
    action: str,
    due_date: datetime.date,
    unit_kind: str = "",
    by,
    unit: Unit | None = None,
    note: str = "",
) -> Deadline:
    """A deadline for a level (every reached unit of a kind) or for one unit."""
    _require_file(by, campaign)
    if action not in DeadlineAction.values:
        raise ServiceError("Việc phải làm không hợp lệ.")
    if bool(unit_kind) == bool(unit):
        raise ServiceError("Chọn hoặc cấp thực hiện (ví dụ: Trường học), hoặc một đơn vị cụ thể — không chọn cả hai.")
    if unit_kind and unit_kind not in UnitKind.values:
        raise ServiceError("Cấp thực hiện không hợp lệ.")
    if unit is not None and not selectors.campaign_reaches(campaign, unit):
        raise ServiceError("Đơn vị được chọn không thuộc phạm vi của phong trào.")
    return Deadline.objects.create(
        campaign=campaign, action=action, due_date=due_date, unit_kind=unit_kind, unit=unit, note=nfc(note)
    )


@audited
@transaction.atomic
def deadline_delete(*, deadline: Deadline, by) -> None:
    _require_file(by, deadline.campaign)
    deadline.delete()


def award_choices(campaign: Campaign, *, category: str, collective: bool):
    """Catalog rows in force for the campaign, of a category, for individuals or collectives."""
    from awards.enums import RecipientKind

    kinds = [RecipientKind.BOTH, RecipientKind.COLLECTIVE if collective else RecipientKind.INDIVIDUAL]
    return offerable_award_types(campaign).filter(category=category, recipient_kind__in=kinds)
