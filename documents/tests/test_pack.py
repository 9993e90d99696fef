"""The dossier pack: parts asked for and cached by their own inputs, merged with a contents page and bookmarks.

The part kinds (tờ trình, danh sách, biên bản, báo cáo) are replaced for these tests by small kinds that print
known lines on a known number of pages, so the page arithmetic and the order are exact; one test at the end
runs the pack with the kinds really registered.
"""

import datetime
import io
from collections import Counter

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from councils.enums import MemberRole, RoundStatus
from councils.models import AgendaItem, Council, CouncilMember, Meeting, Round
from documents import registry, services
from documents.enums import DocumentStatus
from documents.kinds import pack as pack_kind
from documents.models import GeneratedDocument
from documents.rendering import pdf_render
from documents.tests.helpers import file_bytes, pdf_lines
from nominations import report as report_module
from nominations import services as nomination_services
from nominations.enums import RoundKind
from nominations.models import AchievementReport, Attachment, Dossier, Nomination

YEAR = 2025
PART_CODES = ("submission", "submission_list", "minutes", "achievement_report")
# Pages of each stub part: the tờ trình 1, the danh sách 2, a biên bản 1, a báo cáo 2.
STUB_PAGES = {"submission": 1, "submission_list": 2, "minutes": 1, "achievement_report": 2}


def _stub_render(doc, context, progress):
    if context.get("fail"):
        raise services.PermanentRenderError(context["fail"])
    pages = STUB_PAGES[doc.kind]
    html = "".join(
        f"<div{' class=appendix' if i else ''}>"
        + "".join(f'<p class="flush">{line}</p>' for line in context["lines"])
        + f'<p class="flush">{doc.kind} trang {i + 1}/{pages}</p></div>'
        for i in range(pages)
    )
    html = (
        '<html lang="vi"><head><meta charset="utf-8"><link rel="stylesheet" href="portal:/static/documents/document.css">'
        f"</head><body>{html}</body></html>"
    )
    result = pdf_render(html)
    assert result.pages == pages
    return result.pdf, result.pages, {"sig-main": {"page": 0, "box": [1, 2, 3, 4]}}


def _meta(title):
    return {"title": title, "issuer": "", "number": "", "date": None, "unit_id": None, "expected_pages": 1}


def _submission_build(dossier, *, variant, options):
    dossier = Dossier.objects.get(pk=dossier.pk)
    return {"lines": [f"TỜ TRÌNH THỬ ({variant})", dossier.title], "meta": _meta("Tờ trình")}


def _list_build(dossier, *, variant, options):
    names = list(Nomination.objects.filter(dossier_id=dossier.pk).values_list("summary", flat=True).order_by("id"))
    return {"lines": ["DANH SÁCH THỬ", *names], "meta": _meta("Danh sách")}


def _minutes_build(meeting, *, variant, options):
    meeting = Meeting.objects.get(pk=meeting.pk)
    return {"lines": [f"BIÊN BẢN THỬ {meeting.place}"], "meta": _meta("Biên bản")}


def _report_build(nomination, *, variant, options):
    nomination = Nomination.objects.select_related("report", "person").get(pk=nomination.pk)
    results = nomination.report.results
    return {
        "lines": [f"BÁO CÁO THỬ {nomination.person.full_name}", results],
        "fail": "Thiếu dữ liệu báo cáo." if results == "HỎNG" else "",
        "meta": _meta("Báo cáo"),
    }


STUBS = {
    "submission": (Dossier, _submission_build, "Tờ trình đề nghị khen thưởng", True),
    "submission_list": (Dossier, _list_build, "Danh sách kèm theo tờ trình", False),
    "minutes": (Meeting, _minutes_build, "Biên bản họp bình xét", False),
    "achievement_report": (Nomination, _report_build, "Báo cáo thành tích", False),
}


@pytest.fixture
def stub_kinds(monkeypatch):
    for code, (model, build, label, variants) in STUBS.items():
        kind = registry.DocumentKind(
            code=code,
            label=label,
            model=model,
            template=f"documents/tests/stub-{code}.html",
            build=build,
            get_visible=lambda user, pk: None,
            may_request=lambda user, obj: False,  # the pack asks for its parts whatever the part kind says
            variants=(registry.Variant("normal", "thường"), registry.Variant("simplified", "đơn giản"))
            if variants
            else (),
            render=_stub_render,
        )
        monkeypatch.setitem(registry._KINDS, code, kind)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def evidence_pdf(text: str, pages: int = 1) -> bytes:
    html = "".join(f'<div style="break-before: page">{text} – trang {i + 1}</div>' for i in range(pages))
    return pdf_render(f"<html><body>{html}</body></html>").pdf


def attach(nomination, data: bytes, name: str, content_type: str) -> Attachment:
    return Attachment.objects.create(
        nomination=nomination,
        file=ContentFile(data, name=name),
        original_name=name,
        content_type=content_type,
        size=len(data),
    )


@pytest.fixture
def world(tree, personas, person_factory, media):
    """School A1's dossier: two teachers with a báo cáo each (the first with two evidence PDFs and a photo),
    a third nomination with nothing to merge; one meeting of the school's council voted on the first, another
    (round not yet closed) did not vote, and a meeting of Phòng A's council (the receiving level) voted too."""
    school = tree["school_a1"]
    dossier = nomination_services.dossier_create(
        by=personas["secretary_a1"], unit=school, round_kind=RoundKind.YEAR_END, school_year=YEAR
    )
    Dossier.objects.filter(pk=dossier.pk).update(title="Đề nghị khen thưởng năm học 2025-2026")
    people = [
        person_factory(school, full_name="Trần Thị Một"),
        person_factory(school, full_name="Lê Văn Hai"),
        person_factory(school, full_name="Phạm Thị Ba"),
    ]
    nominations = [
        nomination_services.nomination_add(
            by=None, dossier=dossier, award_code="LDTT", person=p, summary=f"Tóm tắt của {p.full_name}"
        )
        for p in people
    ]
    for n in nominations[:2]:
        AchievementReport.objects.create(nomination=n, results=f"Thành tích của {n.person.full_name}")
    attach(nominations[0], evidence_pdf("MINH CHỨNG MỘT A", pages=2), "chung-nhan-a.pdf", "application/pdf")
    attach(nominations[0], b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "anh-tap-huan.png", "image/png")
    attach(nominations[0], evidence_pdf("MINH CHỨNG MỘT B"), "chung-nhan-b.pdf", "application/pdf")
    council = Council.objects.create(
        unit=school,
        name="Hội đồng TĐKT Trường A1",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    chair = CouncilMember.objects.create(
        council=council, user=personas["head_a1"], full_name="Nguyễn Văn Bảo", role=MemberRole.CHAIR
    )
    secretary = CouncilMember.objects.create(
        council=council, user=personas["secretary_a1"], full_name="Đỗ Thị Alice", role=MemberRole.SECRETARY
    )
    meetings = [
        voted_meeting(council, chair, secretary, "Phòng họp A", RoundStatus.PUBLISHED, nominations[0]),
        voted_meeting(council, chair, secretary, "Phòng họp B", RoundStatus.CREATED, nominations[0]),
    ]
    # Phòng A's council voted on it too: the receiving level's biên bản is not the school's paperwork.
    office_council = Council.objects.create(
        unit=tree["office_a"],
        name="Hội đồng TĐKT Phòng A",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    office_chair = CouncilMember.objects.create(
        council=office_council, user=personas["reviewer_a"], full_name="Chi", role=MemberRole.CHAIR
    )
    voted_meeting(office_council, office_chair, office_chair, "Phòng họp C", RoundStatus.PUBLISHED, nominations[0])
    return {
        "dossier": Dossier.objects.get(pk=dossier.pk),
        "nominations": nominations,
        "meetings": meetings,
        "council": (council, chair, secretary),
    }


def voted_meeting(council, chair, secretary, place, status, nomination):
    meeting = Meeting.objects.create(
        council=council,
        date=datetime.date(2026, 5, 20),
        start_time=datetime.time(8, 0),
        place=place,
        chair=chair,
        secretary=secretary,
    )
    AgendaItem.objects.create(meeting=meeting, nomination=nomination, position=1)
    Round.objects.create(meeting=meeting, number=1, status=status)
    return meeting


def build_pack(dossier, by):
    """Ask for the pack and render it in this process the way the workers would: the pack's first pass asks
    for its parts and waits (PartsPending), the parts render, the next pass merges. Returns (row, passes)."""
    doc = services.document_request(kind_code=pack_kind.KIND, obj=dossier, by=by)
    passes = 0
    while True:
        passes += 1
        assert passes < 5
        try:
            doc = services.document_build(document_id=doc.pk)
        except services.PartsPending:
            doc.refresh_from_db()
            assert doc.status == DocumentStatus.QUEUED  # back in the queue, no worker held
            for part in doc.parts.filter(status=DocumentStatus.QUEUED):
                services.document_build(document_id=part.pk)
            continue
        return doc, passes


def _outline(reader: PdfReader, items=None) -> list:
    """The bookmarks as [(title, first page 1-based, [children])]."""
    items = reader.outline if items is None else items
    out = []
    for item in items:
        if isinstance(item, list):
            title, page, _ = out[-1]
            out[-1] = (title, page, _outline(reader, item))
        else:
            out.append((item.title, reader.get_destination_page_number(item) + 1, []))
    return out


def test_pack_merges_the_parts_in_order_after_a_contents_page(stub_kinds, world, personas):
    doc, passes = build_pack(world["dossier"], personas["secretary_a1"])

    assert doc.status == DocumentStatus.READY, doc.error
    assert passes == 2
    lines = pdf_lines(file_bytes(doc))
    keys = [
        "MỤC LỤC HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG",
        "TỜ TRÌNH THỬ (normal)",
        "DANH SÁCH THỬ",
        "BIÊN BẢN THỬ Phòng họp A",
        "BÁO CÁO THỬ Trần Thị Một",
        "MINH CHỨNG MỘT A – trang 1",
        "MINH CHỨNG MỘT A – trang 2",
        "MINH CHỨNG MỘT B – trang 1",
        "BÁO CÁO THỬ Lê Văn Hai",
    ]
    positions = [lines.index(key) for key in keys]
    assert positions == sorted(positions)
    assert "BIÊN BẢN THỬ Phòng họp B" not in lines  # that meeting has not voted
    assert "BIÊN BẢN THỬ Phòng họp C" not in lines  # the receiving level's council
    assert "BÁO CÁO THỬ Phạm Thị Ba" not in lines  # no report
    # contents 1 + tờ trình 1 + danh sách 2 + biên bản 1 + báo cáo 2 + evidence 2 + 1 + báo cáo 2
    assert doc.pages == 12
    assert len(PdfReader(io.BytesIO(file_bytes(doc))).pages) == 12


def test_contents_page_lists_each_part_with_its_first_page_and_the_photo_left_out(stub_kinds, world, personas):
    doc, _ = build_pack(world["dossier"], personas["secretary_a1"])

    reader = PdfReader(io.BytesIO(file_bytes(doc)))
    contents = pdf_lines(_first_page(reader))
    assert contents[:3] == [
        "TRƯỜNG TIỂU HỌC A1",
        "MỤC LỤC HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG",
        "Tổng kết năm học 2025-2026",
    ]
    start = contents.index("TT Thành phần hồ sơ Trang")
    assert contents[start + 1 : start + 11] == [
        "1 Tờ trình đề nghị khen thưởng 2",
        "2 Danh sách kèm theo tờ trình 3",
        "3 Biên bản họp bình xét ngày 20/05/2026 (Hội đồng TĐKT Trường A1) 5",
        "4 Trần Thị Một – Lao động tiên tiến 6",
        "4.1 Báo cáo thành tích 6",
        "4.2 Minh chứng: chung-nhan-a.pdf 8",
        "4.3 Minh chứng: chung-nhan-b.pdf 10",
        "5 Lê Văn Hai – Lao động tiên tiến 11",
        "5.1 Báo cáo thành tích 11",
        "Tệp minh chứng không ghép vào bộ hồ sơ",
    ]
    assert "- Trần Thị Một – Lao động tiên tiến: anh-tap-huan.png (tệp ảnh, xem trên cổng thông tin);" in contents
    assert f"Mã xác thực: {doc.verification_code}" in " ".join(contents)
    # the page numbers point where each part starts
    assert pdf_lines(_page(reader, 6))[0] == "BÁO CÁO THỬ Trần Thị Một"
    assert pdf_lines(_page(reader, 10))[0] == "MINH CHỨNG MỘT B – trang 1"


def _page(reader: PdfReader, number: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_page(reader.pages[number - 1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _first_page(reader):
    return _page(reader, 1)


def test_bookmarks_name_each_part_with_reports_and_evidence_under_their_nominee(stub_kinds, world, personas):
    doc, _ = build_pack(world["dossier"], personas["secretary_a1"])

    outline = _outline(PdfReader(io.BytesIO(file_bytes(doc))))

    assert outline == [
        ("Mục lục", 1, []),
        ("Tờ trình đề nghị khen thưởng", 2, []),
        ("Danh sách kèm theo tờ trình", 3, []),
        ("Biên bản họp bình xét ngày 20/05/2026 (Hội đồng TĐKT Trường A1)", 5, []),
        (
            "Trần Thị Một – Lao động tiên tiến",
            6,
            [
                ("Báo cáo thành tích", 6, []),
                ("Minh chứng: chung-nhan-a.pdf", 8, []),
                ("Minh chứng: chung-nhan-b.pdf", 10, []),
            ],
        ),
        ("Lê Văn Hai – Lao động tiên tiến", 11, [("Báo cáo thành tích", 11, [])]),
    ]


def test_pack_has_no_signature_anchor_of_a_part(stub_kinds, world, personas):
    """Signed last as a whole (documents.signing: the organisation's signature on page 1), not on a part's
    signature block."""
    doc, _ = build_pack(world["dossier"], personas["secretary_a1"])

    assert doc.anchors == {}


def test_simplified_dossier_takes_the_simplified_submission(stub_kinds, world, personas):
    Dossier.objects.filter(pk=world["dossier"].pk).update(procedure="simplified")

    doc, _ = build_pack(Dossier.objects.get(pk=world["dossier"].pk), personas["secretary_a1"])

    assert "TỜ TRÌNH THỬ (simplified)" in pdf_lines(file_bytes(doc))
    assert doc.parts.get(kind="submission").variant == "simplified"


def _rows_by_kind() -> Counter:
    return Counter(GeneratedDocument.objects.values_list("kind", flat=True))


def _files(media) -> Counter:
    return Counter(p.parent.name for p in (media / "documents").rglob("*") if p.is_file())


def test_asking_again_with_nothing_changed_renders_nothing(stub_kinds, world, personas, media):
    first, _ = build_pack(world["dossier"], personas["secretary_a1"])
    rows, files = _rows_by_kind(), _files(media)

    again = services.document_request(kind_code=pack_kind.KIND, obj=world["dossier"], by=personas["head_a1"])

    assert again.pk == first.pk and again.status == DocumentStatus.READY
    assert (
        _rows_by_kind()
        == rows
        == Counter({"dossier_pack": 1, "submission": 1, "submission_list": 1, "minutes": 1, "achievement_report": 2})
    )
    assert _files(media) == files
    assert not services.document_is_stale(first)


def test_changing_one_report_renders_only_that_part_and_the_pack(stub_kinds, world, personas, media):
    first, _ = build_pack(world["dossier"], personas["secretary_a1"])
    rows, files = _rows_by_kind(), _files(media)
    nomination = world["nominations"][1]

    report_module.report_update(
        by=personas["secretary_a1"],
        nomination=nomination,
        version=None,
        profile={},
        awards_received=[],
        results="Thành tích mới của Lê Văn Hai",
    )
    assert services.document_is_stale(first)
    second, _ = build_pack(world["dossier"], personas["secretary_a1"])

    assert second.pk != first.pk
    assert _rows_by_kind() - rows == Counter({"dossier_pack": 1, "achievement_report": 1})
    assert _files(media) - files == Counter({"dossier_pack": 1, "achievement_report": 1})
    new_report = GeneratedDocument.objects.filter(kind="achievement_report").latest("id")
    assert new_report.object_id == nomination.pk
    assert new_report.attempts == 1
    lines = pdf_lines(file_bytes(second))
    assert "Thành tích mới của Lê Văn Hai" in lines
    assert "Thành tích của Trần Thị Một" in lines
    # the unchanged parts are the very rows (and files) of the first pack
    unchanged = {(p.kind, p.object_id) for p in first.parts.all()} & {(p.kind, p.object_id) for p in second.parts.all()}
    assert set(first.parts.exclude(object_id=nomination.pk, kind="achievement_report")) == set(
        second.parts.exclude(object_id=nomination.pk, kind="achievement_report")
    )
    assert len(unchanged) == 5


def test_progress_is_the_share_of_parts_ready(stub_kinds, world, personas):
    doc = services.document_request(kind_code=pack_kind.KIND, obj=world["dossier"], by=personas["secretary_a1"])
    with pytest.raises(services.PartsPending):
        services.document_build(document_id=doc.pk)
    parts = list(doc.parts.order_by("id"))
    assert len(parts) == 5
    for part in parts[:3]:
        services.document_build(document_id=part.pk)

    with pytest.raises(services.PartsPending) as waiting:
        services.document_build(document_id=doc.pk)

    doc.refresh_from_db()
    assert (waiting.value.ready, waiting.value.total) == (3, 5)
    assert (doc.status, doc.progress) == (DocumentStatus.QUEUED, 54)
    assert not doc.file


def test_a_failed_part_fails_the_pack_with_its_reason_and_is_retried_on_request(stub_kinds, world, personas):
    report = world["nominations"][0].report
    AchievementReport.objects.filter(pk=report.pk).update(results="HỎNG")
    doc = services.document_request(kind_code=pack_kind.KIND, obj=world["dossier"], by=personas["secretary_a1"])
    with pytest.raises(services.PartsPending):
        services.document_build(document_id=doc.pk)
    for part in doc.parts.all():
        services.document_build(document_id=part.pk)

    doc = services.document_build(document_id=doc.pk)

    assert doc.status == DocumentStatus.FAILED
    assert doc.error == "Không tạo được phần «Báo cáo thành tích» của bộ hồ sơ: Thiếu dữ liệu báo cáo."
    assert not doc.parts.exists()
    failed = GeneratedDocument.objects.get(kind="achievement_report", object_id=world["nominations"][0].pk)
    assert failed.status == DocumentStatus.FAILED

    again = services.document_request(kind_code=pack_kind.KIND, obj=world["dossier"], by=personas["secretary_a1"])
    assert again.pk == doc.pk and again.status == DocumentStatus.QUEUED
    with pytest.raises(services.PartsPending):
        services.document_build(document_id=doc.pk)
    failed.refresh_from_db()
    assert failed.status == DocumentStatus.QUEUED  # the failed part is asked for again


def test_an_unreadable_evidence_pdf_is_left_out_and_named(stub_kinds, world, personas):
    attach(world["nominations"][1], b"%PDF-1.7\n" + b"0" * 100, "hong.pdf", "application/pdf")

    doc, _ = build_pack(world["dossier"], personas["secretary_a1"])

    lines = pdf_lines(file_bytes(doc))
    assert "- hong.pdf (tệp PDF không đọc được);" in lines
    assert doc.pages == 12


def test_a_user_who_may_not_file_sign_or_appraise_cannot_ask(stub_kinds, world, personas):
    from django.core.exceptions import PermissionDenied

    for who in ("council_a1", "secretary_a2", "reviewer_a"):  # reviewer_a: the dossier is not sent yet
        with pytest.raises(PermissionDenied):
            services.document_request(kind_code=pack_kind.KIND, obj=world["dossier"], by=personas[who])
    assert not GeneratedDocument.objects.exists()


def _add_nominee(dossier, person_factory, school, name):
    person = person_factory(school, full_name=name)
    nomination = nomination_services.nomination_add(by=None, dossier=dossier, award_code="LDTT", person=person)
    AchievementReport.objects.create(nomination=nomination, results=f"Thành tích của {name}")
    attach(nomination, evidence_pdf(name), f"{person.pk}.pdf", "application/pdf")
    attach(nomination, b"\x89PNG\r\n\x1a\n", f"{person.pk}.png", "image/png")
    return nomination


def _build_queries(dossier) -> int:
    kind = registry.get(pack_kind.KIND)
    with CaptureQueriesContext(connection) as captured:
        kind.build(dossier, variant="", options={})
    return len(captured)


def test_build_costs_the_same_queries_for_one_and_many_nominees(stub_kinds, world, person_factory, tree):
    dossier = world["dossier"]
    _build_queries(dossier)  # content types cached
    few = _build_queries(dossier)
    for i in range(6):
        _add_nominee(dossier, person_factory, tree["school_a1"], f"Người Thêm {'ABCDEF'[i]}")

    many = _build_queries(dossier)

    assert len(registry.get(pack_kind.KIND).build(dossier, variant="", options={})["parts"]) == 7 + 2 * 6
    assert many == few


def test_registered_kinds_only_a_pack_without_part_kinds_holds_the_evidence(world, personas, monkeypatch):
    for code in PART_CODES:
        monkeypatch.delitem(registry._KINDS, code, raising=False)

    doc, passes = build_pack(world["dossier"], personas["secretary_a1"])

    assert passes == 1  # nothing to wait for
    assert [title for title, _, _ in _outline(PdfReader(io.BytesIO(file_bytes(doc))))] == [
        "Mục lục",
        "Trần Thị Một – Lao động tiên tiến",
    ]
    assert doc.pages == 1 + 2 + 1


@pytest.mark.skipif(
    any(registry.get(code) is None for code in PART_CODES), reason="the part kinds are not all registered"
)
def test_pack_with_the_registered_kinds(world, personas, tree):
    school = tree["school_a1"]
    school.locality = "Gia Lâm"
    school.document_code = "THA1"
    school.save()

    doc, passes = build_pack(Dossier.objects.get(pk=world["dossier"].pk), personas["secretary_a1"])

    assert passes == 2
    parts = {p.kind: p for p in doc.parts.all()}
    assert set(parts) == set(PART_CODES)
    evidence_pages = 3
    assert doc.pages == 1 + sum(p.pages for p in doc.parts.all()) + evidence_pages
    text = pdf_lines(file_bytes(doc))
    order = [text.index("MỤC LỤC HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG"), text.index("MINH CHỨNG MỘT A – trang 1")]
    assert order == sorted(order)
    assert text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") >= 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_the_parts_then_the_pack_render_inline_on_request(stub_kinds, world, personas):
    """Eager mode (`make run`, no REDIS_URL): the request returns with every part and the pack ready."""
    doc = services.document_request(kind_code=pack_kind.KIND, obj=world["dossier"], by=personas["secretary_a1"])

    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY, doc.error
    assert doc.attempts == 1  # merged on its first pass: the parts were ready when it looked
    parts = list(doc.parts.all())
    assert len(parts) == 5
    assert all(p.status == DocumentStatus.READY and p.built_at < doc.built_at for p in parts)
    assert doc.pages == 12


@pytest.mark.skipif(
    any(registry.get(code) is None for code in PART_CODES), reason="the part kinds are not all registered"
)
def test_build_with_the_registered_kinds_costs_the_same_queries_for_one_and_many_nominees(world, person_factory, tree):
    dossier = world["dossier"]
    _build_queries(dossier)
    few = _build_queries(dossier)
    for i in range(6):
        _add_nominee(dossier, person_factory, tree["school_a1"], f"Người Thêm {'ABCDEF'[i]}")

    many = _build_queries(dossier)

    print(f"pack build: {few} queries with 3 nominees, {many} with 9")
    assert many == few


def test_dossier_page_panel_offers_the_pack_to_who_may_ask_only(stub_kinds, world, personas):
    from django.test import Client
    from django.urls import reverse

    dossier = world["dossier"]
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    action = reverse("documents:request", args=[pack_kind.KIND, dossier.pk])
    pages = {}
    for who in ("secretary_a1", "council_a1", "secretary_a2"):
        client = Client()
        client.force_login(personas[who])
        pages[who] = client.get(url)

    assert pages["secretary_a2"].status_code == 404
    assert "Bộ hồ sơ đề nghị khen thưởng (ghép thành một tệp PDF)" in pages["secretary_a1"].content.decode()
    assert f'action="{action}"' in pages["secretary_a1"].content.decode()
    assert "Bộ hồ sơ đề nghị khen thưởng (ghép thành một tệp PDF)" in pages["council_a1"].content.decode()
    assert f'action="{action}"' not in pages["council_a1"].content.decode()


def test_request_view_queues_the_pack_and_answers_at_once(stub_kinds, world, personas):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(personas["secretary_a1"])

    response = client.post(
        reverse("documents:request", args=[pack_kind.KIND, world["dossier"].pk]),
        {"format": "pdf"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    doc = GeneratedDocument.objects.get(kind=pack_kind.KIND)
    assert (doc.status, doc.object_id, doc.requested_by) == (
        DocumentStatus.QUEUED,
        world["dossier"].pk,
        personas["secretary_a1"],
    )
    assert not doc.parts.exists()  # the parts are asked for by the pack's task, not in the request


def test_a_part_rendered_by_the_task_moves_the_waiting_packs_progress(stub_kinds, world, personas):
    """The pack's retry may wait behind every part in the broker's queue: its progress follows the parts."""
    from documents.tasks import render_document

    doc = services.document_request(kind_code=pack_kind.KIND, obj=world["dossier"], by=personas["secretary_a1"])
    with pytest.raises(services.PartsPending):
        services.document_build(document_id=doc.pk)
    parts = list(doc.parts.order_by("id"))

    for part in parts[:3]:
        render_document.apply(kwargs={"document_id": part.pk})

    doc.refresh_from_db()
    assert (doc.status, doc.progress, doc.attempts) == (DocumentStatus.QUEUED, 54, 1)


def test_the_part_that_completes_a_pack_sends_the_pack_at_once(
    stub_kinds, world, personas, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """With a broker, the pack would otherwise wait for its next retry (up to 5 s) after its last part."""
    from documents.tasks import render_document

    doc = services.document_request(kind_code=pack_kind.KIND, obj=world["dossier"], by=personas["secretary_a1"])
    with pytest.raises(services.PartsPending):
        services.document_build(document_id=doc.pk)
    parts = list(doc.parts.order_by("id"))
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as with the workers: the pack is not being built right now
    sent = []
    monkeypatch.setattr(services, "_enqueue", sent.append)

    for part in parts[:-1]:
        with django_capture_on_commit_callbacks(execute=True):
            render_document.apply(kwargs={"document_id": part.pk})
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        render_document.apply(kwargs={"document_id": parts[-1].pk})

    assert sent == [doc.pk]
    doc = services.document_build(document_id=doc.pk)  # what the message does: merge on this pass
    assert doc.status == DocumentStatus.READY


def test_a_roll_up_dossier_carries_its_councils_vote_on_the_nominations_it_rolls_up(
    stub_kinds, world, personas, tree, person_factory
):
    """The school's council voted on a team's nomination; the school's dossier rolls it up (source)."""
    team_dossier = Dossier.objects.create(unit=tree["team_a1"], round_kind=RoundKind.YEAR_END, school_year=YEAR)
    source = Nomination.objects.create(
        dossier=team_dossier,
        person=person_factory(tree["team_a1"], full_name="Võ Thị Tổ"),
        award_type=world["nominations"][2].award_type,
    )
    Nomination.objects.filter(pk=world["nominations"][2].pk).update(source=source)
    council, chair, secretary = world["council"]
    later = voted_meeting(council, chair, secretary, "Phòng họp D", RoundStatus.CLOSED, source)
    Meeting.objects.filter(pk=later.pk).update(date=datetime.date(2026, 5, 22))

    doc, _ = build_pack(world["dossier"], personas["secretary_a1"])

    titles = [title for title, _, _ in _outline(PdfReader(io.BytesIO(file_bytes(doc))))]
    assert titles[3:5] == [
        "Biên bản họp bình xét ngày 20/05/2026 (Hội đồng TĐKT Trường A1)",
        "Biên bản họp bình xét ngày 22/05/2026 (Hội đồng TĐKT Trường A1)",
    ]
    lines = pdf_lines(file_bytes(doc))
    assert lines.index("BIÊN BẢN THỬ Phòng họp A") < lines.index("BIÊN BẢN THỬ Phòng họp D")


def test_changing_a_nominations_summary_renders_the_list_and_the_pack_only(stub_kinds, world, personas, media):
    """The summary is printed in the danh sách; the báo cáo's fingerprint moves with the nomination, but its
    own inputs do not, so its file is reused."""
    first, _ = build_pack(world["dossier"], personas["secretary_a1"])
    rows = _rows_by_kind()
    nomination = world["nominations"][0]

    nomination_services.nomination_update(
        by=personas["secretary_a1"], nomination=nomination, version=None, summary="Tóm tắt đã sửa"
    )
    second, _ = build_pack(world["dossier"], personas["secretary_a1"])

    assert second.pk != first.pk
    assert _rows_by_kind() - rows == Counter({"dossier_pack": 1, "submission_list": 1})
    assert "Tóm tắt đã sửa" in pdf_lines(file_bytes(second))
    assert set(first.parts.filter(kind="achievement_report")) == set(second.parts.filter(kind="achievement_report"))
