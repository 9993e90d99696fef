"""Who may do what in a council: the permission kernel (units.rules) plus the seats of the council.

Decision (issue 10): a council is a role on a unit. Seating a member grants the account the
`council_member` role on the council's unit (READ of that unit only, `units.rules.ROLE_CAPABILITIES`),
so the kernel decides what the member sees; what the member may *do* in the council comes from the
seat (`CouncilMember.role`, `counting_committee`):

- set up the council and its standing rules, seat members: SIGN on the unit (its head; the head
  signs the decision that forms the council) or ADMINISTER;
- plan a meeting, take attendance, set the agenda, enter paper counts: the council's chair or
  secretary (seat), or those who set up the council;
- open, close, recount, reopen and publish a round: the meeting's chair only;
- confirm paper counts: a member of the counting committee other than the one who entered them;
- vote: a member present at the meeting, entitled when the round opened, not yet on the voter roll.
"""

from units.rules import Cap, can

from .enums import MemberRole


def may_set_up(user, council_or_unit) -> bool:
    unit = getattr(council_or_unit, "unit", council_or_unit)
    return can(user, Cap.SIGN, unit) or can(user, Cap.ADMINISTER, unit)


def seat_of(user, council):
    """The user's seat on the council, or None (one query, or none when the seats are prefetched)."""
    if not user.is_authenticated:
        return None
    cache = getattr(council, "_prefetched_objects_cache", {}).get("members")
    if cache is not None:
        return next((m for m in cache if m.user_id == user.pk), None)
    return council.members.filter(user=user).first()


def may_run_meetings(user, council) -> bool:
    seat = seat_of(user, council)
    return (seat is not None and seat.role in (MemberRole.CHAIR, MemberRole.SECRETARY)) or may_set_up(user, council)


def is_meeting_chair(user, meeting) -> bool:
    return user is not None and user.is_authenticated and meeting.chair.user_id == user.pk


def may_count(user, council) -> bool:
    """Enter the totals of paper and written ballots: the secretary or a member of the counting committee."""
    seat = seat_of(user, council)
    return seat is not None and (seat.counting_committee or seat.role == MemberRole.SECRETARY)
