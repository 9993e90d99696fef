import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from councils import selectors, services
from councils.enums import RoundStatus
from councils.models import Ballot, Council, Round, VoterRoll
from nominations.enums import NominationStatus
from nominations.models import Nomination

from .conftest import mark, open_round, passed_nomination


def test_outsider_gets_404_everywhere(board, client, tree):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    client.force_login(make_user("ngoai-phong", tree["office_b"], "head"))
    urls = [
        reverse("councils:council_detail", args=[board["council"].pk]),
        reverse("councils:meeting_detail", args=[board["meeting"].pk]),
        reverse("councils:round_detail", args=[round_.pk]),
        reverse("councils:round_progress", args=[round_.pk]),
        reverse("councils:ballot", args=[round_.pk]),
    ]
    assert [client.get(u).status_code for u in urls] == [404] * 5
    assert (
        client.post(reverse("councils:round_transition", args=[round_.pk]), {"transition": "close"}).status_code == 404
    )


def test_member_not_chair_gets_403_on_chair_pages(board, client):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    client.force_login(board["users"]["p_a2"])
    assert client.get(reverse("councils:round_progress", args=[round_.pk])).status_code == 403
    response = client.post(
        reverse("councils:round_transition", args=[round_.pk]), {"transition": "close", "version": round_.version}
    )
    assert response.status_code == 403
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.OPEN


def test_ballot_sheet_leaves_out_recused_item_and_receipt_shown_once(board, client):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    n1_item, n2_item = board["items"]
    client.force_login(board["users"]["p_a1"])
    url = reverse("councils:ballot", args=[round_.pk])
    sheet = client.get(url).content.decode()
    assert (f'name="item-{n1_item.pk}"' in sheet, f'name="item-{n2_item.pk}"' in sheet) == (False, True)
    response = client.post(url, {f"item-{n2_item.pk}": "for"}, follow=True)
    code = response.context["code"]
    assert response.redirect_chain == [(reverse("councils:receipt", args=[round_.pk]), 302)]
    assert (code in response.content.decode(), response["Cache-Control"].startswith("max-age=0")) == (True, True)
    again = client.get(reverse("councils:receipt", args=[round_.pk]), follow=True)
    assert again.redirect_chain[-1][0] == reverse("councils:round_detail", args=[round_.pk])
    assert code not in again.content.decode()
    assert "councils_receipt" not in client.session
    refused = client.post(url, {f"item-{n2_item.pk}": "against"}, follow=True)
    assert "không có phiếu để bỏ" in refused.content.decode()


def test_refused_action_shows_message_and_changes_nothing(board, client):
    mark(board, "chair", "sec", "p_a1")  # 3 of 5: no quorum
    round_ = services.round_create(by=board["users"]["chair"], meeting=board["meeting"])
    client.force_login(board["users"]["chair"])
    response = client.post(
        reverse("councils:round_transition", args=[round_.pk]), {"transition": "open", "version": round_.version}
    )
    assert response.status_code == 200
    assert "Chưa đủ số thành viên dự họp: có mặt 3/5" in response.content.decode()
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.CREATED


def test_absent_member_gets_no_sheet(board, client):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    client.force_login(board["users"]["staff"])
    response = client.get(reverse("councils:ballot", args=[round_.pk]))
    assert response.status_code == 302
    page = client.get(reverse("councils:round_detail", args=[round_.pk])).content.decode()
    assert "Nhận phiếu và bỏ phiếu" not in page


def test_chair_closes_and_publishes_through_pages(board, client):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    n1_item, n2_item = board["items"]
    for key in ("chair", "sec", "p_a1", "p_a2"):
        client.force_login(board["users"][key])
        items = services.ballot_items(round_, board["seats"][key])
        client.post(reverse("councils:ballot", args=[round_.pk]), {f"item-{i.pk}": "for" for i in items})
    client.force_login(board["users"]["chair"])
    progress = client.get(reverse("councils:round_progress", args=[round_.pk])).content.decode()
    assert "Đã bỏ phiếu <strong>4/4</strong>" in progress
    action = reverse("councils:round_transition", args=[round_.pk])
    round_.refresh_from_db()
    client.post(action, {"transition": "close", "version": round_.version})
    round_.refresh_from_db()
    page = client.get(reverse("councils:round_detail", args=[round_.pk])).content.decode()
    assert "Kết quả kiểm phiếu" in page and "3/4 (75,0%; cần trên 1/2)" in page
    receipts = [c for c in page.split('font-monospace">')[1].split("</p>")[0].split()]
    assert receipts == sorted(receipts) and len(receipts) == 4
    client.post(action, {"transition": "publish", "version": round_.version})
    statuses = list(
        Nomination.objects.filter(pk__in=[n.pk for n in board["nominations"]]).values_list("status", flat=True)
    )
    assert statuses == [NominationStatus.APPROVED_BY_COUNCIL] * 2


def test_council_list_queries_constant(board, client, django_assert_max_num_queries, tree):
    user = board["users"]["chair"]
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("councils:council_list")).status_code == 200
    for year in (2027, 2028):
        services.council_create(
            by=user,
            unit=tree["office_a"],
            name=f"Hội đồng {year}",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("councils:council_list"))
    assert len(response.context["page"]) == Council.objects.count() == 3


def test_seat_grants_read_of_the_council_unit_but_not_set_up(board, client):
    """A school's head seated on the Phòng's council reads the Phòng (council_member role), sets up nothing."""
    client.force_login(board["users"]["p_a1"])
    assert client.get(reverse("councils:council_detail", args=[board["council"].pk])).status_code == 200
    response = client.get(reverse("councils:council_create", args=[board["council"].unit.pk]))
    assert response.status_code == 403


def test_meeting_page_queries_constant_in_agenda_items_and_seats_read_once(board, client, tree, person_factory):
    """Each agenda item shows whom, which award and which unit's dossier; more items cost no more queries, and
    the user's seat (may run the meeting, runs it, the documents panel) is read in one query."""
    client.force_login(board["users"]["chair"])
    url = reverse("councils:meeting_detail", args=[board["meeting"].pk])
    client.get(url)  # the first request of a process also fills the ContentType cache
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    teachers = [person_factory(tree["team_a1"], full_name=f"Giáo Viên Thêm {n}") for n in ("An", "Bình", "Chi", "Dũng")]
    more = [passed_nomination(tree["school_a1"], t, tree["office_a"]) for t in teachers]
    services.agenda_add(by=board["users"]["chair"], meeting=board["meeting"], nomination_ids=[n.pk for n in more])
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert len(response.context["items"]) == 6
    assert len(six) == len(two)
    seat_reads = [q["sql"] for q in six.captured_queries if 'FROM "councils_councilmember"' in q["sql"]]
    assert len(seat_reads) == 1
    body = response.content.decode()
    for teacher in teachers:
        assert f"{teacher.full_name} – Lao động tiên tiến" in body
    assert body.count(f"({tree['school_a1'].name})") >= 5  # the dossier's unit of the four and of n1


# The chair's meeting page: session, user and roles, the meeting (by its key; the kernel decides 404 outside), the
# seats with their marks, the agenda rows, recusals, open objections and rounds (one UNION ALL), candidates, the
# unread count and the documents panel. The warnings are counted on those rows (they read attendance, recusals and
# agenda again before). It was 10 before the rounds joined the UNION (issue 14).
MEETING_PAGE_QUERIES = 9


def test_meeting_page_of_the_chair_constant_in_items_recusals_objections_and_marks(board, client, tree, person_factory):
    """Everything the chair sees (attendance, recusals, open objections with their text, few-voters warnings,
    candidates) costs the same queries with two items and nothing marked as with six items, their recusals,
    objections and every seat marked."""
    from councils.enums import AttendanceStatus
    from nominations.models import ObjectionStatus

    from .test_revote import objection_on

    chair = board["users"]["chair"]
    client.force_login(chair)
    url = reverse("councils:meeting_detail", args=[board["meeting"].pk])
    client.get(url)  # the ContentType cache and the session
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    school = tree["school_a1"]
    more = [passed_nomination(school, person_factory(school), tree["office_a"]) for _ in range(4)]
    services.agenda_add(by=chair, meeting=board["meeting"], nomination_ids=[n.pk for n in more])
    mark(board, "chair", "sec", "p_a1")
    mark(board, "staff", status=AttendanceStatus.ABSENT, reason="Đi công tác")
    objection_on(more[0], content="Chưa đủ minh chứng.")
    objection_on(more[0], content="Đề nghị xem lại.")
    objection_on(more[1], content="Đã trả lời.", status=ObjectionStatus.RESOLVED)
    extra = passed_nomination(school, person_factory(school), tree["office_a"])  # a candidate, not on the agenda

    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    assert len(small) == len(large) == MEETING_PAGE_QUERIES, [q["sql"][:80] for q in large.captured_queries]
    body = response.content.decode()
    assert len(response.context["items"]) == 6
    # p_a1 is recused on the five nominations of school A1 (the principal of the nominees' school).
    assert body.count("Không tham gia biểu quyết: ") == 6
    assert body.count(f"{board['seats']['p_a1'].full_name} (") == 5
    assert "1 ý kiến phản ánh" not in body and "2 ý kiến phản ánh chưa xử lý" in body
    assert "Chưa đủ minh chứng." in body and "Đề nghị xem lại." in body and "Đã trả lời." not in body
    assert body.index("Chưa đủ minh chứng.") < body.index("Đề nghị xem lại.")
    # Three present (chair, sec, p_a1), staff away: p_a1 recused on school A1's five leaves two voters there.
    assert response.context["warnings"] == [
        f"Chỉ 2 thành viên được biểu quyết về đề nghị của {n.person.full_name} (ít hơn 3)."
        for n in [board["nominations"][0], *more]
    ]
    # The attendance table as the selector that joins the seats reads it (the seats' order: role, then name).
    rows = selectors.attendance_rows(board["meeting"])
    assert [(a.pk, a.member_id, a.status, a.reason) for a in response.context["attendance"]] == [
        (a.pk, a.member_id, a.status, a.reason) for a in rows
    ]
    assert len(rows) == 5 and ("Đi công tác" in [a.reason for a in rows])
    assert 'value="Đi công tác"' in body
    assert [n.pk for n in response.context["candidates"]] == [extra.pk]


def test_ballot_cast_queries_constant_in_agenda_items(board, client, tree, person_factory):
    mark(board, "chair", "sec", "p_a1", "p_a2")
    chair = board["users"]["chair"]
    client.force_login(chair)

    def cast(round_) -> int:
        sheet = services.sheet_item_ids(round_, board["seats"]["chair"])
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("councils:ballot", args=[round_.pk]), {f"item-{i}": "for" for i in sheet})
        assert (response.status_code, response.url) == (302, reverse("councils:receipt", args=[round_.pk]))
        assert (VoterRoll.objects.filter(round=round_).count(), Ballot.objects.filter(round=round_).count()) == (
            1,
            len(sheet),
        )
        return len(captured.captured_queries)

    first = open_round(board)
    two_items = cast(first)
    services.round_act(by=chair, round_=Round.objects.get(pk=first.pk), action="close", version=None)
    school = tree["school_a2"]
    more = [passed_nomination(school, person_factory(school), tree["office_a"]) for _ in range(6)]
    services.agenda_add(by=chair, meeting=board["meeting"], nomination_ids=[n.pk for n in more])
    second = open_round(board)
    assert len(services.sheet_item_ids(second, board["seats"]["chair"])) == 8
    eight_items = cast(second)
    # Session, user and roles; the round (404 outside) and the seat; in a transaction (here a savepoint and its
    # release) the service's lock with the seat's id (one statement) and five INSERTs (voter roll, cast record and
    # its history row, every ballot row at once, receipt code); the session's UPDATE in its own. It was 25 on the
    # province before (issue 14), then 16 while the service read the seat apart from the lock.
    assert (two_items, eight_items) == (two_items, two_items)
    assert two_items == 15
