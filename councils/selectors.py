"""Every read a council page shows, scoped to the user: outside READ of the council's unit is a 404."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from units.rules import unit_scope_q

from .enums import Denominator
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


RULE_FIELDS = (
    "quorum_numerator",
    "quorum_denominator",
    "approval_numerator",
    "approval_denominator",
    "approval_strict",
    "denominator",
    "allow_abstention",
    "rules_basis",
)


def _rules_text(record) -> str:
    strict = "trên" if record.approval_strict else "từ"
    abstain = "có" if record.allow_abstention else "không có"
    denominator = "tổng số thành viên" if record.denominator == Denominator.TOTAL else "số thành viên có mặt"
    return (
        f"họp từ {record.quorum_numerator}/{record.quorum_denominator}; thông qua khi đồng ý {strict} "
        f"{record.approval_numerator}/{record.approval_denominator} {denominator}; {abstain} «không biểu quyết»"
        + (f"; căn cứ: {record.rules_basis}" if record.rules_basis else "")
    )


def council_rules_history(council: Council) -> list[dict]:
    """The changes of the standing rules, newest first: when, who, the rules before and after (one query).

    Read from the council's history (django-simple-history); changes of other fields (the name) are left out.
    """
    records = list(council.history.select_related("history_user").order_by("history_date", "history_id"))
    changes = []
    for before, after in zip(records, records[1:], strict=False):
        if any(getattr(before, f) != getattr(after, f) for f in RULE_FIELDS):
            user = after.history_user
            changes.append(
                {
                    "when": after.history_date,
                    "who": (user.get_full_name() or user.username) if user else "Hệ thống",
                    "before": _rules_text(before),
                    "after": _rules_text(after),
                }
            )
    return changes[::-1]


def open_objections(nomination_ids) -> dict[int, list[str]]:
    """The text of the objections from the public notice still open (chưa xử lý), per nomination id, oldest first.
    Only the text: the sender's name and contact are never read here. One query."""
    from nominations.models import Objection, ObjectionStatus

    found = {}
    rows = Objection.objects.filter(nomination_id__in=list(nomination_ids), status=ObjectionStatus.OPEN)
    for nomination_id, content in rows.order_by("created_at", "id").values_list("nomination_id", "content"):
        found.setdefault(nomination_id, []).append(content)
    return found
