"""Every read an awards view shows, scoped to the user where it concerns people or units."""

import datetime
from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from units.models import Person, Unit
from units.rules import unit_scope_q

from .enums import CommendationKind, InitiativeStatus, RecipientKind
from .models import WILDCARD, AwardRecord, AwardRule, AwardType, Initiative, TaskEvaluation, in_force_q


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


def records_visible_to(user) -> QuerySet[AwardRecord]:
    """Records of people and collectives in the user's units."""
    return AwardRecord.objects.filter(unit_scope_q(user, "person__unit") | unit_scope_q(user, "unit")).select_related(
        "award_type", "person", "person__unit", "unit", "revocation"
    )


def record_get_visible(user, pk) -> AwardRecord:
    return get_object_or_404(records_visible_to(user), pk=pk)


def unit_subtree_records(unit: Unit) -> QuerySet[AwardRecord]:
    return AwardRecord.objects.filter(
        Q(person__unit__path__startswith=unit.path) | Q(unit__path__startswith=unit.path)
    ).select_related("award_type", "person", "person__unit", "unit", "revocation")


def person_history(person: Person) -> dict:
    """A person's titles, commendations, ratings and initiatives, by school year, newest first."""
    records = list(
        AwardRecord.objects.filter(person=person).select_related("award_type", "revocation").order_by("school_year")
    )
    evaluations = {e.school_year: e for e in TaskEvaluation.objects.filter(person=person)}
    initiatives = list(
        Initiative.objects.filter(authors=person).select_related("unit").order_by("school_year", "title")
    )
    years = defaultdict(lambda: {"merit": [], "other": [], "revoked": [], "initiatives": [], "evaluation": None})
    for record in records:
        bucket = "revoked" if record.is_revoked else "merit" if record.counts_for_merit else "other"
        years[record.school_year][bucket].append(record)
    for year, evaluation in evaluations.items():
        years[year]["evaluation"] = evaluation
    for item in initiatives:
        years[item.school_year]["initiatives"].append(item)
    rows = [{"year": year, **data} for year, data in sorted(years.items(), reverse=True)]
    return {"rows": rows, "records": records, "initiatives": initiatives}


def unit_history(unit: Unit) -> dict:
    """A collective's own awards by year, and its members' titles counted per year and award."""
    own = list(
        AwardRecord.objects.filter(unit=unit).select_related("award_type", "revocation").order_by("-school_year")
    )
    counts = (
        AwardRecord.objects.in_force()
        .filter(person__unit__path__startswith=unit.path, commendation_kind=CommendationKind.MERIT)
        .values("school_year", "award_type__code", "award_type__short_name", "award_type__name")
        .annotate(n=Count("id"))
        .order_by("-school_year", "award_type__code")
    )
    by_year = defaultdict(lambda: {"own": [], "members": []})
    for record in own:
        by_year[record.school_year]["own"].append(record)
    for row in counts:
        label = row["award_type__short_name"] or row["award_type__name"]
        by_year[row["school_year"]]["members"].append((label, row["n"]))
    return {"rows": [{"year": y, **d} for y, d in sorted(by_year.items(), reverse=True)]}


def initiatives_visible_to(user) -> QuerySet[Initiative]:
    return Initiative.objects.filter(unit_scope_q(user, "unit")).select_related("unit")


def initiative_get_visible(user, pk) -> Initiative:
    return get_object_or_404(initiatives_visible_to(user).prefetch_related("authors"), pk=pk)


def unit_initiatives(unit: Unit) -> QuerySet[Initiative]:
    return (
        Initiative.objects.filter(unit__path__startswith=unit.path)
        .select_related("unit")
        .prefetch_related(Prefetch("authors", queryset=Person.objects.order_by("full_name")))
    )


def initiative_authors_choices(unit: Unit) -> QuerySet[Person]:
    return (
        Person.objects.filter(unit__path__startswith=unit.path, is_active=True)
        .select_related("unit")
        .order_by("full_name")
    )


def recognised_count(unit: Unit, year: int) -> int:
    return unit_initiatives(unit).filter(school_year=year, status=InitiativeStatus.RECOGNISED).count()
