"""The collectives' facts (`engine._collective_facts`, read by the unit paths) against the reading before issue 14
(awards/tests/collective_reference.py: the subtree's unit ids, `members_on`, the members' rows by person ids) on a
tree with transfers, inactive people, late and revoked records, non-merit records, discipline and evaluations; and
its queries, constant in the number of people."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import engine, services
from awards.enums import DisciplineKind, TaskRating
from awards.models import DisciplinePeriod
from awards.tests.collective_reference import collective_facts_before
from units.models import Person
from units.services import person_transfer

ON = datetime.date(2025, 6, 20)
KEYS = ["dept", "office_a", "office_b", "school_a1", "school_a2", "school_b1", "team_a1"]


def _plain(facts) -> dict:
    """Comparable content of CollectiveFacts: the members by person id (their order carries no meaning)."""
    members = sorted(
        (m.person_id, m.rating, tuple(sorted(m.codes)), m.discipline_rank, m.left_out) for m in facts.members
    )
    return {
        "name": facts.name,
        "records": facts.records,
        "revoked": facts.revoked_records,
        "members": members,
    }


@pytest.fixture
def history(tree, person_factory, record, rate):
    """Schools A1 (with its team), A2 and B1: people who stayed, left, arrived, left and came back, retired; titles,
    a record decided late, a revoked one, a non-merit one; ratings; sanctions in and out of the year."""
    a1, a2, b1, team = tree["school_a1"], tree["school_a2"], tree["school_b1"], tree["team_a1"]
    stay = [person_factory(unit=a1) for _ in range(3)] + [person_factory(unit=team), person_factory(unit=a2)]
    leave = [person_factory(unit=a1) for _ in range(2)]
    arrive = [person_factory(unit=b1) for _ in range(2)]
    retired = person_factory(unit=a1)
    everyone = stay + leave + arrive + [retired]
    for i, person in enumerate(everyone):
        record(person, "LDTT", 2023)
        record(person, "LDTT", 2024)
        rate(person, 2024, [TaskRating.EXCELLENT, TaskRating.GOOD, TaskRating.COMPLETE][i % 3])
    rate(stay[0], 2023, TaskRating.GOOD)
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
    record(leave[0], "BK_TINH", 2024, commendation_kind="ad_hoc")  # not by merit: left out with why
    record(team, "TTLDTT", 2024)
    record(a1, "TTLDTT", 2024)
    record(b1, "TTLDTT", 2024)
    DisciplinePeriod.objects.create(person=stay[0], kind=DisciplineKind.REPRIMAND, start=datetime.date(2024, 11, 1))
    DisciplinePeriod.objects.create(
        person=leave[1], kind=DisciplineKind.WARNING, start=datetime.date(2023, 1, 1), end=datetime.date(2024, 10, 1)
    )
    DisciplinePeriod.objects.create(person=arrive[0], kind=DisciplineKind.PENDING, start=datetime.date(2024, 12, 1))
    DisciplinePeriod.objects.create(  # before the school year 2024-2025: not counted for 2024
        person=stay[4], kind=DisciplineKind.DEMOTION, start=datetime.date(2023, 1, 1), end=datetime.date(2024, 3, 1)
    )
    for person in leave:
        person_transfer(by=None, person=person, to_unit=b1, effective_date=datetime.date(2024, 10, 1))
    for person in arrive:
        person_transfer(by=None, person=person, to_unit=a1, effective_date=datetime.date(2024, 10, 1))
    # Left for another office, then into the team (after both membership days): belonged to A2 in between.
    person_transfer(by=None, person=stay[3], to_unit=b1, effective_date=datetime.date(2025, 8, 1))
    person_transfer(
        by=None, person=Person.objects.get(pk=stay[3].pk), to_unit=team, effective_date=datetime.date(2025, 9, 1)
    )
    # Moved within office A after the year: counted in A2 on the day of 2023, in A1 for 2024's day.
    person_transfer(by=None, person=stay[4], to_unit=a1, effective_date=datetime.date(2025, 7, 1))
    Person.objects.filter(pk=retired.pk).update(is_active=False)
    return tree


@pytest.mark.parametrize(
    "keys",
    [[key] for key in KEYS]
    + [["dept", "school_a1", "team_a1"], ["school_a1", "school_b1", "school_a2"], ["office_a", "office_b", "team_a1"]],
)
@pytest.mark.parametrize(
    "year, on_date",
    [(2023, ON), (2024, ON), (2024, datetime.date(2025, 7, 15)), (2024, datetime.date(2025, 9, 30))],
)
def test_collective_facts_match_the_reading_before(history, keys, year, on_date):
    units = [history[key] for key in keys]
    labels = engine._labels()
    new = engine._collective_facts(units, year, on_date, labels)
    old = collective_facts_before(units, year, on_date, labels)
    assert {pk: _plain(f) for pk, f in new.items()} == {pk: _plain(f) for pk, f in old.items()}
    # Every case has members but A2 after 1/7/2025 and the team on 30/9/2025 (its one member was in B1).
    assert any(f.members for f in new.values()) or keys in (["school_a2"], ["team_a1"])


def test_the_fixture_exercises_what_it_should(history):
    """The comparison above is no tautology: the cases it names are present in the facts."""
    labels = engine._labels()
    a1, b1, team = history["school_a1"], history["school_b1"], history["team_a1"]
    facts = engine._collective_facts([a1, b1], 2024, datetime.date(2025, 7, 15), labels)
    members = [m for f in facts.values() for m in f.members]
    whys = {why for m in members for _, why in m.left_out}
    assert any("thu hồi" in why for why in whys) and any("không theo công trạng" in why for why in whys)
    assert any(m.discipline_rank for m in members) and any(m.rating for m in members)
    assert any("CSTDCS" in m.codes for m in members)
    retired = Person.objects.get(is_active=False).pk
    assert retired not in {m.person_id for m in members}
    # On 2023's membership day the two now in B1 who came from A1 were A1's (moved out since, read by id).
    came_from_a1 = set(Person.objects.filter(unit=b1, transfers__from_unit=a1).values_list("pk", flat=True))
    assert len(came_from_a1) == 2
    a1_2023 = engine._collective_facts([a1], 2023, ON, labels)[a1.pk].members
    assert came_from_a1 <= {m.person_id for m in a1_2023}
    # On 31/8/2025 the one now in the team was in B1.
    in_team = Person.objects.get(unit=team).pk
    b1_late = engine._collective_facts([b1], 2024, datetime.date(2025, 9, 30), labels)[b1.pk].members
    assert in_team in {m.person_id for m in b1_late}


def test_a_verdict_equal_to_the_reading_before(history, monkeypatch):
    """check_codes of the collectives (the unit page's outlook) decides the same with either reading."""
    codes = ["TTLDTT", "TTLDXS"]

    def run():
        return [
            [
                (r.award_code, r.verdict, [(x.status, x.text) for x in r.reasons])
                for r in engine.check_codes(u, codes, 2024, on_date=ON)
            ]
            for u in (history["dept"], history["school_a1"], history["team_a1"])
        ]

    new = run()
    monkeypatch.setattr(engine, "_collective_facts", collective_facts_before)
    assert new == run()


def test_queries_constant_in_the_number_of_people(history, person_factory, record):
    dept = history["dept"]
    labels = engine._labels()
    with CaptureQueriesContext(connection) as few:
        engine._collective_facts([dept, history["school_a1"]], 2024, ON, labels)
    for unit in ("school_a2", "school_b1", "team_a1"):
        for _ in range(15):
            person = person_factory(unit=history[unit])
            record(person, "LDTT", 2024)
    with CaptureQueriesContext(connection) as many:
        facts = engine._collective_facts([dept, history["school_a1"]], 2024, ON, labels)
    assert len(facts[dept.pk].members) >= 45
    assert len(many) == len(few) == 7
    # No list of the people's or units' ids goes back to the database: only the few who moved out of the
    # subtrees (none for the Sở here) travel as parameters.
    assert all(len(q["sql"]) < 3000 for q in many.captured_queries)
