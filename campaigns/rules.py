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

from units.enums import Role, UnitKind
from units.rules import has_role_on, roles_of

CAMPAIGN_EDITORS = {Role.SECRETARY, Role.HEAD, Role.ADMINISTRATOR}
CAMPAIGN_LAUNCHERS = {Role.HEAD, Role.ADMINISTRATOR}
OVERSEERS = {Role.HEAD, Role.REVIEWER, Role.ADMINISTRATOR}


def _own_role(user, unit, roles) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(r.unit_id == unit.pk and r.role in roles for r in roles_of(user))


def launchable_unit_ids(user) -> list[int]:
    """Units the user may launch a campaign for: those where they hold an editor role (not teams)."""
    return [r.unit_id for r in roles_of(user) if r.role in CAMPAIGN_EDITORS and r.unit.kind != UnitKind.TEAM]


def can_edit_campaign(user, campaign) -> bool:
    return has_role_on(user, campaign.launched_by, CAMPAIGN_EDITORS)


def can_launch_campaign(user, campaign) -> bool:
    return has_role_on(user, campaign.launched_by, CAMPAIGN_LAUNCHERS)


def can_edit_registration(user, unit) -> bool:
    return _own_role(user, unit, {Role.SECRETARY, Role.HEAD})


def can_submit_registration(user, unit) -> bool:
    return _own_role(user, unit, {Role.HEAD})


def can_oversee(user, unit) -> bool:
    """Head, reviewer or administrator of a unit above `unit` (the level that receives its filings)."""
    if user.is_authenticated and user.is_superuser:
        return True
    if unit.parent_id is None:
        return False
    ancestors = set(unit.ancestor_ids())
    return any(r.role in OVERSEERS and r.unit_id in ancestors for r in roles_of(user))


def can_manage_compact(user, block) -> bool:
    """The block's organiser (secretary/head/administrator) records its compacts."""
    return has_role_on(user, block.owner, CAMPAIGN_EDITORS)
