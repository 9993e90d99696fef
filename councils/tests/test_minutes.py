from councils import services
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
    with django_assert_max_num_queries(8):
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
