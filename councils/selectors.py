"""Every read a council page shows, scoped to the user: outside READ of the council's unit is a 404."""

from django.db.models import (
    BigIntegerField,
    DateTimeField,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.fixedsql import FixedQuery
from units.rules import Cap, can, unit_scope_q
from units.selectors import valid_pk

from .enums import Denominator, RoundStatus
from .models import AgendaItem, Attendance, Council, CouncilMember, Meeting, ReceiptCode, Recusal, Round, VoterRoll

# Typed NULLs for a UNION's columns (PostgreSQL types a column from its first rows).
_NO_ID = Cast(Value(None), output_field=BigIntegerField())
_NO_TIME = Cast(Value(None), output_field=DateTimeField())


def councils_visible_to(user):
    return Council.objects.filter(unit_scope_q(user, "unit")).select_related("unit")


def council_for(user, pk: int) -> Council:
    members = Prefetch("members", queryset=CouncilMember.objects.order_by("role", "full_name", "id"))
    return get_object_or_404(councils_visible_to(user).prefetch_related(members), pk=pk)


# A meeting (a round) by its key with what its pages show, as `.first()` reads it: fixed statements compiled once
# per connection (core.fixedsql). Whether the user may see it is the kernel's `can(user, READ, council's unit)`,
# decided without a query: the same rule `unit_scope_q` puts in SQL (units.rules: `_reaches` and `_reach_q`).
_MEETING_BY_PK = FixedQuery(
    lambda pk: Meeting.objects.select_related("council__unit", "chair", "secretary").filter(pk=pk).order_by("pk")[:1],
    int,
)
_ROUND_BY_PK = FixedQuery(
    lambda pk: (
        Round.objects.select_related("meeting__council__unit", "meeting__chair", "meeting__secretary")
        .filter(pk=pk)
        .order_by("pk")[:1]
    ),
    int,
)


def meeting_for(user, pk: int) -> Meeting:
    """The meeting with its council, unit, chair and secretary, or 404 outside READ of the council's unit."""
    found = next(iter(_MEETING_BY_PK.run(valid_pk(pk))), None)
    if found is None:
        raise Http404
    if can(user, Cap.READ, found.council.unit):
        return found
    # Outside: the scoped read answers (a 404 unless the kernel's two forms ever disagreed).
    return get_object_or_404(
        Meeting.objects.filter(unit_scope_q(user, "council__unit")).select_related(
            "council__unit", "chair", "secretary"
        ),
        pk=pk,
    )


def round_for(user, pk: int) -> Round:
    """The round with its meeting, council, unit, chair and secretary, or 404 outside READ of the council's unit."""
    found = next(iter(_ROUND_BY_PK.run(valid_pk(pk))), None)
    if found is None:
        raise Http404
    if can(user, Cap.READ, found.meeting.council.unit):
        return found
    return get_object_or_404(
        Round.objects.filter(unit_scope_q(user, "meeting__council__unit")).select_related(
            "meeting__council__unit", "meeting__chair", "meeting__secretary"
        ),
        pk=pk,
    )


_SEAT = FixedQuery(
    lambda council_id, user_id: CouncilMember.objects.filter(council_id=council_id, user_id=user_id).order_by("pk")[:1],
    int,
    int,
)


def seat_for(user, council: Council) -> CouncilMember | None:
    """The user's seat on the council, or None: `rules.seat_of` as one fixed statement (the ballot's read)."""
    if not user.is_authenticated:
        return None
    seat = next(iter(_SEAT.run(council.pk, user.pk)), None)
    if seat is not None:
        seat.council = council
    return seat


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


def _agenda(meeting_id: int):
    """The agenda's rows: the item joined to its nomination only, each name a scalar subquery by key. The same
    values as the joins of `values_list(*_AGENDA_COLUMNS)` (a nomination's award type and dossier are required,
    its person or unit NULL when the other is set), but PostgreSQL planned those seven tables' join orders in
    1.7 ms, four times its 0.4 ms of execution, on every visit of the meeting page; the subqueries plan in 0.3."""
    from awards.models import AwardType
    from nominations.models import Dossier
    from units.models import Person, Unit

    def name(model, key: str, field: str = "name"):
        return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(field))

    return (
        AgendaItem.objects.filter(meeting_id=meeting_id)
        .annotate(
            person_name=name(Person, "nomination__person_id", "full_name"),
            unit_name=name(Unit, "nomination__unit_id"),
            award_name=name(AwardType, "nomination__award_type_id"),
            dossier_unit_name=name(Dossier, "nomination__dossier_id", "unit__name"),
        )
        .order_by("position", "id")
        .values_list("id", "nomination_id", "person_name", "unit_name", "award_name", "dossier_unit_name")
    )


_AGENDA = FixedQuery(_agenda, int)


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


# The kinds of rows of the meeting's notes (`_meeting_notes`).
_RECUSAL, _OBJECTION, _ROUND = 0, 1, 2


def _meeting_notes(meeting_id: int):
    from nominations.models import Objection, ObjectionStatus

    recusals = (
        Recusal.objects.filter(item__meeting=meeting_id)
        .annotate(k=Value(_RECUSAL), key=F("item_id"), who=F("member_id"), text=F("reason"), at=_NO_TIME, row=F("pk"))
        .values_list("k", "key", "who", "text", "at", "row")
        .order_by()
    )
    # The nominations on the agenda, by a subquery on the same meeting: the statement stays fixed.
    on_agenda = AgendaItem.objects.filter(meeting=meeting_id).values("nomination_id")
    objections = (
        Objection.objects.filter(nomination_id__in=on_agenda, status=ObjectionStatus.OPEN)
        .annotate(
            k=Value(_OBJECTION), key=F("nomination_id"), who=_NO_ID, text=F("content"), at=F("created_at"), row=F("pk")
        )
        .values_list("k", "key", "who", "text", "at", "row")
        .order_by()
    )
    # The rounds: number, status and id only (not their frozen rules and results, which the page does not show).
    rounds = (
        Round.objects.filter(meeting=meeting_id)
        .annotate(
            k=Value(_ROUND),
            key=Cast("number", BigIntegerField()),
            who=_NO_ID,
            text=F("status"),
            at=_NO_TIME,
            row=F("pk"),
        )
        .values_list("k", "key", "who", "text", "at", "row")
        .order_by()
    )
    return recusals.union(objections, rounds, all=True)


_MEETING_NOTES = FixedQuery(_meeting_notes, int)
_ROUND_LABELS = dict(RoundStatus.choices)


def meeting_notes(meeting: Meeting) -> tuple[dict[int, list[tuple[int, str]]], dict[int, list[str]], list[dict]]:
    """What the meeting page shows beside its agenda and seats, in one UNION ALL query (a fixed statement): the
    recusals of the meeting's items, (member id, reason) per item id in the order they were recorded; the text of
    the open objections to the nominations on its agenda per nomination id, oldest first (as `open_objections`);
    and its rounds by number, each `{"number", "label"` (the status's), `"url"}`."""
    recused, objected, rounds = {}, {}, []
    rows = _MEETING_NOTES.run(meeting.pk)
    rows.sort(key=lambda r: (r[0], r[1], r[5]) if r[0] == _ROUND else (r[0], r[4] or 0, r[5]))
    for kind, key, member, text, _at, pk in rows:
        if kind == _RECUSAL:
            recused.setdefault(key, []).append((member, text))
        elif kind == _OBJECTION:
            objected.setdefault(key, []).append(text)
        else:
            label = _ROUND_LABELS.get(text, text)  # as get_status_display
            rounds.append({"number": key, "label": label, "url": reverse("councils:round_detail", args=[pk])})
    return recused, objected, rounds


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
