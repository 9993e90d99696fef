"""Issue 12, item 7 in the units app: the staff list's own buttons, the team chosen in the person form, no
gender chosen in advance, the «Tổ» column of the staff Excel, empty values shown alike."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.excel import ImportRejected
from units.importing import HEADERS, people_export, people_import, people_template
from units.models import Person, PersonTransfer

pytestmark = pytest.mark.django_db

LAN = ["Nguyễn Thị Lan", "Nữ", "15/03/1985", "Giáo viên", "", "01/09/2008", "", ""]
HUNG = ["Trần Văn Hùng", "Nam", "02/11/1979", "Giáo viên", "", "05/09/2001", "", ""]


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("ds.xlsx", out.getvalue())


def staff_actions(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("units:person_list"), params)
    assert response.status_code == 200
    unit = response.context["manage_unit"]
    html = response.content.decode()
    links = (
        reverse("units:person_create", kwargs={"unit_pk": unit.pk}) in html if unit else False,
        reverse("units:people_import", kwargs={"unit_pk": unit.pk}) in html if unit else False,
    )
    return unit, links


def test_staff_list_offers_add_and_import_for_the_secretarys_school(client, personas, tree):
    assert staff_actions(client, personas["secretary_a1"]) == (tree["school_a1"], (True, True))


def test_staff_list_acts_on_the_unit_filtered_on_when_managed(client, personas, tree):
    assert staff_actions(client, personas["secretary_a1"], unit=tree["team_a1"].pk) == (tree["team_a1"], (True, True))


def test_staff_list_has_no_add_button_for_a_reader(client, personas):
    client.force_login(personas["council_a1"])
    response = client.get(reverse("units:person_list"))
    assert (response.context["manage_unit"], "Thêm cá nhân" in response.content.decode()) == (None, False)


def test_person_form_preselects_no_gender(client, personas, tree):
    client.force_login(personas["secretary_a1"])
    response = client.get(reverse("units:person_create", kwargs={"unit_pk": tree["school_a1"].pk}))
    gender = response.context["form"]["gender"]
    html = str(gender)
    assert (gender.value(), "selected" in html.split('value=""')[1].split(">")[0]) == (None, True)
    assert 'value="male" selected' not in html and 'value="female" selected' not in html


def test_person_form_without_gender_is_refused_in_vietnamese(client, personas, tree):
    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_create", kwargs={"unit_pk": tree["school_a1"].pk})
    response = client.post(url, {"full_name": "Hà Thị Thu", "date_of_birth": "03/04/1991", "is_active": "on"})
    assert (response.status_code, response.context["form"].errors["gender"]) == (200, ["Hãy chọn giới tính."])
    assert not Person.objects.filter(full_name="Hà Thị Thu").exists()


def test_person_created_in_the_team_chosen(client, personas, tree):
    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_create", kwargs={"unit_pk": tree["school_a1"].pk})
    response = client.get(url)
    assert list(response.context["form"].fields["team"].queryset) == [tree["team_a1"]]
    data = {"full_name": "Hà Thị Thu", "gender": "female", "team": tree["team_a1"].pk, "is_active": "on"}
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(full_name="Hà Thị Thu").unit == tree["team_a1"]


def test_person_form_offers_no_team_of_another_school(client, personas, tree):
    client.force_login(personas["secretary_a2"])
    url = reverse("units:person_create", kwargs={"unit_pk": tree["school_a2"].pk})
    assert "team" not in client.get(url).context["form"].fields
    data = {"full_name": "Hà Thị Thu", "gender": "female", "team": tree["team_a1"].pk, "is_active": "on"}
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(full_name="Hà Thị Thu").unit == tree["school_a2"]


def test_person_edit_moves_to_another_team_with_a_transfer_row(client, personas, tree, person_factory):
    person = person_factory(tree["school_a1"], full_name="Hà Thị Thu")
    client.force_login(personas["secretary_a1"])
    url = reverse("units:person_edit", kwargs={"pk": person.pk})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(gender="female", date_of_birth=person.date_of_birth.strftime("%d/%m/%Y"), service_start="")
    data.update(team=tree["team_a1"].pk, is_active="on", version=str(person.version))
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    move = PersonTransfer.objects.get(person=person)
    assert (person.unit, move.from_unit, move.to_unit) == (tree["team_a1"], tree["school_a1"], tree["team_a1"])


def test_person_detail_shows_empty_values_alike(client, personas, tree, person_factory):
    person = person_factory(tree["school_a1"], phone="", email="", service_start=None)
    client.force_login(personas["secretary_a1"])
    html = client.get(reverse("units:person_detail", kwargs={"pk": person.pk})).content.decode()
    assert html.count('<span class="empty-value">—</span>') == 3


def test_staff_template_has_a_team_column():
    sheet = load_workbook(io.BytesIO(people_template())).active
    assert ([c.value for c in sheet[1]][-1], [c.value for c in sheet[2]][-1]) == ("Tổ", "Tổ Ngữ văn")


def test_import_puts_new_people_in_the_team_named(tree, personas):
    rows = [[*LAN, "tổ khối 1"], [*HUNG, ""]]
    result = people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(rows))
    units = dict(Person.objects.values_list("full_name", "unit"))
    assert (result.created, units) == (2, {LAN[0]: tree["team_a1"].pk, HUNG[0]: tree["school_a1"].pk})


def test_import_with_an_unknown_team_saves_nothing(tree, personas):
    rows = [[*LAN, "Tổ khối 1"], [*HUNG, "Tổ Toán"]]
    with pytest.raises(ImportRejected) as caught:
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(rows))
    assert [(e.row, "tổ «Tổ Toán» không có trong trường" in e.message) for e in caught.value.errors] == [(3, True)]
    assert Person.objects.count() == 0


def test_import_refuses_a_team_of_another_school(tree, personas):
    with pytest.raises(ImportRejected):
        people_import(unit=tree["school_a2"], by=personas["secretary_a2"], upload=xlsx([[*LAN, "Tổ khối 1"]]))
    assert Person.objects.count() == 0


def test_import_moves_an_existing_person_to_the_team_named(tree, personas):
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx([[*LAN, ""]]))
    result = people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx([[*LAN, "Tổ khối 1"]]))
    lan = Person.objects.get()
    assert (result.updated, lan.unit, PersonTransfer.objects.filter(person=lan).count()) == (1, tree["team_a1"], 1)


def test_import_blank_team_moves_nobody(tree, personas):
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx([[*LAN, "Tổ khối 1"]]))
    result = people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx([[*LAN, ""]]))
    assert (result.unchanged, Person.objects.get().unit) == (1, tree["team_a1"])


def test_export_writes_the_team_and_round_trips(tree, personas):
    rows = [[*LAN, "Tổ khối 1"], [*HUNG, ""]]
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(rows))
    exported = people_export(user=personas["secretary_a1"], unit=tree["school_a1"])
    sheet = load_workbook(io.BytesIO(exported)).active
    assert {r[0]: r[-1] for r in sheet.iter_rows(min_row=2, values_only=True)} == {LAN[0]: "Tổ khối 1", HUNG[0]: None}
    again = people_import(
        unit=tree["school_a1"], by=personas["secretary_a1"], upload=SimpleUploadedFile("x.xlsx", exported)
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_import_old_eight_column_template_is_refused_with_the_new_headers(tree, personas):
    workbook = Workbook()
    workbook.active.append(HEADERS[:-1])
    workbook.active.append(LAN)
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ImportRejected, match="Tổ"):
        people_import(
            unit=tree["school_a1"], by=personas["secretary_a1"], upload=SimpleUploadedFile("x.xlsx", out.getvalue())
        )
    assert Person.objects.count() == 0


def test_header_shows_the_linked_persons_name_after_a_rename(client, tree, personas, person_factory):
    from units.services import person_update, user_create

    person = person_factory(tree["school_a1"], full_name="Hà Thị Thu")
    user = user_create(by=None, username="thu.ha", password="matkhau-thu-123", person=person)
    person_update(by=personas["secretary_a1"], person=person, full_name="Hà Thị Thu Trang")
    client.force_login(user)
    html = client.get(reverse("units:person_list")).content.decode()
    assert ('header-name" href="#"' in html, "Hà Thị Thu Trang</a>" in html, ">thu.ha<" in html) == (True, True, False)


def test_import_page_names_the_schools_teams(client, personas, tree):
    client.force_login(personas["secretary_a1"])
    html = client.get(reverse("units:people_import", kwargs={"unit_pk": tree["school_a1"].pk})).content.decode()
    assert "Các tổ của trường: Tổ khối 1." in html
