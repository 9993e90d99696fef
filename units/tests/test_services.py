import datetime

import pytest

from core.exceptions import ServiceError, StaleObjectError
from units.enums import SchoolLevel, UnitKind
from units.models import EmulationBlock, Person, Unit
from units.selectors import units_visible_to
from units.services import block_create, person_transfer, person_update, unit_create, unit_move


def test_unit_create_builds_materialised_path(tree):
    assert (
        tree["team_a1"].path == f"{tree['dept'].path}{tree['office_a'].pk}/{tree['school_a1'].pk}/{tree['team_a1'].pk}/"
    )
    assert tree["team_a1"].depth == 3


def test_school_without_level_is_refused(tree):
    with pytest.raises(ServiceError, match="cấp học"):
        unit_create(by=None, name="Trường X", kind=UnitKind.SCHOOL, parent=tree["office_a"])


def test_unit_move_rewrites_subtree_for_2025_reform(tree, personas):
    """After 01/07/2025 a school moves from the Phòng to a UBND xã; the tree expresses both."""
    commune = unit_create(by=None, name="UBND xã Tân Phú", kind=UnitKind.COMMUNE_AUTHORITY, parent=tree["dept"])
    unit_move(by=None, unit=tree["school_a1"], new_parent=commune)
    team = Unit.objects.get(pk=tree["team_a1"].pk)
    assert team.path.startswith(commune.path)
    assert team.depth == 3
    assert sorted(u.name for u in units_visible_to(personas["reviewer_a"])) == ["Phòng GD&ĐT A", "Trường Mầm non A2"]
    assert tree["school_a1"].history.first().parent_id == commune.pk
    assert tree["school_a1"].history.last().parent_id == tree["office_a"].pk


def test_unit_move_into_own_subtree_is_refused(tree):
    with pytest.raises(ServiceError):
        unit_move(by=None, unit=tree["office_a"], new_parent=tree["school_a1"])


def test_person_transfer_keeps_person_and_records_history(tree, person_factory):
    person = person_factory(tree["school_a1"])
    transfer = person_transfer(
        by=None, person=person, to_unit=tree["school_b1"], effective_date=datetime.date(2025, 9, 1)
    )
    person.refresh_from_db()
    assert person.unit == tree["school_b1"]
    assert (transfer.from_unit, transfer.to_unit) == (tree["school_a1"], tree["school_b1"])
    assert Person.objects.count() == 1


def test_person_update_refuses_stale_version(person_factory):
    person = person_factory()
    loaded = person.version
    person_update(by=None, person=person, expected_version=loaded, position="Tổ trưởng")
    with pytest.raises(StaleObjectError):
        person_update(by=None, person=person, expected_version=loaded, position="Giáo viên")
    person.refresh_from_db()
    assert person.position == "Tổ trưởng"


def test_person_name_is_normalised_to_nfc(tree):
    from units.services import person_create

    decomposed = "Nguye\u0302\u0303n Thi\u0323 Lan"
    person = person_create(by=None, unit=tree["school_a1"], full_name=decomposed, gender="female")
    assert person.full_name == "Nguyễn Thị Lan"


def test_service_years_counts_whole_years(person_factory):
    person = person_factory(service_start=datetime.date(2005, 9, 5))
    assert person.service_years(datetime.date(2025, 9, 4)) == 19
    assert person.service_years(datetime.date(2025, 9, 5)) == 20


def test_school_level_only_on_schools(tree):
    with pytest.raises(ServiceError):
        unit_create(
            by=None, name="Phòng X", kind=UnitKind.OFFICE, school_level=SchoolLevel.PRIMARY, parent=tree["dept"]
        )


def test_person_create_refuses_a_twin_in_the_same_school(tree):
    from units.services import person_create

    born = datetime.date(1990, 4, 2)
    person_create(by=None, unit=tree["team_a1"], full_name="Lê Thị Mai", gender="female", date_of_birth=born)
    with pytest.raises(ServiceError, match="không tạo trùng"):
        person_create(by=None, unit=tree["school_a1"], full_name="lê thị  mai", gender="female", date_of_birth=born)
    # Another school may have its own Lê Thị Mai born the same day.
    person_create(by=None, unit=tree["school_a2"], full_name="Lê Thị Mai", gender="female", date_of_birth=born)
    assert Person.objects.filter(name_key="lê thị mai").count() == 2


def test_block_member_outside_the_owner_is_refused_without_its_name(tree):
    outside = tree["school_b1"]
    with pytest.raises(ServiceError) as refused:
        block_create(by=None, name="Cụm A", owner=tree["office_a"], members=[tree["school_a1"], outside])
    assert "Có 1 đơn vị thành viên không thuộc phạm vi" in str(refused.value)
    assert outside.name not in str(refused.value)
    assert not EmulationBlock.objects.filter(name="Cụm A").exists()
