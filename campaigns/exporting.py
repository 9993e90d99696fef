"""The Excel export of a campaign's registrations: a sheet of people, a sheet of collectives."""

from collections import defaultdict

from core.excel import Sheet, build_workbook_sheets

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
    return build_workbook_sheets(
        [
            Sheet("Đăng ký thi đua", EXPORT_HEADERS, rows, [6, 34, 28, 18, 28, 32, 40, 16]),
            Sheet("Tập thể", COLLECTIVE_EXPORT_HEADERS, _collective_rows(user, campaign), [6, 34, 34, 30, 34, 16]),
        ]
    )
