"""Registrations (đăng ký thi đua): saving, the one status transition, targets and caps."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from awards.enums import AwardCategory, RecipientKind
from awards.models import AwardType, Initiative
from awards.schoolyear import school_year_of
from awards.services import initiative_register
from core.exceptions import ServiceError, StaleObjectError
from core.text import nfc
from units.enums import Role
from units.models import Person, Unit

from .. import rules, selectors
from ..enums import CampaignStatus, DeadlineAction, RegistrationStatus
from ..models import (
    Campaign,
    CampaignAward,
    Registration,
    RegistrationCollectiveLine,
    RegistrationLine,
    RegistrationTransition,
)
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


@dataclass
class CollectiveLineInput:
    """A team (tổ) of the registering unit and the collective title / commendation it registers."""

    team: Unit
    title: AwardType | None = None
    commendation: AwardType | None = None


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
    collective_lines: Sequence[CollectiveLineInput] = (),
    note: str = "",
    expected_version: int | None = None,
) -> Registration:
    """Create or replace a unit's registration (while it is a draft or returned).

    One line per person of the unit (and its teams); a person with nothing
    registered still counts in the denominator of the targets. Likewise one
    collective line per team of the unit, with collective awards only. Lines
    not given are removed. Refuses a stale form.
    """
    if not Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.LAUNCHED).exists():
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
            # Names nobody: the person may be one the user cannot see (an id posted from another unit).
            raise ServiceError("Có người không thuộc đơn vị này hoặc không tìm thấy.")
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
    teams = set(selectors.registration_teams(unit).values_list("pk", flat=True))
    seen_teams = set()
    for team_line in collective_lines:
        if team_line.team.pk not in teams:
            raise ServiceError(f"{team_line.team.name} không phải tổ đang hoạt động của {unit.name}.")
        if team_line.team.pk in seen_teams:
            raise ServiceError(f"{team_line.team.name} có hai dòng đăng ký.")
        seen_teams.add(team_line.team.pk)
        _check_award(
            team_line.title, category=AwardCategory.TITLE, collective=True, day=day, label="danh hiệu tập thể của tổ"
        )
        _check_award(
            team_line.commendation,
            category=AwardCategory.COMMENDATION,
            collective=True,
            day=day,
            label="hình thức khen thưởng tập thể của tổ",
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
    registration.collective_lines.all().delete()
    RegistrationCollectiveLine.objects.bulk_create(
        [
            RegistrationCollectiveLine(
                registration=registration,
                order=index,
                team=team_line.team,
                title=team_line.title,
                commendation=team_line.commendation,
            )
            for index, team_line in enumerate(collective_lines, start=1)
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
    Side effect of a submit: the initiative titles enter the unit's initiative register.
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
        if not (locked.lines.exists() or locked.collective_lines.exists() or locked.collective_title_id):
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
        _initiatives_register(registration=locked, by=by, today=today)
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


def _initiatives_register(*, registration: Registration, by, today: datetime.date) -> int:
    """Put the initiative titles of a submitted registration into the unit's initiative register.

    Seed 002: "lập danh sách tên sáng kiến để theo dõi". Lines sharing a title
    become one initiative with several authors; a title the unit already
    registered that year is left as it is. Returns the number created.
    """
    by_title: dict[str, tuple[str, list[Person]]] = {}
    for line in registration.lines.exclude(initiative_title="").select_related("person__unit"):
        title = nfc(line.initiative_title)
        by_title.setdefault(title.casefold(), (title, []))[1].append(line.person)
    if not by_title:
        return 0
    unit = registration.unit
    year = registration.campaign.school_year or school_year_of(today)
    existing = {
        t.casefold() for t in Initiative.objects.filter(unit=unit, school_year=year).values_list("title", flat=True)
    }
    created = 0
    for key, (title, authors) in by_title.items():
        if key not in existing:
            initiative_register(unit=unit, school_year=year, title=title, authors=authors, by=by)
            created += 1
    return created


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
    noun: str = ""  # what is counted, after the total: "2/3 tổ"

    @property
    def percent(self) -> str:
        return format_percent(self.count, self.total)

    def __str__(self):
        noun = f" {self.noun}" if self.noun else ""
        return f"{self.award.name}: {self.count}/{self.total}{noun} đạt {self.percent} %"


@dataclass
class Targets:
    individual: list[Target] = field(default_factory=list)
    collective: list[AwardType] = field(default_factory=list)
    total: int = 0
    teams: list[Target] = field(default_factory=list)
    team_total: int = 0


def _award_order(award: AwardType):
    return (award.category != AwardCategory.TITLE, award.rank, award.name)


def registration_targets(registration: Registration) -> Targets:
    """The unit's targets: per registered individual title or commendation, people over people listed.

    Individual titles form a ladder by catalog rank (Lao động tiên tiến, then
    Chiến sĩ thi đua cơ sở, …): each higher title requires the lower ones (Luật
    TĐKT 2022 Đ.23), so a person registered for a title counts toward every
    lower-ranked individual title too. Seed 002 reads so: LĐTT 30/31 includes
    the 11 CSTĐCS. Commendations are counted as registered.
    """
    lines = list(registration.lines.select_related("title", "commendation"))
    ladder = sorted(
        {line.title.pk: line.title for line in lines if line.title is not None}.values(), key=lambda a: (a.rank, a.name)
    )
    counts: dict[int, list] = {award.pk: [award, 0] for award in ladder}
    for line in lines:
        if line.title is not None:
            for award in ladder:
                if award.rank <= line.title.rank:
                    counts[award.pk][1] += 1
        if line.commendation is not None:
            counts.setdefault(line.commendation.pk, [line.commendation, 0])[1] += 1
    ordered = sorted(counts.values(), key=lambda pair: _award_order(pair[0]))
    collective = [a for a in (registration.collective_title, registration.collective_commendation) if a is not None]
    return Targets(
        individual=[Target(award, n, len(lines)) for award, n in ordered],
        collective=collective,
        total=len(lines),
        **_team_targets(registration),
    )


def _team_targets(registration: Registration) -> dict:
    """Per collective title or commendation registered by teams: teams over teams listed ("2/3 tổ").

    Counted as registered, without a ladder: no rule found makes Tập thể lao
    động xuất sắc presuppose Tập thể lao động tiên tiến in the same year.
    """
    team_lines = list(registration.collective_lines.select_related("title", "commendation"))
    counts: dict[int, list] = {}
    for line in team_lines:
        for award in (line.title, line.commendation):
            if award is not None:
                counts.setdefault(award.pk, [award, 0])[1] += 1
    ordered = sorted(counts.values(), key=lambda pair: _award_order(pair[0]))
    total = len(team_lines)
    return {"teams": [Target(award, n, total, noun="tổ") for award, n in ordered], "team_total": total}


# --- Caps --------------------------------------------------------------------------------


@dataclass
class CapVerdict:
    award: CampaignAward
    used: int
    registered: int
    allowed: int | None
    ok: bool
    reasons: list[str]


def registered_counts(campaign: Campaign, codes) -> dict[str, int]:
    """Registered uses of each award code in the campaign's submitted registrations.

    Counts person lines, team (collective) lines and the registering units' own collective awards.
    """
    codes = list(codes)
    counts = dict.fromkeys(codes, 0)
    for model in (RegistrationLine, RegistrationCollectiveLine):
        for field_name in ("title", "commendation"):
            rows = (
                model.objects.filter(
                    registration__campaign=campaign,
                    registration__status=S.SUBMITTED,
                    **{f"{field_name}__code__in": codes},
                )
                .values_list(f"{field_name}__code")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for code, n in rows:
                counts[code] += n
    for field_name in ("collective_title", "collective_commendation"):
        rows = (
            Registration.objects.filter(campaign=campaign, status=S.SUBMITTED, **{f"{field_name}__code__in": codes})
            .values_list(f"{field_name}__code")
            .annotate(n=Count("pk"))
        )
        for code, n in rows:
            counts[code] += n
    return counts


def registration_caps_check(*, campaign: Campaign) -> list[CapVerdict]:
    """Check the submitted registrations of a campaign against its caps, through the awards engine.

    The campaign hands its caps ({"BK_TINH": 15}) and the registered counts (as
    "proposed") to `awards.engine.quota_usage` for the launching unit's subtree
    and school year; the engine adds awards already decided that year and any
    legal quota, and explains each verdict in Vietnamese.
    """
    from awards.engine import quota_usage
    from awards.schoolyear import school_year_of

    capped = list(campaign.awards.filter(cap__isnull=False).select_related("award_type"))
    if not capped:
        return []
    caps = {a.award_type.code: a.cap for a in capped}
    registered = registered_counts(campaign, caps)
    year = campaign.school_year or school_year_of(campaign.reference_date)
    lines = {
        line.award_code: line
        for line in quota_usage(
            campaign.launched_by, year, caps=caps, proposed=registered, on_date=campaign.reference_date
        )
    }
    verdicts = []
    for award in capped:
        line = lines[award.award_type.code]
        reasons = [r.text + (f" ({r.legal_basis})" if r.legal_basis else "") for r in line.reasons]
        verdicts.append(
            CapVerdict(
                award=award,
                used=line.used,
                registered=line.proposed,
                allowed=line.allowed,
                ok=not line.is_over,
                reasons=reasons,
            )
        )
    return verdicts
