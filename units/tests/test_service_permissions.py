"""Every write of units, people, roles and blocks checks `by` itself (units.rules.require).

One table: each service with the capability it requires on School A1 (conftest.ACTORS names who holds
it there, who holds the same role on the sibling school, and who is inside without it). The holder
succeeds and changes something; the other two are refused with PermissionDenied and nothing changes.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from conftest import make_user, service_permission_tests
from units import services
from units.enums import Gender, Role, UnitKind
from units.models import EmulationBlock, Person, PersonTransfer, Unit, UnitRole

D = datetime.date
MODELS = (Unit, Person, PersonTransfer, UnitRole, EmulationBlock, get_user_model())


@pytest.fixture
def world(tree, actors, person_factory):
    """School A1 with a teacher, a second team, a block it organises, a council role to revoke and an
    account without a role."""
    school = tree["school_a1"]
    return {
        **tree,
        "person": person_factory(school, full_name="Trần Thị Mai"),
        "team_b": services.unit_create(by=None, name="Tổ khối 2", kind=UnitKind.TEAM, parent=school),
        "block": services.block_create(by=None, name="Cụm tổ", owner=school, members=[tree["team_a1"]]),
        "role": services.unit_role_grant(by=None, user=actors["outsider"], unit=school, role=Role.COUNCIL_MEMBER),
        "stranger": make_user("nguoi-la"),
    }


CASES = {
    "unit_create": (
        "administer",
        lambda w, by: services.unit_create(by=by, name="Tổ mới", kind=UnitKind.TEAM, parent=w["school_a1"]),
    ),
    "unit_create:root": (
        "superuser",
        lambda w, by: services.unit_create(by=by, name="Sở GD&ĐT mới", kind=UnitKind.DEPARTMENT),
    ),
    "unit_update": ("edit_unit", lambda w, by: services.unit_update(by=by, unit=w["school_a1"], phone="0243 111 222")),
    "unit_move": ("administer", lambda w, by: services.unit_move(by=by, unit=w["team_b"], new_parent=w["team_a1"])),
    "person_create": (
        "manage_people",
        lambda w, by: services.person_create(
            by=by, unit=w["school_a1"], full_name="Lê Văn Nam", gender=Gender.MALE, date_of_birth=D(1990, 1, 2)
        ),
    ),
    "person_update": ("manage_people", lambda w, by: services.person_update(by=by, person=w["person"], phone="0912")),
    "person_transfer": (
        "manage_people",
        lambda w, by: services.person_transfer(
            by=by, person=w["person"], to_unit=w["team_a1"], effective_date=D(2025, 1, 1)
        ),
    ),
    "unit_role_grant": (
        "administer",
        lambda w, by: services.unit_role_grant(by=by, user=w["stranger"], unit=w["school_a1"], role=Role.SECRETARY),
    ),
    "unit_role_grant_by_username": (
        "administer",
        lambda w, by: services.unit_role_grant_by_username(
            by=by, username="moi", email="moi@truong.edu.vn", unit=w["school_a1"], role=Role.SECRETARY
        ),
    ),
    "unit_role_revoke": ("administer", lambda w, by: services.unit_role_revoke(by=by, unit_role=w["role"])),
    "user_create": ("superuser", lambda w, by: services.user_create(by=by, username="tai-khoan-moi", password=None)),
    "block_create": (
        "edit_unit",
        lambda w, by: services.block_create(by=by, name="Cụm mới", owner=w["school_a1"], members=[w["team_b"]]),
    ),
    "block_update": (
        "edit_unit",
        lambda w, by: services.block_update(by=by, block=w["block"], name="Cụm tổ (sửa)", members=[w["team_b"]]),
    ),
}


(
    test_service_done_by_the_holder_of_its_capability,
    test_service_refused_to_others_and_nothing_changes,
    test_service_requires_by_as_a_keyword_without_default,
) = service_permission_tests(CASES, MODELS, lambda name: getattr(services, name))


def test_person_transfer_to_a_unit_the_user_does_not_manage_is_refused(world, actors):
    with pytest.raises(PermissionDenied):
        services.person_transfer(
            by=actors["secretary_a1"], person=world["person"], to_unit=world["school_a2"], effective_date=D(2025, 1, 1)
        )
    assert Person.objects.get(pk=world["person"].pk).unit == world["school_a1"]


def test_unit_move_under_a_unit_the_user_does_not_administer_is_refused(world, actors):
    with pytest.raises(PermissionDenied):
        services.unit_move(by=actors["admin_a1"], unit=world["team_b"], new_parent=world["school_a2"])
    assert Unit.objects.get(pk=world["team_b"].pk).parent == world["school_a1"]


def test_service_write_outside_a_request_is_attributed_to_by(world, actors):
    services.person_update(by=actors["secretary_a1"], person=world["person"], phone="0987")
    assert world["person"].history.latest().history_user == actors["secretary_a1"]


def test_system_write_is_attributed_to_nobody(world):
    services.person_update(by=None, person=world["person"], phone="0987")
    assert world["person"].history.latest().history_user is None
