"""The eligibility and quota engine (public API of the awards app).

Other apps call only these functions; they hand in candidates and campaign
caps rather than the engine reaching for them. The engine picks the catalog
row and the AwardRule rows in force on a date, loads every fact it needs in
bulk (a constant number of queries for any number of candidates), and runs
the pure rule functions of awards/rules_engine/.
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from core.exceptions import ServiceError
from core.fixedsql import FixedQuery
from units.models import Person, PersonTransfer, Unit

from .enums import DISCIPLINE_RANK, CommendationKind, DisciplineKind, InitiativeStatus, RecipientKind, RuleKind, Verdict
from .models import (
    WILDCARD,
    AwardRecord,
    AwardRule,
    AwardType,
    DisciplinePeriod,
    Initiative,
    ServicePeriod,
    TaskEvaluation,
    in_force_q,
)
from .rules_engine import ELIGIBILITY_KINDS, REGISTRY, quota_allowed
from .rules_engine.base import (
    MET,
    NOT_MET,
    NOTE,
    REVIEW,
    CollectiveFacts,
    InitiativeFact,
    LedUnitFact,
    MemberFact,
    PeriodFact,
    PersonFacts,
    Reason,
    RecordFact,
    VoteFacts,
    verdict_of,
)
from .rules_engine.functions import council_vote as _council_vote
from .rules_engine.functions import with_defaults
from .schoolyear import school_year_bounds, school_year_label

UNVERIFIED = " (giá trị mặc định, chưa đối chiếu văn bản hiện hành)"
COMMENDATION_LABELS = dict(CommendationKind.choices)


@dataclass
class EligibilityResult:
    candidate: Person | Unit
    award_code: str
    year: int
    verdict: str
    reasons: list[Reason] = field(default_factory=list)
    award_type: AwardType | None = None

    @property
    def is_eligible(self) -> bool:
        return self.verdict == Verdict.ELIGIBLE

    @property
    def verdict_label(self) -> str:
        return Verdict(self.verdict).label


@dataclass
class QuotaLine:
    """One award's quota in a unit and year: decided, registered and proposed side by side.

    `allowed` is None when no limit is known yet (no rule, or the base title of the
    year is not decided: `base_decided` False, and `estimate` is the limit computed
    from the registered base, if any).
    """

    award_code: str
    award_name: str
    decided: int  # in-force records of the year, as of the date
    proposed: int
    allowed: int | None
    reasons: list[Reason] = field(default_factory=list)
    registered: int = 0
    base_decided: bool | None = None  # None: the quota has no base title
    estimate: int | None = None
    rule_basis: str = ""
    is_verified: bool | None = None  # None: no legal quota rule, only a campaign cap

    @property
    def used(self) -> int:
        return self.decided

    @property
    def remaining(self) -> int | None:
        return None if self.allowed is None else self.allowed - self.decided - self.proposed

    @property
    def is_over(self) -> bool:
        """More proposed, or more registered, than the limit leaves room for."""
        if self.allowed is None:
            return False
        return self.decided + max(self.proposed, self.registered) > self.allowed


# --- catalog and rules in force ----------------------------------------------------------


def award_type_in_force(code: str, on_date: datetime.date) -> AwardType:
    """The catalog row of `code` in force on `on_date`; ServiceError if none."""
    row = AwardType.objects.filter(in_force_q(on_date), code=code).order_by("-effective_from").first()
    if row is None:
        if AwardType.objects.filter(code=code).exists():
            raise ServiceError(f"Danh hiệu/hình thức «{code}» không có hiệu lực vào ngày {on_date:%d/%m/%Y}.")
        raise ServiceError(f"Không có danh hiệu/hình thức mã «{code}» trong danh mục.")
    return row


def rules_in_force(code: str, on_date: datetime.date) -> list[AwardRule]:
    """The rules of `code` plus the rules of every award ("*"), in force on `on_date`."""
    return list(
        AwardRule.objects.filter(in_force_q(on_date), award_code__in=[code, WILDCARD]).order_by(
            "kind", "award_code", "id"
        )
    )


def council_vote_rule(award_type_code: str, *, on_date: datetime.date | None = None) -> dict:
    """The council vote parameters of an award on a date (its own rule, else the "*" rule, else defaults).

    Keys: approval_share, strict, quorum_share, denominator ("total" | "present"),
    secret_ballot, legal_basis, is_verified.
    """
    on_date = on_date or datetime.date.today()
    rules = AwardRule.objects.filter(
        in_force_q(on_date), kind=RuleKind.COUNCIL_VOTE, award_code__in=[award_type_code, WILDCARD]
    )
    chosen = sorted(rules, key=lambda r: (r.award_code == WILDCARD, -r.effective_from.toordinal()))
    if not chosen:
        return {**with_defaults(RuleKind.COUNCIL_VOTE, {}), "legal_basis": "", "is_verified": False}
    rule = chosen[0]
    return {
        **with_defaults(RuleKind.COUNCIL_VOTE, rule.params),
        "legal_basis": rule.legal_basis,
        "is_verified": rule.is_verified,
    }


def council_vote_result(
    award_type_code: str, *, total_members: int, present: int, approvals: int, on_date: datetime.date | None = None
) -> tuple[bool, list[Reason]]:
    """Whether a council vote passes for this award, with the reasons."""
    params = council_vote_rule(award_type_code, on_date=on_date)
    basis = params["legal_basis"] + ("" if params["is_verified"] else UNVERIFIED)
    reasons = [
        dataclasses.replace(r, legal_basis=basis)
        for r in _council_vote(VoteFacts(total_members, present, approvals), params)
    ]
    return all(r.status == MET for r in reasons), reasons


# --- facts, loaded in bulk ------------------------------------------------------------------


def _labels() -> dict[str, str]:
    labels = {}
    for code, short, name in AwardType.objects.order_by("effective_from").values_list("code", "short_name", "name"):
        labels[code] = short or name
    return labels


def _record_fact(code, year, kind, number) -> RecordFact:
    return RecordFact(
        code=code,
        year=year,
        merit=kind == CommendationKind.MERIT,
        commendation_label=COMMENDATION_LABELS.get(kind, kind).lower(),
        decision_number=number,
    )


def _records_by(
    field_name: str, ids, on_date: datetime.date, revoked: dict | None = None, known: list | None = None
) -> dict[int, list[RecordFact]]:
    """In-force records on `on_date` per owner; records revoked by then go to `revoked` (if given), so the
    reasons can say what did not count. One query; none with `known`, every record of the owners already read
    with their award_type and revocation (a person's history page)."""
    result = defaultdict(list)
    if known is not None:
        rows = [
            (
                getattr(r, field_name), r.award_type.code, r.school_year, r.commendation_kind, r.decision_number,
                r.revocation.decision_date if r.revocation_id else None,
            )
            for r in sorted(known, key=lambda r: (r.school_year, r.id))
            if getattr(r, field_name) in ids and (r.decision_date is None or r.decision_date <= on_date)
        ]  # fmt: skip
    elif not ids:
        rows = []  # as the ORM's empty IN: no query
    elif len(ids) == 1:
        rows = _RECORDS_OF_ONE[field_name].run(next(iter(ids)), on_date)
    else:
        rows = _records_of(field_name, on_date).filter(**{f"{field_name}__in": ids})
    for owner, code, year, kind, number, revoked_on in rows:
        if revoked_on is not None and revoked_on <= on_date:
            if revoked is not None:
                revoked.setdefault(owner, []).append(_record_fact(code, year, kind, number))
            continue
        result[owner].append(_record_fact(code, year, kind, number))
    return result


def _records_of(field_name: str, on_date: datetime.date):
    """The records decided on or before `on_date` (`_records_by`'s columns, by school year and id)."""
    decided = Q(decision_date__isnull=True) | Q(decision_date__lte=on_date)
    return (
        AwardRecord.objects.filter(decided)
        .values_list(
            field_name, "award_type__code", "school_year", "commendation_kind", "decision_number",
            "revocation__decision_date",
        )
        .order_by("school_year", "id")
    )  # fmt: skip


# One owner's records (a person's check, the units a person leads): the same statement, fixed (core.fixedsql).
_RECORDS_OF_ONE = {
    name: FixedQuery(lambda pk, day, name=name: _records_of(name, day).filter(**{name: pk}), int, datetime.date)
    for name in ("person_id", "unit_id")
}


def _initiative_spans(on_date: datetime.date, rules: list[AwardRule] | None = None) -> dict[str, int]:
    """Award code -> how many school years (ending with the award's year) of initiatives its rules in force
    read: 1 for a same-year rule with an initiative achievement, the chain's years for a chain alternative
    that needs initiatives. An award of such a code counted the person's initiatives of those years. One query,
    none when `rules` (every rule in force on `on_date`, as _Catalog holds them) are given."""
    spans: dict[str, int] = {}
    if rules is None:
        rows = AwardRule.objects.filter(in_force_q(on_date), kind__in=[RuleKind.SAME_YEAR, RuleKind.CHAIN])
        triples = rows.exclude(award_code=WILDCARD).values_list("award_code", "kind", "params")
    else:
        triples = [
            (r.award_code, r.kind, r.params)
            for r in rules
            if r.award_code != WILDCARD and r.kind in (RuleKind.SAME_YEAR, RuleKind.CHAIN)
        ]
    for code, kind, params in triples:
        params = params or {}
        if kind == RuleKind.SAME_YEAR and "initiative" in (params.get("achievements") or []):
            spans[code] = max(spans.get(code, 0), 1)
        for alt in params.get("alternatives") or [] if kind == RuleKind.CHAIN else []:
            if isinstance(alt, dict) and alt.get("initiatives") and isinstance(alt.get("years"), int):
                spans[code] = max(spans.get(code, 0), alt["years"])
    return spans


def _school_of(unit_row: dict, units: dict) -> int | None:
    """A manager sitting in a team is a manager of the team's school."""
    if unit_row["kind"] == "team" and unit_row["parent_id"]:
        return unit_row["parent_id"]
    return unit_row["id"]


def _periods(model, ids: list[int], known: list | None, *, newest_first: bool):
    """(person id, kind, start, end) of the people's discipline or service periods, by start: the `known`
    rows (every period of the people, already read), else one query."""
    if known is None:
        return model.objects.filter(person_id__in=ids).values_list("person_id", "kind", "start", "end")
    rows = sorted(known, key=lambda period: period.start, reverse=newest_first)
    return [(period.person_id, period.kind, period.start, period.end) for period in rows]


_UNIT_COLUMNS = ("id", "name", "kind", "parent_id", "head_id")
_HEADED = FixedQuery(lambda pk: Unit.objects.filter(head_id=pk).values_list(*_UNIT_COLUMNS), int)
_HEADED_OR_UNIT = FixedQuery(
    lambda pk, unit_id: Unit.objects.filter(Q(head_id=pk) | Q(pk=unit_id)).values_list(*_UNIT_COLUMNS), int, int
)


def _person_facts(
    people: list[Person],
    year: int,
    on_date: datetime.date,
    labels: dict,
    spans: dict | None = None,
    known_records: list | None = None,
    known: dict | None = None,
) -> dict[int, PersonFacts]:
    ids = [p.pk for p in people]
    known = known or {}
    revoked: dict[int, list[RecordFact]] = {}
    records = _records_by("person_id", ids, on_date, revoked, known_records)
    ratings = defaultdict(dict)
    if "evaluations" in known:
        rated = [
            (e.person_id, e.school_year, e.rating) for e in sorted(known["evaluations"], key=lambda e: -e.school_year)
        ]
    else:
        rated = TaskEvaluation.objects.filter(person_id__in=ids).values_list("person_id", "school_year", "rating")
    for pid, y, rating in rated:
        ratings[pid][y] = rating
    initiatives = defaultdict(list)
    if "initiatives" in known:
        authored = [
            (pid, i.school_year, i.scope, i.kind, i.title)
            for pid, i in known["initiatives"]
            if i.status == InitiativeStatus.RECOGNISED
        ]
    else:
        authored = Initiative.authors.through.objects.filter(
            person_id__in=ids, initiative__status=InitiativeStatus.RECOGNISED
        ).values_list(
            "person_id", "initiative__school_year", "initiative__scope", "initiative__kind", "initiative__title"
        )
    if spans is None:
        spans = _initiative_spans(on_date)
    for pid, y, scope, kind, title in authored:
        used_for = tuple(
            r for r in records.get(pid, ()) if r.merit and r.code in spans and r.year - spans[r.code] < y <= r.year
        )
        initiatives[pid].append(InitiativeFact(y, scope, kind, title, used_for))
    discipline = defaultdict(list)
    for pid, kind, start, end in _periods(DisciplinePeriod, ids, known.get("discipline"), newest_first=True):
        discipline[pid].append(PeriodFact(kind, start, end))
    periods = defaultdict(list)
    for pid, kind, start, end in _periods(ServicePeriod, ids, known.get("service_periods"), newest_first=False):
        periods[pid].append(PeriodFact(kind, start, end))
    # Units whose collective title decides a head's or manager's own award.
    manager_unit_ids = {p.unit_id for p in people if p.is_manager}
    if len(people) == 1:  # one person's check: a fixed statement (core.fixedsql)
        person = people[0]
        if person.is_manager:
            found = _HEADED_OR_UNIT.run(person.pk, person.unit_id)
        else:
            found = _HEADED.run(person.pk)
    else:
        found = Unit.objects.filter(Q(head_id__in=ids) | Q(pk__in=manager_unit_ids)).values_list(*_UNIT_COLUMNS)
    unit_rows = {row[0]: dict(zip(_UNIT_COLUMNS, row, strict=True)) for row in found}
    led = defaultdict(set)
    for row in unit_rows.values():
        if row["head_id"] in ids and row["kind"] != "team":
            led[row["head_id"]].add(row["id"])
    for p in people:
        if p.is_manager and p.unit_id in unit_rows:
            led[p.pk].add(_school_of(unit_rows[p.unit_id], unit_rows))
    led_ids = {uid for uids in led.values() for uid in uids}
    missing_names = led_ids - set(unit_rows)
    if missing_names:
        unit_rows.update({row["id"]: row for row in Unit.objects.filter(pk__in=missing_names).values("id", "name")})
    unit_records = _records_by("unit_id", led_ids, on_date)
    facts = {}
    for p in people:
        facts[p.pk] = PersonFacts(
            name=p.full_name,
            year=year,
            on_date=on_date,
            service_start=p.service_start,
            is_manager=p.is_manager,
            records=records.get(p.pk, []),
            ratings=ratings.get(p.pk, {}),
            initiatives=initiatives.get(p.pk, []),
            discipline=discipline.get(p.pk, []),
            service_periods=periods.get(p.pk, []),
            revoked_records=revoked.get(p.pk, []),
            led_units=[
                LedUnitFact(unit_rows[uid]["name"], unit_records.get(uid, []), unit_id=uid)
                for uid in sorted(led.get(p.pk, ()))
            ],
            labels=labels,
        )
    return facts


def membership_day(year: int, on_date: datetime.date) -> datetime.date:
    """The day whose staff counts for a school year: its last day, or the check date if earlier."""
    return min(school_year_bounds(year)[1], on_date)


def members_on(unit_ids, day: datetime.date) -> list[tuple[int, int]]:
    """(person id, unit id) of the active people who belonged to `unit_ids` on `day`, read from the dated
    transfers (PersonTransfer), not from today's staff. Three queries whatever the number of people."""
    unit_ids = set(unit_ids)
    current = dict(Person.objects.filter(unit_id__in=unit_ids, is_active=True).values_list("pk", "unit_id"))
    # Everyone who left one of these units after `day` (moved in after it, or moved out).
    moved = PersonTransfer.objects.filter(from_unit_id__in=unit_ids, effective_date__gt=day).values("person_id")
    first_after, left = {}, set()
    for pid, from_unit in (
        PersonTransfer.objects.filter(Q(person_id__in=list(current)) | Q(person_id__in=moved), effective_date__gt=day)
        .filter(person__is_active=True)
        .order_by("person_id", "effective_date", "id")
        .values_list("person_id", "from_unit_id")
    ):
        if pid not in first_after:
            first_after[pid] = from_unit
            if pid not in current:
                left.add(pid)
    result = []
    for pid in sorted(set(current) | left):
        unit_id = first_after.get(pid, current.get(pid))
        if unit_id in unit_ids:
            result.append((pid, unit_id))
    return result


def _within_any(field_name: str, paths) -> Q:
    """`field_name` (a unit path) is one of `paths` or below one of them."""
    q = Q()
    for path in paths:
        q |= Q(**{f"{field_name}__startswith": path})
    return q if paths else Q(pk__in=[])


def _outermost(paths) -> list[str]:
    """The paths that are not below another of them (a subtree's filter need not name its inner units)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def _members_under(paths: list[str], day: datetime.date) -> tuple[dict[int, str], list[int]]:
    """Person id -> unit path on `day` of the active people whose unit on `day` lies under one of `paths` (the
    subtrees' roots): members_on's rule (the `from_unit` of a person's first transfer after `day`, else the
    person's unit) read by the unit paths, not by lists of unit and person ids. Also the ids of the members whose
    present unit is outside `paths` (moved out since `day`: few). Two queries whatever the number of people."""
    members = dict(
        Person.objects.filter(_within_any("unit_path", paths), is_active=True).order_by().values_list("pk", "unit_path")
    )
    # The transfers after `day` of the active people under the paths now or moved out of them since: a
    # person's first one names the unit on `day`.
    moved_out = PersonTransfer.objects.filter(_within_any("from_unit__path", paths), effective_date__gt=day)
    first_after: dict[int, str] = {}
    for pid, path in (
        PersonTransfer.objects.filter(effective_date__gt=day, person__is_active=True)
        .filter(Q(person_id__in=moved_out.values("person_id")) | _within_any("person__unit_path", paths))
        .order_by("person_id", "effective_date", "id")
        .values_list("person_id", "from_unit__path")
    ):
        first_after.setdefault(pid, path)
    outside = []
    for pid, path in first_after.items():
        if any(path.startswith(root) for root in paths):
            if pid not in members:
                outside.append(pid)
            members[pid] = path
        else:
            members.pop(pid, None)  # under the paths now, elsewhere on the day
    return members, outside


def _collective_facts(units: list[Unit], year: int, on_date: datetime.date, labels: dict) -> dict[int, CollectiveFacts]:
    """The collectives' facts: their own records and, per member (the people whose unit on the membership day
    lies in the unit's subtree, as members_on), the rating, the merit titles, the records of the year left out
    and the heaviest sanction of the year. Seven queries whatever the number of people and units: the subtrees
    and the members are read by the unit paths (Person.unit_path, AwardRecord.unit_path) and the few members
    moved out since the day by their ids, never the subtree's unit ids or its people's ids as parameters
    (issue 14: the Sở's 6,000 units and 60,000 people were sent back as IN lists)."""
    ids = [u.pk for u in units]
    own_revoked: dict[int, list[RecordFact]] = {}
    own_records = _records_by("unit_id", ids, on_date, own_revoked)
    roots = _outermost(u.path for u in units)
    # Who belonged to the unit in that school year (transfers are dated), not today's staff.
    members, outside = _members_under(roots, membership_day(year, on_date))
    # The members' rows: those under the paths now (the rows of people who were not members are read and
    # dropped) and the few who left since, by id.
    of_members = _within_any("person__unit_path", roots) | Q(person_id__in=outside)
    decided = Q(decision_date__isnull=True) | Q(decision_date__lte=on_date)
    records = AwardRecord.objects.filter(decided, school_year=year, person_id__isnull=False).filter(
        _within_any("unit_path", roots) | Q(person_id__in=outside)
    )
    # The titles that count (most rows: two columns), then the few records of the year that do not, kept with
    # why so the reasons can name them.
    counts = Q(commendation_kind=CommendationKind.MERIT) & (
        Q(revocation__isnull=True) | Q(revocation__decision_date__gt=on_date)
    )
    titles = defaultdict(set)
    for pid, code in records.filter(counts).order_by().values_list("person_id", "award_type__code"):
        titles[pid].add(code)
    left_out = defaultdict(list)
    for pid, code, kind, number, revoked_on in (
        records.filter(~Q(commendation_kind=CommendationKind.MERIT) | Q(revocation__decision_date__lte=on_date))
        .values_list(
            "person_id", "award_type__code", "commendation_kind", "decision_number", "revocation__decision_date"
        )
        .order_by("id")
    ):
        if revoked_on is not None and revoked_on <= on_date:
            left_out[pid].append(
                (_record_fact(code, year, kind, number), f"đã bị thu hồi tính đến ngày {on_date:%d/%m/%Y}")
            )
        else:
            fact = _record_fact(code, year, kind, number)
            left_out[pid].append((fact, f"khen {fact.commendation_label}, không theo công trạng"))
    ratings = dict(
        TaskEvaluation.objects.filter(of_members, school_year=year).order_by().values_list("person_id", "rating")
    )
    lo, hi = school_year_bounds(year)
    worst = defaultdict(int)
    for pid, kind in (
        DisciplinePeriod.objects.filter(of_members, start__lte=hi)
        .filter(Q(end__isnull=True) | Q(end__gte=lo))
        .exclude(kind=DisciplineKind.PENDING)
        .order_by()
        .values_list("person_id", "kind")
    ):
        worst[pid] = max(worst[pid], DISCIPLINE_RANK.get(kind, 0))
    shared: dict[frozenset, frozenset] = {}  # one frozenset per distinct set of titles
    codes_of = {pid: shared.setdefault(frozenset(codes), frozenset(codes)) for pid, codes in titles.items()}
    why_of = {pid: tuple(rows) for pid, rows in left_out.items()}
    members_of = {u.pk: [] for u in units}
    by_path = defaultdict(list)  # a candidate's path -> the candidates (a unit may be named twice)
    for u in units:
        if u.pk not in by_path[u.path]:
            by_path[u.path].append(u.pk)
    only = members_of[ids[0]] if len(by_path) == 1 else None
    none: frozenset = frozenset()
    for pid, path in members.items():
        member = MemberFact(
            ratings.get(pid),
            codes_of.get(pid, none),
            worst.get(pid, 0),
            none,
            pid,
            why_of.get(pid, ()),
        )
        if only is not None:
            only.append(member)
            continue
        end = path.find("/", 1)
        while end != -1:  # every candidate whose path is a prefix of the member's unit's path
            for pk in by_path.get(path[: end + 1], ()):
                members_of[pk].append(member)
            end = path.find("/", end + 1)
    facts = {}
    for u in units:
        facts[u.pk] = CollectiveFacts(
            name=u.name,
            year=year,
            on_date=on_date,
            records=own_records.get(u.pk, []),
            members=members_of[u.pk],
            labels=labels,
            revoked_records=own_revoked.get(u.pk, []),
        )
    return facts


@dataclass
class _Catalog:
    """The catalog and the rules on a day, read in two queries (both tables hold tens of rows) for a whole
    check: the rows in force per code, every code's label, and the rules in force (by kind, code, id)."""

    on_date: datetime.date
    rows: list[AwardType]  # every catalog row, by effective_from
    rules: list[AwardRule]  # every rule in force on on_date, by kind, award_code, id
    types: dict[str, AwardType] = field(default_factory=dict)  # code -> its latest row in force
    labels: dict[str, str] = field(default_factory=dict)  # code -> short name or name of its latest row

    @classmethod
    def load(cls, on_date: datetime.date) -> "_Catalog":
        rows = _CATALOG_ROWS.run()
        rules = _RULES_IN_FORCE.run(on_date)
        catalog = cls(on_date, rows, rules)
        for row in rows:
            catalog.labels[row.code] = row.short_name or row.name
            if row.effective_from <= on_date and (row.effective_to is None or row.effective_to >= on_date):
                catalog.types[row.code] = row
        return catalog

    def award_type(self, code: str) -> AwardType:
        """As award_type_in_force, from the rows read."""
        if code in self.types:
            return self.types[code]
        if any(row.code == code for row in self.rows):
            raise ServiceError(f"Danh hiệu/hình thức «{code}» không có hiệu lực vào ngày {self.on_date:%d/%m/%Y}.")
        raise ServiceError(f"Không có danh hiệu/hình thức mã «{code}» trong danh mục.")

    def rules_of(self, code: str) -> list[AwardRule]:
        """As rules_in_force: the code's rules and the rules of every award, by kind, code, id."""
        return [rule for rule in self.rules if rule.award_code in (code, WILDCARD)]

    def codes_for(self, recipient: str) -> list[str]:
        """The codes in force open to `recipient` (RecipientKind.INDIVIDUAL or COLLECTIVE), by rank and code:
        awards.selectors.individual_codes_in_force / collective_codes_in_force, from the rows read."""
        excluded = RecipientKind.COLLECTIVE if recipient == RecipientKind.INDIVIDUAL else RecipientKind.INDIVIDUAL
        rows = [row for row in self._in_force_by_rank() if row.recipient_kind != excluded]
        return list(dict.fromkeys(row.code for row in rows))

    def choices_for(self, recipient: str) -> list[tuple[str, str]]:
        """awards.selectors.check_award_choices(recipient, on_date=self.on_date), from the rows read."""
        codes = set(self.codes_for(recipient))
        return list(dict.fromkeys((row.code, row.name) for row in self._in_force_by_rank() if row.code in codes))

    def _in_force_by_rank(self) -> list[AwardType]:
        day = self.on_date
        in_force = [
            r for r in self.rows if r.effective_from <= day and (r.effective_to is None or r.effective_to >= day)
        ]
        # The selectors' ORDER BY rank, code: one row per code is in force on a day (AwardType.clean refuses
        # overlapping versions), so no tie is left to the database's order.
        return sorted(in_force, key=lambda r: (r.rank, r.code))


# The catalog and the rules in force, fixed statements (core.fixedsql): every eligibility check reads both.
_CATALOG_ROWS = FixedQuery(lambda: AwardType.objects.order_by("effective_from"))
_RULES_IN_FORCE = FixedQuery(
    lambda day: AwardRule.objects.filter(in_force_q(day)).order_by("kind", "award_code", "id"), datetime.date
)


def _catalog_for(catalog: _Catalog | None, on_date: datetime.date) -> _Catalog:
    if catalog is None:
        return _Catalog.load(on_date)
    if catalog.on_date != on_date:
        raise ValueError(f"the catalog was read for {catalog.on_date}, the check is on {on_date}")
    return catalog


# The last catalog read by this process, per database: (stamp, day, catalog). The law as data, the same for every
# user: kept while the database's catalog stamp (awards.0008: a new random one drawn by triggers in the same
# transaction as any change of awards_awardtype or awards_awardrule) is the one read with it.
_KEPT: dict[str, tuple[str, datetime.date, _Catalog]] = {}


def catalog_stamp() -> str | None:
    """The stamp of the catalog's content (None without its row): one query on a one-row table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT stamp FROM awards_catalogstamp WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def catalog_on(on_date: datetime.date) -> _Catalog:
    """The catalog rows and the rules in force on `on_date` for a page that checks and also lists the awards
    (`codes_for`, `choices_for`): hand it to check_codes / check_eligibility as `catalog`. One query (the stamp)
    while the process holds the catalog of that day read under the same stamp, else three. The stamp is read
    before the rows: a change committed in between leaves the rows newer than their stamp, never older, and the
    next request reads the new stamp. The catalog is shared by the requests: read it, never change it."""
    stamp = catalog_stamp()
    kept = _KEPT.get(connection.alias)
    if stamp is not None and kept is not None and kept[0] == stamp and kept[1] == on_date:
        return kept[2]
    catalog = _Catalog.load(on_date)
    if stamp is not None:
        _KEPT[connection.alias] = (stamp, on_date, catalog)
    return catalog


def load_facts(
    candidates: list,
    year: int,
    on_date: datetime.date,
    *,
    catalog: _Catalog | None = None,
    known_records: list | None = None,
    known: dict | None = None,
) -> list:
    """PersonFacts / CollectiveFacts for each candidate, in order, in a constant number of queries (two fewer
    with the `catalog` of the check, one fewer with `known_records`: every award record of the people
    candidates, already read with their award_type and revocation, and one fewer for each kind of row in
    `known`: every row of the people candidates already read, "evaluations" (TaskEvaluation), "initiatives"
    ((author's person id, Initiative) pairs), "discipline" (DisciplinePeriod), "service_periods"
    (ServicePeriod); a person's history page)."""
    labels = catalog.labels if catalog is not None else _labels()
    spans = _initiative_spans(on_date, catalog.rules) if catalog is not None else None
    people = [c for c in candidates if isinstance(c, Person)]
    units = [c for c in candidates if isinstance(c, Unit)]
    other = [c for c in candidates if not isinstance(c, Person | Unit)]
    if other:
        raise TypeError("candidates must be Person or Unit objects")
    person_facts = _person_facts(people, year, on_date, labels, spans, known_records, known) if people else {}
    unit_facts = _collective_facts(units, year, on_date, labels) if units else {}
    return [person_facts[c.pk] if isinstance(c, Person) else unit_facts[c.pk] for c in candidates]


def candidate_key(candidate: Person | Unit) -> tuple[str, int]:
    """The key a caller uses in `pending`: ("person", pk) or ("unit", pk)."""
    return ("unit", candidate.pk) if isinstance(candidate, Unit) else ("person", candidate.pk)


def _pending_map(pending) -> dict[tuple[str, int], frozenset]:
    """{(candidate key, code), ...} (a key may also be the Person/Unit itself) -> key: codes."""
    result = defaultdict(set)
    for key, code in pending or ():
        if isinstance(key, Person | Unit):
            key = candidate_key(key)
        result[tuple(key)].add(code)
    return {key: frozenset(codes) for key, codes in result.items()}


def _with_pending(facts, candidate, pending_map: dict):
    if not pending_map:
        return facts
    facts.pending = pending_map.get(candidate_key(candidate), frozenset())
    for led in getattr(facts, "led_units", ()):
        led.pending = pending_map.get(("unit", led.unit_id), frozenset())
    for member in getattr(facts, "members", ()):
        member.pending = pending_map.get(("person", member.person_id), frozenset())
    return facts


# --- evaluation -------------------------------------------------------------------------------


def _applies(rule: AwardRule, facts) -> bool:
    applies_to = (rule.params or {}).get("applies_to", "both")
    if applies_to == "individual":
        return not facts.is_collective
    if applies_to == "collective":
        return facts.is_collective
    return True


def _run_rule(rule: AwardRule, facts, award_type: AwardType | None = None) -> list[Reason]:
    basis = rule.legal_basis + ("" if rule.is_verified else UNVERIFIED)
    reasons = REGISTRY[rule.kind](facts, rule.params or {})
    if (rule.params or {}).get("on_fail") == "review" and any(r.status == NOT_MET for r in reasons):
        # Checkable criteria decide: the verdict stays "not eligible". The law also allows criteria
        # only a reviewer can judge (e.g. Điều 74 for Bằng khen): name them, so a nomination can go
        # ahead only with a reviewer's override and written reason.
        criteria = (award_type.criteria if award_type else "") or "theo văn bản hiện hành"
        reasons = list(reasons) + [
            Reason(
                NOTE,
                "Không đạt tiêu chuẩn kiểm tra tự động; văn bản còn cho phép xét theo tiêu chuẩn khác "
                f"(chuyên viên đối chiếu: {criteria.rstrip('.')}). Chỉ đề nghị khi người duyệt chấp thuận "
                "và ghi rõ lý do.",
            )
        ]
    # Reason is frozen: one with its own basis is kept as is (no copy per candidate and reason).
    return [r if r.legal_basis or not basis else Reason(r.status, r.text, basis) for r in reasons]


def evaluate(award_type: AwardType, rules: list[AwardRule], facts) -> tuple[str, list[Reason]]:
    """Run the eligibility rules on one candidate's facts. Pure: no queries."""
    reasons: list[Reason] = []
    recipient = award_type.recipient_kind
    if facts.is_collective and recipient == RecipientKind.INDIVIDUAL:
        reasons.append(Reason(NOT_MET, f"{award_type.name} chỉ xét tặng cho cá nhân.", award_type.legal_basis))
        return verdict_of(reasons), reasons
    if not facts.is_collective and recipient == RecipientKind.COLLECTIVE:
        reasons.append(Reason(NOT_MET, f"{award_type.name} chỉ xét tặng cho tập thể.", award_type.legal_basis))
        return verdict_of(reasons), reasons
    own_rules = 0
    for rule in rules:
        if rule.kind not in ELIGIBILITY_KINDS or rule.kind not in REGISTRY or not _applies(rule, facts):
            continue
        # A blocking rule only restricts; it is no criterion that could make the award "Đủ điều kiện".
        if rule.award_code != WILDCARD and rule.kind != RuleKind.BLOCKING:
            own_rules += 1
        reasons.extend(_run_rule(rule, facts, award_type))
    if not own_rules:
        text = f"Chưa có quy tắc tự động cho {award_type.name}"
        text += " đối với tập thể" if facts.is_collective else ""
        text += (
            "; chuyên viên đối chiếu tiêu chuẩn: " + (award_type.criteria or "theo văn bản hiện hành").rstrip(".") + "."
        )
        reasons.append(Reason(REVIEW, text, award_type.legal_basis))
    return verdict_of(reasons), reasons


def check_many(
    candidates: Iterable[Person | Unit],
    award_type_code: str,
    year: int,
    *,
    on_date: datetime.date | None = None,
    pending: Iterable[tuple] | None = None,
    catalog: _Catalog | None = None,
    known_records: list | None = None,
    known: dict | None = None,
) -> list[EligibilityResult]:
    """check_eligibility for many candidates in a constant number of queries; results keep the input order.

    `pending` is what the caller proposes in the same, still open, round of `year`:
    {(candidate_key(c) or c, code), ...}. Only those titles of the year count as
    "to be decided"; any other title of the year not decided is missing.
    Raises ServiceError when the award code is unknown or not in force on the date. `catalog`: `catalog_on(on_date)`
    already read by the caller; `known_records`, `known`: see `check_codes`.
    """
    candidates = list(candidates)
    on_date = on_date or datetime.date.today()
    catalog = _catalog_for(catalog, on_date)
    award_type = catalog.award_type(award_type_code)
    rules = catalog.rules_of(award_type_code)
    pending_map = _pending_map(pending)
    results = []
    facts_all = load_facts(candidates, year, on_date, catalog=catalog, known_records=known_records, known=known)
    for candidate, facts in zip(candidates, facts_all, strict=True):
        facts.award_code = award_type_code
        _with_pending(facts, candidate, pending_map)
        verdict, reasons = evaluate(award_type, rules, facts)
        results.append(EligibilityResult(candidate, award_type_code, year, verdict, reasons, award_type))
    return results


def check_eligibility(
    candidate: Person | Unit,
    award_type_code: str,
    year: int,
    *,
    on_date: datetime.date | None = None,
    pending: Iterable[tuple] | None = None,
    catalog: _Catalog | None = None,
    known_records: list | None = None,
    known: dict | None = None,
) -> EligibilityResult:
    """Is `candidate` (a Person or a Unit) eligible for the award `award_type_code` in school year `year`?

    `year` is the school year's start (2024 = 2024-2025). The catalog row and the
    rules applied are those in force on `on_date` (default: today). Returns the
    verdict (Verdict.ELIGIBLE / NOT_ELIGIBLE / NEEDS_REVIEW) and the reasons, in
    Vietnamese, each with its legal basis. Read-only. Raises ServiceError when the
    award code is unknown or not in force on the date. `pending`, `catalog`, `known_records`, `known`: see check_many.
    """
    return check_many(
        [candidate],
        award_type_code,
        year,
        on_date=on_date,
        pending=pending,
        catalog=catalog,
        known_records=known_records,
        known=known,
    )[0]


def check_codes(
    candidate: Person | Unit,
    codes: Iterable[str],
    year: int,
    *,
    on_date: datetime.date | None = None,
    pending: Iterable[tuple] | None = None,
    known_records: list | None = None,
    known: dict | None = None,
    catalog: _Catalog | None = None,
) -> list[EligibilityResult]:
    """One candidate against several awards, loading its facts once; codes not in force are skipped.
    `known_records`: the person's award records already read with their award_type and revocation (its history
    page), so they are not read again; `known`: the person's other rows already read (see `load_facts`);
    `catalog`: `catalog_on(on_date)` already read by the caller."""
    wanted = [(candidate, codes)]
    return check_codes_many(
        wanted, year, on_date=on_date, pending=pending, known_records=known_records, known=known, catalog=catalog
    )[0]


def check_codes_many(
    wanted: Iterable[tuple[Person | Unit, Iterable[str]]],
    year: int,
    *,
    on_date: datetime.date | None = None,
    pending: Iterable[tuple] | None = None,
    known_records: list | None = None,
    known: dict | None = None,
    catalog: _Catalog | None = None,
) -> list[list[EligibilityResult]]:
    """`check_codes` for many (candidate, codes) pairs at once (a dossier's nominations): the catalog rows,
    the rules and every candidate's facts are loaded once for all, so 10 and 1,000 candidates cost the same
    queries. One list of results per pair, in order; codes not in force are skipped."""
    on_date = on_date or datetime.date.today()
    wanted = [(candidate, list(codes)) for candidate, codes in wanted]
    catalog = _catalog_for(catalog, on_date)
    types = catalog.types
    rules = defaultdict(list)
    wildcard = []
    for rule in catalog.rules:  # by kind, code, id: each code's own rules and the wildcard's stay by kind, id
        (wildcard if rule.award_code == WILDCARD else rules[rule.award_code]).append(rule)
    pending_map = _pending_map(pending)
    candidates = [candidate for candidate, _ in wanted]
    results = []
    facts_all = load_facts(candidates, year, on_date, catalog=catalog, known_records=known_records, known=known)
    for (candidate, codes), facts in zip(wanted, facts_all, strict=True):
        facts = _with_pending(facts, candidate, pending_map)
        own = []
        for code in codes:
            if code not in types:
                continue
            one = dataclasses.replace(facts, award_code=code)
            verdict, reasons = evaluate(types[code], rules[code] + wildcard, one)
            own.append(EligibilityResult(candidate, code, year, verdict, reasons, types[code]))
        results.append(own)
    return results


# --- quotas ------------------------------------------------------------------------------------


# The in-force records of a school year of a subtree's collectives and of the people who belonged to it on the
# membership day, counted per award code in one statement. Who belonged: an active person whose unit on the day
# is in the subtree, that unit being the `from_unit` of the person's first transfer after the day, or the
# person's unit if none (as `members_on`). The first transfers after the day are ranked once (few rows), each
# marked by its `from_unit`'s path (read by key): 0 outside the subtree on the day; inside, 2 if the person is
# active and now outside (read by key only then), else 1. Each record carries its owner's present unit path
# (AwardRecord.unit_path: the person's unit or the collective), so two branches, disjoint by that path:
# - under the path: one pass over the covering index (school_year, unit_path) INCLUDE (person_id,
#   award_type_id, decision_date, revocation_id) (awards.0009: an index-only scan), less the records of the
#   people who were outside on the day (moved in since) and of the inactive people under the path (a person's
#   records carry the person's path), counted there per (award type, revocation): a handful of groups, joined
#   to the catalog and the revocations only then;
# - not under it: the records of the people marked 2 (their present path is outside), by the records' person
#   index (on PostgreSQL from an array computed once).
# People moved within the subtree stay in the first branch, so the second reads only those who left (few even
# for the Sở). Membership of small sets is a NOT IN (a hashed subplan: one pass over its rows) and a row is read
# by key with no other condition, never a join: under stale statistics (units_person, units_unit,
# awards_awardrecord believed empty) PostgreSQL drove each join from the wrong side, and chose another index
# for a key with a second condition, reading all the people or all the units once per row. Before (issue 14)
# the Sở's 64,000 records of a year were read from the heap, joined row by row and sorted on disk by code, and
# every person moved since the day was read again by key.
_DECIDED_COUNTS_SQL = """
WITH first_after AS (
    SELECT person_id, from_unit_id FROM (
        SELECT t.person_id, t.from_unit_id,
               ROW_NUMBER() OVER (PARTITION BY t.person_id ORDER BY t.effective_date, t.id) AS n
        FROM {transfer} t WHERE t.effective_date > %(day)s
    ) ranked WHERE n = 1
),
moved AS (
    SELECT f.person_id,
           CASE WHEN (SELECT u.path FROM {unit} u WHERE u.id = f.from_unit_id) LIKE %(path)s ESCAPE '\\' THEN
               CASE WHEN (
                   SELECT CASE WHEN p.is_active THEN p.unit_path END FROM {person} p WHERE p.id = f.person_id
               ) NOT LIKE %(path)s ESCAPE '\\' THEN 2 ELSE 1 END
           ELSE 0 END AS state
    FROM first_after f
),
counted AS (
    SELECT r.award_type_id, r.revocation_id, COUNT(*) AS n FROM {record} r
    WHERE r.school_year = %(year)s AND r.unit_path LIKE %(path)s ESCAPE '\\'
      AND (r.decision_date IS NULL OR r.decision_date <= %(on_date)s)
      AND (r.person_id IS NULL OR (
          r.person_id NOT IN (SELECT m.person_id FROM moved m WHERE m.state = 0)
          AND r.person_id NOT IN (
              SELECT p.id FROM {person} p WHERE p.unit_path LIKE %(path)s ESCAPE '\\' AND NOT p.is_active
          )
      ))
    GROUP BY r.award_type_id, r.revocation_id
    UNION ALL
    SELECT r.award_type_id, r.revocation_id, COUNT(*) AS n FROM {record} r
    WHERE r.person_id {any_of}(SELECT m.person_id FROM moved m WHERE m.state = 2){any_end}
      AND r.school_year = %(year)s AND r.unit_path NOT LIKE %(path)s ESCAPE '\\'
      AND (r.decision_date IS NULL OR r.decision_date <= %(on_date)s)
    GROUP BY r.award_type_id, r.revocation_id
)
SELECT a.code, SUM(c.n) FROM counted c
INNER JOIN {award_type} a ON a.id = c.award_type_id
LEFT OUTER JOIN {revocation} v ON v.id = c.revocation_id
WHERE c.revocation_id IS NULL OR v.decision_date > %(on_date)s
GROUP BY a.code
"""


def _decided_counts(unit: Unit, year: int, on_date: datetime.date) -> dict[str, int]:
    """Award code -> the records of `year` in force on `on_date` (decided on or before it, not revoked by a
    revocation dated on or before it) of `unit`'s subtree: its collectives and the people who belonged to it on
    `membership_day` (`members_on`). One query: the subtree, its members and the count were three, then the
    members' ids (hundreds) went back to PostgreSQL as parameters, most of the dossier page's quota CPU."""
    ops = connection.ops
    sql = _DECIDED_COUNTS_SQL.format(
        unit=ops.quote_name(Unit._meta.db_table),
        person=ops.quote_name(Person._meta.db_table),
        transfer=ops.quote_name(PersonTransfer._meta.db_table),
        record=ops.quote_name(AwardRecord._meta.db_table),
        award_type=ops.quote_name(AwardType._meta.db_table),
        revocation=ops.quote_name(AwardRecord._meta.get_field("revocation").related_model._meta.db_table),
        # An array computed once (an InitPlan) on PostgreSQL, so the few people are looked up by the index
        # instead of joined; IN elsewhere.
        any_of="= ANY(ARRAY" if connection.vendor == "postgresql" else "IN ",
        any_end=")" if connection.vendor == "postgresql" else "",
    )
    like = unit.path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    params = {
        "path": like,
        "day": ops.adapt_datefield_value(membership_day(year, on_date)),
        "year": year,
        "on_date": ops.adapt_datefield_value(on_date),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # nosec B608: quoted table names only; the values travel in params
        return {code: int(n) for code, n in cursor.fetchall()}  # SUM is a numeric on PostgreSQL


def quota_usage(
    unit: Unit,
    year: int,
    *,
    caps: Mapping[str, int] | None = None,
    proposed: Mapping[str, int] | None = None,
    registered: Mapping[str, int] | None = None,
    on_date: datetime.date | None = None,
) -> list[QuotaLine]:
    """Decided / registered / proposed / allowed per award for `unit` (its whole subtree) in school year `year`.

    `decided` counts the records of the year in force on `on_date` (decided on or
    before it, not revoked by then) of people and collectives of the subtree.
    `caps` are limits handed in by a campaign ({"BK_TINH": 15}); the smaller of a
    cap and the legal quota applies. `registered` counts the registrations of the
    year and `proposed` the nominations not yet decided, both handed in by the
    caller. When the quota's base title (this year's LĐTT) is not decided yet the
    legal limit is not known: `allowed` is the cap or None, `base_decided` is
    False, a reason says so, and `estimate` is computed from the registered base.
    Each line names the rule in force and whether its value is verified. Read-only.
    """
    on_date = on_date or datetime.date.today()
    caps, proposed, registered = dict(caps or {}), dict(proposed or {}), dict(registered or {})
    quota_rules = {}
    rows = AwardRule.objects.filter(in_force_q(on_date), kind=RuleKind.QUOTA).exclude(award_code=WILDCARD)
    for rule in rows.order_by("effective_from", "id"):
        quota_rules[rule.award_code] = rule  # the latest in force wins
    codes = sorted(set(quota_rules) | set(caps) | set(proposed) | set(registered))
    counts = _decided_counts(unit, year, on_date)
    labels = _labels()
    lines = []
    for code in codes:
        line = QuotaLine(
            code, labels.get(code, code), counts.get(code, 0), proposed.get(code, 0), None, [],
            registered=registered.get(code, 0),
        )  # fmt: skip
        rule = quota_rules.get(code)
        basis = ""
        if rule is not None:
            params = with_defaults(RuleKind.QUOTA, rule.params)
            basis = rule.legal_basis + ("" if rule.is_verified else UNVERIFIED)
            line.rule_basis, line.is_verified = rule.legal_basis, rule.is_verified
            base_code = params["base_title"]
            verified = "đã đối chiếu" if rule.is_verified else "chưa đối chiếu văn bản hiện hành"
            if base_code:
                base_label = labels.get(base_code, base_code)
                base = counts.get(base_code, 0)
                line.base_decided = base > 0
                if base:
                    line.allowed, how = quota_allowed(base, params)
                    line.reasons.append(
                        Reason(NOTE, f"Theo quy định ({verified}): {how} (số {base_label} của đơn vị).", basis)
                    )
                else:
                    line.reasons.append(
                        Reason(
                            NOTE,
                            f"Chưa có quyết định công nhận {base_label} năm học {school_year_label(year)}; "
                            "hạn mức tính khi có quyết định.",
                            basis,
                        )
                    )
                    base_registered = registered.get(base_code, 0)
                    if base_registered:
                        line.estimate, how = quota_allowed(base_registered, params)
                        line.reasons.append(
                            Reason(
                                NOTE,
                                f"Ước tính theo số đăng ký {base_label} ({verified}): {how}.",
                                basis,
                            )
                        )
            else:
                line.allowed, how = quota_allowed(None, params)
                line.reasons.append(Reason(NOTE, f"Theo quy định ({verified}): {how}.", basis))
        if code in caps:
            cap = caps[code]
            line.allowed = cap if line.allowed is None else min(line.allowed, cap)
            line.reasons.append(Reason(NOTE, f"Chỉ tiêu của phong trào: tối đa {cap}."))
        if line.is_over:
            line.reasons.append(
                Reason(
                    NOT_MET,
                    f"Vượt hạn mức: đã có {line.decided}, đăng ký {line.registered}, đề nghị {line.proposed}; "
                    f"tối đa {line.allowed}.",
                    basis,
                )
            )
        lines.append(line)
    return lines


__all__ = [
    "Verdict",
    "Reason",
    "EligibilityResult",
    "QuotaLine",
    "candidate_key",
    "check_eligibility",
    "check_many",
    "check_codes",
    "check_codes_many",
    "catalog_on",
    "quota_usage",
    "council_vote_rule",
    "council_vote_result",
    "award_type_in_force",
    "rules_in_force",
]
