"""Every read a units view shows starts here, scoped to the user."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from .enums import UnitKind
from .models import EmulationBlock, Person, PersonTransfer, Unit, UnitRole
from .rules import Cap, people_in_scope, scope_q, unit_scope_q


def units_visible_to(user) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_scope_q(user))


MAX_PK = 2**63 - 1


def valid_pk(value) -> int:
    """An id from a URL or a query string as an int, or 404: "abc", "" and ids past the database's
    integer range are not found, like an id of another unit (never a 500)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_PK:
        raise Http404
    return int(text)


def unit_get_visible(user, pk) -> Unit:
    """The unit, or 404 when it is outside the user's units or not an id at all."""
    return get_object_or_404(units_visible_to(user).select_related("parent", "head"), pk=valid_pk(pk))


def unit_list(user) -> QuerySet[Unit]:
    """Visible units with the number of active people of each unit's subtree that the user may read
    (a Phòng secretary counts the Phòng's own staff, not the schools' below)."""
    # One index range per unit on the people's own path column (Person.unit_path, lookup `within`), not a
    # `LIKE path || '%'` that scans every person for every unit (4.1 s at province scale, sorted by count).
    # Only unit_path in the WHERE: with stale statistics ("0 rows"), an `is_active = true` condition there let
    # the planner pick the (unit, is_active) index and read all of it for every unit. Active people are
    # counted by the aggregate's FILTER instead, still from the (unit_path, is_active) index alone.
    subtree_people = (
        Person.objects.filter(scope_q(user, Cap.READ, "unit", model=Person), unit_path__within=OuterRef("path"))
        .order_by()
        .values(marker=Value(1))
        .annotate(n=Count("is_active", filter=Q(is_active=True)))
        .values("n")
    )
    return (
        units_visible_to(user)
        .select_related("parent")
        .annotate(people_count=Coalesce(Subquery(subtree_people), 0))
        .order_by("path")
    )


def unit_children(user, unit: Unit) -> QuerySet[Unit]:
    return units_visible_to(user).filter(parent=unit).order_by("kind", "name")


def school_teams(user, unit: Unit) -> QuerySet[Unit]:
    """The teams (tổ) of `unit`'s school (a team's own school) that `user` may see: the person form's «Tổ»."""
    school_id = unit.parent_id if unit.kind == UnitKind.TEAM and unit.parent_id else unit.pk
    return units_visible_to(user).filter(parent_id=school_id, kind=UnitKind.TEAM).order_by("name")


def people_visible_to(user) -> QuerySet[Person]:
    return Person.objects.filter(unit_scope_q(user, "unit", model=Person)).select_related("unit")


def person_get_visible(user, pk) -> Person:
    return get_object_or_404(people_visible_to(user), pk=valid_pk(pk))


def person_transfers(person: Person) -> QuerySet[PersonTransfer]:
    return person.transfers.select_related("from_unit", "to_unit", "created_by")


def unit_people(user, unit: Unit, *, active_only: bool = True) -> QuerySet[Person]:
    """People of a unit and of the units below it that the user may read (a school's staff includes its
    teams; a Phòng secretary gets the Phòng's own staff only). Through the kernel, `people_in_scope`."""
    return people_in_scope(user, unit, active_only=active_only).order_by("full_name", "id")


def blocks_visible_to(user) -> QuerySet[EmulationBlock]:
    """Blocks organised by a visible unit, or having a visible unit among their members."""
    member_visible = EmulationBlock.members.through.objects.filter(
        unit_scope_q(user, "unit"), emulationblock_id=OuterRef("pk")
    )
    return (
        EmulationBlock.objects.filter(unit_scope_q(user, "owner") | Q(Exists(member_visible)))
        .select_related("owner")
        .annotate(member_count=Count("members"))
    )


def block_get_visible(user, pk) -> EmulationBlock:
    return get_object_or_404(blocks_visible_to(user), pk=valid_pk(pk))


def unit_roles(unit: Unit) -> QuerySet[UnitRole]:
    return UnitRole.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")
