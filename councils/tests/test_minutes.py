import datetime

from councils import revote, services
from councils.enums import AttendanceStatus
from councils.minutes import minutes_data

from .conftest import mark, open_round


def test_minutes_data_has_what_a_bien_ban_needs(board, django_assert_max_num_queries):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    mark(board, "staff", status=AttendanceStatus.WRITTEN, reason="Đi công tác")
    round_ = open_round(board)
    for key in ("chair", "sec", "p_a1", "p_a2"):
        items = services.ballot_items(round_, board["seats"][key])
        services.ballot_cast(by=board["users"][key], round_=round_, choices={i.pk: "for" for i in items})
    round_ = services.round_act(by=board["users"]["chair"], round_=round_, action="close", version=round_.version)
    board["meeting"].refresh_from_db()
    with django_assert_max_num_queries(9):
        data = minutes_data(board["meeting"])
    assert (data["member_count"], len(data["present"]), data["chair"]) == (5, 4, board["seats"]["chair"].full_name)
    assert data["absent"] == [
        {
            "name": board["seats"]["staff"].full_name,
            "title": "",
            "role": "Phó Chủ tịch",
            "reason": "Đi công tác",
            "written_ballot": True,
        }
    ]
    assert sorted(data["counting_committee"]) == sorted(
        [board["seats"]["p_a1"].full_name, board["seats"]["p_a2"].full_name]
    )
    (minutes_round,) = data["rounds"]
    assert minutes_round["ballots_sha256"] == round_.ballots_sha256
    assert [(r["nominee"], r["votes_for"], r["denominator"], r["conclusion"]) for r in minutes_round["results"]] == [
        ("Lê Thị Giáo Viên Một", 3, 4, "Đạt"),
        ("Phạm Văn Giáo Viên Hai", 3, 4, "Đạt"),
    ]


def test_minutes_data_carry_counts_recusals_revote_rounds_hashes_and_times(board, django_assert_max_num_queries):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    chair = board["users"]["chair"]
    n1_item, n2_item = board["items"]
    first = open_round(board)
    # n1 (p_a1 recused): chair and sec for, p_a2 against → 2/4, a tie. n2 (p_a2 recused): 3 for of 4.
    for key in ("chair", "sec", "p_a1", "p_a2"):
        items = services.ballot_items(first, board["seats"][key])
        choices = {i.pk: "against" if (key, i) == ("p_a2", n1_item) else "for" for i in items}
        services.ballot_cast(by=board["users"][key], round_=first, choices=choices)
    first = services.round_act(by=chair, round_=first, action="close", version=first.version)
    first = services.round_act(by=chair, round_=first, action="publish", version=first.version)
    second = revote.round_revote(by=chair, round_=first)
    second = services.round_act(by=chair, round_=second, action="open", version=second.version)
    for key in ("chair", "sec", "p_a2"):
        services.ballot_cast(by=board["users"][key], round_=second, choices={n1_item.pk: "for"})
    second = services.round_act(by=chair, round_=second, action="close", version=second.version)
    second = services.round_act(by=chair, round_=second, action="publish", version=second.version)
    services.meeting_end(by=chair, meeting=board["meeting"], end_time=datetime.time(10, 30))
    board["meeting"].refresh_from_db()

    with django_assert_max_num_queries(9):
        data = minutes_data(board["meeting"])

    assert (data["start_time"], data["end_time"]) == (datetime.time(8, 0), datetime.time(10, 30))
    assert [a["recusals"] for a in data["agenda"]] == [
        [{"name": board["seats"]["p_a1"].full_name, "reason": "Người được đề nghị thuộc đơn vị của thành viên."}],
        [{"name": board["seats"]["p_a2"].full_name, "reason": "Người được đề nghị thuộc đơn vị của thành viên."}],
    ]
    r1, r2 = data["rounds"]
    assert (r1["number"], r1["revote_of"], r2["number"], r2["revote_of"]) == (1, None, 2, 1)
    assert (r1["ballots_sha256"], r2["ballots_sha256"]) == (first.ballots_sha256, second.ballots_sha256)
    assert len(r1["ballots_sha256"]) == 64 and r1["ballots_sha256"] != r2["ballots_sha256"]
    assert r1["opened_at"] <= r1["closed_at"] <= r1["published_at"] <= r2["opened_at"]
    fields = ("issued", "returned", "valid", "votes_for", "votes_against", "votes_abstain", "denominator")
    assert [
        (r["nominee"], *(r[f] for f in fields), r["share_percent"], r["passed"], r["conclusion"]) for r in r1["results"]
    ] == [
        ("Lê Thị Giáo Viên Một", 3, 3, 3, 2, 1, 0, 4, "50,0%", False, "Bỏ phiếu lại"),
        ("Phạm Văn Giáo Viên Hai", 3, 3, 3, 3, 0, 0, 4, "75,0%", True, "Đạt"),
    ]
    assert r1["results"][0]["note"].startswith("Ngang phiếu: 2/4 phiếu đồng ý")
    assert [(r["nominee"], r["votes_for"], r["denominator"], r["conclusion"]) for r in r2["results"]] == [
        ("Lê Thị Giáo Viên Một", 3, 4, "Đạt")
    ]
    assert [(f["nominee"], f["round"], f["conclusion"]) for f in data["final"]] == [
        ("Lê Thị Giáo Viên Một", 2, "Đạt"),
        ("Phạm Văn Giáo Viên Hai", 1, "Đạt"),
    ]
