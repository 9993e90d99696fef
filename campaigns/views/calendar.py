"""A unit's calendar of phases and deadlines (in-app notifications live in the notifications app)."""

import datetime

from django.shortcuts import render

from awards.schoolyear import school_year_bounds, school_year_of
from core.rules import view_rule
from units.rules import roles_of
from units.selectors import unit_get_visible
from units.view_rules import UNIT_READ

from .. import selectors

# --- Calendar ----------------------------------------------------------


@view_rule(UNIT_READ)
def calendar(request):
    user = request.user
    unit_id = request.GET.get("unit") or (request.active_role.unit_id if request.active_role else None)
    unit = unit_get_visible(user, unit_id) if unit_id else None  # "abc" or a huge id: 404, never a 500
    raw_year = request.GET.get("year", "")
    # A year the calendar cannot show (not a number, or beyond what a date holds) falls back to this one.
    valid = raw_year.isascii() and raw_year.isdigit() and 1900 <= int(raw_year) <= 2999
    year = int(raw_year) if valid else school_year_of(datetime.date.today())
    own_units = sorted({r.unit for r in roles_of(user)}, key=lambda u: u.path)
    months = []
    if unit is not None:
        start, end = school_year_bounds(year)
        months = selectors.unit_agenda(user, unit, start=start, end=end)
    return render(
        request,
        "campaigns/calendar.html",
        {"unit": unit, "year": year, "months": months, "own_units": own_units, "today": datetime.date.today()},
    )
