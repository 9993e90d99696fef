import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from awards.models import AwardType
from campaigns.enums import CampaignKind
from campaigns.models import Campaign, CampaignAward
from core.exceptions import ServiceError
from councils import revote, services
from councils.enums import RoundStatus
from councils.minutes import minutes_data
from councils.models import Round
from nominations.enums import NominationStatus
from nominations.models import Dossier, Nomination, Objection, ObjectionStatus, PublicNotice

from .conftest import mark, open_round


def result(votes_for, denominator, approval="1/2", strict=True):
    return {
        "votes_for": votes_for,
        "denominator": denominator,
        "approval": approval,
        "strict": strict,
        "passed": (
            votes_for * int(approval.split("/")[1]) > int(approval.split("/")[0]) * denominator
            if strict
            else votes_for * int(approval.split("/")[1]) >= int(approval.split("/")[0]) * denominator
        ),
    }


def rules(code="LDTT", tie_rule="revote", over_quota="rank"):
    return {"award_code": code, "tie_rule": tie_rule, "over_quota": over_quota}


def outcomes(decided):
    return {key: r["outcome"] for key, r in decided.items()}


# --- ties ---------------------------------------------------------------------------------------------


def test_tie_is_exactly_the_threshold_of_a_strict_rule():
    results = {"1": result(2, 4), "2": result(3, 4), "3": result(1, 4), "4": result(9, 10, "9/10", strict=False)}
    decided = revote.decide(results, {k: rules() for k in results}, {})
    assert outcomes(decided) == {"1": "revote", "2": "passed", "3": "failed", "4": "passed"}
    assert decided["1"]["note"].startswith("Ngang phiếu: 2/4 phiếu đồng ý, đúng bằng 50%, mà quy tắc cần trên 50%.")
    assert "bỏ phiếu lại" in decided["1"]["note"]


def test_tie_rule_fail_from_the_catalog_parameter():
    decided = revote.decide({"1": result(5, 10)}, {"1": rules(tie_rule="fail")}, {})
    assert decided["1"]["outcome"] == "failed"
    assert "đề nghị không đạt" in decided["1"]["note"]


# --- more passing than places -------------------------------------------------------------------------------


def test_within_places_nothing_changes():
    results = {"1": result(4, 4), "2": result(3, 4)}
    decided = revote.decide(results, {k: rules() for k in results}, {"LDTT": {"places": 2, "basis": "cap"}})
    assert outcomes(decided) == {"1": "passed", "2": "passed"}
    assert decided["1"]["note"] == ""


def test_over_places_ranked_by_share_ties_at_the_last_place_revoted():
    # Two places; shares 4/4 > 3/4 = 6/8 > 5/8: the first keeps a place, the two at 75 % share the last, 5/8 fails.
    results = {"a": result(4, 4), "b": result(3, 4), "c": result(6, 8), "d": result(5, 8)}
    places = {"LDTT": {"places": 2, "basis": "Chỉ tiêu của phong trào: tối đa 2."}}
    decided = revote.decide(results, {k: rules() for k in results}, places)
    assert outcomes(decided) == {"a": "passed", "b": "revote", "c": "revote", "d": "failed"}
    assert "2 đề nghị cùng tỷ lệ đồng ý 75,0% cho 1 chỉ tiêu cuối" in decided["b"]["note"]
    assert decided["d"]["note"].startswith("Vượt chỉ tiêu: 4 đề nghị đạt ngưỡng, chỉ còn 2 chỉ tiêu")


def test_over_places_clear_cut_passes_the_top_and_fails_the_rest():
    results = {"a": result(4, 4), "b": result(3, 4), "c": result(5, 8)}
    decided = revote.decide(results, {k: rules() for k in results}, {"LDTT": {"places": 2, "basis": "q"}})
    assert outcomes(decided) == {"a": "passed", "b": "passed", "c": "failed"}


def test_over_places_other_title_and_no_places_left():
    results = {"a": result(4, 4), "b": result(3, 4), "c": result(3, 4)}
    items = {"a": rules(), "b": rules(), "c": rules(code="CSTDCS")}
    decided = revote.decide(results, items, {"LDTT": {"places": 0, "basis": "q"}})
    assert outcomes(decided) == {"a": "failed", "b": "failed", "c": "passed"}
    assert "Không còn chỉ tiêu" in decided["a"]["note"]


def test_over_quota_revote_mode_sends_every_passing_nomination_back():
    results = {"a": result(4, 4), "b": result(3, 4), "c": result(1, 4)}
    items = {k: rules(over_quota="revote") for k in results}
    decided = revote.decide(results, items, {"LDTT": {"places": 1, "basis": "q"}})
    assert outcomes(decided) == {"a": "revote", "b": "revote", "c": "failed"}


# --- a re-vote round over the items sent back --------------------------------------------------------------


def cast_all(board, round_, choice_of):
    for key in ("chair", "sec", "p_a1", "p_a2"):
        items = services.ballot_items(round_, board["seats"][key])
        services.ballot_cast(by=board["users"][key], round_=round_, choices={i.pk: choice_of(key, i) for i in items})


def close_and_publish(board, round_):
    chair = board["users"]["chair"]
    round_ = services.round_act(by=chair, round_=round_, action="close", version=round_.version)
    return services.round_act(by=chair, round_=round_, action="publish", version=round_.version)


def test_tie_then_revote_round_over_that_item_only(board):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    chair = board["users"]["chair"]
    n1_item, n2_item = board["items"]
    first = open_round(board)
    # n1 (p_a1 recused, denominator 4): 2 for → a tie. n2: 3 for of 4 → passed.
    cast_all(board, first, lambda key, i: "for" if i == n2_item or key in ("chair", "sec") else "against")
    first = services.round_act(by=chair, round_=first, action="close", version=first.version)
    with pytest.raises(ServiceError, match="sau khi công bố"):
        revote.round_revote(by=chair, round_=first)
    with pytest.raises(PermissionDenied):
        revote.round_revote(by=board["users"]["staff"], round_=first)
    first = services.round_act(by=chair, round_=first, action="publish", version=first.version)
    assert revote.revote_item_ids(first) == [n1_item.pk]
    n1, n2 = (Nomination.objects.get(pk=n.pk).status for n in board["nominations"])
    assert (n1, n2) == (NominationStatus.PASSED_TO_COUNCIL, NominationStatus.APPROVED_BY_COUNCIL)

    second = revote.round_revote(by=chair, round_=first)
    assert (second.number, second.rules) == (2, {"revote_of": 1, "item_ids": [n1_item.pk]})
    second = services.round_act(by=chair, round_=second, action="open", version=second.version)
    assert (list(second.rules["items"]), second.rules["revote_of"]) == ([str(n1_item.pk)], 1)
    assert [i.pk for i in services.ballot_items(second, board["seats"]["p_a2"])] == [n1_item.pk]
    cast_all(board, second, lambda key, i: "for")
    second = close_and_publish(board, second)
    assert Nomination.objects.get(pk=board["nominations"][0].pk).status == NominationStatus.APPROVED_BY_COUNCIL

    final = revote.latest_results(board["meeting"])
    assert {k: (v["round"], v["votes_for"], v["outcome"]) for k, v in final.items()} == {
        n1_item.pk: (2, 3, "passed"),
        n2_item.pk: (1, 3, "passed"),
    }
    with pytest.raises(ServiceError, match="không có đề nghị nào cần bỏ phiếu lại"):
        revote.round_revote(by=chair, round_=second)


def test_campaign_cap_over_places_revotes_the_tied_pair_for_one_place(board):
    office = board["council"].unit
    campaign = Campaign.objects.create(launched_by=office, name="Thi đua năm học", kind=CampaignKind.REGULAR)
    CampaignAward.objects.create(campaign=campaign, award_type=AwardType.objects.filter(code="LDTT").first(), cap=1)
    Dossier.objects.filter(pk__in=[n.dossier_id for n in board["nominations"]]).update(campaign=campaign)
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    assert round_.rules["places"]["LDTT"]["places"] == 1
    cast_all(board, round_, lambda key, i: "for")  # both 3/4: both pass the threshold, one place
    round_ = close_and_publish(board, round_)
    assert sorted(revote.revote_item_ids(round_)) == sorted(i.pk for i in board["items"])
    note = round_.results[str(board["items"][0].pk)]["note"]
    assert "Chỉ tiêu của phong trào: tối đa 1." in note and "cho 1 chỉ tiêu cuối" in note

    second = revote.round_revote(by=board["users"]["chair"], round_=round_)
    second = services.round_act(by=board["users"]["chair"], round_=second, action="open", version=second.version)
    n1_item = board["items"][0]
    cast_all(board, second, lambda key, i: "for" if i == n1_item else "against")
    second = close_and_publish(board, second)
    statuses = [Nomination.objects.get(pk=n.pk).status for n in board["nominations"]]
    assert statuses == [NominationStatus.APPROVED_BY_COUNCIL, NominationStatus.NOT_ACCEPTED]
    assert second.status == RoundStatus.PUBLISHED

    data = minutes_data(board["meeting"])
    assert [(r["number"], r["revote_of"]) for r in data["rounds"]] == [(1, None), (2, 1)]
    assert [(f["nominee"], f["round"], f["conclusion"]) for f in data["final"]] == [
        ("Lê Thị Giáo Viên Một", 2, "Đạt"),
        ("Phạm Văn Giáo Viên Hai", 2, "Không đạt"),
    ]


# --- pages ---------------------------------------------------------------------------------------------


def objection_on(nomination, *, content, status=ObjectionStatus.OPEN):
    notice = PublicNotice.objects.create(
        unit=nomination.dossier.unit,
        title="Công khai danh sách đề nghị khen thưởng",
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 6, 8),
    )
    return Objection.objects.create(
        notice=notice,
        nomination=nomination,
        content=content,
        sender_name="Nguyễn Người Gửi",
        sender_contact="nguoigui@example.com",
        status=status,
    )


def test_open_objections_shown_beside_the_nominee_text_only_to_chair_and_secretary(board, client):
    n1, n2 = board["nominations"]
    objection_on(n1, content="Chưa hoàn thành nhiệm vụ chủ nhiệm lớp học kỳ II.")
    objection_on(n1, content="Đề nghị xem lại sáng kiến.")
    objection_on(n2, content="Đã xử lý xong.", status=ObjectionStatus.RESOLVED)
    mark(board, "chair", "sec", "p_a1", "p_a2", "staff")
    round_ = open_round(board)
    meeting_url = reverse("councils:meeting_detail", args=[board["meeting"].pk])
    ballot_url = reverse("councils:ballot", args=[round_.pk])
    pages = {}
    for key in ("chair", "sec", "staff"):
        client.force_login(board["users"][key])
        pages[key] = (client.get(meeting_url).content.decode(), client.get(ballot_url).content.decode())
    for key, (meeting_page, ballot_page) in pages.items():
        for page in (meeting_page, ballot_page):
            assert page.count("ý kiến phản ánh chưa xử lý") == 1, key  # n1 only: n2's objection is resolved
            assert "2 ý kiến phản ánh chưa xử lý" in page
            assert "Nguyễn Người Gửi" not in page and "nguoigui@example.com" not in page
            assert "Đã xử lý xong." not in page
            shown = "Chưa hoàn thành nhiệm vụ chủ nhiệm lớp học kỳ II." in page and "Đề nghị xem lại sáng kiến." in page
            assert shown == (key in ("chair", "sec")), key


def test_chair_creates_the_revote_round_from_the_results_page(board, client):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    n1_item, n2_item = board["items"]
    first = open_round(board)
    cast_all(board, first, lambda key, i: "for" if i == n2_item or key in ("chair", "sec") else "against")
    first = close_and_publish(board, first)
    url = reverse("councils:round_detail", args=[first.pk])
    client.force_login(board["users"]["sec"])
    assert "Tạo vòng bỏ phiếu lại" not in client.get(url).content.decode()
    create = reverse("councils:round_create", args=[board["meeting"].pk])
    assert client.post(create, {"revote_of": first.pk}).status_code == 403
    client.force_login(board["users"]["chair"])
    page = client.get(url).content.decode()
    assert "Bỏ phiếu lại</span>" in page and "Ngang phiếu: 2/4 phiếu đồng ý" in page
    assert "Tạo vòng bỏ phiếu lại" in page
    response = client.post(create, {"revote_of": first.pk})
    second = Round.objects.get(meeting=board["meeting"], number=2)
    assert (response.status_code, response.url) == (302, second.get_absolute_url())
    assert second.rules == {"revote_of": 1, "item_ids": [n1_item.pk]}
    assert client.post(create, {"revote_of": 999999}).status_code == 404
