"""Every read an awards view shows, scoped to the user where it concerns people or units."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.fixedsql import FixedQuery
from units import selectors as unit_selectors
from units.enums import UnitKind
from units.models import Person, Unit
from units.rules import Cap, can, people_in_scope, scope_q, unit_scope_q, units_in_scope
from units.selectors import valid_pk

from .enums import RATING_SHORT, CommendationKind, InitiativeStatus, RecipientKind, TaskRating
from .models import (
    WILDCARD,
    AuthorityRoute,
    AuthorityRouteStep,
    AwardRecord,
    AwardRule,
    AwardType,
    DisciplinePeriod,
    Initiative,
    ServicePeriod,
    TaskEvaluation,
    in_force_q,
)
from .schoolyear import school_year_label


def catalog(*, on_date: datetime.date | None = None) -> QuerySet[AwardType]:
    """The catalog; only rows in force on `on_date` when given. Everyone may read it."""
    rows = AwardType.objects.all()
    if on_date is not None:
        rows = rows.filter(in_force_q(on_date))
    return rows


def award_type_get(pk) -> AwardType:
    return get_object_or_404(AwardType, pk=pk)


def award_type_versions(award_type: AwardType) -> QuerySet[AwardType]:
    return AwardType.objects.filter(code=award_type.code).order_by("effective_from")


def award_rules_of(code: str) -> QuerySet[AwardRule]:
    return AwardRule.objects.filter(award_code__in=[code, WILDCARD]).order_by("kind", "award_code", "effective_from")


def individual_codes_in_force(on_date: datetime.date) -> list[str]:
    rows = catalog(on_date=on_date).exclude(recipient_kind=RecipientKind.COLLECTIVE).order_by("rank", "code")
    return list(dict.fromkeys(rows.values_list("code", flat=True)))


def collective_codes_in_force(on_date: datetime.date) -> list[str]:
    rows = catalog(on_date=on_date).exclude(recipient_kind=RecipientKind.INDIVIDUAL).order_by("rank", "code")
    return list(dict.fromkeys(rows.values_list("code", flat=True)))


def award_choices(*, on_date: datetime.date | None = None) -> list[tuple[str, str]]:
    rows = catalog(on_date=on_date or datetime.date.today()).order_by("rank", "code")
    return list(dict.fromkeys((r.code, r.name) for r in rows))


def check_award_choices(recipient: str, *, on_date: datetime.date) -> list[tuple[str, str]]:
    """The awards an eligibility check offers a person (`recipient` INDIVIDUAL) or a unit (COLLECTIVE):
    award_choices' pairs whose code has a row in force open to that recipient (the codes of
    individual_/collective_codes_in_force). One query instead of those two."""
    excluded = RecipientKind.COLLECTIVE if recipient == RecipientKind.INDIVIDUAL else RecipientKind.INDIVIDUAL
    rows = list(catalog(on_date=on_date).order_by("rank", "code").values_list("code", "name", "recipient_kind"))
    codes = {code for code, _, kind in rows if kind != excluded}
    return list(dict.fromkeys((code, name) for code, name, _ in rows if code in codes))


def award_code_choices() -> list[tuple[str, str]]:
    """Every code of the catalog once, named after its latest row, with who may receive it.
    Whether the code is in force on a decision's date is checked when the decision is saved."""
    recipients = dict(RecipientKind.choices)
    choices = {}
    for code, name, recipient in AwardType.objects.order_by("rank", "code", "-effective_from").values_list(
        "code", "name", "recipient_kind"
    ):
        choices.setdefault(code, f"{name} ({recipients.get(recipient, recipient).lower()})")
    return list(choices.items())


def records_in_scope(user, unit: Unit | None = None, cap: Cap = Cap.READ) -> QuerySet[AwardRecord]:
    """Award records of the people and collectives on which the user holds `cap` (READ: what it may see);
    with `unit`, only those of its subtree. The only way a view or export reads a unit's records: a Phòng
    secretary asking for the Phòng gets the Phòng's own records, never the schools' below it."""
    records = AwardRecord.objects.filter(record_scope_q(user, cap))
    if unit is not None:
        records = records.filter(unit_path__startswith=unit.path)
    # The owners by their keys in their own queries (a page's 25, an export's few hundred), not joined: under
    # stale statistics ("0 rows" for units_person) the planner drove a LEFT JOIN to people with a full index
    # scan per record (a Phòng's list cancelled at 1 s). The catalog and the revocations are small tables.
    return records.select_related("award_type", "revocation").prefetch_related("person__unit", "unit")


def record_scope_q(user, cap: Cap = Cap.READ) -> Q:
    """The records of the people and collectives on which the user holds `cap`: on the record's own
    `unit_path` (its owner's unit, a person's or the collective itself), one indexed column, no join."""
    return scope_q(user, cap, "person__unit", model=AwardRecord)


def record_page_ids(records: QuerySet[AwardRecord]) -> QuerySet:
    """The ids of `records` in their order, read on the records alone: the catalog's ranks (a few dozen rows)
    become a CASE on `award_type_id`, so the statement joins no table. A list's page reads its 25 ids here, then
    its rows by key (`record_page_rows`): the page statement with its joins, under stale statistics ("0 rows" for
    awards_awardrecord), hashed the whole subtree's wide rows to disk before sorting (the Sở's list 0.6–3 s)."""
    ranks = AwardType.objects.values_list("pk", "rank")
    rank = Case(*[When(award_type_id=pk, then=Value(r)) for pk, r in ranks], output_field=IntegerField())
    order = []
    for field in records.query.order_by or AwardRecord._meta.ordering:
        if isinstance(field, str) and field.lstrip("-") == "award_type__rank":
            order.append(rank.desc() if field.startswith("-") else rank.asc())
        else:
            order.append(field)
    return records.order_by(*order).values_list("pk", flat=True)


def record_page_rows(records: QuerySet[AwardRecord], ids) -> list[AwardRecord]:
    """The rows of `ids` (a page of `record_page_ids(records)`) in that order, by key."""
    ids = list(ids)
    rows = {record.pk: record for record in records.order_by().filter(pk__in=ids)} if ids else {}
    return [rows[pk] for pk in ids if pk in rows]


def records_visible_to(user) -> QuerySet[AwardRecord]:
    """Records of people and collectives in the user's units."""
    return records_in_scope(user)


def record_get_visible(user, pk) -> AwardRecord:
    return get_object_or_404(records_visible_to(user), pk=valid_pk(pk))


_PERSON_WITH_UNIT = FixedQuery(lambda pk: Person.objects.filter(pk=pk).select_related("unit"), int)


def person_get_visible(user, pk) -> Person:
    """units.selectors.person_get_visible's person with its unit, or 404, for the history and check pages: the row
    by its key from one fixed statement (core.fixedsql), the permission decided by the kernel's `can(user, READ,
    unit)` on the roles the request already holds, instead of the scoped queryset built and compiled each time
    (a third of these pages' own CPU). The same decision as `unit_scope_q(user, "unit", model=Person)`: OWN on
    the unit's id, its kind and parent; a subtree on the path, which the scope reads from the row's `unit_path`
    and `can` from the unit's `path`. Should those two ever differ, the scoped queryset decides."""
    rows = _PERSON_WITH_UNIT.run(valid_pk(pk))
    if not rows:
        raise Http404
    person = rows[0]
    if person.unit_path != person.unit.path:
        return unit_selectors.person_get_visible(user, pk)
    if not can(user, Cap.READ, person.unit):
        raise Http404
    return person


# A person's rows, each read by one fixed statement (core.fixedsql): the history and eligibility pages ran the same
# five querysets on every request and the ORM spent more CPU building and compiling them than PostgreSQL answering.
_PERSON_RECORDS = FixedQuery(
    lambda pk: (
        AwardRecord.objects.filter(person_id=pk)
        .select_related("award_type", "revocation")
        .order_by("school_year", "id")
    ),
    int,
)
_PERSON_EVALUATIONS = FixedQuery(lambda pk: TaskEvaluation.objects.filter(person_id=pk).order_by("-school_year"), int)
_PERSON_INITIATIVES = FixedQuery(lambda pk: Initiative.objects.filter(authors=pk).order_by("school_year", "title"), int)
_PERSON_DISCIPLINE = FixedQuery(lambda pk: DisciplinePeriod.objects.filter(person_id=pk).order_by("-start", "-id"), int)
_PERSON_SERVICE_PERIODS = FixedQuery(lambda pk: ServicePeriod.objects.filter(person_id=pk).order_by("start", "id"), int)


def person_rows(person: Person) -> dict:
    """Every award record (with its award_type and revocation), rating, initiative, discipline and service period
    of `person`: five queries, each a fixed statement. `records` and `known` go to the eligibility engine
    (`engine.check_codes(..., known_records=rows["records"], known=rows["known"])`), which then reads none of
    them again."""
    records = _PERSON_RECORDS.run(person.pk)
    evaluations = _PERSON_EVALUATIONS.run(person.pk)
    initiatives = _PERSON_INITIATIVES.run(person.pk)
    discipline = _PERSON_DISCIPLINE.run(person.pk)
    service_periods = _PERSON_SERVICE_PERIODS.run(person.pk)
    return {
        "records": records,
        "evaluations": evaluations,
        "initiatives": initiatives,
        "discipline": discipline,
        "service_periods": service_periods,
        "known": {
            "evaluations": evaluations,
            "initiatives": [(person.pk, item) for item in initiatives],
            "discipline": discipline,
            "service_periods": service_periods,
        },
    }


def person_history(person: Person) -> dict:
    """A person's titles, commendations, ratings and initiatives, by school year, newest first: one query for
    each kind of row, none per year (`person_rows`). `known` holds the rows for the eligibility engine
    (`engine.check_codes(..., known_records=history["records"], known=history["known"])`), which then reads
    none of them again."""
    found = person_rows(person)
    records, evaluations, initiatives = found["records"], found["evaluations"], found["initiatives"]
    years = defaultdict(lambda: {"merit": [], "other": [], "revoked": [], "initiatives": [], "evaluation": None})
    for record in records:
        bucket = "revoked" if record.is_revoked else "merit" if record.counts_for_merit else "other"
        years[record.school_year][bucket].append(record)
    for evaluation in evaluations:
        years[evaluation.school_year]["evaluation"] = evaluation
    for item in initiatives:
        years[item.school_year]["initiatives"].append(item)
    rows = [{"year": year, **data} for year, data in sorted(years.items(), reverse=True)]
    return {"rows": rows, **found}


def _award_table_order(record: AwardRecord) -> tuple:
    """-school_year, decision_date descending with no date last, award_type__rank, id: the query's order."""
    day = record.decision_date
    return (-record.school_year, day is None, -day.toordinal() if day else 0, record.award_type.rank, record.id)


def person_award_table(person: Person, records: list[AwardRecord] | None = None) -> list[dict]:
    """«Các hình thức đã được khen thưởng» of a báo cáo thành tích: one row per award in force
    (merit, ad hoc, thematic… together; revoked ones left out), newest first. One query, none when given
    the person's `records` already read with their award_type (person_history's).

    Each row: year (school year start), year_label ("2023-2024"), award (name), decision_number,
    decision_date, issuer, and decision ("Số 125/QĐ-UBND ngày 20/06/2023; UBND huyện …").
    """
    if records is not None:
        records = sorted((r for r in records if r.revocation_id is None), key=_award_table_order)
    else:
        records = (
            AwardRecord.objects.in_force()
            .filter(person=person)
            .select_related("award_type")
            .order_by("-school_year", F("decision_date").desc(nulls_last=True), "award_type__rank", "id")
        )
    rows = []
    for record in records:
        parts = []
        if record.decision_number:
            parts.append(f"Số {record.decision_number}")
        if record.decision_date:
            parts.append(f"ngày {record.decision_date:%d/%m/%Y}")
        decision = " ".join(parts)
        if record.issuer:
            decision = f"{decision}; {record.issuer}" if decision else record.issuer
        rows.append(
            {
                "year": record.school_year,
                "year_label": school_year_label(record.school_year),
                "award": record.award_type.name,
                "decision_number": record.decision_number,
                "decision_date": record.decision_date,
                "issuer": record.issuer,
                "decision": decision,
            }
        )
    return rows


def discipline_get_visible(user, pk) -> DisciplinePeriod:
    """A discipline period of a person of the user's units, else 404."""
    periods = DisciplinePeriod.objects.filter(unit_scope_q(user, "person__unit")).select_related("person__unit")
    return get_object_or_404(periods, pk=valid_pk(pk))


def service_period_get_visible(user, pk) -> ServicePeriod:
    periods = ServicePeriod.objects.filter(unit_scope_q(user, "person__unit")).select_related("person__unit")
    return get_object_or_404(periods, pk=valid_pk(pk))


def unit_staff(user, unit: Unit) -> QuerySet[Person]:
    """Active people of the unit itself and of its teams (not of schools below a Phòng) that the user may read."""
    return (
        people_in_scope(user, unit, active_only=True)
        .filter(Q(unit=unit) | Q(unit__parent=unit, unit__kind=UnitKind.TEAM))
        .select_related("unit")
        .order_by("unit__path", "full_name", "id")
    )


def evaluation_grid(user, unit: Unit, school_year: int) -> dict:
    """The rating grid of a unit for a year: one row per active person of the unit and its teams
    (those the user may read), with the saved rating (or None), and how many people have each rating.
    Three queries."""
    people = list(unit_staff(user, unit))
    saved = dict(
        TaskEvaluation.objects.filter(person__in=[p.pk for p in people], school_year=school_year).values_list(
            "person_id", "rating"
        )
    )
    rows = [{"person": p, "team": p.unit if p.unit_id != unit.pk else None, "rating": saved.get(p.pk)} for p in people]
    counts = [(RATING_SHORT[r], sum(1 for row in rows if row["rating"] == r)) for r in TaskRating]
    counts.append(("Chưa đánh giá", sum(1 for row in rows if row["rating"] is None)))
    return {"rows": rows, "counts": counts}


def recipient_people(user, unit: Unit) -> QuerySet[Person]:
    """People who may be named in a decision entered for `unit`: active people of its subtree whose
    history the user may enter (MANAGE_PEOPLE)."""
    return initiative_authors_choices(user, unit).order_by("unit__path", "full_name", "id")


def recipient_units(user, unit: Unit) -> QuerySet[Unit]:
    """Collectives that may be named in a decision entered for `unit`: itself and the units below it
    on which the user holds MANAGE_PEOPLE."""
    return units_in_scope(user, unit, Cap.MANAGE_PEOPLE).order_by("path")


def unit_history(user, unit: Unit) -> dict:
    """A collective's own awards by year, and its members' titles counted per year and award
    (only members the user may read)."""
    own = list(
        AwardRecord.objects.filter(unit=unit).select_related("award_type", "revocation").order_by("-school_year")
    )
    # Counted on the records alone by type id (no join: a narrow hash aggregate), named from the catalog.
    counts = (
        AwardRecord.objects.in_force()
        .filter(record_scope_q(user), unit_path__startswith=unit.path, person__isnull=False)
        .filter(commendation_kind=CommendationKind.MERIT)
        .order_by()
        .values_list("school_year", "award_type_id")
        .annotate(n=Count("id"))
    )
    types = {pk: names for pk, *names in AwardType.objects.values_list("pk", "code", "short_name", "name")}
    members = Counter()  # by (year, code, short name, name), as the versions of one code share them
    for school_year, type_id, n in counts:
        members[(school_year, *types[type_id])] += n
    by_year = defaultdict(lambda: {"own": [], "members": []})
    for record in own:
        by_year[record.school_year]["own"].append(record)
    for (school_year, _code, short_name, name), n in sorted(members.items(), key=lambda i: (-i[0][0], i[0][1:])):
        by_year[school_year]["members"].append((short_name or name, n))
    return {"rows": [{"year": y, **d} for y, d in sorted(by_year.items(), reverse=True)]}


def initiatives_visible_to(user) -> QuerySet[Initiative]:
    return initiatives_in_scope(user)


def initiative_get_visible(user, pk) -> Initiative:
    return get_object_or_404(initiatives_visible_to(user).prefetch_related("authors"), pk=valid_pk(pk))


def initiatives_in_scope(user, unit: Unit | None = None, cap: Cap = Cap.READ) -> QuerySet[Initiative]:
    """Initiatives of the units on which the user holds `cap`; with `unit`, only those of its subtree."""
    initiatives = Initiative.objects.filter(scope_q(user, cap, "unit"))
    if unit is not None:
        initiatives = initiatives.filter(unit__path__startswith=unit.path)
    return initiatives.select_related("unit")


def unit_initiatives(user, unit: Unit) -> QuerySet[Initiative]:
    """The initiatives register of a unit: its subtree's initiatives the user may read, authors listed."""
    # Only authors the user may read are named (a Phòng's initiative may have authors in its schools).
    return initiatives_in_scope(user, unit).prefetch_related(
        Prefetch("authors", queryset=people_in_scope(user).order_by("full_name"))
    )


def initiative_authors_choices(user, unit: Unit) -> QuerySet[Person]:
    """Active people of `unit`'s subtree the user may manage: the authors it may name."""
    return people_in_scope(user, unit, Cap.MANAGE_PEOPLE, active_only=True).select_related("unit").order_by("full_name")


def recognised_count(user, unit: Unit, year: int) -> int:
    return unit_initiatives(user, unit).filter(school_year=year, status=InitiativeStatus.RECOGNISED).count()


# --- the route to the deciding authority ----------------------------------------------------------

DECIDING_KINDS = (
    UnitKind.MINISTRY,
    UnitKind.PROVINCIAL_AUTHORITY,
    UnitKind.DEPARTMENT,
    UnitKind.DISTRICT_AUTHORITY,
    UnitKind.OFFICE,
    UnitKind.COMMUNE_AUTHORITY,
)


def authority_routes_for_unit(user, unit: Unit) -> QuerySet:
    """Route rows a unit's route page lists: those on its ancestors (they apply to it) and those on the
    unit and below that the user may read. Newest first within each scope."""
    return (
        AuthorityRoute.objects.filter(
            Q(unit_id__in=unit.ancestor_ids()) | (Q(unit__path__startswith=unit.path) & unit_scope_q(user, "unit"))
        )
        .select_related("unit", "decider")
        .prefetch_related(Prefetch("steps", queryset=_route_steps()))
        .order_by("unit__path", "authority_kind", "-effective_from")
    )


def authority_route_history(user, unit: Unit, limit: int = 20) -> list:
    """The latest changes (simple_history) of the route rows the unit's route page lists: who, when, what."""
    ids = authority_routes_for_unit(user, unit).values("pk")
    return list(
        AuthorityRoute.history.filter(id__in=ids)
        .select_related("history_user", "unit", "decider")
        .order_by("-history_date")[:limit]
    )


def _route_steps():
    return AuthorityRouteStep.objects.select_related("unit").order_by("position")


def authority_route_get_visible(user, pk):
    """A route row whose scope unit the user may read, else 404."""
    return get_object_or_404(
        AuthorityRoute.objects.filter(unit_scope_q(user, "unit")).select_related("unit", "decider"), pk=pk
    )


def route_unit_choices(user) -> QuerySet[Unit]:
    """Units offered as decider or as a step: the public offices (Bộ, UBND, Sở, Phòng), and the units the user
    administers (a unit may decide for itself)."""
    return Unit.objects.filter(Q(kind__in=DECIDING_KINDS) | scope_q(user, Cap.ADMINISTER)).order_by("path")
