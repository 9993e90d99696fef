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
from units.enums import SchoolLevel, UnitKind
from units.models import Person, Unit
from units.services import person_transfer, unit_create

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


MOVED = datetime.date(2025, 7, 1)  # after ON, before the end of school year 2024 (2025-08-31)


@pytest.fixture
def province(tree, person_factory, record):
    """The Sở of `tree` beside another Sở: people moved across its Phòng, out of it, into it, twice, before the
    membership day; inactive people; personal and collective records decided late, undated (imported), revoked
    before and after the check's day."""
    dept, a1, a2, b1, team = (tree[k] for k in ("dept", "school_a1", "school_a2", "school_b1", "team_a1"))
    other = unit_create(by=None, name="Sở GD&ĐT Khác", kind=UnitKind.DEPARTMENT, document_code="SGDK")
    other_school = unit_create(
        by=None, name="Trường THCS Khác", kind=UnitKind.SCHOOL, school_level=SchoolLevel.LOWER_SECONDARY, parent=other
    )
    people = {
        "stay_a1": person_factory(unit=a1),
        "stay_team": person_factory(unit=team),
        "across": person_factory(unit=a2),  # Phòng A -> Phòng B after the day
        "left": person_factory(unit=a1),  # out of the Sở after the day
        "came": person_factory(unit=other_school),  # into the Sở after the day
        "out_and_back": person_factory(unit=b1),  # B1 -> the other Sở -> A2, both after the day
        "twice_within": person_factory(unit=a1),  # A1 -> B1 -> the team, both after the day
        "before_day": person_factory(unit=a2),  # out of the Sở before the membership day of 2024
        "left_inactive": person_factory(unit=a1),  # out of the Sở after the day, then retired
        "inactive": person_factory(unit=b1),
        "outsider": person_factory(unit=other_school),
    }
    undated = {"stay_team", "came", "outsider"}
    for key, person in people.items():
        for year in (2023, 2024, 2025):
            extra = {"decision_date": None} if key in undated and year == 2024 else {}
            record(person, "LDTT", year, **extra)
    record(people["stay_a1"], "CSTDCS", 2024, decision_date=datetime.date(2025, 9, 1))  # decided after ON
    early = datetime.date(2025, 5, 15)
    record(people["across"], "CSTDCS", 2024, decision_number="7/QĐ-TH", decision_date=early)
    record(people["left"], "CSTDCS", 2024, decision_number="8/QĐ-TH", decision_date=early)
    record(people["out_and_back"], "CSTDCS", 2024, decision_number="8/QĐ-TH", decision_date=early)
    record(people["came"], "CSTDCS", 2024, decision_number="9/QĐ-TH")
    for unit in (a1, a2, b1, team, other_school):
        record(unit, "TTLDTT", 2024)
        record(unit, "TTLDTT", 2025, decision_date=None)
    record(b1, "TTLDXS", 2024, decision_number="7/QĐ-TH", decision_date=early)
    for number, day in (("7/QĐ-TH", datetime.date(2025, 6, 1)), ("8/QĐ-TH", datetime.date(2025, 7, 1))):
        services.decision_revoke(
            by=None,
            decision_number=number,
            decision_date=early,
            revocation_number=f"R-{number}",
            revocation_date=day,
            reason="Kê khai sai",
        )
    moves = [
        ("across", b1, MOVED),
        ("left", other_school, MOVED),
        ("came", b1, MOVED),
        ("out_and_back", other_school, MOVED),
        ("out_and_back", a2, datetime.date(2025, 8, 1)),
        ("twice_within", b1, MOVED),
        ("twice_within", team, datetime.date(2025, 8, 1)),
        ("before_day", other_school, datetime.date(2025, 3, 1)),
        ("left_inactive", other_school, MOVED),
    ]
    for key, unit, day in moves:
        person_transfer(by=None, person=Person.objects.get(pk=people[key].pk), to_unit=unit, effective_date=day)
    Person.objects.filter(pk__in=[people["left_inactive"].pk, people["inactive"].pk]).update(is_active=False)
    return {**tree, "other": other, "other_school": other_school}


def test_decided_counts_in_a_province_match_members_on(province):
    # One fixture for every unit and day (it is slow to build): each case named in the message.
    days = [(2023, ON), (2024, ON), (2024, datetime.date(2025, 9, 30)), (2025, datetime.date(2025, 9, 30))]
    keys = ["dept", "office_a", "office_b", "school_a1", "school_a2", "school_b1", "team_a1", "other", "other_school"]
    for key in keys:
        for year, on_date in days:
            unit = province[key]
            expected = _reference(unit, year, on_date)
            assert engine._decided_counts(unit, year, on_date) == expected, (key, year, on_date)


def test_decided_counts_of_the_dept_after_moves(province):
    # 2024 checked on ON (its membership day: before the year's end), before the moves of July and August: in
    # the Sở then stay_a1, stay_team (undated record), across, left, out_and_back, twice_within (not came, not
    # before_day; left_inactive and inactive are retired): 6 LĐTT. CSTĐCS: left's and out_and_back's revoked
    # 2025-07-01 (after ON) count, across's revoked 2025-06-01 and stay_a1's decided 2025-09-01 do not.
    # Collectives: A1, A2, B1, the team; B1's TTLĐXS revoked before ON.
    assert engine._decided_counts(province["dept"], 2024, ON) == {"LDTT": 6, "CSTDCS": 2, "TTLDTT": 4}
    # Phòng B then: B1's people (out_and_back; inactive is retired) and B1's title; A's movers not yet.
    assert engine._decided_counts(province["office_b"], 2024, ON) == {"LDTT": 1, "CSTDCS": 1, "TTLDTT": 1}
    # Phòng A then: stay_a1, stay_team, across, left, twice_within and the titles of A1, A2 and the team.
    assert engine._decided_counts(province["office_a"], 2024, ON) == {"LDTT": 5, "CSTDCS": 1, "TTLDTT": 3}
    # Checked on 2025-09-30, the membership day is the year's end (2025-08-31), after every move: came counts,
    # left does not; the revocations of 2025-07-01 count and stay_a1's CSTĐCS is decided; came's too.
    assert engine._decided_counts(province["dept"], 2024, datetime.date(2025, 9, 30)) == {
        "LDTT": 6,
        "CSTDCS": 2,
        "TTLDTT": 4,
    }
    # Phòng B on that day: across, came (B1), out_and_back has left for A2, twice_within for the team.
    assert engine._decided_counts(province["office_b"], 2024, datetime.date(2025, 9, 30)) == {
        "LDTT": 2,
        "CSTDCS": 1,
        "TTLDTT": 1,
    }
    # 2025: the people's titles are decided in June 2026, not yet; the collectives' undated ones count on any day.
    assert engine._decided_counts(province["dept"], 2025, datetime.date(2025, 9, 30)) == {"TTLDTT": 4}
