"""Who may do what in the awards app, in the kernel's words (units.rules). Visibility is the kernel's READ."""

from units.rules import Cap, can


def can_manage_initiatives(user, unit) -> bool:
    """Register and edit a unit's initiatives: those who manage its people."""
    return can(user, Cap.MANAGE_PEOPLE, unit)


def can_recognise_initiatives(user, unit) -> bool:
    """Record the recognition of an initiative: the head of the unit, or an administrator."""
    return can(user, Cap.SIGN, unit) or can(user, Cap.ADMINISTER, unit)


def can_import_history(user, unit) -> bool:
    """Import past awards and evaluations of a unit's people: those who manage its people."""
    return can(user, Cap.MANAGE_PEOPLE, unit)


def can_view_evaluations(user, unit) -> bool:
    """See a unit's rating grid: those who enter it, and those who oversee or appraise it (read-only)."""
    return can(user, Cap.MANAGE_PEOPLE, unit) or can(user, Cap.OVERSEE, unit) or can(user, Cap.APPRAISE, unit)


def can_revoke(user, unit) -> bool:
    """Record a revocation of an award of a unit (or of one of its people): administrators only."""
    return can(user, Cap.ADMINISTER, unit)
