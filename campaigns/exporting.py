"""The Excel export of a campaign's registrations: a sheet of people, a sheet of collectives."""

import io
from collections import defaultdict
from copy import copy

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.excel import build_workbook

from . import selectors
from .models import Campaign

EXPORT_HEADERS = [
    "STT",
    "Đơn vị",
    "Họ và tên",
    "Chức vụ",
    "Danh hiệu đăng ký",
    "Hình thức khen thưởng đăng ký",
    "Tên sáng kiến",
    "Tình trạng",
]


COLLECTIVE_EXPORT_HEADERS = [
    "STT",
    "Đơn vị",
    "Tập thể",
    "Danh hiệu tập thể đăng ký",
    "Hình thức khen thưởng tập thể đăng ký",
    "Tình trạng",
]


def _with_sheet(data: bytes, title: str, headers: list[str], rows, widths: list[int]) -> bytes:
    """Add a sheet to a workbook made by `core.excel.build_workbook`, its header styled as the first sheet's."""
    workbook = load_workbook(io.BytesIO(data))
    header = workbook.worksheets[0]["A1"]
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill = copy(header.font), copy(header.fill)
    for row in rows:
        sheet.append(row)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _collective_rows(user, campaign):
    """Each registering unit's own collective target (when it registered one), then a row per team."""
    teams_by_registration = defaultdict(list)
    for team_line in selectors.registered_collective_lines_for_export(user, campaign):
        teams_by_registration[team_line.registration_id].append(team_line)
    index = 0
    for registration in selectors.registrations_for_export(user, campaign):
        unit, status = registration.unit.name, registration.get_status_display()
        own = (registration.collective_title, registration.collective_commendation)
        rows = [(unit, *own)] if any(own) else []
        rows += [(t.team.name, t.title, t.commendation) for t in teams_by_registration[registration.pk]]
        for name, title, commendation in rows:
            index += 1
            yield [index, unit, name, title.name if title else "", commendation.name if commendation else "", status]


def registration_workbook(user, campaign: Campaign) -> bytes:
    """The registrations of `campaign` within the user's units: "Đăng ký thi đua" (a row per person)
    and "Tập thể" (each unit's own collective target, then a row per team)."""
    lines = selectors.registered_lines_for_export(user, campaign)
    rows = (
        [
            index,
            line.registration.unit.name,
            line.person.full_name,
            line.position,
            line.title.name if line.title else "",
            line.commendation.name if line.commendation else "",
            line.initiative_title,
            line.registration.get_status_display(),
        ]
        for index, line in enumerate(lines, start=1)
    )
    data = build_workbook("Đăng ký thi đua", EXPORT_HEADERS, rows, widths=[6, 34, 28, 18, 28, 32, 40, 16])
    return _with_sheet(
        data, "Tập thể", COLLECTIVE_EXPORT_HEADERS, _collective_rows(user, campaign), widths=[6, 34, 34, 30, 34, 16]
    )
