"""Every write of the councils app. Keyword-only, `by` required, checks through councils.rules / units.rules.

The round's statuses change only through `core.workflow.transition` (workflows.ROUND_WORKFLOW);
`round_act` is the service the views call for it.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Q, Subquery

from awards.engine import council_vote_rule
from awards.models import WILDCARD
from core import workflow
from core.audit import audited
from core.exceptions import ServiceError
from core.fixedsql import FixedQuery
from core.text import nfc
from nominations.enums import NominationStatus
from nominations.models import Nomination
from units.enums import Role
from units.models import UnitRole
from units.rules import forget_roles

from . import box, tally
from .enums import AttendanceStatus, Choice, Denominator, MeetingStatus, MemberRole, RoundStatus
from .models import (
    AgendaItem,
    Attendance,
    Ballot,
    CastRecord,
    Council,
    CouncilMember,
    Meeting,
    PaperCount,
    ReceiptCode,
    Recusal,
    Round,
    VoterRoll,
)
from .rules import is_meeting_chair, may_count, may_run_meetings, may_set_up, seat_of

ALREADY_VOTED = "Bạn đã bỏ phiếu trong vòng này; mỗi thành viên chỉ bỏ phiếu một lần và không sửa được phiếu đã bỏ."


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- council and members --------------------------------------------------------------------------


@transaction.atomic
def council_create(*, by, unit, name: str, period_start: datetime.date, period_end: datetime.date) -> Council:
    """A council of `unit` with standing rules taken from the catalog's "*" council-vote rule on `period_start`."""
    if by is not None:
        _require(may_set_up(by, unit))
    name = nfc(name or "").strip()
    if not name:
        raise ServiceError("Vui lòng nhập tên Hội đồng.")
    if period_end < period_start:
        raise ServiceError("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")
    params = council_vote_rule(WILDCARD, on_date=period_start)
    quorum, approval = tally.share(params["quorum_share"]), tally.share(params["approval_share"])
    return Council.objects.create(
        unit=unit,
        name=name,
        period_start=period_start,
        period_end=period_end,
        quorum_numerator=quorum.numerator,
        quorum_denominator=quorum.denominator,
        approval_numerator=approval.numerator,
        approval_denominator=approval.denominator,
        approval_strict=bool(params["strict"]),
        denominator=params["denominator"],
        rules_basis=params["legal_basis"],
        created_by=by,
    )


def _fraction(text: str, label: str):
    try:
        value = tally.share(text.replace(",", ".").replace("%", "").strip())
    except (ValueError, ZeroDivisionError):
        raise ServiceError(f"{label}: nhập một phân số (2/3) hoặc số thập phân (0,9).") from None
    if "%" in text:
        # As the catalog's shares: «66,67%» is 2/3, and what is saved reads back the same in the form.
        value = tally.share(value / 100)
    if not 0 < value <= 1:
        raise ServiceError(f"{label} phải lớn hơn 0 và không quá 1 (100%).")
    return value


@audited
@transaction.atomic
def council_rules_update(
    *,
    by,
    council: Council,
    quorum: str,
    approval: str,
    strict: bool,
    denominator: str,
    allow_abstention: bool,
    rules_basis: str = "",
) -> Council:
    """Change the standing rules (history kept by django-simple-history). Refused once a round is open."""
    council = Council.objects.select_for_update().get(pk=council.pk)
    if by is not None:
        _require(may_set_up(by, council))
    if denominator not in Denominator.values:
        raise ServiceError("Cách tính tỷ lệ không hợp lệ.")
    if Round.objects.filter(meeting__council=council, status=RoundStatus.OPEN).exists():
        raise ServiceError("Đang có vòng bỏ phiếu mở: không thay đổi quy tắc biểu quyết lúc này.")
    q, a = _fraction(quorum, "Tỷ lệ họp tối thiểu"), _fraction(approval, "Tỷ lệ đồng ý")
    council.quorum_numerator, council.quorum_denominator = q.numerator, q.denominator
    council.approval_numerator, council.approval_denominator = a.numerator, a.denominator
    council.approval_strict = bool(strict)
    council.denominator = denominator
    council.allow_abstention = bool(allow_abstention)
    council.rules_basis = nfc(rules_basis or "").strip()[:500]
    council.save()
    return council


@transaction.atomic
def council_member_add(
    *, by, council: Council, user, role: str, counting_committee: bool = False, title: str = ""
) -> CouncilMember:
    """Seat `user` on the council. Side effect: the account gets the `council_member` role on the council's
    unit (READ of that unit), so the kernel lets it see the council. One chair per council."""
    if by is not None:
        _require(may_set_up(by, council))
    if role not in MemberRole.values:
        raise ServiceError("Vai trò trong Hội đồng không hợp lệ.")
    if CouncilMember.objects.filter(council=council, user=user).exists():
        raise ServiceError("Người này đã là thành viên của Hội đồng.")
    if role == MemberRole.CHAIR and CouncilMember.objects.filter(council=council, role=MemberRole.CHAIR).exists():
        raise ServiceError("Hội đồng đã có Chủ tịch.")
    person = getattr(user, "person", None)
    full_name = person.full_name if person is not None else (user.get_full_name() or user.username)
    member = CouncilMember.objects.create(
        council=council,
        user=user,
        full_name=full_name,
        title=nfc(title or "").strip()[:255],
        role=role,
        counting_committee=bool(counting_committee),
    )
    UnitRole.objects.get_or_create(user=user, unit=council.unit, role=Role.COUNCIL_MEMBER)
    forget_roles(user)
    return member


@audited
@transaction.atomic
def council_member_remove(*, by, member: CouncilMember) -> None:
    """Take a member off the council.

    Refused while the member is entitled in an open round, while they chair or keep the minutes of a meeting,
    and once they have attended a meeting already held (the minutes keep their name). Side effects: their
    attendance rows of planned meetings and their recusals go; the `council_member` role on the council's
    unit granted when they were seated is withdrawn unless they hold another seat on a council of that unit
    (history rows of both, naming `by`).
    """
    council = Council.objects.select_for_update().get(pk=member.council_id)
    if by is not None:
        _require(may_set_up(by, council))
    member = CouncilMember.objects.select_related("user").get(pk=member.pk)
    open_rounds = Round.objects.filter(meeting__council=council, status=RoundStatus.OPEN)
    if any(member.pk in r.entitled_member_ids for r in open_rounds.only("entitled_member_ids")):
        raise ServiceError(
            f"{member.full_name} đang có quyền bỏ phiếu trong một vòng bỏ phiếu đang mở: "
            "chỉ bớt thành viên sau khi vòng bỏ phiếu kết thúc."
        )
    if Meeting.objects.filter(council=council).filter(Q(chair=member) | Q(secretary=member)).exists():
        raise ServiceError(f"{member.full_name} là chủ trì hoặc thư ký của một phiên họp: không bớt được.")
    if Attendance.objects.filter(member=member).exclude(meeting__status=MeetingStatus.PLANNED).exists():
        raise ServiceError(f"{member.full_name} đã có tên trong phiên họp đã diễn ra; biên bản cần giữ thành viên này.")
    for attendance in Attendance.objects.filter(member=member):
        attendance.delete()  # one history row each ("-"); planned meetings only, a handful
    Recusal.objects.filter(member=member).delete()
    user, unit = member.user, council.unit
    member.delete()
    if not CouncilMember.objects.filter(user=user, council__unit=unit).exists():
        for role in UnitRole.objects.filter(user=user, unit=unit, role=Role.COUNCIL_MEMBER):
            role.delete()
    forget_roles(user)


# --- meetings -----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    by,
    council: Council,
    date: datetime.date,
    start_time: datetime.time,
    place: str,
    chair: CouncilMember,
    secretary: CouncilMember,
) -> Meeting:
    if by is not None:
        _require(may_run_meetings(by, council))
    place = nfc(place or "").strip()
    if not place:
        raise ServiceError("Vui lòng nhập địa điểm họp.")
    if chair.council_id != council.pk or secretary.council_id != council.pk:
        raise ServiceError("Chủ trì và thư ký phải là thành viên của Hội đồng.")
    if not council.period_start <= date <= council.period_end:
        raise ServiceError(
            f"Ngày họp phải trong nhiệm kỳ của Hội đồng ({council.period_start:%d/%m/%Y} – "
            f"{council.period_end:%d/%m/%Y})."
        )
    meeting = Meeting.objects.create(
        council=council, date=date, start_time=start_time, place=place[:255], chair=chair, secretary=secretary
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, member=m, status=AttendanceStatus.ABSENT) for m in council.members.all()]
    )
    return meeting


@transaction.atomic
def attendance_set(*, by, meeting: Meeting, member: CouncilMember, status: str, reason: str = "") -> Attendance:
    """Mark a member present, absent (with a reason) or absent with a written ballot. Refused while a round is
    open: the entitled members are frozen at the opening."""
    if by is not None:
        _require(may_run_meetings(by, meeting.council))
    if member.council_id != meeting.council_id:
        raise ServiceError("Người này không phải thành viên của Hội đồng.")
    if status not in AttendanceStatus.values:
        raise ServiceError("Trạng thái điểm danh không hợp lệ.")
    reason = nfc(reason or "").strip()
    if status != AttendanceStatus.PRESENT and not reason:
        raise ServiceError(f"Vui lòng ghi lý do vắng mặt của {member.full_name}.")
    if Round.objects.filter(meeting=meeting, status=RoundStatus.OPEN).exists():
        raise ServiceError("Đang bỏ phiếu: không thay đổi điểm danh cho đến khi kết thúc vòng bỏ phiếu.")
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting,
        member=member,
        defaults={"status": status, "reason": reason[:500] if status != AttendanceStatus.PRESENT else ""},
    )
    return attendance


def agenda_candidates(meeting: Meeting):
    """Nominations the meeting may take up: passed to council, received by the council's unit, not yet on it."""
    return (
        Nomination.objects.filter(
            status=NominationStatus.PASSED_TO_COUNCIL, dossier__receiving_unit=meeting.council.unit
        )
        .exclude(pk__in=AgendaItem.objects.filter(meeting=meeting).values("nomination"))
        .select_related("person", "unit", "award_type", "dossier__unit")
        .order_by("dossier__unit__path", "pk")
    )


@transaction.atomic
def agenda_add(*, by, meeting: Meeting, nomination_ids: list[int]) -> list[AgendaItem]:
    """Put nominations on the agenda, then (re)compute the recusals."""
    if by is not None:
        _require(may_run_meetings(by, meeting.council))
    if meeting.status == MeetingStatus.ENDED:
        raise ServiceError("Phiên họp đã kết thúc.")
    wanted = set(nomination_ids)
    found = list(agenda_candidates(meeting).filter(pk__in=wanted))
    if not wanted or len(found) != len(wanted):
        # Never say which one: a nomination of another unit is not the user's to know.
        raise ServiceError("Chỉ chọn được đề nghị đã đưa ra Hội đồng của đơn vị và chưa có trong nội dung họp.")
    start = (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0) + 1
    items = AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, nomination=n, position=start + i) for i, n in enumerate(found)]
    )
    recusals_refresh(meeting=meeting)
    return items


def recusals_refresh(*, meeting: Meeting) -> list[Recusal]:
    """Recompute the recusals of every agenda item from the unit tree (tally.recusal_reason) and record them.
    Two queries to read, two to write, whatever the size of the council and agenda."""
    members = list(meeting.council.members.select_related("user__person__unit"))
    items = list(
        AgendaItem.objects.filter(meeting=meeting).select_related(
            "nomination__person__unit", "nomination__unit", "nomination__dossier__unit"
        )
    )
    council_path = meeting.council.unit.path
    wanted = []
    for item in items:
        n = item.nomination
        nominee_unit = n.person.unit if n.person_id else (n.unit or n.dossier.unit)
        for m in members:
            person = getattr(m.user, "person", None)
            reason = tally.recusal_reason(
                member_person_id=person.pk if person else None,
                member_unit_path=person.unit.path if person else None,
                nominee_person_id=n.person_id,
                nominee_unit_path=nominee_unit.path,
                council_path=council_path,
            )
            if reason:
                wanted.append(Recusal(item=item, member=m, reason=reason))
    Recusal.objects.filter(item__meeting=meeting).delete()
    return Recusal.objects.bulk_create(wanted)


def few_voters_warnings(meeting: Meeting) -> list[str]:
    """Items on which fewer than three members (present or written, not recused) may vote: the chair is warned."""
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    recused = {}
    for item_id, member_id in Recusal.objects.filter(item__meeting=meeting).values_list("item_id", "member_id"):
        recused.setdefault(item_id, set()).add(member_id)
    items = [
        (item.pk, str(item.nomination.person or item.nomination.unit))
        for item in AgendaItem.objects.filter(meeting=meeting).select_related("nomination__person", "nomination__unit")
    ]
    return voters_warnings(marks, recused, items)


def voters_warnings(marks: dict[int, str], recused: dict[int, set[int]], items: list[tuple[int, str]]) -> list[str]:
    """`few_voters_warnings` on rows already read (the meeting page has them): the attendance status per member id,
    the recused member ids per item id, and the items in order as (id, nominee's name). No query."""
    voters = {m for m, s in marks.items() if s in (AttendanceStatus.PRESENT, AttendanceStatus.WRITTEN)}
    warnings = []
    for item_id, nominee in items:
        left = len(voters - recused.get(item_id, set()))
        if left < tally.MIN_VOTERS_WARNING:
            warnings.append(f"Chỉ {left} thành viên được biểu quyết về đề nghị của {nominee} (ít hơn 3).")
    return warnings


@audited
@transaction.atomic
def meeting_end(*, by, meeting: Meeting, end_time: datetime.time) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if by is not None:
        _require(is_meeting_chair(by, meeting))
    if meeting.status == MeetingStatus.ENDED:
        raise ServiceError("Phiên họp đã kết thúc.")
    if end_time is None or end_time <= meeting.start_time:
        raise ServiceError(f"Giờ kết thúc phải sau giờ bắt đầu ({meeting.start_time:%H:%M}).")
    if Round.objects.filter(meeting=meeting, status=RoundStatus.OPEN).exists():
        raise ServiceError("Còn vòng bỏ phiếu đang mở.")
    meeting.end_time, meeting.status = end_time, MeetingStatus.ENDED
    meeting.save(update_fields=["end_time", "status", "updated_at"])
    return meeting


# --- rounds --------------------------------------------------------------------------------------


@transaction.atomic
def round_create(*, by, meeting: Meeting) -> Round:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if by is not None:
        _require(is_meeting_chair(by, meeting))
    if meeting.status == MeetingStatus.ENDED:
        raise ServiceError("Phiên họp đã kết thúc.")
    if Round.objects.filter(meeting=meeting, status__in=[RoundStatus.CREATED, RoundStatus.OPEN]).exists():
        raise ServiceError("Đã có một vòng bỏ phiếu chưa kết thúc.")
    number = (Round.objects.filter(meeting=meeting).aggregate(m=Max("number"))["m"] or 0) + 1
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status", "updated_at"])
    return Round.objects.create(meeting=meeting, number=number)


def round_act(*, by, round_: Round, action: str, version: int | None, comment: str = "") -> Round:
    """Open, close, recount, reopen or publish (core.workflow.transition: lock, history, effects)."""
    return workflow.transition(round_, action, by=by, version=version, comment=comment)


def may_vote(user, round_: Round) -> bool:
    seat = seat_of(user, round_.meeting.council)
    return (
        seat is not None
        and round_.status == RoundStatus.OPEN
        and seat.pk in round_.entitled_member_ids
        and not VoterRoll.objects.filter(round=round_, member=seat).exists()
    )


def sheet_item_ids(round_: Round, seat: CouncilMember) -> set[int]:
    """The agenda item ids of the member's sheet, from the rules frozen at the opening (no query): every item
    the member is not recused on."""
    return _sheet(round_, seat.pk)


def _sheet(round_: Round, seat_id: int) -> set[int]:
    return {int(k) for k, rule in round_.rules.get("items", {}).items() if seat_id not in rule["recused"]}


# The cast's first statement: the round row locked (FOR UPDATE of that row only, where the database has it), with
# the id of the casting account's seat on its council (None: no seat). One fixed statement (core.fixedsql),
# compiled once per connection inside a transaction, as a locking read must be.
_LOCKED_ROUND_AND_SEAT = FixedQuery(
    lambda round_id, user_id: (
        Round.objects.select_for_update(of=("self",))
        .filter(pk=round_id)
        .annotate(
            seat_id=Subquery(
                CouncilMember.objects.filter(council=OuterRef("meeting__council"), user_id=user_id)
                .order_by()
                .values("pk")[:1]
            )
        )
        .order_by("pk")[:1]
    ),
    int,
    int,
)


def ballot_items(round_: Round, seat: CouncilMember) -> list[AgendaItem]:
    """The items of the member's sheet (`sheet_item_ids`), with what the sheet shows of each."""
    return list(
        AgendaItem.objects.filter(pk__in=sheet_item_ids(round_, seat))
        .select_related("nomination__person", "nomination__unit", "nomination__award_type")
        .order_by("position", "id")
    )


@audited
def ballot_cast(*, by, round_: Round, choices: dict[int, str]) -> str:
    """Cast the member's one sheet for the round; returns the receipt code (shown once, never stored with them).

    One transaction, under a lock on the round row: a VoterRoll row (UNIQUE(round, member) refuses a second
    cast, also a concurrent one), then one Ballot row per item with a random id (one INSERT), then a
    ReceiptCode row. Refused: not a member, not present when the round opened, round not open, recused items,
    missing or unknown choices. The sheet's items come from the rules frozen at the opening, so the queries do
    not grow with the agenda. Nothing here logs or returns the choices. Side effect: a CastRecord (member and
    round only) and its history row, the audit trail's "member X voted in round R".
    """
    for _attempt in range(5):
        code = box.new_receipt_code()
        try:
            with transaction.atomic():
                found = _LOCKED_ROUND_AND_SEAT.run(round_.pk, by.pk)
                if not found:
                    raise Round.DoesNotExist
                locked = found[0]
                seat_id = locked.seat_id
                if seat_id is None:
                    raise PermissionDenied
                if locked.status != RoundStatus.OPEN:
                    raise ServiceError("Vòng bỏ phiếu không mở: không nhận phiếu.")
                if seat_id not in locked.entitled_member_ids:
                    raise ServiceError(
                        "Bạn không có tên trong danh sách thành viên có mặt khi mở vòng bỏ phiếu nên không bỏ phiếu "
                        "điện tử được (phiếu gửi bằng văn bản do thư ký nhập tổng số)."
                    )
                allowed = set(Choice.values) if locked.rules.get("allow_abstention") else {Choice.FOR, Choice.AGAINST}
                if set(choices) != _sheet(locked, seat_id):
                    raise ServiceError("Phiếu phải có ý kiến cho mọi đề nghị trong phiếu, và chỉ các đề nghị đó.")
                if any(choice not in allowed for choice in choices.values()):
                    raise ServiceError("Ý kiến trên phiếu không hợp lệ.")
                # No "already voted?" read first: the roll's unique constraint refuses a second cast (below).
                VoterRoll.objects.create(round=locked, member_id=seat_id)
                CastRecord.objects.create(round=locked, member_id=seat_id)
                Ballot.objects.bulk_create(
                    [Ballot(round=locked, item_id=item_id, choice=choice) for item_id, choice in choices.items()]
                )
                ReceiptCode.objects.create(round=locked, code=code)
            return code
        except IntegrityError:
            # Everything above was rolled back. Which constraint: the voter roll's (a second cast, also a
            # concurrent one that waited for the lock) or, about once in 2**50, a receipt code drawn twice.
            if VoterRoll.objects.filter(round_id=round_.pk, member__user=by).exists():
                raise ServiceError(ALREADY_VOTED) from None
            if not ReceiptCode.objects.filter(round_id=round_.pk, code=code).exists():
                raise ServiceError("Không ghi được phiếu; vui lòng tải lại trang và bỏ phiếu lại.") from None
    raise ServiceError("Không tạo được mã biên nhận; vui lòng bỏ phiếu lại.")  # pragma: no cover - 2**50 codes


def progress(round_: Round) -> tuple[int, int]:
    """(voted, entitled): how many have cast a sheet, never what."""
    return VoterRoll.objects.filter(round=round_).count(), len(round_.entitled_member_ids)


# --- paper and written ballots --------------------------------------------------------------------


@transaction.atomic
def paper_count_enter(
    *,
    by,
    round_: Round,
    item: AgendaItem,
    issued: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int = 0,
    invalid: int = 0,
) -> PaperCount:
    """The totals of the paper and written ballots of one item (never per member). A new entry replaces the
    previous one and needs a new confirmation."""
    locked = Round.objects.select_for_update().select_related("meeting__council").get(pk=round_.pk)
    seat = seat_of(by, locked.meeting.council) if by is not None else None
    if by is not None:
        _require(may_count(by, locked.meeting.council))
    if locked.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise ServiceError("Chỉ nhập kết quả phiếu giấy khi vòng bỏ phiếu đang mở hoặc đã kết thúc, chưa công bố.")
    if str(item.pk) not in locked.rules.get("items", {}):
        raise ServiceError("Đề nghị này không có trong vòng bỏ phiếu.")
    numbers = (issued, votes_for, votes_against, votes_abstain, invalid)
    if any(not isinstance(n, int) or n < 0 for n in numbers):
        raise ServiceError("Các số phiếu phải là số nguyên không âm.")
    if votes_abstain and not locked.rules.get("allow_abstention"):
        raise ServiceError("Quy chế của Hội đồng không có ý kiến «không biểu quyết».")
    returned = votes_for + votes_against + votes_abstain + invalid
    if returned > issued:
        raise ServiceError(f"Số phiếu thu về ({returned}) nhiều hơn số phiếu phát ra ({issued}).")
    if issued > locked.rules["voting_members"]:
        raise ServiceError(f"Số phiếu phát ra ({issued}) nhiều hơn số thành viên được bỏ phiếu.")
    count, _ = PaperCount.objects.update_or_create(
        round=locked,
        item=item,
        defaults={
            "issued": issued,
            "votes_for": votes_for,
            "votes_against": votes_against,
            "votes_abstain": votes_abstain,
            "invalid": invalid,
            "entered_by": seat,
            "confirmed_by": None,
            "confirmed_at": None,
        },
    )
    return count


@transaction.atomic
def paper_count_confirm(*, by, count: PaperCount) -> PaperCount:
    """A second member of the counting committee confirms the totals; only then do they count."""
    from django.utils import timezone

    locked = PaperCount.objects.select_for_update().select_related("round__meeting__council").get(pk=count.pk)
    council = locked.round.meeting.council
    seat = seat_of(by, council)
    if seat is None or not seat.counting_committee:
        raise PermissionDenied
    if locked.round.status == RoundStatus.PUBLISHED:
        raise ServiceError("Kết quả đã công bố.")
    if seat.pk == locked.entered_by_id:
        raise ServiceError("Người xác nhận phải là một thành viên Ban kiểm phiếu khác với người đã nhập.")
    if locked.confirmed_by_id is not None:
        return locked
    locked.confirmed_by, locked.confirmed_at = seat, timezone.now()
    locked.save(update_fields=["confirmed_by", "confirmed_at"])
    return locked


def round_items(round_: Round) -> list[AgendaItem]:
    """The agenda items of a round (frozen at the opening), in agenda order."""
    ids = [int(k) for k in round_.rules.get("items", {})]
    return list(
        AgendaItem.objects.filter(pk__in=ids)
        .select_related("nomination__person", "nomination__unit", "nomination__award_type")
        .order_by("position", "id")
    )
