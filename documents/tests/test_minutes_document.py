"""The biên bản họp bình xét of a council meeting: exact text, the council's own number series, aggregates only,
constant queries, who may see and ask for it, and its DOCX."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils import revote, services
from councils.enums import AttendanceStatus
from councils.models import ReceiptCode
from councils.tests import conftest as councils_fixtures
from councils.tests.conftest import mark, open_round, passed_nomination
from documents.docx import text_of
from documents.kinds.council import minutes_build, minutes_number_allocate, minutes_number_text
from documents.models import GeneratedDocument
from documents.numbering import number_allocate
from documents.tests.helpers import file_bytes, fonts_embedded, pdf_lines, pdf_reader, render
from nominations.tests import conftest as nominations_fixtures
from units.models import Unit

board = councils_fixtures.board  # the council of Phòng A with five seats and two nominations
media = nominations_fixtures.media  # MEDIA_ROOT in a temporary folder


def _named(tree):
    Unit.objects.filter(pk=tree["office_a"].pk).update(locality="Gia Lâm", document_code="PGDĐT")


def _voted_with_revote(board):
    """Round 1: n1 (p_a1 recused) 2 for, 1 against of 4 → a tie, voted again; n2 (p_a2 recused) 3 for of 4.
    Round 2 re-votes n1: 3 for of 4. The meeting ends at 10:30."""
    mark(board, "chair", "sec", "p_a1", "p_a2")
    mark(board, "staff", status=AttendanceStatus.WRITTEN, reason="Đi công tác")
    chair = board["users"]["chair"]
    n1_item, _ = board["items"]
    first = open_round(board)
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
    return first, second


def test_minutes_pdf_says_what_the_meeting_did(board, tree, media):
    _named(tree)
    first, second = _voted_with_revote(board)
    # The Phòng's own series has moved on; the council numbers apart, from 1.
    assert [number_allocate(unit=tree["office_a"], year=2026) for _ in range(2)] == [1, 2]
    assert minutes_number_allocate(by=board["users"]["sec"], meeting=board["meeting"]) == 1
    seats = board["seats"]
    name = {key: seat.full_name for key, seat in seats.items()}

    doc = render("minutes", board["meeting"], board["users"]["chair"])

    data = file_bytes(doc)
    lines = pdf_lines(data)
    assert lines[:12] == [
        "PHÒNG GD&ĐT A",
        "HỘI ĐỒNG TĐKT PHÒNG A",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/BB-HĐTĐKT Gia Lâm, ngày 10 tháng 6 năm 2026",
        "BIÊN BẢN",
        "Họp Hội đồng TĐKT Phòng A bình xét thi đua, khen thưởng",
        "Thời gian bắt đầu: 08 giờ 00, ngày 10/06/2026.",
        "Địa điểm: Phòng họp số 1.",
        "Thành phần tham dự: tổng số thành viên Hội đồng: 5; có mặt: 4; vắng mặt: 1",
        "(tỷ lệ họp tối thiểu theo quy chế: 2/3, đủ điều kiện tiến hành họp).",
        "Thành viên có mặt:",
    ]
    assert lines[12:16] == [
        f"- {name['chair']} – Chủ tịch;",
        f"- {name['p_a1']} – Ủy viên;",
        f"- {name['p_a2']} – Ủy viên;",
        f"- {name['sec']} – Thư ký;",
    ]
    text = " ".join(lines)
    assert f"Thành viên vắng mặt: - {name['staff']} – Phó Chủ tịch (lý do: Đi công tác; gửi phiếu bằng văn bản);" in (
        text
    )
    assert f"Chủ trì (chủ tọa): {name['chair']}." in lines
    assert f"Thư ký: {name['sec']}." in lines
    assert f"Ban kiểm phiếu: {name['p_a1']}, {name['p_a2']}." in lines
    # Counts per nomination and round: issued, returned, valid, for, share of the denominator, result.
    assert "2. Kết quả bỏ phiếu vòng 1" in lines and "3. Kết quả bỏ phiếu vòng 2 (bỏ phiếu lại sau vòng 1)" in lines
    assert "1 Lê Thị Giáo Viên Một Lao động tiên tiến 3 3 3 2 2/4 (50,0%) Bỏ phiếu lại" in text
    assert "2 Phạm Văn Giáo Viên Hai Lao động tiên tiến 3 3 3 3 3/4 (75,0%) Đạt" in text
    assert "1 Lê Thị Giáo Viên Một Lao động tiên tiến 3 3 3 3 3/4 (75,0%) Đạt" in text
    # The digest line may wrap inside the digest (p.hash breaks anywhere; where depends on the digest's glyphs).
    compact = "".join(text.split())
    for number, done in ((1, first), (2, second)):
        assert "".join(f"Mã kiểm tra phiếu vòng {number} (SHA-256): {done.ballots_sha256}".split()) in compact
    assert "4. Kết luận" in lines
    assert (
        "Căn cứ kết quả bỏ phiếu kín, Hội đồng thống nhất 2/2 đề nghị đạt: Lê Thị Giáo Viên Một – Lao động tiên "
        "tiến; Phạm Văn Giáo Viên Hai – Lao động tiên tiến." in text
    )
    assert "Cuộc họp kết thúc vào 10 giờ 30, ngày 10/06/2026." in lines
    # Two signers side by side: the secretary left, the chair right.
    end = lines.index("Cuộc họp kết thúc vào 10 giờ 30, ngày 10/06/2026.")
    assert lines[end + 1 : end + 5] == ["THƯ KÝ", name["sec"], "CHỦ TỊCH HỘI ĐỒNG", name["chair"]]
    # Aggregates only: no receipt code (nor anything else of one ballot) is printed.
    codes = list(ReceiptCode.objects.values_list("code", flat=True))
    assert codes and not [c for c in codes if c in text]
    assert fonts_embedded(data) and all(fonts_embedded(data).values())
    assert (doc.number, doc.issuer, doc.issued_on) == (
        "01/BB-HĐTĐKT",
        "Hội đồng TĐKT Phòng A",
        datetime.date(2026, 6, 10),
    )
    assert [tuple(round(float(v)) for v in p.mediabox[2:]) for p in pdf_reader(data).pages][0] == (595, 842)


def test_minutes_without_a_number_or_an_end_leave_the_blanks(board, tree, media):
    _named(tree)

    lines = pdf_lines(file_bytes(render("minutes", board["meeting"], board["users"]["sec"])))

    assert "Số: /BB-HĐTĐKT Gia Lâm, ngày 10 tháng 6 năm 2026" in lines  # HTML folds the blank
    assert "Cuộc họp kết thúc vào …… giờ ……, ngày 10/06/2026." in lines
    assert "Căn cứ kết quả bỏ phiếu kín, Hội đồng thống nhất 0/0 đề nghị đạt." in lines


def test_minutes_number_is_allocated_once_and_only_by_who_may_ask(board, personas):
    with pytest.raises(PermissionDenied):
        minutes_number_allocate(by=board["users"]["p_a1"], meeting=board["meeting"])
    assert minutes_number_allocate(by=board["users"]["sec"], meeting=board["meeting"]) == 1
    assert minutes_number_allocate(by=board["users"]["chair"], meeting=board["meeting"]) == 1


def test_minutes_build_queries_do_not_grow_with_the_agenda(board, tree, person_factory):
    minutes_build(board["meeting"])  # content types cached

    with CaptureQueriesContext(connection) as two:
        minutes_build(board["meeting"])
    more = [passed_nomination(tree["school_a2"], person_factory(tree["school_a2"]), tree["office_a"]) for _ in range(4)]
    services.agenda_add(by=board["users"]["chair"], meeting=board["meeting"], nomination_ids=[n.pk for n in more])
    with CaptureQueriesContext(connection) as six:
        context = minutes_build(board["meeting"])

    assert len(context["agenda"]) == 6
    assert len(six.captured_queries) == len(two.captured_queries)


def test_minutes_outsiders_get_404_and_plain_members_403(board, personas, client, media):
    url = reverse("documents:request", args=["minutes", board["meeting"].pk])
    doc = render("minutes", board["meeting"], board["users"]["sec"])
    before = GeneratedDocument.objects.count()

    client.force_login(personas["reviewer_b"])
    assert client.post(url).status_code == 404
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404
    client.force_login(board["users"]["p_a1"])  # a seat, but neither chair nor secretary
    assert client.post(url).status_code == 403
    assert GeneratedDocument.objects.count() == before


def test_minutes_docx_keeps_the_ampersand_and_the_signers(board, tree, media):
    _named(tree)
    minutes_number_allocate(by=board["users"]["sec"], meeting=board["meeting"])

    doc = render("minutes", board["meeting"], board["users"]["chair"], file_format="docx")

    text = text_of(file_bytes(doc))
    lines = text.splitlines()
    assert "PHÒNG GD&ĐT A" in lines and "Số: 01/BB-HĐTĐKT" in lines
    assert "Thời gian bắt đầu: 08 giờ 00, ngày 10/06/2026." in lines
    assert ["THƯ KÝ", "", "", "", board["seats"]["sec"].full_name] == lines[lines.index("THƯ KÝ") :][:5]
    assert "CHỦ TỊCH HỘI ĐỒNG" in lines


def test_meeting_page_shows_the_documents_panel(board, client):
    client.force_login(board["users"]["chair"])

    page = client.get(board["meeting"].get_absolute_url()).content.decode()

    assert "Biên bản họp bình xét" in page
    assert reverse("documents:request", args=["minutes", board["meeting"].pk]) in page


def test_cap_so_bien_ban_from_the_meeting_page(board, personas, client):
    url = reverse("documents:number_allocate", args=["minutes", board["meeting"].pk])
    client.force_login(personas["reviewer_b"])
    assert client.post(url).status_code == 404
    client.force_login(board["users"]["p_a1"])
    assert client.post(url).status_code == 403
    assert minutes_number_text(board["meeting"]) == ""
    client.force_login(board["users"]["sec"])
    assert url in client.get(board["meeting"].get_absolute_url()).content.decode()

    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == board["meeting"].get_absolute_url()
    assert "Số biên bản: 01/BB-HĐTĐKT." in response.content.decode()
    assert minutes_number_text(board["meeting"]) == "01/BB-HĐTĐKT"
