import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from core.exceptions import ServiceError
from core.models import TransitionLog
from councils import services
from councils.enums import AttendanceStatus, RoundStatus
from councils.models import Ballot, ReceiptCode, Recusal, VoterRoll
from nominations.enums import NominationStatus
from nominations.models import Nomination

from .conftest import mark, open_round


def cast(board, key, round_, *choices):
    seat = board["seats"][key]
    items = services.ballot_items(round_, seat)
    return services.ballot_cast(
        by=board["users"][key], round_=round_, choices={i.pk: c for i, c in zip(items, choices, strict=True)}
    )


def test_recusals_computed_from_unit_tree(board):
    n1_item, n2_item = board["items"]
    recused = {(r.item_id, r.member_id) for r in Recusal.objects.all()}
    assert recused == {(n1_item.pk, board["seats"]["p_a1"].pk), (n2_item.pk, board["seats"]["p_a2"].pk)}


def test_round_refused_to_open_without_quorum(board):
    mark(board, "chair", "sec", "p_a1")  # 3 of 5 < 2/3
    round_ = services.round_create(by=board["users"]["chair"], meeting=board["meeting"])
    with pytest.raises(ServiceError, match="Chưa đủ số thành viên dự họp: có mặt 3/5"):
        services.round_act(by=board["users"]["chair"], round_=round_, action="open", version=round_.version)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CREATED


def test_only_the_chair_opens(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = services.round_create(by=board["users"]["chair"], meeting=board["meeting"])
    with pytest.raises(ServiceError):
        services.round_act(by=board["users"]["sec"], round_=round_, action="open", version=round_.version)


def test_open_freezes_rules_and_entitled_members(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    mark(board, "staff", status=AttendanceStatus.WRITTEN, reason="Đi công tác")
    round_ = open_round(board)
    seats = board["seats"]
    assert round_.entitled_member_ids == sorted(seats[k].pk for k in ("chair", "sec", "p_a1", "p_a2"))
    n1_item = board["items"][0]
    frozen = round_.rules["items"][str(n1_item.pk)]
    assert (round_.rules["total_members"], round_.rules["voting_members"], frozen["recused"]) == (
        5,
        5,
        [seats["p_a1"].pk],
    )
    assert (frozen["approval"], frozen["strict"], frozen["denominator"]) == ("1/2", True, "total")


def test_cast_once_then_refused_and_recused_item_left_out(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    items_p_a1 = services.ballot_items(round_, board["seats"]["p_a1"])
    assert [i.pk for i in items_p_a1] == [board["items"][1].pk]
    code = cast(board, "p_a1", round_, "for")
    assert len(code) == 10
    with pytest.raises(ServiceError, match="Bạn đã bỏ phiếu trong vòng này"):
        cast(board, "p_a1", round_, "against")
    # A recused item slipped into the sheet is refused.
    with pytest.raises(ServiceError, match="mọi đề nghị trong phiếu, và chỉ các đề nghị đó"):
        services.ballot_cast(by=board["users"]["p_a2"], round_=round_, choices={i.pk: "for" for i in board["items"]})
    assert (VoterRoll.objects.count(), Ballot.objects.count(), ReceiptCode.objects.count()) == (1, 1, 1)


def test_absent_member_and_outsider_cannot_vote(board, tree):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    with pytest.raises(ServiceError, match="không có tên trong danh sách thành viên có mặt"):
        cast(board, "staff", round_, "for", "for")
    stranger = make_user("nguoi-la", tree["office_a"], "reviewer")
    with pytest.raises(PermissionDenied):
        services.ballot_cast(by=stranger, round_=round_, choices={board["items"][0].pk: "for"})
    assert VoterRoll.objects.count() == 0


def test_abstention_refused_unless_rules_allow(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    with pytest.raises(ServiceError, match="Ý kiến trên phiếu không hợp lệ"):
        cast(board, "chair", round_, "abstain", "for")


def vote_all(board, round_):
    cast(board, "chair", round_, "for", "for")
    cast(board, "sec", round_, "for", "against")
    cast(board, "p_a1", round_, "for")  # only n2
    cast(board, "p_a2", round_, "for")  # only n1


def test_close_shuffles_hashes_counts_and_publish_moves_nominations(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    vote_all(board, round_)
    ids_before = set(Ballot.objects.values_list("id", flat=True))
    chair = board["users"]["chair"]
    round_ = services.round_act(by=chair, round_=round_, action="close", version=round_.version)
    assert ids_before.isdisjoint(Ballot.objects.values_list("id", flat=True))
    rows = sorted(f"{i}:{c}" for i, c in Ballot.objects.values_list("item_id", "choice"))
    assert round_.ballots_sha256 == hashlib.sha256("\n".join(rows).encode()).hexdigest()
    n1_item, n2_item = board["items"]
    r1, r2 = round_.results[str(n1_item.pk)], round_.results[str(n2_item.pk)]
    # n1: 3 for of 4 (5 members, 1 recused): above half. n2: 2 for, 1 against, of 4: a tie, not above half.
    assert (r1["issued"], r1["returned"], r1["votes_for"], r1["denominator"], r1["passed"]) == (3, 3, 3, 4, True)
    assert (r2["votes_for"], r2["votes_against"], r2["denominator"], r2["passed"]) == (2, 1, 4, False)
    # The tie is sent back to a vote (councils/revote.py, default tie rule): publishing leaves it before the council.
    assert (r1["outcome"], r2["outcome"]) == ("passed", "revote")
    services.round_act(by=chair, round_=round_, action="publish", version=round_.version)
    statuses = [Nomination.objects.get(pk=n.pk).status for n in board["nominations"]]
    assert statuses == [NominationStatus.APPROVED_BY_COUNCIL, NominationStatus.PASSED_TO_COUNCIL]


def test_reopen_and_recount_recorded_with_reason(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    chair = board["users"]["chair"]
    round_ = services.round_act(by=chair, round_=round_, action="close", version=round_.version)
    with pytest.raises(ServiceError, match="Vui lòng ghi lý do mở lại"):
        services.round_act(by=chair, round_=round_, action="reopen", version=round_.version)
    with pytest.raises(ServiceError):
        services.round_act(
            by=board["users"]["sec"], round_=round_, action="reopen", version=round_.version, comment="Thử"
        )
    round_ = services.round_act(
        by=chair,
        round_=round_,
        action="reopen",
        version=round_.version,
        comment="Mạng chập chờn, hai thành viên chưa gửi được phiếu.",
    )
    cast(board, "sec", round_, "for", "for")
    round_ = services.round_act(by=chair, round_=round_, action="close", version=round_.version)
    services.round_act(by=chair, round_=round_, action="recount", version=round_.version, comment="Kiểm tra lại.")
    logs = list(TransitionLog.objects.filter(workflow="council_round").values_list("action", "by", "comment"))
    assert logs == [
        ("open", chair.pk, ""),
        ("close", chair.pk, ""),
        ("reopen", chair.pk, "Mạng chập chờn, hai thành viên chưa gửi được phiếu."),
        ("close", chair.pk, ""),
        ("recount", chair.pk, "Kiểm tra lại."),
    ]


def test_paper_counts_add_only_after_a_second_confirmation(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    mark(board, "staff", status=AttendanceStatus.WRITTEN, reason="Đi công tác")
    round_ = open_round(board)
    vote_all(board, round_)
    n1_item = board["items"][0]
    count = services.paper_count_enter(
        by=board["users"]["sec"], round_=round_, item=n1_item, issued=1, votes_for=1, votes_against=0
    )
    chair = board["users"]["chair"]
    round_ = services.round_act(by=chair, round_=round_, action="close", version=round_.version)
    assert round_.results[str(n1_item.pk)]["votes_for"] == 3  # not confirmed: not counted
    with pytest.raises(ServiceError, match="chưa được thành viên Ban kiểm phiếu thứ hai xác nhận"):
        services.round_act(by=chair, round_=round_, action="publish", version=round_.version)
    with pytest.raises(PermissionDenied):  # the secretary is not on the counting committee
        services.paper_count_confirm(by=board["users"]["sec"], count=count)
    p_a1_count = services.paper_count_enter(
        by=board["users"]["p_a1"], round_=round_, item=n1_item, issued=1, votes_for=1, votes_against=0
    )
    with pytest.raises(ServiceError, match="khác với người đã nhập"):
        services.paper_count_confirm(by=board["users"]["p_a1"], count=p_a1_count)
    confirmed = services.paper_count_confirm(by=board["users"]["p_a2"], count=p_a1_count)
    assert (confirmed.entered_by, confirmed.confirmed_by) == (board["seats"]["p_a1"], board["seats"]["p_a2"])
    round_.refresh_from_db()
    round_ = services.round_act(by=chair, round_=round_, action="publish", version=round_.version)
    result = round_.results[str(n1_item.pk)]
    assert (result["issued"], result["returned"], result["votes_for"], result["denominator"]) == (4, 4, 4, 4)


def test_paper_count_refuses_more_returned_than_issued(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    with pytest.raises(ServiceError, match="nhiều hơn số phiếu phát ra"):
        services.paper_count_enter(
            by=board["users"]["sec"], round_=round_, item=board["items"][0], issued=1, votes_for=1, votes_against=1
        )


def test_tie_fails_and_a_new_round_revotes_the_items_still_before_the_council(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    chair = board["users"]["chair"]
    round_ = open_round(board)
    cast(board, "chair", round_, "for", "for")
    cast(board, "sec", round_, "against", "against")
    round_ = services.round_act(by=chair, round_=round_, action="close", version=round_.version)
    n1_item = board["items"][0]
    tie = round_.results[str(n1_item.pk)]
    assert (tie["votes_for"], tie["votes_against"], tie["passed"]) == (1, 1, False)
    # Not published: the chair opens a second round over the same agenda (a re-vote); the first stays closed.
    second = services.round_create(by=chair, meeting=board["meeting"])
    second = services.round_act(by=chair, round_=second, action="open", version=second.version)
    assert (second.number, sorted(second.rules["items"])) == (2, sorted(round_.rules["items"]))
    for key in ("chair", "sec", "p_a1", "p_a2"):
        items = services.ballot_items(second, board["seats"][key])
        services.ballot_cast(by=board["users"][key], round_=second, choices={i.pk: "for" for i in items})
    second = services.round_act(by=chair, round_=second, action="close", version=second.version)
    services.round_act(by=chair, round_=second, action="publish", version=second.version)
    statuses = [Nomination.objects.get(pk=n.pk).status for n in board["nominations"]]
    assert statuses == [NominationStatus.APPROVED_BY_COUNCIL] * 2
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED


def test_receipt_code_drawn_twice_casts_again_with_a_new_code_and_nothing_twice(board, monkeypatch):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    drawn = iter(["AAAAAAAAAA", "AAAAAAAAAA", "BBBBBBBBBB"])
    monkeypatch.setattr(services.box, "new_receipt_code", lambda: next(drawn))

    codes = [cast(board, "chair", round_, "for", "for"), cast(board, "sec", round_, "against", "against")]

    assert codes == ["AAAAAAAAAA", "BBBBBBBBBB"]
    assert (VoterRoll.objects.count(), Ballot.objects.count(), ReceiptCode.objects.count()) == (2, 4, 2)
    assert sorted(Ballot.objects.values_list("choice", flat=True)) == ["against", "against", "for", "for"]
