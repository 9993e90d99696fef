"""verdicts_refresh: the engine's verdict for every nomination of a dossier, in one engine call."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import engine
from awards.engine import award_type_in_force
from awards.enums import TaskRating
from awards.models import TaskEvaluation
from nominations import checks
from nominations.enums import NominationStatus
from nominations.models import Nomination
from nominations.tests.conftest import YEAR
from units.enums import Gender
from units.models import Person

ON = datetime.date(2026, 5, 20)


def _nominations(dossier, school, count: int, start: int) -> list[Nomination]:
    """`count` teachers of `school` proposed for LĐTT, every other one for CSTĐCS too, the school for TTLĐTT;
    the first teachers rated «hoàn thành xuất sắc» (so verdicts differ)."""
    Person.objects.bulk_create(
        [
            Person(
                unit=school,
                full_name=f"Giáo Viên Thứ {n}",
                name_key=f"giáo viên thứ {n}",
                search_key=f"giao vien thu {n}",
                gender=Gender.FEMALE,
                date_of_birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=n),
                service_start=datetime.date(2005, 9, 1),
            )
            for n in range(start, start + count)
        ]
    )
    people = list(Person.objects.filter(full_name__startswith="Giáo Viên Thứ").order_by("pk"))[-count:]
    TaskEvaluation.objects.bulk_create(
        [TaskEvaluation(person=p, school_year=YEAR, rating=TaskRating.EXCELLENT) for p in people[:3]]
    )
    awards = {code: award_type_in_force(code, ON) for code in ("LDTT", "CSTDCS", "TTLDTT")}
    pairs = [("person", p, "LDTT") for p in people] + [("person", p, "CSTDCS") for p in people[::2]]
    if not dossier.nominations.filter(unit=school).exists():
        pairs.append(("unit", school, "TTLDTT"))
    Nomination.objects.bulk_create(
        [
            Nomination(dossier=dossier, award_type=awards[code], status=NominationStatus.PROPOSED, **{kind: candidate})
            for kind, candidate, code in pairs
        ]
    )
    rows = dossier.nominations.select_related("person", "unit", "award_type").order_by("pk")
    return list(rows.filter(person__in=people)) + list(rows.filter(unit=school))


def test_verdicts_refresh_queries_do_not_grow_with_nominations(dossier, tree):
    few = _nominations(dossier, tree["school_a1"], 10, 0)
    many = _nominations(dossier, tree["school_a1"], 100, 100)
    with CaptureQueriesContext(connection) as few_queries:
        checks.verdicts_refresh(few, year=YEAR, on_date=ON)
    with CaptureQueriesContext(connection) as many_queries:
        checks.verdicts_refresh(many, year=YEAR, on_date=ON)
    assert (len(few), len(many)) == (16, 151)
    assert len(many_queries) == len(few_queries)
    assert Nomination.objects.filter(checked_at__isnull=True).count() == 0


def test_verdicts_refresh_gives_each_candidate_what_the_engine_gives_it_alone(dossier, tree):
    nominations = _nominations(dossier, tree["school_a1"], 6, 0)
    pending = checks.pending_pairs(nominations)
    checks.verdicts_refresh(nominations, year=YEAR, on_date=ON, pending=pending)
    stored = {
        (n.person_id, n.unit_id, n.award_type.code): (n.verdict, n.reasons)
        for n in Nomination.objects.select_related("award_type")
    }
    alone = {}
    for n in nominations:
        (result,) = engine.check_codes(n.candidate, [n.award_type.code], YEAR, on_date=ON, pending=pending)
        reasons = [{"status": r.status, "text": r.text, "legal_basis": r.legal_basis} for r in result.reasons]
        alone[(n.person_id, n.unit_id, n.award_type.code)] = (result.verdict, reasons)
    assert stored == alone
    assert {verdict for verdict, _ in stored.values()} == {"eligible", "needs_review"}  # verdicts differ


def test_verdicts_refresh_again_stores_what_changed_and_dates_every_row(dossier, tree):
    nominations = _nominations(dossier, tree["school_a1"], 6, 0)
    checks.verdicts_refresh(nominations, year=YEAR, on_date=ON)
    first = {n.pk: (n.verdict, n.checked_at) for n in Nomination.objects.all()}
    rated = Person.objects.filter(full_name__startswith="Giáo Viên Thứ").order_by("pk").last()  # not rated yet
    TaskEvaluation.objects.create(person=rated, school_year=YEAR, rating=TaskRating.EXCELLENT)
    checks.verdicts_refresh(
        list(dossier.nominations.select_related("person", "unit", "award_type")), year=YEAR, on_date=ON
    )
    second = {n.pk: (n.verdict, n.checked_at) for n in Nomination.objects.select_related("award_type")}
    moved = {pk for pk in first if first[pk][0] != second[pk][0]}
    ldtt = Nomination.objects.get(person=rated, award_type__code="LDTT")
    assert moved == {ldtt.pk}
    assert (first[ldtt.pk][0], second[ldtt.pk][0]) == ("needs_review", "eligible")
    assert all(second[pk][1] > first[pk][1] for pk in first)
