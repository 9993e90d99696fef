"""Reading and writing .xlsx files safely (openpyxl).

An upload is checked by content, not by its name (core.uploads.check_workbook:
size, the zip's directory, macros, external links, encryption), then it must be a
workbook openpyxl can open; openpyxl parses its XML through defusedxml (no entities). A cell of an upload
that is a formula is refused (its cached value may be stale or empty, and its
text must never come back as a live formula). Every text cell written that
begins with `=`, `+`, `-` or `@` is written as text with Excel's quote prefix,
so a name typed as `=HYPERLINK(…)` is shown, never evaluated (CSV/formula injection).
"""

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.exceptions import ServiceError
from core.text import nfc
from core.uploads import UploadRefused, check_workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An .xlsx download."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportRejected(ServiceError):
    """The whole file was refused; nothing was saved."""

    summary: str
    errors: list[RowError] = field(default_factory=list)

    def __post_init__(self):
        super().__init__(self.summary)

    def __str__(self):
        return self.summary


def read_rows(upload, expected_headers: list[str]) -> list[tuple[int, list]]:
    """Return (row number, values) for each non-empty data row, or raise ImportRejected."""
    try:
        # Size, zip directory (bombs), macros, external links, encryption: core/uploads.py.
        data = check_workbook(upload)
    except UploadRefused as refused:
        raise ImportRejected(str(refused)) from None
    try:
        # Not data_only: a formula cell then reads as its formula (data_type "f") and is refused below.
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ImportRejected("Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx.") from None
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows()
    formulas: list[RowError] = []

    def values_of(row_number: int, row) -> list:
        found = [c.coordinate for c in row if getattr(c, "data_type", None) == "f"]
        if found:
            formulas.append(
                RowError(row_number, f"ô {', '.join(found)} là công thức Excel; hãy nhập giá trị (dán dạng giá trị)")
            )
        return [c.value for c in row]

    rows = (values_of(number, row) for number, row in enumerate(cells, start=1))
    header = next(rows, None)
    headers = [nfc(h) for h in (header or [])]
    while headers and not headers[-1]:
        headers.pop()
    if headers != expected_headers:
        raise ImportRejected(
            "Tệp không đúng mẫu: dòng tiêu đề phải là «" + " | ".join(expected_headers) + "». "
            "Vui lòng tải tệp mẫu và nhập lại."
        )
    result = []
    for number, values in enumerate(rows, start=2):
        values = list(values[: len(expected_headers)]) + [None] * (len(expected_headers) - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        result.append((number, values))
    workbook.close()
    if formulas:
        raise ImportRejected(
            f"Tệp có {len(formulas)} dòng chứa công thức nên không có dòng nào được nhập. "
            "Hãy thay công thức bằng giá trị rồi nhập lại.",
            formulas,
        )
    if not result:
        raise ImportRejected("Tệp không có dòng dữ liệu nào.")
    return result


def parse_date(value, label: str) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    match = DAY_FIRST.fullmatch(text) or YEAR_FIRST.fullmatch(text)
    if match is None:
        raise ValueError(f"{label} «{text}» không đúng dạng ngày/tháng/năm (dd/mm/yyyy)")
    day, month, year = (int(match[name]) for name in ("day", "month", "year"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        # The right shape but no such day: 30/02/2025, 31/04/2024, 15/13/1990.
        if not 1 <= month <= 12:
            raise ValueError(f"{label} «{text}» không có thật: tháng {month} không tồn tại") from None
        raise ValueError(f"{label} «{text}» không có thật: tháng {month}/{year} không có ngày {day}") from None


DAY_FIRST = re.compile(r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})")
YEAR_FIRST = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")


FORMULA_PREFIXES = ("=", "+", "-", "@")
# What a worksheet cannot hold (XML 1.0 refuses these control characters; openpyxl raises, a 500): a value
# typed with one (a position pasted with \x01, a filter's text) is written without it.
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What a sheet's title cannot hold (openpyxl raises): replaced by a space, as Excel asks the user to.
TITLE_CHARACTERS = re.compile("[\\\\/*?:\\[\\]\x00-\x1f\ud800-\udfff\ufffe\uffff]")


def writable(value):
    """`value` as a worksheet can hold it: text without the control characters XML refuses."""
    return ILLEGAL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def _as_text_if_formula_like(cell) -> None:
    """A text that Excel would read as a formula is written as text, shown with a quote prefix."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable
    widths: list[int] = field(default_factory=list)
    # Lines above the header row (a list's title, the filters applied, a note), the first in bold.
    preamble: list[str] = field(default_factory=list)


DATE_FORMAT = "DD/MM/YYYY"


def build_workbook_sheets(sheets: list[Sheet]) -> bytes:
    """One .xlsx with a sheet per `Sheet`: its preamble lines, then a bold, shaded header row, frozen below it.

    Date cells are real dates shown dd/mm/yyyy; formula-like text stays text (preamble lines too).
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(TITLE_CHARACTERS.sub(" ", spec.title)[:31].strip() or "Trang 1")
        for index, line in enumerate(spec.preamble):
            sheet.append([writable(line)])
            cell = sheet.cell(row=index + 1, column=1)
            _as_text_if_formula_like(cell)
            if index == 0:
                cell.font = Font(bold=True, size=13)
        sheet.append([writable(h) for h in spec.headers])
        header_row = len(spec.preamble) + 1
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        row_number = header_row
        for row in spec.rows:
            values = [writable(v) for v in row]
            sheet.append(values)
            row_number += 1
            # Only the cells that need it are looked up (sheet.cell() is a lookup; sheet[n] and sheet.max_row
            # scan every cell written so far, which made a 12,000-row export take minutes).
            for column, value in enumerate(values, start=1):
                if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                    _as_text_if_formula_like(sheet.cell(row=row_number, column=column))
                elif isinstance(value, datetime.date):
                    sheet.cell(row=row_number, column=column).number_format = DATE_FORMAT
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = f"A{header_row + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def build_workbook(title: str, headers: list[str], rows, widths: list[int] | None = None) -> bytes:
    return build_workbook_sheets([Sheet(title, headers, rows, widths or [])])
