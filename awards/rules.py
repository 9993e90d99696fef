"""Who may do what in the awards app. Visibility itself comes from units.rules (scoped selectors)."""

from units.enums import Role
from units.rules import has_role_on

MANAGE_ROLES = {Role.SECRETARY, Role.HEAD, Role.ADMINISTRATOR}
DECIDE_ROLES = {Role.HEAD, Role.ADMINISTRATOR}


def can_manage_initiatives(user, unit) -> bool:
    """Register and edit a unit's initiatives: its secretary, head or an administrator."""
    return has_role_on(user, unit, MANAGE_ROLES)


def can_recognise_initiatives(user, unit) -> bool:
    """Record the recognition of an initiative: the head or an administrator."""
    return has_role_on(user, unit, DECIDE_ROLES)


def can_import_history(user, unit) -> bool:
    """Import past awards and evaluations of a unit's people: secretary, head or administrator."""
    return has_role_on(user, unit, MANAGE_ROLES)


def can_view_evaluations(user, unit) -> bool:
    """See a unit's rating grid: those who enter it, and reviewers covering the unit (read-only)."""
    return has_role_on(user, unit, MANAGE_ROLES | {Role.REVIEWER})


def can_revoke(user, unit) -> bool:
    """Record a revocation of an award of a unit (or of one of its people): administrators only."""
    return has_role_on(user, unit, {Role.ADMINISTRATOR})
