"""The Django admin cannot break the tree, and only superusers use it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from units.enums import Gender, UnitKind
from units.models import Person, Unit
from units.rules import people_in_scope


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.vn", "matkhau-thu-123")


def _unit_data(**fields):
    data = {"name": "", "short_name": "", "kind": UnitKind.OFFICE, "school_level": "", "parent": ""}
    data.update({k: "" for k in ("locality", "document_code", "parent_body_name", "head", "head_title")})
    data.update({k: "" for k in ("email", "phone", "active_from", "active_to")})
    data.update(fields)
    return data


def test_adding_two_units_in_the_admin_gives_each_its_path(client, root, tree):
    client.force_login(root)
    url = reverse("admin:units_unit_add")
    for name in ("Phòng GD&ĐT C", "Phòng GD&ĐT D"):
        response = client.post(url, _unit_data(name=name, parent=tree["dept"].pk))
        assert response.status_code == 302, response.content.decode()[:2000]
    added = list(Unit.objects.filter(name__in=["Phòng GD&ĐT C", "Phòng GD&ĐT D"]).order_by("pk"))
    assert [(u.path, u.depth) for u in added] == [(f"{tree['dept'].path}{u.pk}/", 1) for u in added]


def test_admin_refuses_a_team_outside_a_school(client, root, tree):
    client.force_login(root)
    response = client.post(
        reverse("admin:units_unit_add"), _unit_data(name="Tổ lạc", kind=UnitKind.TEAM, parent=tree["dept"].pk)
    )
    assert response.status_code == 200
    assert "Tổ chuyên môn phải thuộc một trường học." in response.content.decode()
    assert not Unit.objects.filter(name="Tổ lạc").exists()


def test_changing_the_parent_in_the_admin_moves_the_subtree(client, root, tree, personas, person_factory):
    teacher = person_factory(tree["team_a1"])
    school = tree["school_a1"]
    client.force_login(root)
    response = client.post(
        reverse("admin:units_unit_change", args=[school.pk]),
        _unit_data(name=school.name, kind=school.kind, school_level=school.school_level, parent=tree["office_b"].pk),
    )
    assert response.status_code == 302
    school.refresh_from_db()
    team = Unit.objects.get(pk=tree["team_a1"].pk)
    assert (school.parent_id, school.path, team.path) == (
        tree["office_b"].pk,
        f"{tree['office_b'].path}{school.pk}/",
        f"{tree['office_b'].path}{school.pk}/{team.pk}/",
    )
    # Visibility follows the new parent.
    assert list(people_in_scope(personas["reviewer_b"], school)) == [teacher]
    assert list(people_in_scope(personas["reviewer_a"], school)) == []


def test_admin_refuses_moving_a_unit_below_itself(client, root, tree):
    office = tree["office_a"]
    client.force_login(root)
    response = client.post(
        reverse("admin:units_unit_change", args=[office.pk]),
        _unit_data(name=office.name, kind=office.kind, parent=tree["school_a1"].pk),
    )
    assert response.status_code == 200
    office.refresh_from_db()
    assert office.parent_id == tree["dept"].pk


def test_person_added_in_the_admin_has_its_name_key(client, root, tree):
    client.force_login(root)
    data = {"full_name": "  NGUYỄN   Thị Lan ", "gender": Gender.FEMALE, "unit": tree["school_a1"].pk}
    data.update({"date_of_birth": "", "position": "", "service_start": "", "phone": "", "email": "", "user": ""})
    data.update({"is_active": "on"})
    response = client.post(reverse("admin:units_person_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    assert (person.full_name, person.name_key) == ("NGUYỄN Thị Lan", "nguyễn thị lan")


def test_name_key_follows_a_plain_save(tree, person_factory):
    person = person_factory(full_name="Lê Thị Hoa")
    person.full_name = "Lê Thị Hồng"
    person.save(update_fields=["full_name"])
    person.refresh_from_db()
    assert person.name_key == "lê thị hồng"


@pytest.mark.parametrize("name", ["units_unit", "units_person", "units_unitrole"])
def test_staff_who_are_not_superusers_get_no_tree_admin(client, tree, name):
    staff = get_user_model().objects.create_user("nhanvien", password="matkhau-thu-123", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="units"))
    client.force_login(staff)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403
