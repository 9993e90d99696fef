"""The permission kernel: the one place that decides what a user may read and do on a unit.

Every app asks here. A user's rights come from `UnitRole(user, unit, role)` rows
through one table, `ROLE_CAPABILITIES`: for each role, which capabilities it
grants and how far each reaches from the unit the role is granted on:

- `Reach.OWN`: the unit itself and its teams (tổ), not the units below;
- `Reach.SUBTREE`: the unit and every unit below it;
- `Reach.BELOW`: only the units strictly below it (the level above acting on
  what the level below filed: return, reopen).

Capabilities (`Cap`):

- `READ`: see the unit, its people, their award history, evaluations, initiatives;
- `MANAGE_PEOPLE`: add, edit, import, transfer people; enter their history,
  evaluations, discipline and initiatives;
- `FILE`: prepare the unit's own filings (registrations, campaign drafts);
- `SIGN`: act as the head of the unit (send a registration upward, launch a
  campaign, recognise an initiative);
- `EDIT_UNIT`: change the unit's own record (name, header fields, head), organise its emulation blocks;
- `OVERSEE`: receive the filings of the units below (return, reopen deadlines);
- `APPRAISE`: appraise what is addressed to the unit itself;
- `ADMINISTER`: structure (child units, moves), accounts and roles,
  revocations.

The answer to "does a Phòng's (or the Sở's) TĐKT secretary read the schools'
data?" is **no**: a secretary and a council member work for their own unit
(and its teams). Reading below one's unit is the job of the head, the reviewer
(chuyên viên) and the administrator. The same table applies to every view,
export, import and service alike. Django superusers hold every capability
everywhere.

Objects outside what a user may READ answer 404 (selectors filter with
`scope_q`); a visible object the user may not act on answers 403.
The roles of a user are read once per request and cached on the user object.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .enums import Role, UnitKind
from .models import Person, Unit, UnitRole


class Cap(StrEnum):
    READ = "read"
    MANAGE_PEOPLE = "manage_people"
    FILE = "file"
    SIGN = "sign"
    EDIT_UNIT = "edit_unit"
    OVERSEE = "oversee"
    APPRAISE = "appraise"
    ADMINISTER = "administer"


class Reach(StrEnum):
    OWN = "own"
    SUBTREE = "subtree"
    BELOW = "below"


ROLE_CAPABILITIES: dict[str, dict[Cap, Reach]] = {
    Role.SECRETARY: {
        Cap.READ: Reach.OWN,
        Cap.MANAGE_PEOPLE: Reach.OWN,
        Cap.FILE: Reach.OWN,
    },
    Role.COUNCIL_MEMBER: {
        Cap.READ: Reach.OWN,
    },
    Role.HEAD: {
        Cap.READ: Reach.SUBTREE,
        Cap.MANAGE_PEOPLE: Reach.SUBTREE,
        Cap.FILE: Reach.OWN,
        Cap.SIGN: Reach.OWN,
        Cap.EDIT_UNIT: Reach.SUBTREE,
        Cap.OVERSEE: Reach.BELOW,
        Cap.APPRAISE: Reach.OWN,
    },
    Role.REVIEWER: {
        Cap.READ: Reach.SUBTREE,
        Cap.OVERSEE: Reach.BELOW,
        Cap.APPRAISE: Reach.OWN,
    },
    Role.ADMINISTRATOR: {
        Cap.READ: Reach.SUBTREE,
        Cap.MANAGE_PEOPLE: Reach.SUBTREE,
        Cap.FILE: Reach.SUBTREE,
        Cap.EDIT_UNIT: Reach.SUBTREE,
        Cap.OVERSEE: Reach.BELOW,
        Cap.ADMINISTER: Reach.SUBTREE,
    },
}

# Kept for callers that only ask "does this role reach below its unit for reading".
SUBTREE_ROLES = frozenset(r for r, caps in ROLE_CAPABILITIES.items() if caps.get(Cap.READ) == Reach.SUBTREE)

_CACHE_ATTR = "_portal_unit_roles"
# The order of a user's roles: the first is the default active role (units.middleware).
ROLE_ORDER = ("unit__depth", "role", "pk")


def roles_of(user) -> list[UnitRole]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(UnitRole.objects.filter(user=user).select_related("unit").order_by(*ROLE_ORDER))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def prime_roles(user, roles: list[UnitRole]) -> None:
    """Give `roles_of` the user's roles read by the caller (accounts.backends reads them with the account, in the
    same query and the same order), so the request asks for them no more."""
    setattr(user, _CACHE_ATTR, roles)


def forget_roles(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


# --- the two primitives: a boolean for one unit, a Q for a queryset ------------------------------


def _reaches(reach: Reach, granted: Unit, unit: Unit) -> bool:
    if reach == Reach.OWN:
        return unit.pk == granted.pk or (unit.kind == UnitKind.TEAM and unit.parent_id == granted.pk)
    if reach == Reach.SUBTREE:
        return unit.path.startswith(granted.path)
    return unit.pk != granted.pk and unit.path.startswith(granted.path)


def _reach_q(reach: Reach, granted: Unit, prefix: str, path_field: str = "") -> Q:
    if path_field:
        return _reach_path_q(reach, granted, prefix, path_field)
    if reach == Reach.OWN:
        return Q(**{f"{prefix}pk": granted.pk}) | Q(
            **{f"{prefix}parent_id": granted.pk, f"{prefix}kind": UnitKind.TEAM}
        )
    subtree = Q(**{f"{prefix}path__startswith": granted.path})
    if reach == Reach.SUBTREE:
        return subtree
    return subtree & ~Q(**{f"{prefix}pk": granted.pk})


def _reach_path_q(reach: Reach, granted: Unit, prefix: str, path_field: str) -> Q:
    """`_reach_q` on rows that carry their unit's path in `path_field` (Person.unit_path): a subtree is a
    prefix of that one indexed column, with no join to units_unit. OWN (the unit and its teams) is the
    unit's id or a team's, read in a subquery (a handful of units, by the parent index)."""
    if reach == Reach.OWN:
        own = Unit.objects.filter(Q(pk=granted.pk) | Q(parent_id=granted.pk, kind=UnitKind.TEAM))
        if "__" in prefix.rstrip("_"):
            # The unit is not on the row itself (a nomination's dossier's unit): its path is, so no join.
            return Q(**{f"{path_field}__in": own.values("path")})
        return Q(**{f"{prefix}pk__in": own.values("pk")})
    subtree = Q(**{f"{path_field}__startswith": granted.path})
    if reach == Reach.SUBTREE:
        return subtree
    return subtree & ~Q(**{path_field: granted.path})


def can(user, cap: Cap, unit: Unit) -> bool:
    """May `user` exercise `cap` on `unit`? No query once the user's roles are cached."""
    if is_superuser(user):
        return True
    for role in roles_of(user):
        reach = ROLE_CAPABILITIES.get(role.role, {}).get(cap)
        if reach is not None and _reaches(reach, role.unit, unit):
            return True
    return False


def require(by, cap: Cap, unit: Unit) -> None:
    """The check every service that changes data makes itself: refuse (403) unless `by` holds `cap` on `unit`.

    `by=None` is the system acting on its own (demo seeding, management commands); services take `by`
    as a required keyword, so a view that forgets to pass the user fails loudly instead of opening a hole.
    """
    if by is not None and not can(by, cap, unit):
        raise PermissionDenied


def require_superuser(by) -> None:
    """For services outside the tree of any role (a root unit, a bare account, the law's rules): refuse (403)
    unless `by` is a superuser; `by=None` is the system."""
    if by is not None and not is_superuser(by):
        raise PermissionDenied


# Models whose rows carry their unit's path, by the FK path to Unit they are scoped on: the kernel then
# filters that column instead of joining units_unit (a query shape robust to stale statistics).
PATH_FIELDS = {(Person, "unit"): "unit_path"}


def scope_q(user, cap: Cap = Cap.READ, field: str = "", *, model=None) -> Q:
    """A Q matching the units on which `user` holds `cap`, on `field` (a FK path to Unit) or on Unit itself.

    With `model` (the model the Q filters) registered in `PATH_FIELDS` for `field`, subtree reaches
    read the path the rows carry: `scope_q(user, Cap.READ, "unit", model=Person)`."""
    prefix = f"{field}__" if field else ""
    if is_superuser(user):
        return Q()
    path_field = PATH_FIELDS.get((model, field), "") if model is not None else ""
    # The empty start on the path column too: `dossier__unit__pk__in=[]` matches nothing but keeps its join.
    query = Q(**{f"{path_field}__in" if path_field else f"{prefix}pk__in": []})
    for role in roles_of(user):
        reach = ROLE_CAPABILITIES.get(role.role, {}).get(cap)
        if reach is not None:
            query |= _reach_q(reach, role.unit, prefix, path_field)
    return query


def unit_scope_q(user, field: str = "", *, model=None) -> Q:
    """The units `user` may read (the visibility rule of every selector)."""
    return scope_q(user, Cap.READ, field, model=model)


# --- reads of a unit's contents, always through the user ----------------------------------------


def units_in_scope(user, unit: Unit | None = None, cap: Cap = Cap.READ):
    """Units on which the user holds `cap`; with `unit`, only those of its subtree."""
    units = Unit.objects.filter(scope_q(user, cap))
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    return units


def people_in_scope(user, unit: Unit | None = None, cap: Cap = Cap.READ, *, active_only: bool = False):
    """People the user holds `cap` on (by their unit); with `unit`, only those of its subtree.

    This is the only way a view, export, import or service reads the people of
    a unit's subtree: a Phòng secretary asking for the Phòng's staff gets the
    Phòng's own staff, never the schools' below it.
    """
    people = Person.objects.filter(scope_q(user, cap, "unit", model=Person))
    if unit is not None:
        people = people.filter(unit_path__startswith=unit.path)
    if active_only:
        people = people.filter(is_active=True)
    return people


def people_acted_on(by, unit: Unit, cap: Cap = Cap.MANAGE_PEOPLE):
    """For services: the people of `unit`'s subtree a change made by `by` may touch (`people_in_scope`
    with `cap`); `by=None` is the system itself (demo, commands) and reaches the whole subtree."""
    if by is None:
        return Person.objects.filter(unit_path__startswith=unit.path)
    return people_in_scope(by, unit, cap)


def units_acted_on(by, unit: Unit, cap: Cap = Cap.MANAGE_PEOPLE):
    """For services: the units of `unit`'s subtree a change made by `by` may touch; `by=None`: all of them."""
    if by is None:
        return Unit.objects.filter(path__startswith=unit.path)
    return units_in_scope(by, unit, cap)


# --- named predicates (the vocabulary of the other apps) -----------------------------------------


def has_role_on(user, unit: Unit, roles) -> bool:
    """Deprecated shape kept for old call sites: one of `roles` granted on `unit` or reaching it for READ."""
    if is_superuser(user):
        return True
    return any(r.role in roles and _reaches(ROLE_CAPABILITIES[r.role][Cap.READ], r.unit, unit) for r in roles_of(user))


def can_view_unit(user, unit: Unit) -> bool:
    return can(user, Cap.READ, unit)


def can_manage_people(user, unit: Unit) -> bool:
    return can(user, Cap.MANAGE_PEOPLE, unit)


def can_edit_unit(user, unit: Unit) -> bool:
    return can(user, Cap.EDIT_UNIT, unit)


def can_manage_structure(user, unit: Unit) -> bool:
    """Create child units, move units, grant roles, revoke awards: administrators."""
    return can(user, Cap.ADMINISTER, unit)


def can_file_for(user, unit: Unit) -> bool:
    """Prepare the unit's own filings (registration, campaign draft)."""
    return can(user, Cap.FILE, unit)


def can_sign_for(user, unit: Unit) -> bool:
    """Act as the unit's head: send upward, launch, recognise."""
    return can(user, Cap.SIGN, unit)


def can_oversee(user, unit: Unit) -> bool:
    """Head, reviewer or administrator of a unit above `unit` (the level that receives its filings)."""
    return can(user, Cap.OVERSEE, unit)


def can_appraise(user, unit: Unit) -> bool:
    """Appraise what is addressed to `unit` itself (its reviewers and head)."""
    return can(user, Cap.APPRAISE, unit)


def unit_ids_with(user, cap: Cap) -> list[int]:
    """Units on which a role of the user grants `cap` directly (not by reach): the units it acts *as*."""
    return [r.unit_id for r in roles_of(user) if cap in ROLE_CAPABILITIES.get(r.role, {})]
