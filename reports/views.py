"""«Báo cáo, thống kê»: a unit's year summary and the Home Affairs statistical forms, as Excel."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from awards.schoolyear import current_school_year, school_year_label
from core.excel import xlsx_response
from core.exceptions import ServiceError
from core.rules import view_rule
from documents.kinds.reports import summary_school_year
from units.rules import roles_of
from units.selectors import unit_get_visible, units_visible_to
from units.view_rules import LIST_IN_SCOPE, UNIT_REPORT

from . import statistics, unit_summary

YEARS_BACK = 5


def school_year_choices() -> list[tuple[int, str]]:
    current = current_school_year()
    return [(year, school_year_label(year)) for year in range(current, current - YEARS_BACK, -1)]


def calendar_year_choices() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - YEARS_BACK, -1))


def reporting_units(user) -> list:
    """The units the user may have reports of: those of its roles where the predicate holds (roots for a
    superuser), each once, in tree order."""
    if user.is_superuser:
        units = list(units_visible_to(user).filter(depth=0).order_by("path"))
    else:
        units = sorted({r.unit for r in roles_of(user)}, key=lambda u: u.path)
    return [u for u in units if unit_summary.may_request(user, u)]


@view_rule(LIST_IN_SCOPE)
def report_home(request):
    return render(
        request,
        "reports/home.html",
        {
            "units": reporting_units(request.user),
            "school_years": school_year_choices(),
            "years": calendar_year_choices(),
        },
    )


def _reporting_unit(request, unit_pk):
    unit = unit_get_visible(request.user, unit_pk)
    if not unit_summary.may_request(request.user, unit):
        raise PermissionDenied
    return unit


@view_rule(UNIT_REPORT)
def unit_summary_xlsx(request, unit_pk):
    unit = _reporting_unit(request, unit_pk)
    try:
        year = summary_school_year({"school_year": request.GET.get("nam_hoc", "")})
    except ServiceError:
        raise Http404 from None
    data = unit_summary.unit_summary_workbook(unit=unit, school_year=year)
    return xlsx_response(data, f"tong-hop-thi-dua-khen-thuong-{year}-{year + 1}-{unit.pk}.xlsx")


@view_rule(UNIT_REPORT)
def statistics_xlsx(request, unit_pk):
    unit = _reporting_unit(request, unit_pk)
    raw = request.GET.get("nam", "")
    if raw == "":
        year = timezone.localdate().year
    elif raw.isascii() and raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2100:
        year = int(raw)
    else:
        raise Http404
    data = statistics.statistics_workbook(user=request.user, unit=unit, year=year)
    return xlsx_response(data, f"thong-ke-tdkt-{year}-{unit.pk}.xlsx")
