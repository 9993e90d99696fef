"""The meeting page's and the ballot's reads (issue 14): fixed statements that must answer what the ORM's scoped
reads answer, the agenda written in Python exactly as the template loop wrote it, and a double POST casting once."""

import datetime

import pytest
from django.http import Http404
from django.template import Context, Template
from django.urls import reverse

from conftest import make_user
from councils import selectors, services
from councils.enums import RoundStatus
from councils.models import Ballot, CastRecord, Meeting, ReceiptCode, Recusal, Round, VoterRoll
from councils.views import _agenda_html
from nominations.models import Objection
from units.enums import Role
from units.models import Person
from units.rules import unit_scope_q

from .conftest import mark, open_round
from .test_revote import objection_on

# The agenda as meeting_detail.html wrote it before (issue 14): `_agenda_html` must write the same bytes.
AGENDA_TEMPLATE = (
    "{% for item in items %}"
    '<li>{{ item.title }} <span class="text-muted small">({{ item.dossier_unit }})</span>\n'
    "{% if item.objections %}"
    '{% include "councils/objections.html" with texts=item.objections show_text=show_objection_text %}'
    "{% endif %}\n"
    '{% if item.recusal_list %}<div class="small text-muted">Không tham gia biểu quyết: '
    "{% for r in item.recusal_list %}{{ r.name }} ({{ r.reason|lower }}){% if not forloop.last %}; {% endif %}"
    "{% endfor %}</div>{% endif %}</li>\n"
    "{% endfor %}"
)


def _accounts(board, tree):
    """Every kind of account around the board: its seats, the Sở's administrator, a reviewer of the other Phòng,
    a school's head below the council's unit, an account without a role and a superuser."""
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser("quantri-goc", password="matkhau-thu-123")
    return [
        *board["users"].values(),
        make_user("so-quantri", tree["dept"], Role.ADMINISTRATOR),
        make_user("phong-b-chuyenvien", tree["office_b"], Role.REVIEWER),
        make_user("truong-a1-thuky", tree["school_a1"], Role.SECRETARY),
        make_user("khong-vai-tro"),
        superuser,
    ]


def test_meeting_and_round_by_key_are_found_exactly_when_the_scoped_read_finds_them(board, tree):
    """meeting_for / round_for read by the key and ask the kernel's `can`: found for whom `unit_scope_q` finds
    them, 404 for everyone else (an outsider, an account without a role) and for a key that does not exist."""
    round_ = services.round_create(by=board["users"]["chair"], meeting=board["meeting"])
    meeting = board["meeting"]
    seen = {}
    for user in _accounts(board, tree):
        in_scope = Meeting.objects.filter(unit_scope_q(user, "council__unit"), pk=meeting.pk).exists()
        assert Round.objects.filter(unit_scope_q(user, "meeting__council__unit"), pk=round_.pk).exists() == in_scope
        try:
            found = selectors.meeting_for(user, meeting.pk)
        except Http404:
            found = None
        try:
            found_round = selectors.round_for(user, round_.pk)
        except Http404:
            found_round = None
        assert (found is not None, found_round is not None) == (in_scope, in_scope), user.username
        if found is not None:
            assert (found.pk, found.council.unit.pk, found.chair.full_name, found.secretary.full_name) == (
                meeting.pk,
                meeting.council.unit.pk,
                meeting.chair.full_name,
                meeting.secretary.full_name,
            )
            assert (found_round.pk, found_round.number, found_round.meeting.council.unit.pk) == (
                round_.pk,
                round_.number,
                meeting.council.unit.pk,
            )
        seen[user.username] = in_scope
    # Both answers occur: the test is not vacuous.
    assert seen["phong-b-chuyenvien"] is False and seen["khong-vai-tro"] is False
    assert seen["truongphong"] is True and seen["so-quantri"] is True and seen["quantri-goc"] is True
    chair = board["users"]["chair"]
    for missing in (round_.pk + 1000, "abc", str(2**63)):
        with pytest.raises(Http404):
            selectors.meeting_for(chair, missing)
        with pytest.raises(Http404):
            selectors.round_for(chair, missing)


def test_seat_for_is_the_seat_of_rules(board, tree):
    from councils.rules import seat_of

    council = board["council"]
    for user in _accounts(board, tree):
        seat = selectors.seat_for(user, council)
        expected = seat_of(user, council)
        assert (seat.pk if seat else None) == (expected.pk if expected else None)
    assert selectors.seat_for(board["users"]["p_a1"], council).pk == board["seats"]["p_a1"].pk


def test_meeting_notes_equal_the_orm_reads_of_recusals_objections_and_rounds(board):
    """One UNION ALL statement for the recusals, the open objections and the rounds: each part equals its own
    ORM read, in the order the page shows it."""
    meeting = board["meeting"]
    n1, n2 = board["nominations"]
    first = objection_on(n1, content="Chưa đủ minh chứng.")
    second = objection_on(n1, content="Đề nghị xem lại.")
    Objection.objects.filter(pk=first.pk).update(created_at=second.created_at + datetime.timedelta(seconds=1))
    objection_on(n2, content="Đã trả lời.", status="resolved")
    mark(board, "chair", "sec", "p_a1", "p_a2")
    opened = open_round(board)
    services.round_act(by=board["users"]["chair"], round_=opened, action="close", version=None)
    services.round_create(by=board["users"]["chair"], meeting=meeting)

    recused, objected, rounds = selectors.meeting_notes(meeting)

    expected_recused = {}
    for r in Recusal.objects.filter(item__meeting=meeting).order_by("pk"):
        expected_recused.setdefault(r.item_id, []).append((r.member_id, r.reason))
    assert recused == expected_recused and len(expected_recused) == 2
    assert objected == selectors.open_objections([n1.pk, n2.pk]) == {n1.pk: ["Đề nghị xem lại.", "Chưa đủ minh chứng."]}
    assert rounds == [
        {"number": r.number, "label": r.get_status_display(), "url": r.get_absolute_url()}
        for r in Round.objects.filter(meeting=meeting).order_by("number")
    ]
    assert [(r["number"], r["label"]) for r in rounds] == [
        (1, RoundStatus.CLOSED.label),
        (2, RoundStatus.CREATED.label),
    ]


@pytest.mark.parametrize("show_text", [True, False])
def test_agenda_written_in_python_equals_the_template_loop(board, show_text):
    """The same bytes as the template loop, with names and reasons that need escaping, an objection over two lines,
    two recusals on an item and none on another."""
    meeting = board["meeting"]
    n1, n2 = board["nominations"]
    Person.objects.filter(pk=n1.person_id).update(full_name="<b>\"An\" & 'Bình'</b>")
    objection_on(n2, content='Dòng một <i>\nDòng hai & "ba"')
    item1 = board["items"][0]
    Recusal.objects.filter(item=item1).update(reason='Là HIỆU TRƯỞNG <trường> & "đơn vị"')
    Recusal.objects.get_or_create(item=item1, member=board["seats"]["staff"], defaults={"reason": "Lý do KHÁC"})
    seats = selectors.seats_with_attendance(meeting)
    items = selectors.agenda_rows(meeting)
    recused, objections, _rounds = selectors.meeting_notes(meeting)
    names = {m.pk: m.full_name for m in seats}

    written = _agenda_html(items, recused, objections, names, show_text)

    for item in items:
        item["recusal_list"] = [{"name": names.get(m, ""), "reason": r} for m, r in recused.get(item["id"], [])]
        item["objections"] = objections.get(item["nomination_id"], [])
    expected = Template(AGENDA_TEMPLATE).render(Context({"items": items, "show_objection_text": show_text}))
    assert str(written) == expected
    assert "&lt;b&gt;&quot;An&quot; &amp; &#x27;Bình&#x27;&lt;/b&gt;" in written and "<b>" not in written
    assert "là hiệu trưởng &lt;trường&gt; &amp; &quot;đơn vị&quot;" in written and "; " in written
    assert ("Dòng một &lt;i&gt;<br>Dòng hai" in written) is show_text
    assert _agenda_html([], {}, {}, {}, show_text) == ""


def test_meeting_page_without_agenda_says_so(board, client):
    client.force_login(board["users"]["chair"])
    empty = services.meeting_create(
        by=board["users"]["chair"],
        council=board["council"],
        date=datetime.date(2026, 6, 20),
        start_time=datetime.time(8, 0),
        place="Phòng họp số 2",
        chair=board["seats"]["chair"],
        secretary=board["seats"]["sec"],
    )
    body = client.get(reverse("councils:meeting_detail", args=[empty.pk])).content.decode()
    assert '<ol><li class="text-muted">Chưa có đề nghị nào.</li></ol>' in body
    assert '<li class="text-muted">Chưa có vòng bỏ phiếu.</li>' in body


def test_double_post_of_the_sheet_casts_once(board, client):
    """The same sheet posted twice (a double click): one voter-roll row, one cast record, one receipt, the
    sheet's ballots once; the second answer sends the member back to the round saying there is no sheet."""
    mark(board, "chair", "sec", "p_a1", "p_a2")
    round_ = open_round(board)
    client.force_login(board["users"]["chair"])
    url = reverse("councils:ballot", args=[round_.pk])
    sheet = {f"item-{i.pk}": "for" for i in board["items"]}
    first = client.post(url, sheet)
    second = client.post(url, sheet)
    assert first.url == reverse("councils:receipt", args=[round_.pk])
    assert second.url == reverse("councils:round_detail", args=[round_.pk])
    counts = (
        VoterRoll.objects.filter(round=round_).count(),
        CastRecord.objects.filter(round=round_).count(),
        ReceiptCode.objects.filter(round=round_).count(),
        Ballot.objects.filter(round=round_).count(),
    )
    assert counts == (1, 1, 1, 2)
