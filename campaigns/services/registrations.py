"""Registrations (đăng ký thi đua): saving, the one status transition, targets and caps."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from awards.enums import AwardCategory, RecipientKind
from awards.fit import award_fit_problem
from awards.models import AwardType, Initiative
from awards.schoolyear import school_year_of
from awards.services import initiative_register
from core.exceptions import ServiceError
from core.models import version_check_and_bump
from core.text import nfc
from core.workflow import transition
from units.models import Person, Unit

from .. import selectors
from ..enums import CampaignStatus, CapPart, RegistrationStatus
from ..models import (
    Campaign,
    CampaignAward,
    Registration,
    RegistrationCollectiveLine,
    RegistrationLine,
)
from .caps import PART_NOUN, cap_rows, capped_awards, registered_by_part
from .registration_checks import CollectiveDraft, LineDraft, registration_check, unit_codes_of

S = RegistrationStatus


@dataclass
class LineInput:
    person: Person
    title: AwardType | None = None
    commendation: AwardType | None = None
    initiative_title: str = ""
    explanation: str = ""


@dataclass
class CollectiveLineInput:
    """A team (tổ) of the registering unit and the collective title / commendation it registers."""

    team: Unit
    title: AwardType | None = None
    commendation: AwardType | None = None
    explanation: str = ""


def _check_award(
    award: AwardType | None,
    *,
    category: str,
    collective: bool,
    day: datetime.date,
    label: str,
    unit: Unit | None = None,
    offered: set[str] | None = None,
) -> None:
    if award is None:
        return
    recipients = {RecipientKind.BOTH, RecipientKind.COLLECTIVE if collective else RecipientKind.INDIVIDUAL}
    if award.category != category or award.recipient_kind not in recipients:
        raise ServiceError(f"«{award.name}» không dùng được làm {label}.")
    if not award.in_force_on(day):
        raise ServiceError(f"«{award.name}» không còn hiệu lực vào ngày {day:%d/%m/%Y}.")
    if offered is not None and award.code not in offered:
        raise ServiceError(f"«{award.name}» không có trong các hình thức phong trào này đưa ra.")
    if unit is not None:
        problem = award_fit_problem(award, collective=collective, unit_kind=unit.kind, school_level=unit.school_level)
        if problem:
            raise ServiceError(f"Không lưu được: {problem}")


def offered_codes(campaign: Campaign) -> set[str] | None:
    """The award codes a campaign puts on offer; None when it lists none (a yearly plan offers the catalog)."""
    codes = set(campaign.awards.values_list("award_type__code", flat=True))
    return codes or None


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
    collective_explanation: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Registration:
    """Create or replace a unit's registration (while it is a draft or returned).

    One line per person of the unit (and its teams); a person with nothing
    registered still counts in the denominator of the targets. Likewise one
    collective line per team of the unit, with collective awards only. Lines
    not given are removed. Refuses a stale form, an award the campaign does not
    offer and an award that does not fit the line (`awards.fit`). A line that
    breaks a hard rule (person, team or the unit's own collective line) is saved
    with its problems (`registration_checks`) and its explanation: the workflow
    refuses to send it until corrected or explained.
    """
    if not Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.LAUNCHED).exists():
        raise ServiceError("Phong trào chưa được phát động hoặc đã kết thúc; chưa thể đăng ký.")
    if not selectors.may_register(campaign, unit):
        raise ServiceError(f"{unit.name} không thuộc phạm vi đăng ký của phong trào này.")
    registration, created = Registration.objects.select_for_update().get_or_create(
        campaign=campaign, unit=unit, defaults={"updated_by": by}
    )
    if not created:
        version_check_and_bump(registration, expected_version)
    if registration.status == S.AWAITING_HEAD:
        raise ServiceError(
            "Bản đăng ký đang chờ thủ trưởng duyệt nên không thể sửa. Đề nghị thủ trưởng trả lại nếu cần sửa."
        )
    if not registration.is_editable:
        raise ServiceError("Bản đăng ký đã gửi cấp trên nên không thể sửa. Đề nghị cấp trên trả lại nếu cần sửa.")
    day = campaign.reference_date
    offered = offered_codes(campaign)
    _check_award(
        collective_title,
        category=AwardCategory.TITLE,
        collective=True,
        day=day,
        label="danh hiệu tập thể",
        unit=unit,
        offered=offered,
    )
    _check_award(
        collective_commendation,
        category=AwardCategory.COMMENDATION,
        collective=True,
        day=day,
        label="hình thức khen thưởng tập thể",
        unit=unit,
        offered=offered,
    )
    allowed = set(selectors.registration_people(by, unit).values_list("pk", flat=True))
    seen = set()
    for line in lines:
        if line.person.pk not in allowed:
            # Names nobody: the person may be one the user cannot see (an id posted from another unit).
            raise ServiceError("Có người không thuộc đơn vị này hoặc không tìm thấy.")
        if line.person.pk in seen:
            raise ServiceError(f"{line.person.full_name} có hai dòng đăng ký.")
        seen.add(line.person.pk)
        _check_award(
            line.title,
            category=AwardCategory.TITLE,
            collective=False,
            day=day,
            label="danh hiệu cá nhân",
            unit=unit,
            offered=offered,
        )
        _check_award(
            line.commendation,
            category=AwardCategory.COMMENDATION,
            collective=False,
            day=day,
            label="hình thức khen thưởng cá nhân",
            unit=unit,
            offered=offered,
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
            team_line.title,
            category=AwardCategory.TITLE,
            collective=True,
            day=day,
            label="danh hiệu tập thể của tổ",
            unit=unit,
            offered=offered,
        )
        _check_award(
            team_line.commendation,
            category=AwardCategory.COMMENDATION,
            collective=True,
            day=day,
            label="hình thức khen thưởng tập thể của tổ",
            unit=unit,
            offered=offered,
        )
    check = registration_check(
        campaign=campaign,
        unit=unit,
        drafts=[
            LineDraft(line.person, line.title, line.commendation, line.initiative_title, line.explanation)
            for line in lines
        ],
        unit_codes=unit_codes_of(collective_title, collective_commendation),
        collectives=[
            CollectiveDraft(unit, collective_title, collective_commendation, collective_explanation),
            *(CollectiveDraft(t.team, t.title, t.commendation, t.explanation) for t in collective_lines),
        ],
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
                explanation=nfc(line.explanation)[:2000],
                problems="\n".join(check.lines[line.person.pk].problems),
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
                explanation=nfc(team_line.explanation)[:2000],
                problems="\n".join(check.collectives[team_line.team.pk].problems),
            )
            for index, team_line in enumerate(collective_lines, start=1)
        ]
    )
    registration.collective_title = collective_title
    registration.collective_commendation = collective_commendation
    registration.collective_explanation = nfc(collective_explanation)[:2000]
    registration.collective_problems = "\n".join(check.collectives[unit.pk].problems)
    registration.note = nfc(note)
    registration.updated_by = by
    registration.save()
    return registration


# The old name of each move by its target, for callers that still say where a registration goes.
ACTION_BY_TARGET = {
    S.AWAITING_HEAD: "send_to_head",
    S.SUBMITTED: "submit",
    S.DRAFT: "send_back",
    S.RETURNED: "return",
}


def registration_transition(
    *,
    registration: Registration,
    by,
    action: str | None = None,
    to_status: str | None = None,
    expected_version: int | None = None,
    comment: str = "",
    reopen_until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Registration:
    """The one way to change a registration's status: `action` of the registration workflow.

    The table (who may, from which state, guards, effects) is
    `campaigns.workflows.REGISTRATION_WORKFLOW`; `core.workflow.transition`
    locks the row, treats a repeat by the same actor as done, refuses a stale
    version, writes the history row and runs the effects. `to_status` is
    accepted instead of `action` (the target names the move). Side effects: see
    the workflow (notifications, deadline completions, initiatives register,
    a reopened deadline on a return with `reopen_until`).
    """
    if action is None:
        try:
            action = ACTION_BY_TARGET[to_status]
        except KeyError:
            raise ServiceError("Thao tác không hợp lệ.") from None
    params = {"reopen_until": reopen_until} if action == "return" else {}
    return transition(registration, action, by=by, version=expected_version, comment=comment, today=today, **params)


def initiatives_register_from(*, registration: Registration, by, today: datetime.date) -> int:
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
    part: str = CapPart.TOTAL  # which recipients the cap counts (a plan may cap collectives and individuals apart)


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
    """Check the submitted registrations of a campaign against its caps.

    The total cap goes through the awards engine: the campaign hands its caps
    ({"BK_TINH": 15}) and the registered counts (as "proposed") to
    `awards.engine.quota_usage` for the launching unit's subtree and school year;
    the engine adds awards already decided that year and any legal quota, and
    explains each verdict in Vietnamese. A cap for collectives or for individuals
    (`CampaignAward.cap_collective` / `cap_individual`) is checked against the
    registrations of that kind of recipient (`services/caps.py`).
    """
    from awards.engine import quota_usage
    from awards.schoolyear import school_year_of

    capped = capped_awards(campaign)
    if not capped:
        return []
    caps = {a.award_type.code: a.cap for a in capped if a.cap is not None}
    lines = {}
    if caps:
        registered = registered_counts(campaign, caps)
        year = campaign.school_year or school_year_of(campaign.reference_date)
        lines = {
            line.award_code: line
            for line in quota_usage(
                campaign.launched_by, year, caps=caps, proposed=registered, on_date=campaign.reference_date
            )
        }
    by_part = registered_by_part(campaign, [a.award_type.code for a in capped])
    verdicts = []
    for award in capped:
        if award.cap is not None:
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
        for row in cap_rows(award, by_part[award.award_type.code]):
            if row.part == CapPart.TOTAL:
                continue
            reasons = [f"Chỉ tiêu của phong trào cho {PART_NOUN[row.part]}: tối đa {row.allowed}."]
            if row.is_over:
                reasons.append(f"Vượt số lượng tối đa: đăng ký {row.registered}; tối đa {row.allowed}.")
            verdicts.append(
                CapVerdict(
                    award=award,
                    used=row.registered,
                    registered=row.registered,
                    allowed=row.allowed,
                    ok=not row.is_over,
                    reasons=reasons,
                    part=row.part,
                )
            )
    return verdicts
