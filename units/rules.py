"""Who may see and change what, decided from UnitRole rows.

A role covers the unit it is granted on and that unit's teams; the roles in
SUBTREE_ROLES cover the whole subtree. Django superusers cover everything.
The roles of a user are read once per request and cached on the user object.
"""

from django.db.models import Q

from .enums import SUBTREE_ROLES, Role, UnitKind
from .models import Unit, UnitRole

_CACHE_ATTR = "_portal_unit_roles"


def roles_of(user) -> list[UnitRole]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(UnitRole.objects.filter(user=user).select_related("unit").order_by("unit__depth", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _role_q(role: UnitRole, prefix: str) -> Q:
    unit = role.unit
    if role.role in SUBTREE_ROLES:
        return Q(**{f"{prefix}path__startswith": unit.path})
    return Q(**{f"{prefix}pk": unit.pk}) | Q(**{f"{prefix}parent_id": unit.pk, f"{prefix}kind": UnitKind.TEAM})


def unit_scope_q(user, field: str = "") -> Q:
    """A Q object matching the units `user` may see, on `field` (a FK to Unit) or on Unit itself."""
    prefix = f"{field}__" if field else ""
    if user.is_authenticated and user.is_superuser:
        return Q()
    query = Q(**{f"{prefix}pk__in": []})
    for role in roles_of(user):
        query |= _role_q(role, prefix)
    return query


def role_covers(role: UnitRole, unit: Unit) -> bool:
    if role.unit_id == unit.pk:
        return True
    if role.role in SUBTREE_ROLES:
        return unit.path.startswith(role.unit.path)
    return unit.kind == UnitKind.TEAM and unit.parent_id == role.unit_id


def has_role_on(user, unit: Unit, roles) -> bool:
    """True if the user holds one of `roles` covering `unit`. Needs no query once roles are cached."""
    if user.is_authenticated and user.is_superuser:
        return True
    return any(r.role in roles and role_covers(r, unit) for r in roles_of(user))


def can_view_unit(user, unit: Unit) -> bool:
    return has_role_on(user, unit, set(Role))


def can_manage_people(user, unit: Unit) -> bool:
    return has_role_on(user, unit, {Role.SECRETARY, Role.HEAD, Role.ADMINISTRATOR})


def can_edit_unit(user, unit: Unit) -> bool:
    return has_role_on(user, unit, {Role.ADMINISTRATOR, Role.HEAD})


def can_manage_structure(user, unit: Unit) -> bool:
    """Create child units, move units, manage blocks: administrators only."""
    return has_role_on(user, unit, {Role.ADMINISTRATOR})
