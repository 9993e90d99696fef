"""Registrations (đăng ký thi đua): saving, the one status transition, targets and caps."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from awards.enums import AwardCategory, RecipientKind
from awards.models import AwardType
from core.exceptions import ServiceError, StaleObjectError
from core.text import nfc
from units.enums import Role
from units.models import Person, Unit

from .. import rules, selectors
from ..enums import CampaignStatus, DeadlineAction, RegistrationStatus
from ..models import Campaign, CampaignAward, Registration, RegistrationLine, RegistrationTransition
from .deadlines import clear_completions, deadline_ensure_open, record_completions
from .notifications import notify, users_with_roles

S = RegistrationStatus

# The only allowed moves, and who may make each. Nothing else changes a registration's status.
TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): "submit",
    (S.RETURNED, S.SUBMITTED): "submit",
    (S.SUBMITTED, S.RETURNED): "return",
}


@dataclass
class LineInput:
    person: Person
    title: AwardType | None = None
    commendation: AwardType | None = None
    initiative_title: str = ""


def _check_award(award: AwardType | None, *, category: str, collective: bool, day: datetime.date, label: str) -> None:
    if award is None:
        return
    recipients = {RecipientKind.BOTH, RecipientKind.COLLECTIVE if collective else RecipientKind.INDIVIDUAL}
    if award.category != category or award.recipient_kind not in recipients:
        raise ServiceError(f"«{award.name}» không dùng được làm {label}.")
    if not award.in_force_on(day):
        raise ServiceError(f"«{award.name}» không còn hiệu lực vào ngày {day:%d/%m/%Y}.")


@transaction.atomic
def registration_save(
    *,
    campaign: Campaign,
    unit: Unit,
    by,
    lines: list[LineInput],
    collective_title: AwardType | None = None,
    collective_commendation: AwardType | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Registration:
    """Create or replace a unit's registration (while it is a draft or returned).

    One line per person of the unit (and its teams); a person with nothing
    registered still counts in the denominator of the targets. Refuses a stale form.
    """
    if campaign.status != CampaignStatus.LAUNCHED:
        raise ServiceError("Phong trào chưa được phát động hoặc đã kết thúc; chưa thể đăng ký.")
    if not selectors.may_register(campaign, unit):
        raise ServiceError(f"{unit.name} không thuộc phạm vi đăng ký của phong trào này.")
    registration, created = Registration.objects.select_for_update().get_or_create(
        campaign=campaign, unit=unit, defaults={"updated_by": by}
    )
    if not created and expected_version is not None and registration.version != expected_version:
        raise StaleObjectError()
    if not registration.is_editable:
        raise ServiceError("Bản đăng ký đã gửi cấp trên nên không thể sửa. Đề nghị cấp trên trả lại nếu cần sửa.")
    day = campaign.reference_date
    _check_award(collective_title, category=AwardCategory.TITLE, collective=True, day=day, label="danh hiệu tập thể")
    _check_award(
        collective_commendation,
        category=AwardCategory.COMMENDATION,
        collective=True,
        day=day,
        label="hình thức khen thưởng tập thể",
    )
    allowed = set(selectors.registration_people(unit).values_list("pk", flat=True))
    seen = set()
    for line in lines:
        if line.person.pk not in allowed:
            raise ServiceError(f"{line.person.full_name} không phải cán bộ đang công tác tại {unit.name}.")
        if line.person.pk in seen:
            raise ServiceError(f"{line.person.full_name} có hai dòng đăng ký.")
        seen.add(line.person.pk)
        _check_award(line.title, category=AwardCategory.TITLE, collective=False, day=day, label="danh hiệu cá nhân")
        _check_award(
            line.commendation,
            category=AwardCategory.COMMENDATION,
            collective=False,
            day=day,
            label="hình thức khen thưởng cá nhân",
        )
    registration.lines.all().delete()
    RegistrationLine.objects.bulk_create(
        [
            RegistrationLine(
                registration=registration,
                order=index,
                person=line.person,
                position=line.person.position,
                title=line.title,
                commendation=line.commendation,
                initiative_title=nfc(line.initiative_title)[:500],
            )
            for index, line in enumerate(lines, start=1)
        ]
    )
    registration.collective_title = collective_title
    registration.collective_commendation = collective_commendation
    registration.note = nfc(note)
    registration.updated_by = by
    if not created:
        registration.version += 1
    registration.save()
    return registration


@transaction.atomic
def registration_transition(
    *,
    registration: Registration,
    to_status: str,
    by,
    expected_version: int | None = None,
    comment: str = "",
    reopen_until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Registration:
    """The one function that changes a registration's status.

    Locks the row, treats a repeated request (already in `to_status`) as done
    (a double submit files once), refuses a stale version, checks the
    transition table and the role, refuses a late submission, writes a history
    row, then notifies: the level above on submit, the unit on return.
    Returning may also reopen the registration deadline for the unit.
    """
    today = today or datetime.date.today()
    locked = Registration.objects.select_for_update().select_related("unit", "campaign").get(pk=registration.pk)
    if locked.status == to_status:
        return locked
    if expected_version is not None and locked.version != expected_version:
        raise StaleObjectError()
    action = TRANSITIONS.get((locked.status, to_status))
    if action is None:
        raise ServiceError(f"Không thể chuyển bản đăng ký từ «{S(locked.status).label}» sang «{S(to_status).label}».")
    unit, campaign = locked.unit, locked.campaign
    comment = nfc(comment)
    if action == "submit":
        if not rules.can_submit_registration(by, unit):
            raise ServiceError("Chỉ thủ trưởng đơn vị mới được gửi bản đăng ký lên cấp trên.")
        if not locked.lines.exists() and not locked.collective_title_id:
            raise ServiceError("Bản đăng ký chưa có nội dung; hãy đăng ký danh hiệu trước khi gửi.")
        deadline_ensure_open(campaign=campaign, unit=unit, action=DeadlineAction.REGISTER, today=today)
        locked.submitted_at, locked.submitted_by = timezone.now(), by
    else:
        if not rules.can_oversee(by, unit):
            raise ServiceError("Chỉ đơn vị cấp trên mới được trả lại bản đăng ký.")
        if not comment:
            raise ServiceError("Vui lòng ghi lý do trả lại.")
    previous = locked.status
    locked.status = to_status
    locked.version += 1
    locked.save(update_fields=["status", "version", "submitted_at", "submitted_by", "updated_at"])
    RegistrationTransition.objects.create(
        registration=locked, from_status=previous, to_status=to_status, by=by, comment=comment
    )
    if action == "submit":
        record_completions(campaign=campaign, unit=unit, action=DeadlineAction.REGISTER, by=by)
        if unit.parent_id:
            overseers = users_with_roles([unit.parent_id], {Role.HEAD, Role.REVIEWER}).get(unit.parent_id, [])
            notify(
                users=overseers,
                message=f"{unit.name} đã gửi đăng ký thi đua của phong trào «{campaign.name}».",
                url=locked.get_absolute_url(),
            )
    else:
        clear_completions(campaign=campaign, unit=unit, action=DeadlineAction.REGISTER)
        if reopen_until is not None:
            from .deadlines import deadline_extend

            for deadline in selectors.deadlines_for(campaign, unit, DeadlineAction.REGISTER):
                if reopen_until > deadline.due_date:
                    deadline_extend(
                        deadline=deadline, unit=unit, until=reopen_until, by=by, reason=comment, today=today
                    )
        users = users_with_roles([unit.pk], {Role.HEAD, Role.SECRETARY}).get(unit.pk, [])
        notify(
            users=users,
            message=f"Cấp trên đã trả lại bản đăng ký thi đua của {unit.name} («{campaign.name}»): {comment}",
            url=locked.get_absolute_url(),
            email=True,
            subject="Bản đăng ký thi đua được trả lại",
        )
    return locked


# --- Targets (chỉ tiêu) -------------------------------------------------------------------


def format_percent(count: int, total: int) -> str:
    """A share as the plans print it: cut (not rounded) to one decimal, decimal comma, no ",0".

    Seed 002: 11/31 → "35,4", 6/31 → "19,3". Cutting never overstates a target.
    """
    if total <= 0:
        return "0"
    tenths = count * 1000 // total
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth}" if tenth else str(whole)


@dataclass
class Target:
    award: AwardType
    count: int
    total: int

    @property
    def percent(self) -> str:
        return format_percent(self.count, self.total)

    def __str__(self):
        return f"{self.award.name}: {self.count}/{self.total} đạt {self.percent} %"


@dataclass
class Targets:
    individual: list[Target] = field(default_factory=list)
    collective: list[AwardType] = field(default_factory=list)
    total: int = 0


def registration_targets(registration: Registration) -> Targets:
    """The unit's targets: per registered individual title/commendation, count over the people listed."""
    lines = list(registration.lines.select_related("title", "commendation"))
    counts: dict[int, list] = {}
    for line in lines:
        for award in (line.title, line.commendation):
            if award is not None:
                counts.setdefault(award.pk, [award, 0])[1] += 1
    ordered = sorted(
        counts.values(), key=lambda pair: (pair[0].category != AwardCategory.TITLE, pair[0].rank, pair[0].name)
    )
    collective = [a for a in (registration.collective_title, registration.collective_commendation) if a is not None]
    return Targets(
        individual=[Target(award, n, len(lines)) for award, n in ordered], collective=collective, total=len(lines)
    )


# --- Caps --------------------------------------------------------------------------------


@dataclass
class CapVerdict:
    award: CampaignAward
    used: int
    ok: bool
    reasons: list[str]


def registration_caps_check(*, campaign: Campaign) -> list[CapVerdict]:
    """Check the submitted registrations of a campaign against its caps.

    Counts every registered use (individual lines and collective targets) of each
    capped award and explains the verdict in Vietnamese with the plan as basis.
    The count is done here because the awards engine's quota function
    (`awards.quota_usage`) was not available when this was written; when it
    is, pass it these caps and use its verdicts instead (see docs/parts/campaigns.md).
    """
    capped = list(campaign.awards.filter(cap__isnull=False).select_related("award_type"))
    if not capped:
        return []
    ids = [a.award_type_id for a in capped]
    submitted = Q(registration__campaign=campaign, registration__status=S.SUBMITTED)
    usage = {award_id: 0 for award_id in ids}
    for field_name in ("title", "commendation"):
        for row in (
            RegistrationLine.objects.filter(submitted, **{f"{field_name}_id__in": ids})
            .values(f"{field_name}_id")
            .annotate(n=Count("pk"))
        ):
            usage[row[f"{field_name}_id"]] += row["n"]
    for field_name in ("collective_title", "collective_commendation"):
        for row in (
            Registration.objects.filter(campaign=campaign, status=S.SUBMITTED, **{f"{field_name}_id__in": ids})
            .values(f"{field_name}_id")
            .annotate(n=Count("pk"))
        ):
            usage[row[f"{field_name}_id"]] += row["n"]
    basis = f"{campaign.document_reference} – {campaign.name}" if campaign.document_reference else campaign.name
    verdicts = []
    for award in capped:
        used = usage[award.award_type_id]
        ok = used <= award.cap
        reason = (
            f"{award.award_type.name}: đã đăng ký {used}, {award.cap_label} (theo kế hoạch {basis})."
            if ok
            else f"{award.award_type.name}: đã đăng ký {used}, vượt số lượng tối đa {award.cap} "
            f"(theo kế hoạch {basis})."
        )
        verdicts.append(CapVerdict(award=award, used=used, ok=ok, reasons=[reason]))
    return verdicts
