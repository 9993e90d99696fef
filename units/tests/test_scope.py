"""Reads and writes of a unit's staff go through the kernel (units.rules.people_in_scope).

Khánh (`secretary_office_a`) is the TĐKT secretary of Phòng A: the Phòng's own staff are his,
the schools' below it are not, although he may open the Phòng's pages.
"""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from units.importing import people_export, people_import
from units.models import Person
from units.selectors import unit_list, unit_people
from units.tests.test_importing import GOOD_ROWS, xlsx


@pytest.fixture
def staff(tree, person_factory):
    """One person in Phòng A itself, two in school A1 (one in its team), one in school A2."""
    return {
        "office": person_factory(tree["office_a"], full_name="Phạm Văn Phòng"),
        "school": person_factory(tree["school_a1"], full_name="Trần Thị Trường"),
        "team": person_factory(tree["team_a1"], full_name="Lê Thị Tổ"),
        "sibling": person_factory(tree["school_a2"], full_name="Đỗ Văn Bên"),
    }


def _names(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_people_counts_follow_the_persona(tree, personas, staff):
    office = tree["office_a"]
    counts = {name: unit_people(personas[name], office).count() for name in ("secretary_office_a", "reviewer_a")}
    assert counts == {"secretary_office_a": 1, "reviewer_a": 4}


def test_unit_list_counts_only_people_the_user_reads(tree, personas, staff):
    rows = {u.pk: u.people_count for u in unit_list(personas["secretary_office_a"])}
    assert rows == {tree["office_a"].pk: 1}


def test_office_secretary_exports_only_the_office_staff(client, tree, personas, staff):
    client.force_login(personas["secretary_office_a"])
    response = client.get(reverse("units:people_export", args=[tree["office_a"].pk]))
    assert response.status_code == 200
    assert _names(response.content) == ["Phạm Văn Phòng"]


def test_office_reviewer_exports_the_whole_subtree(tree, personas, staff):
    names = _names(people_export(user=personas["reviewer_a"], unit=tree["office_a"]))
    assert sorted(names) == sorted(["Phạm Văn Phòng", "Trần Thị Trường", "Lê Thị Tổ", "Đỗ Văn Bên"])


def test_office_secretary_unit_page_counts_only_own_staff(client, tree, personas, staff):
    client.force_login(personas["secretary_office_a"])
    response = client.get(reverse("units:detail", args=[tree["office_a"].pk]))
    assert response.status_code == 200
    assert response.context["people_count"] == 1


@pytest.mark.parametrize("unit", ["school_a1", "team_a1"])
def test_office_secretary_cannot_import_into_a_school(client, tree, personas, unit):
    client.force_login(personas["secretary_office_a"])
    url = reverse("units:people_import", kwargs={"unit_pk": tree[unit].pk})
    assert client.post(url, {"file": xlsx(GOOD_ROWS)}).status_code == 404
    with pytest.raises(PermissionDenied):
        people_import(unit=tree[unit], upload=xlsx(GOOD_ROWS), by=personas["secretary_office_a"])
    assert Person.objects.count() == 0


def test_office_import_does_not_touch_a_school_teacher_of_the_same_name(tree, personas, person_factory):
    teacher = person_factory(
        tree["school_a1"], full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1985, 3, 15), position="Giáo viên"
    )
    rows = [["Nguyễn Thị Lan", "Nữ", "15/03/1985", "Chuyên viên", "", "", "", ""]]
    result = people_import(unit=tree["office_a"], upload=xlsx(rows), by=personas["secretary_office_a"])
    teacher.refresh_from_db()
    assert (result.created, result.updated, teacher.position) == (1, 0, "Giáo viên")
    assert Person.objects.get(unit=tree["office_a"]).position == "Chuyên viên"


def test_import_into_a_team_of_a_person_already_in_the_school_is_no_server_error(
    client, tree, personas, person_factory
):
    person_factory(tree["school_a1"], full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1985, 3, 15))
    client.force_login(personas["secretary_a1"])
    url = reverse("units:people_import", kwargs={"unit_pk": tree["team_a1"].pk})
    response = client.post(url, {"file": xlsx(GOOD_ROWS[:1])})
    assert response.status_code == 302
    assert Person.objects.filter(full_name="Nguyễn Thị Lan").count() == 1


def test_import_refuses_a_twin_the_user_cannot_manage_as_a_row_error(tree, personas, person_factory):
    """A team secretary (if one existed) adding someone already in the school: a bad row, not a 500."""
    from conftest import make_user
    from core.excel import ImportRejected
    from units.enums import Role

    team_secretary = make_user("tosecretary", tree["team_a1"], Role.SECRETARY)
    person_factory(tree["school_a1"], full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1985, 3, 15))
    with pytest.raises(ImportRejected) as rejected:
        people_import(unit=tree["team_a1"], upload=xlsx(GOOD_ROWS), by=team_secretary)
    assert [e.row for e in rejected.value.errors] == [2]
    assert Person.objects.count() == 1
