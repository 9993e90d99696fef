"""Reading a list's "Xuất Excel" back in tests (core.exports)."""

import io

from openpyxl import load_workbook

from core.excel import XLSX_CONTENT_TYPE


def export_of(client, url: str, query: str = ""):
    """GET the list with `xuat=xlsx` and its filters; the response, checked to be an .xlsx."""
    separator = "&" if query else ""
    response = client.get(f"{url}?{query}{separator}xuat=xlsx")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return response


def sheet_of(response):
    return load_workbook(io.BytesIO(response.content)).active


def header_row_number(sheet) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == "STT":
            return row[0].row
    raise AssertionError("no header row (STT) in the export")


def preamble(response) -> list[str]:
    sheet = sheet_of(response)
    return [sheet.cell(row=n, column=1).value for n in range(1, header_row_number(sheet))]


def column(response, header: str) -> list:
    """The values of the column named `header`, in row order."""
    sheet = sheet_of(response)
    top = header_row_number(sheet)
    headers = [c.value for c in sheet[top]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=top + 1, values_only=True)]


def cells(response, header: str) -> list:
    sheet = sheet_of(response)
    top = header_row_number(sheet)
    index = [c.value for c in sheet[top]].index(header)
    return [row[index] for row in sheet.iter_rows(min_row=top + 1)]


def page_values(client, url: str, query: str, attribute) -> list:
    """What the page itself lists (its `page` in the template context), read with `attribute(row)`."""
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return [attribute(row) for row in response.context["page"].object_list]
