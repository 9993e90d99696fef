"""The decided counts of a quota (`engine._decided_counts`, one statement) against their definition: the
in-force records of the year of the subtree's collectives and of the people who belonged to it on the
membership day (`members_on`), counted with the ORM as quota_usage did before."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from awards import engine, services
from awards.models import AwardRecord
from units.models import Person, Unit
from units.services import person_transfer

ON = datetime.date(2025, 6, 20)


def _reference(unit, year, on_date) -> dict[str, int]:
    subtree = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    members = [pid for pid, _ in engine.members_on(subtree, engine.membership_day(year, on_date))]
    decided = Q(decision_date__isnull=True) | Q(decision_date__lte=on_date)
    not_revoked = Q(revocation__isnull=True) | Q(revocation__decision_date__gt=on_date)
    return dict(
        AwardRecord.objects.filter(decided & not_revoked)
        .filter(Q(person_id__in=members) | Q(unit_id__in=subtree), school_year=year)
        .values_list("award_type__code")
        .annotate(n=Count("id"))
        .values_list("award_type__code", "n")
    )


@pytest.fixture
def history(tree, person_factory, record):
    """School A1 (with its team) and B1: titles of 2023 and 2024, people who stayed, left, arrived and retired
    after the year, a team's title, a record decided late, a revoked one."""
    a1, b1, team = tree["school_a1"], tree["school_b1"], tree["team_a1"]
    stay = [person_factory(unit=a1) for _ in range(3)] + [person_factory(unit=team)]
    leave = [person_factory(unit=a1) for _ in range(2)]
    arrive = [person_factory(unit=b1) for _ in range(2)]
    retired = person_factory(unit=a1)
    for person in stay + leave + arrive + [retired]:
        record(person, "LDTT", 2023)
        record(person, "LDTT", 2024)
    record(stay[0], "CSTDCS", 2024)
    record(stay[1], "CSTDCS", 2024, decision_date=datetime.date(2025, 9, 1))  # decided after ON
    revoked = record(stay[2], "CSTDCS", 2024, decision_number="9/QĐ-TH")
    services.decision_revoke(
        by=None,
        decision_number=revoked.decision_number,
        decision_date=revoked.decision_date,
        revocation_number="1/QĐ-TH",
        revocation_date=datetime.date(2025, 7, 1),
        reason="Kê khai sai",
    )
    record(team, "TTLDTT", 2024)
    record(a1, "TTLDTT", 2024)
    record(b1, "TTLDTT", 2024)
    for person in leave:
        person_transfer(by=None, person=person, to_unit=b1, effective_date=datetime.date(2024, 10, 1))
    for person in arrive:
        person_transfer(by=None, person=person, to_unit=a1, effective_date=datetime.date(2024, 10, 1))
    # Left and came back: belonged to B1 in between (after both membership days).
    person_transfer(by=None, person=stay[3], to_unit=b1, effective_date=datetime.date(2025, 8, 1))
    person_transfer(
        by=None, person=Person.objects.get(pk=stay[3].pk), to_unit=team, effective_date=datetime.date(2025, 9, 1)
    )
    Person.objects.filter(pk=retired.pk).update(is_active=False)
    return tree


@pytest.mark.parametrize("unit_key", ["school_a1", "school_b1", "office_a", "dept", "team_a1", "school_a2"])
@pytest.mark.parametrize(
    "year, on_date",
    [(2023, ON), (2024, ON), (2024, datetime.date(2025, 7, 15)), (2024, datetime.date(2025, 9, 30))],
)
def test_decided_counts_match_members_on(history, unit_key, year, on_date):
    unit = history[unit_key]
    assert engine._decided_counts(unit, year, on_date) == _reference(unit, year, on_date)


def test_decided_counts_of_a_school_after_moves(history):
    # 2023: the stayers, the leavers (in A1 until 2024-10-01) and not the arrivals nor the retired: 6 LĐTT.
    assert engine._decided_counts(history["school_a1"], 2023, ON) == {"LDTT": 6}
    # 2024 (membership day 2025-05-31): stayers and arrivals; CSTĐCS: one decided, one late, one revoked after ON.
    assert engine._decided_counts(history["school_a1"], 2024, ON) == {"LDTT": 6, "CSTDCS": 2, "TTLDTT": 2}
    assert engine._decided_counts(history["school_a1"], 2024, datetime.date(2025, 7, 15)) == {
        "LDTT": 6,
        "CSTDCS": 1,
        "TTLDTT": 2,
    }


def test_quota_usage_queries_constant_in_people(tree, person_factory, record):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            engine.quota_usage(tree["office_a"], 2024, on_date=ON, proposed={"CSTDCS": 1})
        return len(captured)

    record(person_factory(unit=tree["school_a1"]), "LDTT", 2024)
    one = queries()
    for _ in range(12):
        person = person_factory(unit=tree["school_a2"])
        record(person, "LDTT", 2024)
        person_transfer(by=None, person=person, to_unit=tree["school_b1"], effective_date=datetime.date(2025, 8, 1))
    # The quota rules, the labels and the counts.
    assert (one, queries()) == (3, 3)
