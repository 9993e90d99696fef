"""Reading and writing .xlsx files safely (openpyxl).

An upload is checked by content, not by its name: it must be a ZIP whose
workbook openpyxl can open, within the configured size.
"""

import datetime
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.exceptions import ServiceError
from core.text import nfc

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
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise ImportRejected(f"Tệp quá lớn (tối đa {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB).")
    data = upload.read()
    if not data:
        raise ImportRejected("Tệp rỗng.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected("Tệp không phải là bảng tính Excel (.xlsx). Vui lòng dùng tệp mẫu tải từ cổng.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ImportRejected("Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx.") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
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
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{label} «{text}» không đúng dạng ngày/tháng/năm (dd/mm/yyyy)")


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable
    widths: list[int] = field(default_factory=list)


def build_workbook_sheets(sheets: list[Sheet]) -> bytes:
    """One .xlsx with a sheet per `Sheet`: a bold, shaded header row, frozen below it."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        sheet.append(spec.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for row in spec.rows:
            sheet.append(row)
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def build_workbook(title: str, headers: list[str], rows, widths: list[int] | None = None) -> bytes:
    return build_workbook_sheets([Sheet(title, headers, rows, widths or [])])
