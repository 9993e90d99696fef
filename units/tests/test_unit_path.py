"""Person.unit_path, the unit's path kept on each person row (the kernel's subtree filters read it, with no
join): true after every write path, and the selectors that read it answer as the join did."""

import datetime

from django.db.models import F

from units.enums import Gender
from units.importing import people_import
from units.models import Person
from units.rules import people_in_scope
from units.selectors import unit_list
from units.services import person_create, person_transfer, unit_move
from units.tests.test_importing import GOOD_ROWS, xlsx


def stale(queryset=None) -> list:
    """People whose unit_path differs from their unit's path (none, when the column is kept true)."""
    return list(
        (queryset or Person.objects.all()).exclude(unit_path=F("unit__path")).values_list("full_name", "unit_path")
    )


def test_unit_path_set_on_create(tree):
    person = person_create(by=None, unit=tree["team_a1"], full_name="Nguyễn Thị Lan", gender=Gender.FEMALE)
    person.refresh_from_db()
    assert person.unit_path == tree["team_a1"].path


def test_unit_path_follows_a_transfer(tree):
    person = person_create(by=None, unit=tree["school_a1"], full_name="Nguyễn Thị Lan", gender=Gender.FEMALE)
    person_transfer(by=None, person=person, to_unit=tree["school_b1"], effective_date=datetime.date(2025, 1, 5))
    person.refresh_from_db()
    assert person.unit_path == tree["school_b1"].path


def test_unit_path_follows_a_unit_move_of_the_whole_subtree(tree, person_factory):
    person_factory(unit=tree["school_a1"])
    person_factory(unit=tree["team_a1"])
    person_factory(unit=tree["school_a2"])
    unit_move(by=None, unit=tree["school_a1"], new_parent=tree["office_b"])
    moved = Person.objects.filter(unit__in=[tree["school_a1"], tree["team_a1"]])
    assert sorted(moved.values_list("unit_path", flat=True)) == sorted(
        [
            f"{tree['office_b'].path}{tree['school_a1'].pk}/",
            f"{tree['office_b'].path}{tree['school_a1'].pk}/{tree['team_a1'].pk}/",
        ]
    )
    assert stale() == []


def test_unit_path_set_by_import(tree, personas):
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
    assert Person.objects.filter(unit_path=tree["school_a1"].path).count() == 3
    assert stale() == []


def test_unit_path_set_by_bulk_create_and_bulk_update(tree):
    Person.objects.bulk_create(
        [
            Person(unit=tree["school_a1"], full_name="Lê Thị Mai", gender=Gender.FEMALE),
            Person(unit_id=tree["team_a1"].pk, full_name="Lê Văn Nam", gender=Gender.MALE),
        ]
    )
    assert stale() == []
    people = list(Person.objects.all())
    for person in people:
        person.unit_id = tree["school_b1"].pk
    Person.objects.bulk_update(people, ["unit"])
    assert set(Person.objects.values_list("unit_path", flat=True)) == {tree["school_b1"].path}
    Person.objects.update(unit=tree["school_a2"])
    assert set(Person.objects.values_list("unit_path", flat=True)) == {tree["school_a2"].path}


def test_people_in_scope_by_path_matches_the_tree(tree, personas, person_factory):
    """The kernel's path filter: a Phòng's reviewer reads its schools and teams; a Phòng secretary only the
    Phòng's own staff and its teams; a school's secretary its school and teams, not the sibling school."""
    people = {
        key: person_factory(unit=tree[key]) for key in ("office_a", "school_a1", "team_a1", "school_a2", "school_b1")
    }
    by_key = {p.pk: key for key, p in people.items()}

    def names(user):
        return sorted(by_key[pk] for pk in people_in_scope(user).values_list("pk", flat=True))

    assert names(personas["reviewer_a"]) == ["office_a", "school_a1", "school_a2", "team_a1"]
    assert names(personas["secretary_office_a"]) == ["office_a"]
    assert names(personas["secretary_a1"]) == ["school_a1", "team_a1"]
    assert names(personas["outsider"]) == []


def test_unit_list_counts_the_subtree_people_the_user_reads(tree, personas, person_factory):
    for key in ("office_a", "school_a1", "team_a1", "team_a1", "school_a2", "school_b1"):
        person_factory(unit=tree[key])
    person_factory(unit=tree["school_a1"], is_active=False)
    counts = {u.name: u.people_count for u in unit_list(personas["reviewer_a"])}
    assert counts == {"Phòng GD&ĐT A": 5, "Trường Tiểu học A1": 3, "Tổ khối 1": 2, "Trường Mầm non A2": 1}
    counts = {u.name: u.people_count for u in unit_list(personas["secretary_office_a"])}
    assert counts == {"Phòng GD&ĐT A": 1}
