"""Unit pickers (units/pickers.py): the search endpoint's scope, search without diacritics, the field's
refusals, and pages whose size does not grow with the number of units the user can see."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.enums import SchoolLevel, UnitKind
from units.forms import EmulationBlockForm, PersonTransferForm
from units.models import Unit
from units.pickers import PICKER_LIMIT
from units.selectors import units_visible_to
from units.services import unit_create

PICKER = reverse("units:picker")


def picked_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'data-id="(\d+)"', response.content.decode())]


def grow(parent, count: int, name: str = "Trường Tiểu học Thử") -> list[Unit]:
    return [
        unit_create(by=None, name=f"{name} {n}", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY, parent=parent)
        for n in range(count)
    ]


def test_picker_suggests_only_units_in_the_users_scope(client, personas, tree):
    client.force_login(personas["reviewer_a"])
    response = client.get(PICKER, {"q": "truong"})
    assert response.status_code == 200
    assert sorted(picked_ids(response)) == sorted([tree["school_a1"].pk, tree["school_a2"].pk])
    assert "B1" not in response.content.decode()


def test_picker_suggests_nothing_to_a_user_without_roles(client, personas):
    client.force_login(personas["outsider"])
    response = client.get(PICKER, {"q": "truong"})
    assert (response.status_code, picked_ids(response)) == (200, [])


def test_picker_asks_an_anonymous_visitor_to_sign_in(client, tree):
    assert client.get(PICKER, {"q": "truong"}).status_code == 302


def test_picker_searches_without_diacritics(client, personas, tree):
    client.force_login(personas["admin_dept"])
    response = client.get(PICKER, {"q": "tieu hoc a1"})
    assert picked_ids(response) == [tree["school_a1"].pk]
    assert "Trường Tiểu học A1" in response.content.decode()


def test_picker_narrows_by_the_capability_and_kinds_asked(client, personas, tree):
    client.force_login(personas["reviewer_a"])
    # A reviewer reads Phòng A's schools but manages nobody's people.
    assert picked_ids(client.get(PICKER, {"q": "a", "scope": "unit:manage_people"})) == []
    client.force_login(personas["admin_dept"])
    schools = client.get(PICKER, {"q": "a", "kinds": "school"})
    assert sorted(picked_ids(schools)) == sorted([tree["school_a1"].pk, tree["school_a2"].pk])


def test_picker_names_the_parent_so_namesakes_differ(client, personas, tree):
    first = unit_create(
        by=None,
        name="Trường Tiểu học Kim Đồng",
        kind=UnitKind.SCHOOL,
        school_level=SchoolLevel.PRIMARY,
        parent=tree["office_a"],
    )
    second = unit_create(
        by=None,
        name="Trường Tiểu học Kim Đồng",
        kind=UnitKind.SCHOOL,
        school_level=SchoolLevel.PRIMARY,
        parent=tree["office_b"],
    )
    client.force_login(personas["admin_dept"])
    page = client.get(PICKER, {"q": "kim dong"}).content.decode()
    assert f'data-id="{first.pk}" data-label="Trường Tiểu học Kim Đồng (Phòng GD&amp;ĐT A)"' in page
    assert f'data-id="{second.pk}" data-label="Trường Tiểu học Kim Đồng (Phòng GD&amp;ĐT B)"' in page


def test_picker_answers_at_most_the_limit_in_constant_queries(client, personas, tree, django_assert_max_num_queries):
    grow(tree["office_a"], 3)
    client.force_login(personas["admin_dept"])
    with CaptureQueriesContext(connection) as few:
        client.get(PICKER, {"q": "thu"})
    grow(tree["office_a"], PICKER_LIMIT + 5, name="Trường Mầm non Thử")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PICKER, {"q": "thu"})
    assert len(picked_ids(response)) == PICKER_LIMIT
    assert "gõ thêm để thu hẹp" in response.content.decode()


# --- the field ------------------------------------------------------------------------------------


def transfer_form(user, data):
    return PersonTransferForm(data, units=units_visible_to(user).order_by("path"))


def test_field_refuses_a_unit_outside_the_scope_as_a_select_did_without_naming_it(personas, tree):
    form = transfer_form(personas["reviewer_a"], {"to_unit": tree["school_b1"].pk, "effective_date": "01/09/2025"})
    assert not form.is_valid()
    expected = str(forms.ModelChoiceField.default_error_messages["invalid_choice"])
    assert form.errors["to_unit"] == [expected]
    assert "B1" not in form.as_p()


def test_field_takes_typed_text_matching_one_unit_without_javascript(personas, tree):
    form = transfer_form(personas["reviewer_a"], {"to_unit__q": "mam non a2", "effective_date": "01/09/2025"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["to_unit"] == tree["school_a2"]


def test_field_lists_the_matches_of_ambiguous_text_to_choose_from(personas, tree):
    form = transfer_form(personas["reviewer_a"], {"to_unit__q": "truong", "effective_date": "01/09/2025"})
    assert not form.is_valid()
    assert "Có nhiều đơn vị khớp «truong»" in form.errors["to_unit"][0]
    html = form.as_p()
    radios = re.findall(r'type="radio" name="to_unit" value="(\d+)"', html)
    assert sorted(int(i) for i in radios) == sorted([tree["school_a1"].pk, tree["school_a2"].pk])
    assert "B1" not in html


def test_field_says_when_typed_text_matches_nothing_in_scope(personas, tree):
    form = transfer_form(personas["reviewer_a"], {"to_unit__q": "thcs b1", "effective_date": "01/09/2025"})
    assert not form.is_valid()
    assert form.errors["to_unit"] == ["Không tìm thấy đơn vị nào khớp «thcs b1». Hãy gõ lại tên."]


def test_multiple_field_keeps_the_chips_and_adds_the_typed_unit(personas, tree):
    members = units_visible_to(personas["admin_dept"]).exclude(kind=UnitKind.TEAM)
    data = {"name": "Cụm Thử", "owner": tree["dept"].pk, "members": [tree["school_a1"].pk], "members__q": "thcs b1"}
    form = EmulationBlockForm(data, owners=members, members=members)
    assert form.is_valid(), form.errors
    assert sorted(u.pk for u in form.cleaned_data["members"]) == sorted([tree["school_a1"].pk, tree["school_b1"].pk])


def test_bound_field_renders_the_chosen_unit_as_a_chip_in_one_query(personas, tree, django_assert_num_queries):
    form = transfer_form(personas["admin_dept"], {"to_unit": tree["school_a1"].pk})
    form.is_valid()  # validation reads the unit once; rendering reads the chips once more, never the list
    with django_assert_num_queries(1):
        html = str(form["to_unit"])
    assert f'name="to_unit" value="{tree["school_a1"].pk}" checked' in html
    assert "Trường Tiểu học A1 (Phòng GD&amp;ĐT A)" in html
    assert "<option" not in html


# --- the pages: no <option> per unit ------------------------------------------------------------------


def staff_list(client, unit) -> str:
    return client.get(reverse("units:person_list"), {"unit": unit.pk}).content.decode()


def test_staff_list_does_not_grow_with_the_units_in_scope(client, personas, tree, django_assert_max_num_queries):
    client.force_login(personas["admin_dept"])
    before = staff_list(client, tree["school_a1"])
    assert "Trường Tiểu học A1 (Phòng GD&amp;ĐT A)" in before  # the chip
    with CaptureQueriesContext(connection) as few:
        staff_list(client, tree["school_a1"])
    grow(tree["office_b"], 200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        after = staff_list(client, tree["school_a1"])
    assert after.count("<option") == before.count("<option")
    assert "Trường Tiểu học Thử" not in after
    assert len(after) == len(before)


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [("units:move", "school_a1"), ("units:block_create", None)],
)
def test_forms_with_pickers_do_not_list_units(client, personas, tree, url_name, kwargs):
    client.force_login(personas["admin_dept"])
    url = reverse(url_name, args=[tree[kwargs].pk] if kwargs else [])
    before = client.get(url).content.decode()
    grow(tree["office_b"], 50)
    after = client.get(url).content.decode()
    assert after.count("<option") == before.count("<option")
    assert "Trường Tiểu học Thử" not in after


def test_picker_refuses_an_unknown_scope_and_a_subtree_outside_the_users(client, personas, tree):
    client.force_login(personas["reviewer_a"])
    assert client.get(PICKER, {"q": "a", "scope": "unit:everything"}).status_code == 404
    assert client.get(PICKER, {"q": "a", "within": tree["office_b"].pk}).status_code == 404
    inside = client.get(PICKER, {"q": "truong", "within": tree["school_a1"].pk})
    assert picked_ids(inside) == [tree["school_a1"].pk]


def test_person_picker_suggests_only_people_the_user_manages(client, personas, tree, person_factory):
    mine = person_factory(tree["school_a1"], full_name="Lê Thị Chọn")
    person_factory(tree["school_a2"], full_name="Lê Thị Chọn")  # a namesake of the sibling school
    client.force_login(personas["secretary_a1"])
    response = client.get(PICKER, {"q": "le thi chon", "scope": "person:manage_people"})
    assert picked_ids(response) == [mine.pk]
    assert "Trường Tiểu học A1" in response.content.decode()  # the unit tells namesakes apart
    assert "A2" not in response.content.decode()


def test_registered_scope_suggests_what_its_selector_allows(client, personas, tree):
    """The audit filter's scope (audit.selectors.audit_units: ADMINISTER or SIGN): a head audits its own
    school only, a reviewer nothing, though both read more."""
    import audit.forms  # noqa: F401 (registers "unit:audit", as loading the URLconf does)

    client.force_login(personas["head_a1"])
    assert picked_ids(client.get(PICKER, {"q": "a", "scope": "unit:audit"})) == [tree["school_a1"].pk]
    client.force_login(personas["reviewer_a"])
    assert picked_ids(client.get(PICKER, {"q": "a", "scope": "unit:audit"})) == []
