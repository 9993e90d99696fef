"""Persona matrix for every units view: own unit, parent, sibling, no role."""

import pytest
from django.urls import reverse

from units.enums import Role
from units.services import block_create, unit_role_grant

OWN, SIBLING = "school_a1", "school_a2"


def status_for(client, user, url, method="get", data=None):
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    return response.status_code


@pytest.fixture
def person_a1(person_factory, tree):
    return person_factory(tree["team_a1"], full_name="Trần Thị Riêng Tư")


UNIT_MATRIX = [
    # view name, expected status per persona
    (
        "units:detail",
        {
            "secretary_a1": 200,
            "head_a1": 200,
            "council_a1": 200,
            "reviewer_a": 200,
            "admin_dept": 200,
            "secretary_a2": 404,
            "reviewer_b": 404,
            "outsider": 404,
        },
    ),
    (
        "units:edit",
        {
            "secretary_a1": 403,
            "head_a1": 200,
            "council_a1": 403,
            "reviewer_a": 403,
            "admin_dept": 200,
            "secretary_a2": 404,
            "reviewer_b": 404,
            "outsider": 404,
        },
    ),
    (
        "units:person_create",
        {
            "secretary_a1": 200,
            "head_a1": 200,
            "council_a1": 403,
            "reviewer_a": 403,
            "admin_dept": 200,
            "secretary_a2": 404,
            "reviewer_b": 404,
            "outsider": 404,
        },
    ),
    (
        "units:people_import",
        {
            "secretary_a1": 200,
            "head_a1": 200,
            "council_a1": 403,
            "reviewer_a": 403,
            "admin_dept": 200,
            "secretary_a2": 404,
            "reviewer_b": 404,
            "outsider": 404,
        },
    ),
    (
        "units:people_export",
        {
            "secretary_a1": 200,
            "head_a1": 200,
            "council_a1": 200,
            "reviewer_a": 200,
            "admin_dept": 200,
            "secretary_a2": 404,
            "reviewer_b": 404,
            "outsider": 404,
        },
    ),
]


@pytest.mark.parametrize("view_name, expected", UNIT_MATRIX)
def test_unit_views_answer_each_persona(client, personas, tree, view_name, expected):
    kwarg = "pk" if view_name in ("units:detail", "units:edit") else "unit_pk"
    url = reverse(view_name, kwargs={kwarg: tree[OWN].pk})
    got = {persona: status_for(client, personas[persona], url) for persona in expected}
    assert got == expected


PERSON_MATRIX = [
    (
        "units:person_detail",
        {
            "secretary_a1": 200,
            "head_a1": 200,
            "council_a1": 200,
            "reviewer_a": 200,
            "admin_dept": 200,
            "secretary_a2": 404,
            "reviewer_b": 404,
            "outsider": 404,
        },
    ),
    (
        "units:person_edit",
        {
            "secretary_a1": 200,
            "head_a1": 200,
            "council_a1": 403,
            "reviewer_a": 403,
            "admin_dept": 200,
            "secretary_a2": 404,
            "reviewer_b": 404,
            "outsider": 404,
        },
    ),
    (
        "units:person_transfer",
        {
            "secretary_a1": 200,
            "head_a1": 200,
            "council_a1": 403,
            "reviewer_a": 403,
            "admin_dept": 200,
            "secretary_a2": 404,
            "reviewer_b": 404,
            "outsider": 404,
        },
    ),
]


@pytest.mark.parametrize("view_name, expected", PERSON_MATRIX)
def test_person_views_answer_each_persona(client, personas, person_a1, view_name, expected):
    url = reverse(view_name, kwargs={"pk": person_a1.pk})
    got = {persona: status_for(client, personas[persona], url) for persona in expected}
    assert got == expected


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("units:detail", kwargs={"pk": tree[OWN].pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unit_list_shows_only_visible_units(client, personas, tree):
    client.force_login(personas["secretary_a2"])
    body = client.get(reverse("units:list")).content.decode()
    assert "Trường Mầm non A2" in body
    assert "Trường Tiểu học A1" not in body
    assert reverse("units:detail", kwargs={"pk": tree["office_a"].pk}) not in body  # parent named, not linked


def test_person_list_hides_sibling_school_people(client, personas, person_a1):
    client.force_login(personas["secretary_a2"])
    body = client.get(reverse("units:person_list")).content.decode()
    assert "Trần Thị Riêng Tư" not in body
    client.force_login(personas["reviewer_a"])
    assert "Trần Thị Riêng Tư" in client.get(reverse("units:person_list")).content.decode()


def test_person_list_filter_by_unit_ignores_invisible_unit(client, personas, tree, person_a1):
    client.force_login(personas["secretary_a2"])
    response = client.get(reverse("units:person_list"), {"unit": tree[OWN].pk})
    assert "Trần Thị Riêng Tư" not in response.content.decode()


def test_person_edit_post_saves(client, personas, person_a1):
    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_edit", kwargs={"pk": person_a1.pk})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        position="Tổ trưởng", gender="female", date_of_birth="01/02/1985", service_start="05/09/2008", is_active="on"
    )
    response = client.post(url, data)
    assert response.status_code == 302
    person_a1.refresh_from_db()
    assert person_a1.position == "Tổ trưởng"
    assert person_a1.date_of_birth.isoformat() == "1985-02-01"


def test_person_edit_stale_form_does_not_overwrite(client, personas, person_a1):
    from units.services import person_update

    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_edit", kwargs={"pk": person_a1.pk})
    version = client.get(url).context["form"].initial["version"]
    person_update(by=None, person=person_a1, phone="0911000111")  # someone else saves first
    response = client.post(
        url, {"full_name": person_a1.full_name, "gender": "female", "phone": "0999999999", "version": version}
    )
    assert response.status_code == 200
    assert "đã được người khác cập nhật" in response.content.decode()
    person_a1.refresh_from_db()
    assert person_a1.phone == "0911000111"


def test_person_transfer_to_unit_user_cannot_manage_is_forbidden(client, personas, person_a1, tree):
    client.force_login(personas["head_a1"])
    url = reverse("units:person_transfer", kwargs={"pk": person_a1.pk})
    response = client.post(url, {"to_unit": tree["school_b1"].pk, "effective_date": "01/09/2025"})
    assert response.status_code == 200  # B1 is not even offered: the form refuses it
    person_a1.refresh_from_db()
    assert person_a1.unit == tree["team_a1"]


def test_person_transfer_within_scope(client, personas, person_a1, tree):
    client.force_login(personas["admin_dept"])
    url = reverse("units:person_transfer", kwargs={"pk": person_a1.pk})
    response = client.post(
        url, {"to_unit": tree["school_b1"].pk, "effective_date": "01/09/2025", "note": "Luân chuyển"}
    )
    assert response.status_code == 302
    person_a1.refresh_from_db()
    assert person_a1.unit == tree["school_b1"]


def test_unit_edit_by_head_saves_document_fields(client, personas, tree):
    client.force_login(personas["head_a1"])
    url = reverse("units:edit", kwargs={"pk": tree[OWN].pk})
    initial = client.get(url).context["form"].initial
    data = {k: v for k, v in initial.items() if v not in (None, "")}
    data.update(name="Trường Tiểu học A1", school_level="primary", document_code="THA1", locality="Gia Lâm")
    assert client.post(url, data).status_code == 302
    tree[OWN].refresh_from_db()
    assert (tree[OWN].document_code, tree[OWN].locality) == ("THA1", "Gia Lâm")


def test_switch_role_changes_active_unit(client, personas, tree):
    user = personas["secretary_a1"]
    second = unit_role_grant(by=None, user=user, unit=tree["school_a2"], role=Role.COUNCIL_MEMBER)
    client.force_login(user)
    client.post(reverse("switch_role"), {"role": second.pk})
    response = client.get(reverse("home"))
    assert response.context["unit"] == tree["school_a2"]


def test_switch_role_to_someone_elses_role_is_404(client, personas, tree):
    foreign = personas["reviewer_b"].unit_roles.get()
    client.force_login(personas["secretary_a1"])
    assert client.post(reverse("switch_role"), {"role": foreign.pk}).status_code == 404


def test_home_without_roles_explains(client, personas):
    client.force_login(personas["outsider"])
    assert "chưa được giao vai trò" in client.get(reverse("home")).content.decode()


def test_block_visible_to_owner_and_members_only(client, personas, tree):
    block = block_create(by=None, name="Khối mầm non A", owner=tree["office_a"], members=[tree["school_a2"]])
    url = reverse("units:block_detail", kwargs={"pk": block.pk})
    expected = {"reviewer_a": 200, "secretary_a2": 200, "secretary_a1": 404, "reviewer_b": 404, "outsider": 404}
    assert {p: status_for(client, personas[p], url) for p in expected} == expected


@pytest.mark.parametrize("view_name, row_factory", [("units:list", "units"), ("units:person_list", "people")])
def test_list_query_count_does_not_grow_with_rows(
    client, personas, tree, person_factory, django_assert_max_num_queries, view_name, row_factory
):
    from units.enums import UnitKind
    from units.services import unit_create

    client.force_login(personas["admin_dept"])
    url = reverse(view_name)

    def add_rows(n):
        for i in range(n):
            if row_factory == "units":
                unit_create(by=None, name=f"Tổ thêm {i}", kind=UnitKind.TEAM, parent=tree["school_b1"])
            else:
                person_factory(tree["school_b1"])

    add_rows(1)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add_rows(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_role_page_only_for_administrators(client, personas, tree):
    url = reverse("units:roles", kwargs={"pk": tree[OWN].pk})
    expected = {
        "admin_dept": 200,
        "head_a1": 403,
        "secretary_a1": 403,
        "reviewer_a": 403,
        "secretary_a2": 404,
        "outsider": 404,
    }
    assert {p: status_for(client, personas[p], url) for p in expected} == expected


def test_administrator_grants_role_to_new_account_and_revokes_it(client, personas, tree):
    from units.models import UnitRole

    client.force_login(personas["admin_dept"])
    url = reverse("units:roles", kwargs={"pk": tree[OWN].pk})
    response = client.post(
        url, {"username": "thuky-moi", "full_name": "Đỗ Thị Mới", "email": "moi@truong.edu.vn", "role": "secretary"}
    )
    assert response.status_code == 302
    granted = UnitRole.objects.get(user__username="thuky-moi")
    assert (granted.unit, granted.role, granted.user.has_usable_password()) == (tree[OWN], "secretary", False)
    client.post(reverse("units:role_revoke", kwargs={"pk": tree[OWN].pk, "role_pk": granted.pk}))
    assert not UnitRole.objects.filter(pk=granted.pk).exists()


def test_new_account_without_email_is_refused(client, personas, tree):
    from django.contrib.auth import get_user_model

    client.force_login(personas["admin_dept"])
    url = reverse("units:roles", kwargs={"pk": tree[OWN].pk})
    response = client.post(url, {"username": "khong-email", "role": "secretary"})
    assert "cần thư điện tử" in response.content.decode()
    assert not get_user_model().objects.filter(username="khong-email").exists()


def test_revoke_role_of_another_unit_is_404(client, personas, tree):
    foreign = personas["secretary_a2"].unit_roles.get()
    client.force_login(personas["admin_dept"])
    url = reverse("units:role_revoke", kwargs={"pk": tree[OWN].pk, "role_pk": foreign.pk})
    assert client.post(url).status_code == 404


def test_block_create_by_office_head_and_refused_for_secretary(client, personas, tree):
    from units.models import EmulationBlock

    head = personas["reviewer_a"]
    unit_role_grant(by=None, user=head, unit=tree["office_a"], role=Role.HEAD)
    client.force_login(head)
    data = {
        "name": "Cụm tiểu học",
        "owner": tree["office_a"].pk,
        "school_year": 2025,
        "members": [tree["school_a1"].pk, tree["school_a2"].pk],
    }
    response = client.post(reverse("units:block_create"), data)
    assert response.status_code == 302
    block = EmulationBlock.objects.get(name="Cụm tiểu học")
    assert set(block.members.all()) == {tree["school_a1"], tree["school_a2"]}
    client.force_login(personas["secretary_a1"])
    assert client.get(reverse("units:block_create")).status_code == 403
    assert client.get(reverse("units:block_edit", kwargs={"pk": block.pk})).status_code == 403


def test_block_member_outside_owner_is_refused(tree):
    from core.exceptions import ServiceError

    with pytest.raises(ServiceError, match="phạm vi quản lý"):
        block_create(by=None, name="Sai", owner=tree["office_a"], members=[tree["school_b1"]])


def test_block_list_query_count_constant(client, personas, tree, django_assert_max_num_queries):
    client.force_login(personas["admin_dept"])
    block_create(by=None, name="K0", owner=tree["office_a"], members=[tree["school_a1"]])
    client.get(reverse("units:block_list"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("units:block_list"))
    for i in range(15):
        block_create(by=None, name=f"K{i + 1}", owner=tree["office_b"], members=[tree["school_b1"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("units:block_list"))


def test_csrf_failure_page_is_vietnamese(personas, tree):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["head_a1"])
    response = client.post(reverse("units:edit", kwargs={"pk": tree[OWN].pk}), {"name": "X"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()
    tree[OWN].refresh_from_db()
    assert tree[OWN].name == "Trường Tiểu học A1"


def test_person_list_filtered_by_school_includes_its_teams(client, personas, tree, person_factory):
    in_team = person_factory(tree["team_a1"], full_name="Người Trong Tổ")
    at_school = person_factory(tree["school_a1"], full_name="Người Ở Trường")
    person_factory(tree["school_a2"], full_name="Người Trường Khác")
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("units:person_list"), {"unit": tree["school_a1"].pk})
    assert {p.pk for p in response.context["page"]} == {in_team.pk, at_school.pk}


def test_person_create_double_post_files_once(client, personas, tree):
    from units.models import Person

    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_create", kwargs={"unit_pk": tree[OWN].pk})
    data = {"full_name": "Hà Thị Thu", "gender": "female", "date_of_birth": "03/04/1991", "is_active": "on"}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 200
    assert "không tạo trùng" in second.content.decode()
    assert Person.objects.filter(full_name="Hà Thị Thu").count() == 1


def test_child_unit_create_only_for_administrators(client, personas, tree):
    from units.models import Unit

    url = reverse("units:child_create", kwargs={"pk": tree["office_a"].pk})
    expected = {"admin_dept": 200, "reviewer_a": 403, "secretary_a1": 404, "reviewer_b": 404, "outsider": 404}
    assert {p: status_for(client, personas[p], url) for p in expected} == expected
    client.force_login(personas["admin_dept"])
    response = client.post(url, {"name": "Trường Mầm non Mới", "kind": "school", "school_level": "preschool"})
    assert response.status_code == 302
    school = Unit.objects.get(name="Trường Mầm non Mới")
    assert (school.parent, school.path.startswith(tree["office_a"].path)) == (tree["office_a"], True)
    bad = client.post(url, {"name": "Trường thiếu cấp học", "kind": "school"})
    assert "phải có cấp học" in bad.content.decode()
    assert not Unit.objects.filter(name="Trường thiếu cấp học").exists()


def test_unit_move_in_the_portal_for_the_2025_reform(client, personas, tree):
    from units.enums import UnitKind
    from units.services import unit_create

    commune = unit_create(by=None, name="UBND xã Tân Phú", kind=UnitKind.COMMUNE_AUTHORITY, parent=tree["dept"])
    url = reverse("units:move", kwargs={"pk": tree[OWN].pk})
    expected = {"admin_dept": 200, "head_a1": 403, "reviewer_a": 403, "secretary_a2": 404, "outsider": 404}
    assert {p: status_for(client, personas[p], url) for p in expected} == expected
    client.force_login(personas["admin_dept"])
    assert client.post(url, {"new_parent": commune.pk}).status_code == 302
    tree["team_a1"].refresh_from_db()
    assert tree["team_a1"].path.startswith(commune.path)
    # Into its own subtree is not even offered.
    assert client.post(url, {"new_parent": tree["team_a1"].pk}).status_code == 200
