from django.shortcuts import render

from core.rules import view_rule
from units import selectors as unit_selectors
from units.view_rules import SIGNED_IN

from . import badge
from .todos import superuser_todos, todos_for


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
        context["children"] = unit_selectors.unit_children(request.user, unit)[:50]
        context["people_count"] = unit_selectors.unit_people(request.user, unit).count()
    elif request.user.is_superuser:
        todos = superuser_todos(request.user)
        context["total"] = badge.remember(request, todos)
        context["todos"] = todos
        context["superuser"] = True
    return render(request, "workbench/home.html", context)
