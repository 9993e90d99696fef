from django.core.cache import cache
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join

from core.fixedsql import FixedQuery, one_row_of
from core.rules import view_rule
from units import selectors as unit_selectors
from units.enums import UnitKind
from units.models import Person, Unit
from units.rules import ROLE_CAPABILITIES, Cap, Reach, is_superuser, roles_of
from units.view_rules import SIGNED_IN

from . import badge
from .todos import superuser_todos, todos_for

# A Phòng's or the Sở's head count runs over every person of its subtree (60,000 rows for a province) on each
# visit of the home page: it is kept per account and role this many seconds, and the page says so. A school's
# (its own staff and teams) is counted live.
HEADCOUNT_SECONDS = 300
# The units below listed on the page.
MAX_CHILDREN = 50

# What the user reads of a unit's subtree, decided by the kernel's role table in Python (`_read_reach`).
WHOLE, OWN = "whole", "own"


def _read_reach(user, unit: Unit) -> str | None:
    """WHOLE when `user` holds READ on every unit of `unit`'s subtree; OWN when on exactly `unit` and its teams
    among them (`Reach.OWN` granted on `unit`, nothing else granted inside the subtree); None for any other mix
    (the kernel's queryset then decides). The same answer `units.rules.scope_q` gives row by row (tested)."""
    if is_superuser(user):
        return WHOLE
    roles = [(ROLE_CAPABILITIES.get(r.role, {}).get(Cap.READ), r.unit) for r in roles_of(user)]
    roles = [(reach, granted) for reach, granted in roles if reach is not None]
    for reach, granted in roles:
        if unit.path.startswith(granted.path) and (
            reach == Reach.SUBTREE or (reach == Reach.BELOW and granted.pk != unit.pk)
        ):
            return WHOLE
    own = False
    for reach, granted in roles:
        if granted.pk == unit.pk and reach == Reach.OWN:
            own = True
        elif granted.path.startswith(unit.path):
            return None  # a role on the unit reaching only below it, or one granted inside the subtree
    return OWN if own else None


def _own_units(unit_id: int):
    return Unit.objects.filter(Q(pk=unit_id) | Q(parent_id=unit_id, kind=UnitKind.TEAM)).values("pk")


# The statements of the usual cases, compiled once per process (the ORM's build and compile was a fifth of a
# school's home page): the active people of a unit and its teams, the units below a unit (all of them, or its
# teams).
_OWN_PEOPLE = FixedQuery(
    lambda unit_id: one_row_of(Person.objects.filter(unit_id__in=_own_units(unit_id), is_active=True), n=Count("pk")),
    int,
)
_CHILDREN = FixedQuery(
    lambda unit_id: (
        Unit.objects.filter(parent_id=unit_id).order_by("kind", "name").values_list("pk", "name")[:MAX_CHILDREN]
    ),
    int,
)
_TEAMS = FixedQuery(
    lambda unit_id: (
        Unit.objects.filter(parent_id=unit_id, kind=UnitKind.TEAM)
        .order_by("kind", "name")
        .values_list("pk", "name")[:MAX_CHILDREN]
    ),
    int,
)


def _people_count(request, unit, reach: str | None) -> tuple[int, bool]:
    """The unit's active staff the user reads, and whether the figure comes from the cache."""
    if unit.kind in (UnitKind.SCHOOL, UnitKind.TEAM):
        if reach == OWN:
            ((count,),) = _OWN_PEOPLE.run(unit.pk)
            return count, False
        return unit_selectors.unit_people(request.user, unit).count(), False
    key = f"workbench:headcount:{request.user.pk}:{request.active_role.pk}"
    count = cache.get(key)
    if count is None:
        count = unit_selectors.unit_people(request.user, unit).count()
        cache.set(key, count, HEADCOUNT_SECONDS)
    return count, True


def _children(user, unit: Unit, reach: str | None) -> list[tuple[int, str]]:
    """(id, name) of the units right below `unit` that the user sees (`unit_selectors.unit_children`), at most
    MAX_CHILDREN."""
    if reach == WHOLE:
        return _CHILDREN.run(unit.pk)
    if reach == OWN:
        return _TEAMS.run(unit.pk)
    return list(unit_selectors.unit_children(user, unit).values_list("pk", "name")[:MAX_CHILDREN])


def _children_html(children: list[tuple[int, str]]) -> str:
    """The list items of the units below, each linked to its page (the URL reversed once, not once per unit)."""
    if not children:
        return ""
    marker = 987654321
    head, _, tail = reverse("units:detail", args=[marker]).partition(str(marker))
    return format_html_join("", '<li><a href="{}{}{}">{}</a></li>', ((head, pk, tail, name) for pk, name in children))


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
        reach = _read_reach(request.user, unit)
        context["children"] = _children_html(_children(request.user, unit, reach))
        context["people_count"], context["people_count_cached"] = _people_count(request, unit, reach)
    elif request.user.is_superuser:
        todos = superuser_todos(request.user)
        context["total"] = badge.remember(request, todos)
        context["todos"] = todos
        context["superuser"] = True
    return render(request, "workbench/home.html", context)
