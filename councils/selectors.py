"""Every read a council page shows, scoped to the user: outside READ of the council's unit is a 404."""

from django.db.models import (
    BigIntegerField,
    DateTimeField,
    F,
    FilteredRelation,
    Prefetch,
    Q,
    Value,
)
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from core.fixedsql import FixedQuery
from units.rules import unit_scope_q

from .enums import Denominator
from .models import AgendaItem, Attendance, Council, CouncilMember, Meeting, ReceiptCode, Recusal, Round, VoterRoll

# Typed NULLs for a UNION's columns (PostgreSQL types a column from its first rows).
_NO_ID = Cast(Value(None), output_field=BigIntegerField())
_NO_TIME = Cast(Value(None), output_field=DateTimeField())


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


def _seats(meeting_id: int):
    marks = FilteredRelation("attendances", condition=Q(attendances__meeting=meeting_id))
    return CouncilMember.objects.annotate(mark=marks).annotate(
        att_id=F("mark__id"), att_status=F("mark__status"), att_reason=F("mark__reason")
    )


# The meeting page's reads by the meeting's (and its council's) id: fixed statements (core.fixedsql), the ORM's
# own querysets compiled once per connection instead of on every visit.
_SEATS = FixedQuery(
    lambda meeting_id, council_id: _seats(meeting_id).filter(council_id=council_id).order_by("role", "full_name", "id"),
    int,
    int,
)


def seats_with_attendance(meeting: Meeting) -> list[CouncilMember]:
    """The council's seats (role, name order) read once into `council.members` (the seat checks find the user's
    there), each with its mark at `meeting` on `att_id`, `att_status`, `att_reason` (None: not marked). One query:
    the meeting page's attendance comes from it (`marked_attendance`)."""
    council = meeting.council
    seats = _SEATS.run(meeting.pk, council.pk)
    # As prefetch_related_objects would leave them: `council.members.all()` answers from these rows.
    members = council.members.all()
    members._result_cache, members._prefetch_done = seats, True
    council._prefetched_objects_cache = {**getattr(council, "_prefetched_objects_cache", {}), "members": members}
    for seat in seats:
        seat.council = council
    return list(seats)


def marked_attendance(meeting: Meeting, seats: list[CouncilMember]) -> list[Attendance]:
    """`attendance_rows` from `seats_with_attendance`'s seats (no query): the marked seats, in their order."""
    return [
        Attendance(id=m.att_id, meeting=meeting, member=m, status=m.att_status, reason=m.att_reason)
        for m in seats
        if m.att_id is not None
    ]


_AGENDA_COLUMNS = (
    "id",
    "nomination_id",
    "nomination__person__full_name",
    "nomination__unit__name",
    "nomination__award_type__name",
    "nomination__dossier__unit__name",
)
_AGENDA = FixedQuery(
    lambda meeting_id: (
        AgendaItem.objects.filter(meeting_id=meeting_id).order_by("position", "id").values_list(*_AGENDA_COLUMNS)
    ),
    int,
)
_ROUNDS = FixedQuery(lambda meeting_id: Round.objects.filter(meeting_id=meeting_id).order_by("number"), int)


def meeting_rounds(meeting: Meeting) -> list[Round]:
    """The meeting's rounds by number (one fixed statement)."""
    return _ROUNDS.run(meeting.pk)


def agenda_rows(meeting: Meeting) -> list[dict]:
    """The meeting's agenda in order as plain rows: `id`, `nomination_id`, `nominee` (the person or the
    collective), `title` ("nominee – award") and `dossier_unit` (the proposing unit's name). One query, no
    model instances."""
    rows = [dict(zip(_AGENDA_COLUMNS, row, strict=True)) for row in _AGENDA.run(meeting.pk)]
    for row in rows:
        row["nominee"] = row["nomination__person__full_name"] or row["nomination__unit__name"]
        row["title"] = f"{row['nominee']} – {row['nomination__award_type__name']}"
        row["dossier_unit"] = row["nomination__dossier__unit__name"]
    return rows


def _agenda_notes(meeting_id: int):
    from nominations.models import Objection, ObjectionStatus

    recusals = (
        Recusal.objects.filter(item__meeting=meeting_id)
        .annotate(k=Value(0), key=F("item_id"), who=F("member_id"), text=F("reason"), at=_NO_TIME, row=F("pk"))
        .values_list("k", "key", "who", "text", "at", "row")
        .order_by()
    )
    # The nominations on the agenda, by a subquery on the same meeting: the statement stays fixed.
    on_agenda = AgendaItem.objects.filter(meeting=meeting_id).values("nomination_id")
    objections = (
        Objection.objects.filter(nomination_id__in=on_agenda, status=ObjectionStatus.OPEN)
        .annotate(k=Value(1), key=F("nomination_id"), who=_NO_ID, text=F("content"), at=F("created_at"), row=F("pk"))
        .values_list("k", "key", "who", "text", "at", "row")
        .order_by()
    )
    return recusals.union(objections, all=True)


_AGENDA_NOTES = FixedQuery(_agenda_notes, int)


def agenda_notes(meeting: Meeting, nomination_ids: list[int]) -> tuple[dict[int, list[tuple[int, str]]], dict]:
    """The recusals of the meeting's items, (member id, reason) per item id, and the text of the open objections
    to its nominations per nomination id (`open_objections`), in one UNION ALL query (a fixed statement; the
    objections of the nominations on the meeting's agenda, `nomination_ids` being those, as agenda_rows reads
    them), none without an agenda."""
    rows = _AGENDA_NOTES.run(meeting.pk) if nomination_ids else []
    # Recusals by id, objections oldest first (as `open_objections`).
    rows.sort(key=lambda r: (r[0], r[5]) if r[0] == 0 else (r[0], r[4], r[5]))
    recused, objected = {}, {}
    for kind, key, member, text, _at, _pk in rows:
        if kind == 0:
            recused.setdefault(key, []).append((member, text))
        else:
            objected.setdefault(key, []).append(text)
    return recused, objected


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
