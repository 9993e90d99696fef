"""Property of the awards imports (awards/importing.py): past award records and yearly ratings.

A workbook of random cells (formulas, dates, numbers, superscript and Arabic digits, school years in every
shape, unknown awards and ratings, long and hostile text, the school's own people) is applied whole or not at
all, and a refusal names each bad row in Vietnamese; nothing else is ever raised.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import event, example, given
from hypothesis import strategies as st
from openpyxl import Workbook

from awards.importing import EVALUATION_HEADERS, RECORD_HEADERS, evaluations_import, records_import
from awards.models import AwardRecord, TaskEvaluation
from core.excel import ILLEGAL_CHARACTERS, ImportRejected
from core.tests.hypothesis_profiles import examples
from core.tests.properties import HOSTILE_TEXT, is_vietnamese, rolled_back

BORN = datetime.date(1985, 3, 15)
NAME = st.sampled_from(["Nguyễn Thị Lan", "nguyen thi lan", "Trường Tiểu học A1", "Tổ khối 1", "Người Lạ"])
YEAR = st.one_of(
    st.sampled_from(["2022-2023", "2023 - 2024", "2021", 2020, 2019.0, "2024–2025", "2030-2031", "2023-2025"]),
    st.sampled_from(["²⁰²³", "٢٠٢٣", "2023-٢٠٢٤", "1974", "0", "-2023", "2023.5"]),
    st.integers(-(10**6), 10**6),
)
ANY = st.one_of(
    st.none(),
    HOSTILE_TEXT.map(lambda t: ILLEGAL_CHARACTERS.sub("", t)),
    st.sampled_from(["=1+1", "=cmd|' /C calc'!A0"]),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 1, 1)),
)
BORN_CELL = st.one_of(st.just("15/03/1985"), st.just(BORN), st.just(""), ANY)
EVALUATION_ROW = st.tuples(
    st.one_of(NAME, ANY),
    BORN_CELL,
    st.one_of(YEAR, ANY),
    st.one_of(st.sampled_from(["HTXS", "htt", "Hoàn thành nhiệm vụ", "KHT", "Xuất sắc"]), ANY),
).map(list)
RECORD_ROW = st.tuples(
    st.one_of(NAME, ANY),
    BORN_CELL,
    st.one_of(YEAR, ANY),
    st.one_of(st.sampled_from(["LDTT", "Lao động tiên tiến", "CSTĐCS", "Giấy khen", "Không có"]), ANY),
    st.one_of(st.sampled_from(["", "Công trạng", "Đột xuất", "chuyên đề"]), ANY),
    st.one_of(st.sampled_from(["", "12/QĐ-UBND", "12/QĐ-UBND"]), ANY),
    st.one_of(st.sampled_from(["", "01/06/2023", "31/02/2023"]), ANY),
    st.one_of(st.sampled_from(["", "UBND huyện"]), ANY),
).map(list)


def _workbook(headers, rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("tep.xlsx", out.getvalue())


def _state():
    return (
        sorted(AwardRecord.objects.values_list("pk", "school_year", "award_type_id", "decision_number")),
        sorted(TaskEvaluation.objects.values_list("pk", "school_year", "rating")),
        AwardRecord.history.count(),
    )


@pytest.fixture
def school(tree, personas, person_factory):
    person_factory(tree["school_a1"], full_name="Nguyễn Thị Lan", date_of_birth=BORN)
    return {"unit": tree["school_a1"], "by": personas["secretary_a1"]}


def _check(importer, headers, school, rows):
    with rolled_back():
        before = _state()
        try:
            importer(unit=school["unit"], upload=_workbook(headers, rows), by=school["by"])
        except ImportRejected as refused:
            assert _state() == before
            assert is_vietnamese(refused.summary), refused.summary
            assert [e.message for e in refused.errors if not is_vietnamese(e.message)] == []
            event("refused")
            return
        event("applied")


# Found by this property: a school year typed in superscript digits passed str.isdigit() and int() raised
# its English message into the row's error.
@example(rows=[["Nguyễn Thị Lan", "15/03/1985", "²⁰²³", "HTXS"]])
@examples(0.5)
@given(rows=st.lists(EVALUATION_ROW, min_size=1, max_size=5))
def test_evaluations_import_applies_every_row_or_none(school, rows):
    _check(evaluations_import, EVALUATION_HEADERS, school, rows)


@examples(0.5)
@given(rows=st.lists(RECORD_ROW, min_size=1, max_size=5))
def test_records_import_applies_every_row_or_none(school, rows):
    _check(records_import, RECORD_HEADERS, school, rows)
