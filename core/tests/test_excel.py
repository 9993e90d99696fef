"""Exports never carry a live formula; imports never store one."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.excel import ImportRejected, Sheet, build_workbook_sheets, read_rows

DANGEROUS = ['=HYPERLINK("http://x","Nguyễn Văn A")', "=1+1", "-2+3", "+7", "@SUM(A1)"]


def _cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows(min_row=2) for cell in row]


def test_formula_like_text_is_written_as_text():
    content = build_workbook_sheets([Sheet("T", ["Tên"], [[text] for text in DANGEROUS + ["Lê Thị Hoa"]])])
    cells = _cells(content)
    assert [(c.value, c.data_type) for c in cells] == [(text, "s") for text in DANGEROUS + ["Lê Thị Hoa"]]
    assert [c.quotePrefix for c in cells] == [True] * len(DANGEROUS) + [False]


def test_numbers_and_dates_are_left_alone():
    cells = _cells(build_workbook_sheets([Sheet("T", ["Số"], [[-3], [2.5]])]))
    assert [(c.value, c.data_type) for c in cells] == [(-3, "n"), (2.5, "n")]


# A person's name cannot hold these (units.validation refuses symbols), but a position, a decision
# number or an issuer can.
def test_staff_export_of_formula_text_reads_back_as_text(client, tree, personas, person_factory):
    for text in DANGEROUS[:3]:
        person_factory(tree["school_a1"], position=text)
    client.force_login(personas["secretary_a1"])
    response = client.get(reverse("units:people_export", args=[tree["school_a1"].pk]))
    positions = [c for c in _cells(response.content) if c.column == 4]
    assert sorted((c.value, c.data_type) for c in positions) == sorted((n, "s") for n in DANGEROUS[:3])


def test_records_export_of_formula_text_reads_back_as_text(client, tree, personas, person_factory):
    from awards import services

    person = person_factory(tree["school_a1"])
    services.award_record_create(
        award_code="LDTT", school_year=2023, person=person, decision_number="=1+1", issuer="-2+3", by=None
    )
    client.force_login(personas["secretary_a1"])
    response = client.get(reverse("awards:unit_records_export", args=[tree["school_a1"].pk]))
    row = [c for c in _cells(response.content)]
    assert (row[5].value, row[5].data_type) == ("=1+1", "s")
    assert (row[-1].value, row[-1].data_type) == ("-2+3", "s")


def _upload(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("x.xlsx", out.getvalue())


def test_an_uploaded_formula_cell_is_refused_with_its_row():
    with pytest.raises(ImportRejected) as rejected:
        read_rows(_upload([["Tên", "Số"], ["Lan", 1], ['=HYPERLINK("http://x","A")', 2]]), ["Tên", "Số"])
    assert [(e.row, e.message) for e in rejected.value.errors] == [
        (3, "ô A3 là công thức Excel; hãy nhập giá trị (dán dạng giá trị)")
    ]


def test_uploaded_text_that_looks_like_a_formula_is_read_as_text():
    workbook = Workbook()
    workbook.active.append(["Tên"])
    workbook.active.append(["x"])
    workbook.active["A2"].value = "=1+1"
    workbook.active["A2"].data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    rows = read_rows(SimpleUploadedFile("x.xlsx", out.getvalue()), ["Tên"])
    assert rows == [(2, ["=1+1"])]
