"""AwardRecord.unit_path is its owner's unit path on every write path: a record saved or bulk-created, a person
transferred (one at a time, in bulk, by update()), a unit moved with its subtree. The kernel and the counts
filter the column, so a stale path would hide a record from those who may see it, or show it to others."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import engine, selectors
from awards.models import AwardRecord, AwardType, Revocation
from awards.schoolyear import current_school_year
from awards.selectors import records_in_scope
from units import services as unit_services
from units.enums import UnitKind
from units.models import Person, Unit


def _paths() -> dict[int, tuple[str, str]]:
    """Record id: (its unit_path, its owner's path read from the owner's table)."""
    return {
        r.pk: (r.unit_path, r.person.unit.path if r.person_id else r.unit.path)
        for r in AwardRecord.objects.select_related("person__unit", "unit")
    }


def _assert_true_paths():
    paths = _paths()
    assert paths and {pk: own for pk, (own, _) in paths.items()} == {pk: true for pk, (_, true) in paths.items()}


@pytest.fixture
def owned(tree, person_factory, record):
    """A teacher of school A1 and of school A2 with a title each, school A1's and a team of A1's own titles."""
    team = unit_services.unit_create(by=None, parent=tree["school_a1"], name="Tổ Toán", kind=UnitKind.TEAM)
    teacher_a1 = person_factory(tree["school_a1"], full_name="Lê Thị Một")
    teacher_a2 = person_factory(tree["school_a2"], full_name="Lê Thị Hai")
    return {
        "team": team,
        "teacher_a1": teacher_a1,
        "teacher_a2": teacher_a2,
        "a1": record(teacher_a1, "LDTT", 2023),
        "a2": record(teacher_a2, "LDTT", 2023),
        "school": record(tree["school_a1"], "TTLDTT", 2023),
        "team_record": record(team, "TTLDTT", 2023),
    }


def test_record_saved_carries_its_owners_path(tree, owned):
    assert (owned["a1"].unit_path, owned["school"].unit_path, owned["team_record"].unit_path) == (
        tree["school_a1"].path,
        tree["school_a1"].path,
        owned["team"].path,
    )
    _assert_true_paths()


def test_bulk_created_records_read_their_owners_paths(tree, owned):
    """Owners given by id only (as seed_scale and the imports may): the paths are read, one query each kind."""
    ldtt = AwardType.objects.filter(code="LDTT").order_by("-effective_from").first()
    ttldtt = AwardType.objects.filter(code="TTLDTT").order_by("-effective_from").first()
    created = AwardRecord.objects.bulk_create(
        [
            AwardRecord(person_id=owned["teacher_a2"].pk, award_type=ldtt, school_year=2022, commendation_kind="merit"),
            AwardRecord(unit_id=tree["school_a2"].pk, award_type=ttldtt, school_year=2022, commendation_kind="merit"),
        ]
    )
    assert [r.unit_path for r in created] == [tree["school_a2"].path, tree["school_a2"].path]
    _assert_true_paths()


def test_transfer_moves_the_persons_records(tree, owned):
    unit_services.person_transfer(
        person=owned["teacher_a1"], to_unit=tree["school_b1"], effective_date=datetime.date(2025, 1, 6), by=None
    )
    owned["a1"].refresh_from_db()
    assert owned["a1"].unit_path == tree["school_b1"].path
    _assert_true_paths()


def test_bulk_update_and_update_of_peoples_unit_move_their_records(tree, owned):
    teacher_a1, teacher_a2 = owned["teacher_a1"], owned["teacher_a2"]
    teacher_a1.unit = tree["school_b1"]
    Person.objects.bulk_update([teacher_a1], ["unit"])
    _assert_true_paths()
    Person.objects.filter(pk=teacher_a2.pk).update(unit=tree["office_b"])
    _assert_true_paths()
    assert AwardRecord.objects.get(pk=owned["a2"].pk).unit_path == tree["office_b"].path


def test_unit_move_rewrites_the_subtrees_records(tree, owned):
    unit_services.unit_move(unit=tree["school_a1"], new_parent=tree["office_b"], by=None)
    moved = Unit.objects.get(pk=tree["school_a1"].pk).path
    assert moved.startswith(tree["office_b"].path)
    assert {AwardRecord.objects.get(pk=owned[k].pk).unit_path for k in ("a1", "school")} == {moved}
    _assert_true_paths()


def test_records_in_scope_follow_a_transfer_and_own_reach_includes_teams(tree, personas, owned):
    """The secretary of A1 (OWN: the school and its teams) reads her teacher's, the school's and the team's
    records, not A2's; after the teacher moves to A2 the record goes with her."""

    def seen(name):
        return sorted(r.pk for r in records_in_scope(personas[name]))

    own_a1 = sorted(owned[k].pk for k in ("a1", "school", "team_record"))
    assert (seen("secretary_a1"), seen("secretary_a2")) == (own_a1, [owned["a2"].pk])
    unit_services.person_transfer(
        person=owned["teacher_a1"], to_unit=tree["school_a2"], effective_date=datetime.date(2025, 1, 6), by=None
    )
    assert (seen("secretary_a1"), seen("secretary_a2")) == (
        sorted(owned[k].pk for k in ("school", "team_record")),
        sorted([owned["a1"].pk, owned["a2"].pk]),
    )
    assert sorted(r.pk for r in records_in_scope(personas["reviewer_a"], tree["school_a2"])) == sorted(
        [owned["a1"].pk, owned["a2"].pk]
    )


def test_person_history_page_reads_the_records_once(client, personas, owned):
    client.force_login(personas["secretary_a1"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("awards:person_history", args=[owned["teacher_a1"].pk]))
    assert response.status_code == 200
    assert len([q for q in queries.captured_queries if 'FROM "awards_awardrecord"' in q["sql"]]) == 1


def test_outlook_from_the_historys_records_equals_the_outlook_read_alone(owned, record):
    """The history page hands its records to the engine: same verdicts and reasons, a revoked record and one
    decided after the check's date left out alike."""
    teacher = owned["teacher_a1"]
    year = current_school_year()
    record(teacher, "LDTT", year - 2)
    revoked = record(teacher, "LDTT", year - 3)
    revoked.revocation = Revocation.objects.create(
        decision_number="1/QĐ-TH", decision_date=datetime.date(year - 1, 12, 1), reason="Sai đối tượng"
    )
    revoked.save(update_fields=["revocation"])
    on_date = datetime.date(year - 1, 6, 1)  # before the revocation, before the year - 2 record's decision
    codes = selectors.individual_codes_in_force(on_date)
    records = selectors.person_history(teacher)["records"]

    def outlook(**known):
        results = engine.check_codes(teacher, codes, year - 1, on_date=on_date, **known)
        return [(r.award_code, r.verdict, [(x.status, x.text) for x in r.reasons]) for r in results]

    assert outlook(known_records=records) == outlook()
    assert outlook()  # there is something to compare
