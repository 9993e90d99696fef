"""A registration checked as it is typed: each line's verdict, its hard-rule breaks, and the quota panel.

Read-only. The form shows it (and re-asks it through htmx for one line), the
registration service refuses what does not fit, and the workflow refuses to
send a registration while a line that breaks a hard rule carries no
explanation (`registration_send_problem`).

Hard rules of a person line:
- the award does not fit the line (`awards.fit`: recipient kind, authority above the unit's level);
- the engine says "not eligible" for the campaign's school year;
- the unit's quota for the award is exceeded by what is registered (legal quota, e.g. 15 % CSTĐCS);
- the person's date of birth is after today;
- a title that the registration practice pairs with an initiative names none (`INITIATIVE_EXPECTED`);
- the campaign's cap on the award (total, or its part for collectives or individuals, `services/caps.py`)
  is exceeded by the other units' submitted registrations plus this one (collective lines too).

Collective lines (the unit's own title and commendation, and each team's) get
the engine's verdict too, with the fit and "not eligible" marked like a person
line. Like a person line, each carries a problems record and an explanation:
a mark without an explanation blocks sending.

Cost: a constant number of queries per award code on the lines (the engine's
bulk `check_many`, people and collectives apart), none per line.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from awards import engine
from awards.enums import AwardCategory
from awards.fit import award_fit_problem
from awards.models import AwardType
from awards.rules_engine.base import NOT_MET
from awards.schoolyear import school_year_of
from units.models import Person, Unit

from ..enums import CapPart
from ..models import Campaign, Registration, RegistrationCollectiveLine, RegistrationLine
from .caps import CapRow, campaign_cap_rows

# Titles that the registration practice pairs with an initiative title (seed 002: "lập danh sách tên sáng
# kiến" beside the CSTĐ lines; Luật Đ.23 lets CSTĐCS rest on an initiative). A line without one is marked,
# and may be kept with an explanation (HTXS alone also qualifies for CSTĐCS). [U] default of the portal.
INITIATIVE_EXPECTED = frozenset({"CSTDCS", "CSTD_TINH", "CSTD_BO", "CSTD_TQ"})


@dataclass
class LineDraft:
    """What one person line says, as typed (the form) or as saved (a registration)."""

    person: Person
    title: AwardType | None = None
    commendation: AwardType | None = None
    initiative_title: str = ""
    explanation: str = ""


# A collective title that presupposes a lower one of the same year (TTLĐXS rests on the unit's work as a
# TTLĐTT): proposing the higher one in the round proposes the lower one too.
COLLECTIVE_LOWER_RUNG = {"TTLDXS": "TTLDTT"}


@dataclass
class CollectiveDraft:
    """What one collective line says: the registering unit itself, or one of its teams."""

    unit: Unit
    title: AwardType | None = None
    commendation: AwardType | None = None
    explanation: str = ""


@dataclass
class CollectiveCheck:
    unit: Unit
    results: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    explanation: str = ""

    @property
    def breaks_rule(self) -> bool:
        return bool(self.problems)

    @property
    def blocking(self) -> bool:
        """A broken hard rule with no explanation: the registration cannot be sent."""
        return self.breaks_rule and not self.explanation.strip()


@dataclass
class LineCheck:
    person: Person
    results: list = field(default_factory=list)  # engine.EligibilityResult for the title, then the commendation
    problems: list[str] = field(default_factory=list)
    explanation: str = ""

    @property
    def breaks_rule(self) -> bool:
        return bool(self.problems)

    @property
    def blocking(self) -> bool:
        """A broken hard rule with no explanation: the registration cannot be sent."""
        return self.breaks_rule and not self.explanation.strip()


@dataclass
class QuotaRow:
    """decided (records of the year) / registered (this registration) / proposed (nominations) against allowed."""

    code: str
    name: str
    decided: int
    registered: int
    proposed: int
    allowed: int | None
    base_decided: bool
    reasons: list = field(default_factory=list)
    estimate: int | None = None  # the limit from the registered base while the decided base is missing

    @property
    def limit(self) -> int | None:
        return self.allowed if self.base_decided else self.estimate

    @property
    def is_over(self) -> bool:
        return self.limit is not None and self.decided + self.registered > self.limit

    @property
    def summary(self) -> str:
        counts = f"đã quyết định {self.decided} · đăng ký {self.registered} · đang đề nghị {self.proposed}"
        if not self.base_decided:
            estimate = f"; dự kiến tối đa {self.estimate} theo số đăng ký" if self.estimate is not None else ""
            return (
                f"{counts} · hạn mức: chưa xác định (chưa có quyết định danh hiệu làm căn cứ của năm học này{estimate})"
            )
        if self.allowed is None:
            return f"{counts} · không giới hạn"
        return f"{counts} · tối đa {self.allowed}"


@dataclass
class RegistrationCheck:
    lines: dict[int, LineCheck]
    quotas: list[QuotaRow]
    collectives: dict[int, CollectiveCheck] = field(default_factory=dict)  # by unit id (the unit, its teams)
    caps: list[CapRow] = field(default_factory=list)  # the campaign's caps on the awards this registration uses

    @property
    def blocking(self) -> list[LineCheck]:
        return [c for c in self.lines.values() if c.blocking]

    @property
    def blocking_collectives(self) -> list[CollectiveCheck]:
        return [c for c in self.collectives.values() if c.blocking]

    @property
    def breaking(self) -> list[LineCheck]:
        return [c for c in self.lines.values() if c.breaks_rule]


def check_year(campaign: Campaign) -> int:
    return campaign.school_year or school_year_of(campaign.reference_date)


def _pending_codes(draft: LineDraft) -> set[str]:
    """What the line itself proposes for the year: its awards and the lower rungs of its title's ladder."""
    codes = {a.code for a in (draft.title, draft.commendation) if a is not None}
    if draft.title is not None and draft.title.rank > 10:
        codes.add("LDTT")  # a higher individual title presupposes Lao động tiên tiến of the year (Luật Đ.23)
    return codes


def _collective_pending_codes(draft: CollectiveDraft) -> set[str]:
    codes = {a.code for a in (draft.title, draft.commendation) if a is not None}
    if draft.title is not None and draft.title.code in COLLECTIVE_LOWER_RUNG:
        codes.add(COLLECTIVE_LOWER_RUNG[draft.title.code])
    return codes


def _check_many(candidates, code, year, on_date, pending, unit_pending):
    """engine.check_many with what each person (`pending`, by person id) and each unit (`unit_pending`, by
    unit id) is proposed for in this registration: a head is judged on the unit's title, a unit on its
    members' titles, both still to be decided in the same round."""
    proposed = [(("person", pk), c) for pk, codes in pending.items() for c in codes]
    proposed += [(("unit", pk), c) for pk, codes in unit_pending.items() for c in codes]
    return engine.check_many(candidates, code, year, on_date=on_date, pending=proposed)


def _not_eligible_problem(result, year: int) -> str | None:
    if result.verdict != engine.Verdict.NOT_ELIGIBLE:
        return None
    unmet = [r.text for r in result.reasons if r.status == NOT_MET]
    return f"Không đủ điều kiện «{result.award_type.name}» năm học {year}-{year + 1}" + (
        f": {'; '.join(unmet)}" if unmet else "."
    )


def registered_by_code(drafts: Sequence[LineDraft]) -> dict[str, int]:
    """Registered uses per award code, titles counted up the ladder (a CSTĐCS line also counts as LĐTT)."""
    counts: dict[str, int] = defaultdict(int)
    for draft in drafts:
        if draft.title is not None:
            counts[draft.title.code] += 1
            if draft.title.code != "LDTT" and draft.title.rank > 10:
                counts["LDTT"] += 1
        if draft.commendation is not None:
            counts[draft.commendation.code] += 1
    return dict(counts)


def quota_rows(*, unit: Unit, year: int, registered: dict[str, int], on_date: datetime.date) -> list[QuotaRow]:
    rows = []
    for line in engine.quota_usage(unit, year, registered=registered, on_date=on_date):
        base_decided = line.base_decided is not False  # None: the quota has no base title
        rows.append(
            QuotaRow(
                code=line.award_code,
                name=line.award_name,
                decided=line.decided,
                registered=line.registered,
                proposed=line.proposed,
                allowed=line.allowed,
                base_decided=base_decided,
                reasons=list(line.reasons),
                estimate=line.estimate,
            )
        )
    return rows


def registration_check(
    *,
    campaign: Campaign,
    unit: Unit,
    drafts: Sequence[LineDraft],
    unit_codes: Sequence[str] = (),
    collectives: Sequence[CollectiveDraft] = (),
    today: datetime.date | None = None,
) -> RegistrationCheck:
    """Every line's verdict and hard-rule breaks, and the unit's quotas with what is registered.

    `unit_codes` are the collective awards the unit registers for itself: proposed in the same round,
    so a head judged on the unit's title (TTLĐXS) is not refused for it. `collectives` are the
    collective lines to check (the unit itself and its teams); their awards count as proposed as well.
    """
    today = today or datetime.date.today()
    year = check_year(campaign)
    on_date = campaign.reference_date
    checks = {d.person.pk: LineCheck(person=d.person, explanation=d.explanation) for d in drafts}
    by_code: dict[str, list[LineDraft]] = defaultdict(list)
    for draft in drafts:
        check = checks[draft.person.pk]
        if draft.person.date_of_birth and draft.person.date_of_birth > today:
            check.problems.append(
                f"Ngày sinh {draft.person.date_of_birth:%d/%m/%Y} sau ngày hôm nay: cần sửa hồ sơ cá nhân."
            )
        for award in (draft.title, draft.commendation):
            if award is None:
                continue
            problem = award_fit_problem(award, collective=False, unit_kind=unit.kind, school_level=unit.school_level)
            if problem:
                check.problems.append(problem)
            else:
                by_code[award.code].append(draft)
        if draft.title is not None and draft.title.code in INITIATIVE_EXPECTED and not draft.initiative_title.strip():
            check.problems.append(f"Đăng ký «{draft.title.name}» nhưng chưa ghi tên sáng kiến.")
    unit_pending: dict[int, set[str]] = defaultdict(set)
    unit_pending[unit.pk].update(unit_codes)
    for collective in collectives:
        unit_pending[collective.unit.pk] |= _collective_pending_codes(collective)
    for code, group in sorted(by_code.items()):
        pending = {d.person.pk: _pending_codes(d) for d in group}
        results = _check_many([d.person for d in group], code, year, on_date, pending, unit_pending)
        for draft, result in zip(group, results, strict=True):
            check = checks[draft.person.pk]
            check.results.append(result)
            problem = _not_eligible_problem(result, year)
            if problem:
                check.problems.append(problem)
    collective_checks = _collective_checks(
        collectives,
        unit=unit,
        year=year,
        on_date=on_date,
        pending={d.person.pk: _pending_codes(d) for d in drafts},
        unit_pending=unit_pending,
    )
    registered = registered_by_code(drafts)
    quotas = []
    if registered:
        quotas = [q for q in quota_rows(unit=unit, year=year, registered=registered, on_date=on_date) if q.registered]
    for quota in quotas:
        if quota.is_over:
            for draft in drafts:
                codes = {a.code for a in (draft.title, draft.commendation) if a is not None}
                if quota.code in codes:
                    checks[draft.person.pk].problems.append(
                        f"Vượt hạn mức «{quota.name}» của đơn vị: {quota.decided + quota.registered}/{quota.limit}"
                        + ("." if quota.base_decided else " (dự kiến theo số đăng ký).")
                    )
    caps = _campaign_caps(campaign, unit, drafts, collectives, checks, collective_checks)
    for check in checks.values():
        check.results.sort(key=lambda r: r.award_type.category != AwardCategory.TITLE)
    return RegistrationCheck(lines=checks, quotas=quotas, collectives=collective_checks, caps=caps)


def _campaign_caps(campaign, unit, drafts, collectives, checks, collective_checks) -> list[CapRow]:
    """The campaign's caps on the awards used here; a line whose award is over a cap (its part) is marked."""
    own: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for draft in drafts:
        for award in (draft.title, draft.commendation):
            if award is not None:
                own[award.code][CapPart.INDIVIDUAL] += 1
    for collective in collectives:
        for award in (collective.title, collective.commendation):
            if award is not None:
                own[award.code][CapPart.COLLECTIVE] += 1
    rows = campaign_cap_rows(campaign, unit_id=unit.pk, own=own)
    for row in rows:
        if not row.is_over:
            continue
        code = row.award.award_type.code
        if row.part in (CapPart.TOTAL, CapPart.INDIVIDUAL):
            for draft in drafts:
                if code in {a.code for a in (draft.title, draft.commendation) if a is not None}:
                    checks[draft.person.pk].problems.append(row.problem)
        if row.part in (CapPart.TOTAL, CapPart.COLLECTIVE):
            for collective in collectives:
                if code in {a.code for a in (collective.title, collective.commendation) if a is not None}:
                    collective_checks[collective.unit.pk].problems.append(row.problem)
    return rows


def _collective_checks(collectives, *, unit, year, on_date, pending, unit_pending) -> dict[int, CollectiveCheck]:
    """The verdicts of the collective lines: one bulk engine call per award code, whatever the number of teams."""
    checks = {c.unit.pk: CollectiveCheck(unit=c.unit, explanation=c.explanation) for c in collectives}
    by_code: dict[str, list[Unit]] = defaultdict(list)
    for collective in collectives:
        check = checks[collective.unit.pk]
        for award in (collective.title, collective.commendation):
            if award is None:
                continue
            problem = award_fit_problem(award, collective=True, unit_kind=unit.kind, school_level=unit.school_level)
            if problem:
                check.problems.append(problem)
            else:
                by_code[award.code].append(collective.unit)
    for code, units in sorted(by_code.items()):
        results = _check_many(units, code, year, on_date, pending, unit_pending)
        for candidate, result in zip(units, results, strict=True):
            check = checks[candidate.pk]
            check.results.append(result)
            problem = _not_eligible_problem(result, year)
            if problem:
                check.problems.append(problem)
    for check in checks.values():
        check.results.sort(key=lambda r: r.award_type.category != AwardCategory.TITLE)
    return checks


def unit_codes_of(*awards) -> list[str]:
    return [a.code for a in awards if a is not None]


def drafts_of(registration: Registration) -> list[LineDraft]:
    return [
        LineDraft(
            person=line.person,
            title=line.title,
            commendation=line.commendation,
            initiative_title=line.initiative_title,
            explanation=line.explanation,
        )
        for line in registration.lines.select_related("person", "title", "commendation")
    ]


def collectives_of(registration: Registration) -> list[CollectiveDraft]:
    """The saved collective lines: the unit's own, then each team's."""
    own = CollectiveDraft(
        unit=registration.unit,
        title=registration.collective_title,
        commendation=registration.collective_commendation,
        explanation=registration.collective_explanation,
    )
    return [own] + [
        CollectiveDraft(unit=line.team, title=line.title, commendation=line.commendation, explanation=line.explanation)
        for line in registration.collective_lines.select_related("team", "title", "commendation")
    ]


def registration_send_problem(registration: Registration, *, today: datetime.date | None = None) -> str | None:
    """The refusal of sending a registration (to the head or upward), or None.

    Each line (person, team or the unit's own) that breaks a hard rule must be corrected or carry an explanation.
    """
    check = registration_check(
        campaign=registration.campaign,
        unit=registration.unit,
        drafts=drafts_of(registration),
        unit_codes=unit_codes_of(registration.collective_title, registration.collective_commendation),
        collectives=collectives_of(registration),
        today=today,
    )
    blocking = [c.person.full_name for c in check.blocking] + [c.unit.name for c in check.blocking_collectives]
    if not blocking:
        return None
    names = ", ".join(blocking[:5]) + (" …" if len(blocking) > 5 else "")
    return (
        f"Còn {len(blocking)} dòng vi phạm điều kiện chưa sửa và chưa có giải trình ({names}). "
        "Hãy sửa các dòng được đánh dấu hoặc ghi giải trình cho từng dòng rồi gửi lại."
    )


def registration_problems_refresh(*, registration: Registration, today: datetime.date | None = None) -> int:
    """Store again each line's hard-rule breaks from a fresh check; returns how many lines changed.

    The overview above reads the stored problems; lines saved before a rule existed (or before the law
    data changed) carry stale ones. This writes only `problems` (derived data, not what the unit typed),
    so it needs no `by` and leaves the version of the registration alone.
    """
    check = registration_check(
        campaign=registration.campaign,
        unit=registration.unit,
        drafts=drafts_of(registration),
        unit_codes=unit_codes_of(registration.collective_title, registration.collective_commendation),
        collectives=collectives_of(registration),
        today=today,
    )
    changed = 0
    lines = list(registration.lines.all())
    for line in lines:
        fresh = "\n".join(check.lines[line.person_id].problems)
        if line.problems != fresh:
            line.problems, changed = fresh, changed + 1
    RegistrationLine.objects.bulk_update(lines, ["problems"])
    team_lines = list(registration.collective_lines.all())
    for line in team_lines:
        fresh = "\n".join(check.collectives[line.team_id].problems)
        if line.problems != fresh:
            line.problems, changed = fresh, changed + 1
    RegistrationCollectiveLine.objects.bulk_update(team_lines, ["problems"])
    own = "\n".join(check.collectives[registration.unit_id].problems)
    if registration.collective_problems != own:
        changed += 1
        Registration.objects.filter(pk=registration.pk).update(collective_problems=own)
    return changed
