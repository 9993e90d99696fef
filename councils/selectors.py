"""Every read a council page shows, scoped to the user: outside READ of the council's unit is a 404."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from units.rules import unit_scope_q

from .models import Attendance, Council, CouncilMember, Meeting, ReceiptCode, Round, VoterRoll


def councils_visible_to(user):
    return Council.objects.filter(unit_scope_q(user, "unit")).select_related("unit")


def council_for(user, pk: int) -> Council:
    members = Prefetch("members", queryset=CouncilMember.objects.order_by("role", "full_name", "id"))
    return get_object_or_404(councils_visible_to(user).prefetch_related(members), pk=pk)


def meeting_for(user, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(unit_scope_q(user, "council__unit")).select_related(
            "council__unit", "chair", "secretary"
        ),
        pk=pk,
    )


def round_for(user, pk: int) -> Round:
    return get_object_or_404(
        Round.objects.filter(unit_scope_q(user, "meeting__council__unit")).select_related(
            "meeting__council__unit", "meeting__chair", "meeting__secretary"
        ),
        pk=pk,
    )


def attendance_rows(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member")
        .order_by("member__role", "member__full_name")
    )


def voters_of(round_: Round) -> list[str]:
    """Names of the members who have cast a sheet, sorted by name (the roll keeps no order and no time)."""
    return sorted(VoterRoll.objects.filter(round=round_).values_list("member__full_name", flat=True))


def receipt_codes(round_: Round) -> list[str]:
    """All receipt codes of a closed round, sorted: each voter finds their own, beside no choice."""
    return sorted(ReceiptCode.objects.filter(round=round_).values_list("code", flat=True))
