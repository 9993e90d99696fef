"""Issue 10, second part: the audit entry per cast, the pages for the standing rules, ending a meeting and
removing a member, and the chair's warning when fewer than three members may vote on a nomination."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.selectors import audit_entries_visible_to, audit_rows
from conftest import make_user
from core.exceptions import ServiceError
from councils import services
from councils.enums import AttendanceStatus, Denominator, MeetingStatus, MemberRole, RoundStatus
from councils.models import Attendance, Ballot, CastRecord, Council, CouncilMember, Meeting, ReceiptCode
from units.enums import Role
from units.models import UnitRole

from .conftest import mark, open_round

# --- 1. the audit trail: "member X voted in round R", nothing else ----------------------------------------


def _cast(board, key, choice="against"):
    round_ = board["round"]
    seat = board["seats"][key]
    items = services.ballot_items(round_, seat)
    return services.ballot_cast(by=board["users"][key], round_=round_, choices={i.pk: choice for i in items})


@pytest.fixture
def voting(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    board["round"] = open_round(board)
    return board


def test_cast_writes_one_audit_row_naming_member_and_round_only(voting):
    code = _cast(voting, "p_a1", choice="against")
    round_ = voting["round"]
    (record,) = CastRecord.objects.all()
    (history,) = CastRecord.history.all()
    fields = {f.attname for f in CastRecord._meta.concrete_fields}
    assert (record.round_id, record.member_id, fields) == (
        round_.pk,
        voting["seats"]["p_a1"].pk,
        {"id", "round_id", "member_id"},
    )
    assert (history.history_user, history.history_type) == (voting["users"]["p_a1"], "+")
    values = " ".join(str(getattr(history, f.attname)) for f in history._meta.concrete_fields)
    ballot_ids = {str(b) for b in Ballot.objects.values_list("id", flat=True)}
    assert [w for w in ("against", "Không đồng ý", code, *ballot_ids) if w in values] == []


def test_audit_page_shows_member_voted_and_never_the_choice(voting, client):
    _cast(voting, "p_a1", choice="against")
    _cast(voting, "p_a2", choice="against")
    chair = voting["users"]["chair"]  # head of the Phòng: SIGN, so an auditor of its unit
    client.force_login(chair)
    page = client.get(reverse("audit:list")).content.decode()
    p_a1 = voting["seats"]["p_a1"].full_name
    assert f"{p_a1} đã bỏ phiếu – vòng 1" in page
    assert ("Không đồng ý" in page, "against" in page) == (False, False)
    rows = [r for r in audit_rows(list(audit_entries_visible_to(chair))) if r.model == "Bỏ phiếu kín"]
    assert sorted(r.object.split(" đã bỏ phiếu")[0] for r in rows) == sorted([p_a1, voting["seats"]["p_a2"].full_name])


def test_cast_audit_not_seen_by_auditor_of_another_unit(voting, tree):
    _cast(voting, "p_a1")
    outsider = make_user("truongphong-b", tree["office_b"], Role.HEAD)
    assert [e for e in audit_entries_visible_to(outsider) if e["model_key"] == "councils.castrecord"] == []


def test_refused_second_cast_writes_no_second_audit_row(voting):
    _cast(voting, "p_a1")
    with pytest.raises(ServiceError):
        _cast(voting, "p_a1")
    assert (CastRecord.objects.count(), CastRecord.history.count(), ReceiptCode.objects.count()) == (1, 1, 1)


# --- 2a. the standing rules page ---------------------------------------------------------------------------


def test_rules_page_updates_rules_and_council_page_shows_who_and_when(board, client):
    client.force_login(board["users"]["chair"])
    url = reverse("councils:council_rules", args=[board["council"].pk])
    assert client.get(url).context["form"].initial["quorum"] == "2/3"
    body = {
        "quorum": "3/4",
        "approval": "70%",
        "strict": "",
        "denominator": Denominator.PRESENT,
        "rules_basis": "QC 01",
    }
    response = client.post(url, body)
    council = Council.objects.get(pk=board["council"].pk)
    assert response.status_code == 302
    assert (council.quorum_numerator, council.quorum_denominator) == (3, 4)
    assert (council.approval_numerator, council.approval_denominator, council.approval_strict) == (7, 10, False)
    page = client.get(reverse("councils:council_detail", args=[council.pk]))
    (change,) = page.context["rules_history"]
    # The portal's day (TIME_ZONE), not the machine's: from 17:00 UTC they differ.
    assert (change["who"], timezone.localtime(change["when"]).date() == timezone.localdate()) == (
        board["users"]["chair"].username,
        True,
    )
    assert "thông qua khi đồng ý từ 7/10 số thành viên có mặt" in page.content.decode()


def test_rules_page_refuses_bad_share_and_changes_nothing(board, client):
    client.force_login(board["users"]["chair"])
    url = reverse("councils:council_rules", args=[board["council"].pk])
    response = client.post(url, {"quorum": "3/2", "approval": "1/2", "denominator": Denominator.TOTAL})
    assert response.status_code == 200
    assert "Tỷ lệ họp tối thiểu phải lớn hơn 0 và không quá 1" in response.content.decode()
    council = Council.objects.get(pk=board["council"].pk)
    assert ((council.quorum_numerator, council.quorum_denominator), council.history.count()) == ((2, 3), 1)


def test_rules_page_refused_while_a_round_is_open(board, client):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    open_round(board)
    client.force_login(board["users"]["chair"])
    url = reverse("councils:council_rules", args=[board["council"].pk])
    response = client.post(url, {"quorum": "1/2", "approval": "1/2", "denominator": Denominator.TOTAL})
    assert "Đang có vòng bỏ phiếu mở" in response.content.decode()
    assert Council.objects.get(pk=board["council"].pk).quorum_denominator == 3


def test_rules_page_403_for_a_member_who_does_not_set_up(board, client):
    client.force_login(board["users"]["staff"])
    url = reverse("councils:council_rules", args=[board["council"].pk])
    assert (client.get(url).status_code, client.post(url, {"quorum": "1/2"}).status_code) == (403, 403)


# --- 2b. ending a meeting ----------------------------------------------------------------------------------


def test_chair_ends_meeting_with_end_time(board, client):
    client.force_login(board["users"]["chair"])
    response = client.post(reverse("councils:meeting_end", args=[board["meeting"].pk]), {"end_time": "11:30"})
    meeting = Meeting.objects.get(pk=board["meeting"].pk)
    assert (response.status_code, meeting.status, meeting.end_time) == (302, MeetingStatus.ENDED, datetime.time(11, 30))


def test_meeting_end_refused_before_start_or_with_open_round(board, client):
    client.force_login(board["users"]["chair"])
    url = reverse("councils:meeting_end", args=[board["meeting"].pk])
    early = client.post(url, {"end_time": "07:00"}).content.decode()
    mark(board, "chair", "sec", "p_a1", "p_a2")
    open_round(board)
    during = client.post(url, {"end_time": "11:00"}).content.decode()
    meeting = Meeting.objects.get(pk=board["meeting"].pk)
    assert ("Giờ kết thúc phải sau giờ bắt đầu (08:00)" in early, "Còn vòng bỏ phiếu đang mở" in during) == (True, True)
    assert (meeting.status, meeting.end_time) == (MeetingStatus.HELD, None)


def test_meeting_end_403_for_secretary(board, client):
    client.force_login(board["users"]["sec"])
    response = client.post(reverse("councils:meeting_end", args=[board["meeting"].pk]), {"end_time": "11:30"})
    assert (response.status_code, Meeting.objects.get(pk=board["meeting"].pk).status) == (403, MeetingStatus.PLANNED)


# --- 2c. removing a member ---------------------------------------------------------------------------------


def test_remove_member_withdraws_council_role_and_planned_attendance(board, client):
    seat, user = board["seats"]["staff"], board["users"]["staff"]
    office = board["council"].unit
    client.force_login(board["users"]["chair"])
    response = client.post(reverse("councils:member_remove", args=[seat.pk]))
    assert response.status_code == 302
    assert (
        CouncilMember.objects.filter(pk=seat.pk).exists(),
        Attendance.objects.filter(member_id=seat.pk).exists(),
        UnitRole.objects.filter(user=user, unit=office, role=Role.COUNCIL_MEMBER).exists(),
    ) == (False, False, False)
    assert CouncilMember.history.filter(id=seat.pk, history_type="-").get().history_user == board["users"]["chair"]
    client.force_login(user)  # no other role on the Phòng: the council is out of sight now
    assert client.get(reverse("councils:council_detail", args=[board["council"].pk])).status_code == 404


def test_remove_member_keeps_role_when_seated_on_another_council_of_the_unit(board):
    user, office = board["users"]["staff"], board["council"].unit
    other = services.council_create(
        by=None, unit=office, name="Hội đồng sáng kiến", period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )  # fmt: skip
    services.council_member_add(by=None, council=other, user=user, role=MemberRole.MEMBER)
    services.council_member_remove(by=board["users"]["chair"], member=board["seats"]["staff"])
    assert UnitRole.objects.filter(user=user, unit=office, role=Role.COUNCIL_MEMBER).count() == 1


def test_remove_member_refused_while_entitled_in_open_round(board, client):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    open_round(board)
    seat = board["seats"]["p_a1"]
    client.force_login(board["users"]["chair"])
    response = client.post(reverse("councils:member_remove", args=[seat.pk]))
    assert "đang có quyền bỏ phiếu trong một vòng bỏ phiếu đang mở" in response.content.decode()
    assert CouncilMember.objects.filter(pk=seat.pk).exists()


def test_remove_member_refused_for_meeting_chair_and_once_a_meeting_was_held(board):
    chair = board["users"]["chair"]
    with pytest.raises(ServiceError, match="chủ trì hoặc thư ký"):
        services.council_member_remove(by=chair, member=board["seats"]["sec"])
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    services.round_act(by=chair, round_=round_, action="close", version=round_.version)
    with pytest.raises(ServiceError, match="phiên họp đã diễn ra"):
        services.council_member_remove(by=chair, member=board["seats"]["staff"])  # absent, but on the minutes
    assert CouncilMember.objects.filter(council=board["council"]).count() == 5


def test_remove_member_403_for_secretary_and_404_outside(board, client, tree):
    seat = board["seats"]["staff"]
    url = reverse("councils:member_remove", args=[seat.pk])
    client.force_login(board["users"]["sec"])
    refused = client.post(url).status_code
    client.force_login(make_user("truongphong-b", tree["office_b"], Role.HEAD))
    assert (refused, client.post(url).status_code) == (403, 404)
    assert CouncilMember.objects.filter(pk=seat.pk).exists()


# --- 3. the chair is warned before the round opens ---------------------------------------------------------


def test_meeting_chair_who_is_a_plain_member_sees_few_voters_warning(board, client):
    """Only three present; p_a1 is recused on the first nomination and p_a2 on the second: two voters each."""
    council = board["council"]
    # A meeting chaired by an ordinary member (not the council's chair or secretary).
    meeting = services.meeting_create(
        by=None, council=council, date=datetime.date(2026, 6, 11), start_time=datetime.time(8, 0), place="Phòng 2",
        chair=board["seats"]["p_a2"], secretary=board["seats"]["sec"],
    )  # fmt: skip
    services.agenda_add(by=None, meeting=meeting, nomination_ids=[n.pk for n in board["nominations"]])
    for key in ("p_a1", "p_a2", "sec"):
        services.attendance_set(by=None, meeting=meeting, member=board["seats"][key], status=AttendanceStatus.PRESENT)
    client.force_login(board["users"]["p_a2"])
    response = client.get(reverse("councils:meeting_detail", args=[meeting.pk]))
    page = response.content.decode()
    assert response.context["warnings"] == [
        "Chỉ 2 thành viên được biểu quyết về đề nghị của Lê Thị Giáo Viên Một (ít hơn 3).",
        "Chỉ 2 thành viên được biểu quyết về đề nghị của Phạm Văn Giáo Viên Hai (ít hơn 3).",
    ]
    assert page.count("(ít hơn 3)") == 2
    assert meeting.rounds.filter(status=RoundStatus.OPEN).exists() is False


def test_no_warning_when_three_may_vote_and_none_for_an_ordinary_member(board, client):
    mark(board, "chair", "sec", "p_a1", "p_a2", "staff")
    client.force_login(board["users"]["chair"])
    assert client.get(reverse("councils:meeting_detail", args=[board["meeting"].pk])).context["warnings"] == []
    services.attendance_set(
        by=None, meeting=board["meeting"], member=board["seats"]["staff"], status=AttendanceStatus.ABSENT, reason="Ốm"
    )
    services.attendance_set(
        by=None, meeting=board["meeting"], member=board["seats"]["sec"], status=AttendanceStatus.ABSENT, reason="Ốm"
    )
    warned = client.get(reverse("councils:meeting_detail", args=[board["meeting"].pk])).context["warnings"]
    client.force_login(board["users"]["p_a1"])
    plain = client.get(reverse("councils:meeting_detail", args=[board["meeting"].pk])).context["warnings"]
    assert (len(warned), plain) == (2, [])
