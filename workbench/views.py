from django.core.cache import cache
from django.shortcuts import render

from core.rules import view_rule
from units import selectors as unit_selectors
from units.enums import UnitKind
from units.view_rules import SIGNED_IN

from . import badge
from .todos import superuser_todos, todos_for

# A Phòng's or the Sở's head count runs over every person of its subtree (60,000 rows for a province) on each
# visit of the home page: it is kept per account and role this many seconds, and the page says so. A school's
# (its own staff and teams) is counted live.
HEADCOUNT_SECONDS = 300


def _people_count(request, unit) -> tuple[int, bool]:
    """The unit's active staff the user reads, and whether the figure comes from the cache."""
    if unit.kind in (UnitKind.SCHOOL, UnitKind.TEAM):
        return unit_selectors.unit_people(request.user, unit).count(), False
    key = f"workbench:headcount:{request.user.pk}:{request.active_role.pk}"
    count = cache.get(key)
    if count is None:
        count = unit_selectors.unit_people(request.user, unit).count()
        cache.set(key, count, HEADCOUNT_SECONDS)
    return count, True


@view_rule(SIGNED_IN)
def home(request):
    """Trang chủ: the active role's to-do list, then the unit's usual links and the units below it."""
    role = request.active_role
    unit = role.unit if role else None
    context = {"unit": unit}
    if unit is not None:
        todos = todos_for(request.user, role)
        context["total"] = badge.remember(request, todos)
        context["todos"] = todos
        context["children"] = list(unit_selectors.unit_children(request.user, unit).values("pk", "name")[:50])
        context["people_count"], context["people_count_cached"] = _people_count(request, unit)
    elif request.user.is_superuser:
        todos = superuser_todos(request.user)
        context["total"] = badge.remember(request, todos)
        context["todos"] = todos
        context["superuser"] = True
    return render(request, "workbench/home.html", context)
