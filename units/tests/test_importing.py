import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.excel import ImportRejected
from units.importing import HEADERS, people_export, people_import, people_template
from units.models import Person

GOOD_ROWS = [
    ["Nguyễn Thị Lan", "Nữ", "15/03/1985", "Giáo viên", "", "01/09/2008", "0912345678", "lan@truong.edu.vn"],
    ["Trần Văn Hùng", "Nam", "02/11/1979", "Hiệu trưởng", "x", "05/09/2001", "", ""],
    ["Lê Thị Mai", "nữ", "20/07/1990", "Nhân viên", "", "", "", ""],
]


def xlsx(rows, headers=HEADERS, name="ds.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_import_good_file_creates_people(tree, personas):
    result = people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    hung = Person.objects.get(full_name="Trần Văn Hùng")
    assert (hung.unit, hung.is_manager, hung.gender, hung.date_of_birth.isoformat()) == (
        tree["school_a1"],
        True,
        "male",
        "1979-11-02",
    )


def test_import_same_file_twice_creates_no_duplicates(tree, personas):
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
    result = people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Person.objects.count() == 3


def test_import_updates_changed_row(tree, personas):
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][3] = "Tổ trưởng"
    result = people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Person.objects.get(full_name="Nguyễn Thị Lan").position == "Tổ trưởng"


def test_import_with_bad_rows_saves_nothing_and_names_each_row(tree, personas):
    rows = GOOD_ROWS + [
        ["", "Nữ", "01/01/1990", "", "", "", "", ""],
        ["Phạm Văn An", "Khác", "31/02/1990", "", "có lẽ", "", "abc", "không-phải-email"],
        ["Nguyễn Thị Lan", "Nữ", "15/03/1985", "", "", "", "", ""],
    ]
    with pytest.raises(ImportRejected) as caught:
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(rows))
    errors = {e.row: e.message for e in caught.value.errors}
    assert sorted(errors) == [5, 6, 7]
    assert "thiếu họ và tên" in errors[5]
    assert "Nam hoặc Nữ" in errors[6] and "tháng 2/1990 không có ngày 31" in errors[6] and "CBQL" in errors[6]
    assert "điện thoại" in errors[6] and "thư điện tử" in errors[6]
    assert "trùng với dòng 2" in errors[7]
    assert Person.objects.count() == 0


def test_import_wrong_template_is_refused(tree, personas):
    with pytest.raises(ImportRejected, match="không đúng mẫu"):
        people_import(
            unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS, headers=["Tên", "Tuổi"])
        )
    assert Person.objects.count() == 0


def test_import_empty_file_is_refused(tree, personas):
    with pytest.raises(ImportRejected, match="không có dòng dữ liệu"):
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx([]))
    with pytest.raises(ImportRejected, match="Tệp rỗng"):
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=SimpleUploadedFile("x.xlsx", b""))


def test_import_checks_content_not_extension(tree, personas):
    fake = SimpleUploadedFile("danh-sach.xlsx", "Họ và tên,Giới tính\nLan,Nữ\n".encode())
    with pytest.raises(ImportRejected, match="không phải là bảng tính Excel"):
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=fake)
    broken_zip = SimpleUploadedFile("hong.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportRejected):
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=broken_zip)


def test_import_matches_people_already_in_a_team(tree, personas, person_factory):
    person_factory(
        tree["team_a1"],
        full_name="Nguyễn Thị Lan",
        date_of_birth=datetime.date(1985, 3, 15),
        position="Giáo viên",
        phone="0912345678",
        email="lan@truong.edu.vn",
        service_start=datetime.date(2008, 9, 1),
    )
    result = people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS[:1]))
    assert (result.created, result.unchanged) == (0, 1)


def test_export_round_trips_through_import(tree, personas):
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
    exported = people_export(user=personas["secretary_a1"], unit=tree["school_a1"])
    sheet = load_workbook(io.BytesIO(exported)).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 4
    result = people_import(
        unit=tree["school_a1"], by=personas["secretary_a1"], upload=SimpleUploadedFile("x.xlsx", exported)
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_template_has_headers_and_one_example(tree):
    sheet = load_workbook(io.BytesIO(people_template())).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 2


def test_import_view_shows_row_errors_and_changes_nothing(client, personas, tree):
    client.force_login(personas["secretary_a1"])
    url = reverse("units:people_import", kwargs={"unit_pk": tree["school_a1"].pk})
    bad = GOOD_ROWS + [["Phạm Văn An", "Khác", "01/01/1990", "", "", "", "", ""]]
    response = client.post(url, {"file": xlsx(bad)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 5" in body and "không có dòng nào được nhập" in body
    assert Person.objects.count() == 0


def test_import_view_good_file_redirects_with_counts(client, personas, tree):
    client.force_login(personas["secretary_a1"])
    url = reverse("units:people_import", kwargs={"unit_pk": tree["school_a1"].pk})
    response = client.post(url, {"file": xlsx(GOOD_ROWS)}, follow=True)
    assert "3 người mới" in response.content.decode()
    assert Person.objects.filter(unit=tree["school_a1"]).count() == 3
