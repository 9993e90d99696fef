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
from ..enums import CampaignKind, DeadlineAction, ObjectGroup, PeriodKind, ReachKind
from ..models import Campaign, CampaignAward, Criterion, Deadline, LegalBasis, Phase, strip_line_end

CAMPAIGN_TEXT_FIELDS = ("name", "document_number", "document_symbol", "place")
CAMPAIGN_LONG_TEXT_FIELDS = ("purposes", "requirements", "objects_collective", "objects_individual")
CAMPAIGN_FIELDS = (
    CAMPAIGN_TEXT_FIELDS
    + CAMPAIGN_LONG_TEXT_FIELDS
    + (
        "kind",
        "reach",
        "period_kind",
        "school_year",
        "calendar_year",
        "period_start",
        "period_end",
        "issued_on",
        "object_groups",
    )
)


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _clean_long_text(value: str | None) -> str:
    """NFC, trimmed, keeping line breaks (plans have numbered paragraphs)."""
    return "\n".join(nfc(line) for line in (value or "").strip().splitlines()).strip()


def _clean_object_groups(value) -> list[str]:
    """The object groups in the order of `ObjectGroup`, each once; an unknown group is refused."""
    groups = set(value or [])
    if groups - set(ObjectGroup.values):
        raise ServiceError("Nhóm đối tượng không hợp lệ.")
    return [g for g in ObjectGroup.values if g in groups]


def _normalise_period(campaign: Campaign) -> list[str]:
    """Keep only the year of the campaign's period kind; a calendar year without dates runs 01/01–31/12
    (seed 001: "Thời gian thi đua: Năm 2024"). Returns the fields changed."""
    changed = []

    def put(name, value):
        if getattr(campaign, name) != value:
            setattr(campaign, name, value)
            changed.append(name)

    if campaign.period_kind == PeriodKind.CALENDAR_YEAR:
        put("school_year", None)
        year = campaign.calendar_year
        if year and 2000 <= year <= 2100:
            if campaign.period_start is None:
                put("period_start", datetime.date(year, 1, 1))
            if campaign.period_end is None:
                put("period_end", datetime.date(year, 12, 31))
    else:
        put("calendar_year", None)
    return changed


def _validate_period(campaign: Campaign) -> None:
    if campaign.period_kind not in PeriodKind.values:
        raise ServiceError("Cách tính thời gian thi đua không hợp lệ.")
    if campaign.period_start and campaign.period_end and campaign.period_end < campaign.period_start:
        raise ServiceError("Ngày kết thúc thời gian thi đua phải sau ngày bắt đầu.")
    if campaign.period_kind == PeriodKind.CALENDAR_YEAR:
        year = campaign.calendar_year
        if not year or not 2000 <= year <= 2100:
            raise ServiceError("Cần ghi năm của phong trào (ví dụ 2024 cho phong trào năm 2024).")
        for day in (campaign.period_start, campaign.period_end):
            if day and day.year != year:
                raise ServiceError(f"Thời gian thi đua ({_d(day)}) phải nằm trong năm {year}.")
        return
    if campaign.school_year is not None and not 2000 <= campaign.school_year <= 2100:
        raise ServiceError("Năm học không hợp lệ (ghi năm bắt đầu, ví dụ 2024 cho năm học 2024-2025).")
    if not (campaign.school_year or campaign.period_start):
        raise ServiceError("Cần ghi năm học hoặc thời gian thi đua.")


def _validate_campaign(campaign: Campaign, reach_units, reach_blocks) -> None:
    if not campaign.name:
        raise ServiceError("Tên phong trào không được để trống.")
    if campaign.kind not in CampaignKind.values:
        raise ServiceError("Loại phong trào không hợp lệ.")
    if campaign.launched_by.kind == UnitKind.TEAM:
        raise ServiceError("Tổ chuyên môn không phát động phong trào riêng; hãy phát động ở cấp trường.")
    _validate_period(campaign)
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
        # Stored bare: the page and the document add ";" or "." themselves, so "…2022;" is never shown "…2022;;".
        lines = [strip_line_end(nfc(text)) for text in legal_bases if strip_line_end(nfc(text))]
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
    if "object_groups" in fields:
        fields["object_groups"] = _clean_object_groups(fields["object_groups"])
    reach_units, reach_blocks = list(reach_units), list(reach_blocks)
    campaign = Campaign(launched_by=launched_by, name=nfc(name), kind=kind, reach=reach, created_by=by, **fields)
    _normalise_period(campaign)
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
        elif key == "object_groups":
            value = _clean_object_groups(value)
        if getattr(locked, key) != value:
            setattr(locked, key, value)
            changed.append(key)
    changed += [name for name in _normalise_period(locked) if name not in changed]
    units = list(reach_units) if reach_units is not None else list(locked.reach_units.all())
    blocks = list(reach_blocks) if reach_blocks is not None else list(locked.reach_blocks.all())
    _validate_campaign(locked, units, blocks)
    locked.save(update_fields=changed + ["version", "updated_at"])
    locked.reach_units.set(units if locked.reach == ReachKind.UNITS else [])
    locked.reach_blocks.set(blocks if locked.reach == ReachKind.BLOCKS else [])
    _set_lines(locked, legal_bases, criteria)
    return locked


def campaign_launch(
    *, campaign: Campaign, by, version: int | None = None, today: datetime.date | None = None
) -> Campaign:
    """Phát động: the campaign becomes visible to every unit it reaches (the `launch` action).

    Goes through the campaign workflow (`campaigns.workflows.CAMPAIGN_WORKFLOW`):
    who may, the history row, a repeat by the same actor being a no-op. Refused,
    with nothing changed, while a deadline of the campaign is already past on
    `today` (every unit would be late on the day it is told).
    Side effect: an in-app notification to the heads and secretaries of the
    units expected to register.
    """
    return transition(campaign, "launch", by=by, version=version, today=today)


def passed_deadlines(campaign: Campaign, *, today: datetime.date) -> list[Deadline]:
    return list(
        Deadline.objects.filter(campaign=campaign, due_date__lt=today).select_related("unit").order_by("due_date", "id")
    )


def launch_problem(campaign: Campaign, *, today: datetime.date | None = None) -> str | None:
    """Why the campaign cannot be launched on `today`, or None: a deadline already past would make every unit
    late on the day it is told. The launch transition's guard; the confirmation page shows it beforehand."""
    today = today or datetime.date.today()
    passed = passed_deadlines(campaign, today=today)
    if not passed:
        return None
    listed = "; ".join(f"«{d.get_action_display()}» ({d.applies_label}) ngày {_d(d.due_date)}" for d in passed[:3])
    more = f" và {len(passed) - 3} hạn khác" if len(passed) > 3 else ""
    return (
        f"Không thể phát động: hạn chót {listed}{more} đã qua (hôm nay {_d(today)}). "
        "Hãy xóa hạn chót đã qua, thêm hạn mới rồi phát động lại."
    )


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


def _validate_caps(award_type: AwardType, cap, cap_collective, cap_individual) -> None:
    from awards.enums import RecipientKind

    for value in (cap, cap_collective, cap_individual):
        if value is not None and value < 1:
            raise ServiceError("Số lượng tối đa phải là số nguyên dương (để trống nếu không giới hạn).")
    parts = (
        (cap_collective, "tập thể", RecipientKind.INDIVIDUAL),
        (cap_individual, "cá nhân", RecipientKind.COLLECTIVE),
    )
    for value, noun, refused_kind in parts:
        if value is None:
            continue
        if award_type.recipient_kind == refused_kind:
            raise ServiceError(f"«{award_type.name}» không dành cho {noun}: bỏ trống số lượng tối đa cho {noun}.")
        if cap is not None and value > cap:
            raise ServiceError(f"Số lượng tối đa cho {noun} ({value}) lớn hơn tổng số lượng tối đa ({cap}).")


@audited
@transaction.atomic
def campaign_award_set(
    *,
    campaign: Campaign,
    award_type: AwardType,
    by,
    cap: int | None = None,
    cap_collective: int | None = None,
    cap_individual: int | None = None,
    note: str = "",
) -> CampaignAward:
    """Offer an award in the campaign (or change its caps). The award must be in force for the campaign.

    `cap` counts collectives and individuals together ("không quá 15 tập thể, cá nhân"); a plan that splits
    it gives `cap_collective` and/or `cap_individual` (each optional, none above the total)."""
    _require_file(by, campaign)
    day = campaign.reference_date
    if not award_type.in_force_on(day):
        raise ServiceError(f"«{award_type.name}» không còn hiệu lực vào ngày {_d(day)} (thời điểm của phong trào).")
    _validate_caps(award_type, cap, cap_collective, cap_individual)
    values = {"cap": cap, "cap_collective": cap_collective, "cap_individual": cap_individual, "note": nfc(note)}
    award, created = CampaignAward.objects.get_or_create(campaign=campaign, award_type=award_type, defaults=values)
    if not created:
        changed = [name for name, value in values.items() if getattr(award, name) != value]
        for name in changed:
            setattr(award, name, values[name])
        if changed:
            award.save(update_fields=changed)
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
