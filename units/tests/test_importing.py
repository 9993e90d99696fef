import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.excel import ImportRejected
from units.importing import HEADERS, people_export, people_import, people_template
from units.models import Person, PersonTransfer

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


def many_rows(n, *, first=0, team="", position="Giáo viên"):
    """`n` distinct valid rows (each its own date of birth)."""
    born = datetime.date(1970, 1, 1)
    names = ["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Minh Châu", "Phạm Quốc Bảo", "Võ Thu Hà"]
    return [
        [names[i % 5], "Nữ", (born + datetime.timedelta(days=i)).strftime("%d/%m/%Y"), position, "", "", "", "", team]
        for i in range(first, first + n)
    ]


def assert_same_statements(few, many, *, rows):
    """The same statements for few and many rows: equal on PostgreSQL (one statement per 1,000 rows);
    SQLite caps the parameters of one statement, so Django splits a bulk write into batches of a few dozen
    rows there: a handful more statements, never one per row (the per-row path issued five per row)."""
    if connection.vendor == "postgresql":
        assert len(many) == len(few)
    else:
        assert len(few) <= len(many) < len(few) + rows // 10


def test_import_queries_do_not_grow_with_rows(tree, personas):
    by, school = personas["secretary_a1"], tree["school_a1"]
    people_import(unit=school, by=by, upload=xlsx(many_rows(1)))  # warm-up: the user's roles are cached
    with CaptureQueriesContext(connection) as few:
        people_import(unit=school, by=by, upload=xlsx(many_rows(40, first=1000)))
    with CaptureQueriesContext(connection) as many:
        people_import(unit=school, by=by, upload=xlsx(many_rows(400, first=2000, team="Tổ khối 1")))
    assert Person.objects.count() == 441
    assert_same_statements(few, many, rows=400)


def test_import_updates_queries_do_not_grow_with_rows(tree, personas):
    by, school = personas["secretary_a1"], tree["school_a1"]
    people_import(unit=school, by=by, upload=xlsx(many_rows(40) + many_rows(400, first=1000)))
    # Both: another position and a move to the team (an UPDATE, history rows, transfers).
    changed = {"position": "Tổ trưởng", "team": "Tổ khối 1"}
    with CaptureQueriesContext(connection) as few:
        result_few = people_import(unit=school, by=by, upload=xlsx(many_rows(40, **changed)))
    with CaptureQueriesContext(connection) as many:
        result_many = people_import(unit=school, by=by, upload=xlsx(many_rows(400, first=1000, **changed)))
    assert (result_few.updated, result_many.updated) == (40, 400)
    assert PersonTransfer.objects.count() == 440
    assert_same_statements(few, many, rows=400)


def test_import_writes_one_history_row_per_person_naming_the_importer(tree, personas):
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
    rows = list(Person.history.order_by("full_name").values_list("full_name", "history_type", "history_user"))
    alice = personas["secretary_a1"].pk
    assert rows == [
        ("Lê Thị Mai", "+", alice),
        ("Nguyễn Thị Lan", "+", alice),
        ("Trần Văn Hùng", "+", alice),
    ]
    lan = Person.objects.get(full_name="Nguyễn Thị Lan")
    assert (lan.name_key, lan.search_key) == ("nguyễn thị lan", "nguyen thi lan")
    if hasattr(lan, "unit_path"):  # the unit's path kept on the row (units.models.Person.unit_path)
        assert lan.unit_path == tree["school_a1"].path


def test_import_changed_team_moves_person_with_transfer_and_history(tree, personas):
    people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
    lan = Person.objects.get(full_name="Nguyễn Thị Lan")
    moved = [GOOD_ROWS[0][:3] + ["Tổ trưởng"] + GOOD_ROWS[0][4:] + ["Tổ khối 1"]]
    result = people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(moved))
    lan_after = Person.objects.get(pk=lan.pk)
    assert (result.created, result.updated) == (0, 1)
    assert (lan_after.unit, lan_after.position, lan_after.version) == (tree["team_a1"], "Tổ trưởng", lan.version + 1)
    transfers = list(PersonTransfer.objects.values_list("person", "from_unit", "to_unit", "note", "created_by"))
    assert transfers == [
        (lan.pk, tree["school_a1"].pk, tree["team_a1"].pk, "Đổi tổ (nhập từ Excel)", personas["secretary_a1"].pk)
    ]
    latest = lan_after.history.first()
    assert (latest.history_type, latest.unit_id, latest.history_user_id) == (
        "~",
        tree["team_a1"].pk,
        personas["secretary_a1"].pk,
    )
    if hasattr(lan_after, "unit_path"):
        assert lan_after.unit_path == tree["team_a1"].path


def test_import_row_refused_while_matching_keeps_no_other_row(tree, personas, person_factory):
    # Same letters and birthday as a row of the file, other diacritics: a bad row found only against the
    # database; the file's new people before and after it are not kept.
    person_factory(tree["team_a1"], full_name="Lê Thị Mãi", date_of_birth=datetime.date(1990, 7, 20))
    with pytest.raises(ImportRejected) as caught:
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS + many_rows(3)))
    assert [e.row for e in caught.value.errors] == [4]
    assert "chỉ khác dấu" in caught.value.errors[0].message
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Lê Thị Mãi"]
    assert Person.history.count() == 1


def test_import_analyzes_the_people_tables_after_commit(
    tree, personas, monkeypatch, django_capture_on_commit_callbacks
):
    analyzed = []
    monkeypatch.setattr("units.importing.analyze", lambda *models: analyzed.append(models))
    with django_capture_on_commit_callbacks(execute=True):
        people_import(unit=tree["school_a1"], by=personas["secretary_a1"], upload=xlsx(GOOD_ROWS))
        assert analyzed == []  # not before the rows are committed
    assert analyzed == [(Person, Person.history.model, PersonTransfer)]
