"""Properties of the staff import and export (units/importing.py, core/excel.py).

- Import: a workbook of random cells (formulas such as «=cmd|…», dates, numbers, None, long and hostile
  strings, duplicate people) is applied whole or not at all; it never raises anything but a refusal
  (ImportRejected) whose every message is Vietnamese.
- Export: whatever a person's fields hold, no exported cell is a formula, and text that Excel would read
  as one («=», «+», «-», «@») is stored as text with the quote prefix.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import event, example, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.excel import FORMULA_PREFIXES, ImportRejected, Sheet, build_workbook_sheets
from core.exceptions import ServiceError
from core.tests.hypothesis_profiles import examples
from core.tests.properties import HOSTILE_TEXT, is_vietnamese, rolled_back
from core.text import nfc
from units.enums import Gender
from units.importing import HEADERS, people_export, people_import
from units.models import Person, PersonTransfer
from units.search_keys import person_search_key
from units.services import person_create
from units.validation import PERSON_TEXT_LIMITS

NAMES = ["Nguyễn Thị Lan", "Trần Văn Bình", "Lê Thị Hoa", "Phạm Minh Đức", "Nguyen Thi Lan", "H'Hen Niê"]
FORMULAS = ["=cmd|' /C calc'!A0", "=1+1", '=HYPERLINK("http://x","y")', "=SUM(A1:A2)"]


def _clean(text):
    """What a real .xlsx can hold: XML refuses most control characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", text) if isinstance(text, str) else text


CELL = st.one_of(
    st.none(),
    HOSTILE_TEXT.map(_clean),
    st.sampled_from(FORMULAS),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 1, 1)),
)
PLAUSIBLE_ROW = st.tuples(
    st.one_of(st.sampled_from(NAMES), CELL),
    st.one_of(st.sampled_from(["Nam", "Nữ", "nu", "NỮ"]), CELL),
    st.one_of(
        st.dates(min_value=datetime.date(1960, 1, 1), max_value=datetime.date(2000, 12, 31)).map(
            lambda d: f"{d:%d/%m/%Y}"
        ),
        st.sampled_from(["15/03/1985", "1985-03-15", "30/02/1990"]),
        CELL,
    ),
    st.one_of(st.sampled_from(["Giáo viên", ""]), CELL),
    st.one_of(st.sampled_from(["x", "", "có"]), CELL),
    st.one_of(st.sampled_from(["01/09/2008", ""]), CELL),
    st.one_of(st.sampled_from(["0912345678", ""]), CELL),
    st.one_of(st.sampled_from(["lan@example.edu.vn", ""]), CELL),
    st.one_of(st.sampled_from(["", "Tổ khối 1", "Tổ không có"]), CELL),
).map(list)
# A row a secretary would type (so that whole files get applied too), sometimes with the date as a real date.
VALID_ROW = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from(["Nam", "Nữ"]),
    st.dates(min_value=datetime.date(1960, 1, 1), max_value=datetime.date(2000, 12, 31)).flatmap(
        lambda d: st.sampled_from([f"{d:%d/%m/%Y}", d, datetime.datetime(d.year, d.month, d.day)])
    ),
    st.sampled_from(["Giáo viên", "", "Tổ trưởng"]),
    st.sampled_from(["x", ""]),
    st.sampled_from(["01/09/2020", ""]),
    st.sampled_from(["0912345678", ""]),
    st.sampled_from(["lan@example.edu.vn", ""]),
    st.sampled_from(["", "Tổ khối 1"]),
).map(list)
ROWS = st.lists(st.one_of(VALID_ROW, VALID_ROW, PLAUSIBLE_ROW), min_size=1, max_size=6)


def _workbook(rows) -> SimpleUploadedFile:
    """A workbook written by openpyxl as a user's Excel would: text starting with «=» becomes a formula."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("danh-sach.xlsx", out.getvalue())


def _state():
    return (
        list(Person.objects.order_by("pk").values()),
        Person.history.count(),
        PersonTransfer.objects.count(),
    )


@pytest.fixture
def school(tree, personas, person_factory):
    """School A1 with two people already listed (one of them also in the NAMES the rows draw from)."""
    person_factory(tree["school_a1"], full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1985, 3, 15))
    person_factory(tree["team_a1"], full_name="Đỗ Văn Sơn")
    return {"unit": tree["school_a1"], "by": personas["secretary_a1"]}


@examples(0.5)
@given(rows=ROWS)
def test_people_import_applies_every_row_or_none(school, rows):
    with rolled_back():
        before = _state()
        try:
            result = people_import(unit=school["unit"], upload=_workbook(rows), by=school["by"])
        except ImportRejected as refused:
            assert _state() == before
            assert is_vietnamese(refused.summary), refused.summary
            assert [e.message for e in refused.errors if not is_vietnamese(e.message)] == []
            event("refused")
            return
        event("applied")
        # Applied: every row names a person of the school now, and only the new ones were added.
        data_rows = [r for r in rows if not all(v is None or (isinstance(v, str) and not v.strip()) for v in r)]
        assert result.created + result.updated + result.unchanged == len(data_rows)
        assert Person.objects.count() == len(before[0]) + result.created
        for row in data_rows:
            assert Person.objects.filter(search_key=person_search_key(nfc(row[0]))).exists(), row


# --- export -------------------------------------------------------------------------------------------

ANY_CELL = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(FORMULAS + ["+84 912", "-5", "@user", "\t=1+1", "\r=1+1", " =1"]),
    st.integers(),
    st.dates(),
    st.none(),
    st.booleans(),
)


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_no_formula(data: bytes) -> None:
    for cell in _cells(data):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
            assert cell.quotePrefix, (cell.coordinate, cell.value)


# Found by this property: a control character in any cell, line or title raised in openpyxl (a 500).
@example(title="Danh sách\x01/2025", preamble=["Lọc: \x0b"], rows=[["Giáo viên\x01", "\ufffe"]])
@examples(0.5)
@given(title=HOSTILE_TEXT, preamble=st.lists(HOSTILE_TEXT, max_size=2), rows=st.lists(st.lists(ANY_CELL, max_size=5)))
def test_every_export_writes_text_never_a_formula(title, preamble, rows):
    """All exporters (list pages, staff, awards, councils) write through build_workbook_sheets."""
    data = build_workbook_sheets([Sheet(title or "Trang", ["Cột 1", "Cột 2"], rows, [10, 10], preamble)])
    _assert_no_formula(data)


# Found by this property: a position with \x01 saved fine and broke the export; an email of 255-320
# characters passed the form (EmailField allows 320) and the service, then failed in the database.
@example(position="Giáo viên\x01", phone="", email="")
@example(position="", phone="", email="a" * 250 + "@x.vn")
@examples(0.3)
@given(position=HOSTILE_TEXT, phone=HOSTILE_TEXT, email=HOSTILE_TEXT)
def test_people_export_of_any_saved_person_is_text(school, position, phone, email):
    with rolled_back():
        try:
            person_create(
                by=school["by"],
                unit=school["unit"],
                full_name="Trần Thị Xuất",
                gender=Gender.FEMALE,
                date_of_birth=datetime.date(1990, 1, 2),
                position=position,
                phone=phone,
                email=email,
            )
        except ServiceError as refused:
            assert is_vietnamese(refused), str(refused)
            return
        data = people_export(user=school["by"], unit=school["unit"])
        _assert_no_formula(data)
        exported = {c.value for c in _cells(data)}
        assert "Trần Thị Xuất" in exported


def test_the_text_limits_are_the_columns():
    columns = {key: Person._meta.get_field(key).max_length for key in PERSON_TEXT_LIMITS}
    assert columns == {key: limit for key, (_label, limit) in PERSON_TEXT_LIMITS.items()}
