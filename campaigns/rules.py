"""Who may do what with campaigns, registrations and compacts.

Visibility is decided in selectors (404 outside); these predicates decide
changes (403 for a visible object). They need no query once the user's roles
are cached (units.rules.roles_of).

Decisions:
- A campaign is drafted and edited by the secretary, head or administrator
  of the launching unit; only the head or an administrator launches it.
- A registration is edited by the secretary or head holding a role on the
  registering unit itself, and submitted by its head; the level above
  (head, reviewer or administrator of an ancestor) returns or reopens it.
"""

from units.enums import UnitKind
from units.rules import Cap, can, can_oversee, roles_of, unit_ids_with

__all__ = ["can_oversee"]  # the oversight predicate lives in the kernel (units.rules)


def launchable_unit_ids(user) -> list[int]:
    """Units the user may draft a campaign for: those it files for as a role holder (not teams)."""
    ids = set(unit_ids_with(user, Cap.FILE))
    return [r.unit_id for r in roles_of(user) if r.unit_id in ids and r.unit.kind != UnitKind.TEAM]


def can_edit_campaign(user, campaign) -> bool:
    return can(user, Cap.FILE, campaign.launched_by)


def can_launch_campaign(user, campaign) -> bool:
    unit = campaign.launched_by
    return can(user, Cap.SIGN, unit) or can(user, Cap.ADMINISTER, unit)


def can_edit_registration(user, unit) -> bool:
    return can(user, Cap.FILE, unit)


def can_submit_registration(user, unit) -> bool:
    return can(user, Cap.SIGN, unit)


def can_manage_compact(user, block) -> bool:
    """The block's organiser (those who file for it) records its compacts."""
    return can(user, Cap.FILE, block.owner)
