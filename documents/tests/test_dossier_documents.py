"""The tờ trình (normal and simplified) and the danh sách of a dossier: exact text, layout, DOCX, permissions,
query counts, and the "Cấp số tờ trình" action."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardType
from core.exceptions import ServiceError
from documents import layout, numbering, registry, services
from documents.docx import text_of
from documents.kinds import common
from documents.kinds import dossier as kind
from documents.tests.helpers import file_bytes, fonts_embedded, pdf_lines, pdf_reader, pdf_text, render
from nominations import services as nomination_services
from nominations.enums import DossierStatus, Procedure, RoundKind
from nominations.models import Dossier, Nomination
from units.enums import Gender
from units.models import Person

MM = 72 / 25.4
YEAR = 2024
DAY = datetime.date(2025, 2, 5)


@pytest.fixture
def school(tree, person_factory):
    school = tree["school_a1"]
    head = person_factory(school, full_name="Nguyễn Văn Bảo", position="Hiệu trưởng")
    school.parent_body_name = "UBND huyện Gia Lâm"
    school.document_code = "THA1"
    school.locality = "Gia Lâm"
    school.head = head
    school.head_title = "Hiệu trưởng"
    school.save()
    return school


@pytest.fixture
def dossier(school, personas, person_factory, tree):
    """Two teachers for LĐTT, one of them also CSTĐCS, and the team for TTLĐTT."""
    by = personas["secretary_a1"]
    dossier = nomination_services.dossier_create(by=by, unit=school, round_kind=RoundKind.YEAR_END, school_year=YEAR)
    lan = person_factory(school, full_name="Trần Thị Lan", phone="0912 345 678", email="lan@example.edu.vn")
    minh = person_factory(school, full_name="Lê Văn Minh", service_start=datetime.date(2010, 9, 1))
    for person, code in ((lan, "LDTT"), (minh, "LDTT"), (lan, "CSTDCS")):
        nomination_services.nomination_add(
            by=by, dossier=dossier, award_code=code, person=person, summary=f"Thành tích của {person.full_name}."
        )
    nomination_services.nomination_add(
        by=by, dossier=dossier, award_code="TTLDTT", unit=tree["team_a1"], summary="Tổ dẫn đầu khối."
    )
    return Dossier.objects.get(pk=dossier.pk)


def numbered(dossier, by, number="5", day=DAY, signer=""):
    return nomination_services.dossier_update(
        by=by, dossier=dossier, version=None, submission_number=number, submission_date=day, submission_signer=signer
    )


# --- layout helpers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("5", "Số: 05/TTr-THA1"),
        ("3/TTr-THA1", "Số: 03/TTr-THA1"),
        ("12/TTr-PGDĐT", "Số: 12/TTr-PGDĐT"),
        ("", "Số:      /TTr-THA1"),
        (None, "Số:      /TTr-THA1"),
    ],
)
def test_number_line_of_a_typed_reference_keeps_its_symbol_and_pads(reference, expected):
    assert layout.number_line_of(reference, "TTr", "THA1") == expected


def test_signature_head_deputy_title_and_free_text(school, person_factory):
    deputy = person_factory(school, full_name="Phạm Thị Phó", position="Phó Hiệu trưởng")
    cases = {
        "": (["HIỆU TRƯỞNG"], "Nguyễn Văn Bảo"),
        "Hiệu trưởng": (["HIỆU TRƯỞNG"], "Nguyễn Văn Bảo"),
        "nguyễn văn bảo": (["HIỆU TRƯỞNG"], "Nguyễn Văn Bảo"),
        "Phạm Thị Phó": (["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"], "Phạm Thị Phó"),
        "Phó Hiệu trưởng": (["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"], ""),
        "Đỗ Văn Khác": (["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"], "Đỗ Văn Khác"),
    }
    observed = {
        signer: (lambda s: (s.lines, s.name))(common.unit_signature(school, signer=signer, deputies=[deputy]))
        for signer in cases
    }
    assert observed == cases


def test_legal_bases_follow_the_decree_in_force(settings):
    assert [line.split(" của")[0] for line in common.legal_bases_in_force(datetime.date(2025, 6, 30))] == [
        "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022",
        "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023",
    ]
    assert common.legal_bases_in_force(datetime.date(2025, 7, 1))[1].startswith("Nghị định số 152/2025/NĐ-CP")
    settings.DOCUMENT_SUBMISSION_BASES = [(None, None, "Luật thử")]
    assert common.legal_bases_in_force(DAY) == ["Luật thử"]


# --- tờ trình -----------------------------------------------------------------------------------------------


def test_submission_pdf_exact_text(dossier, personas):
    dossier = numbered(dossier, personas["secretary_a1"])
    doc = render("submission", dossier, personas["secretary_a1"])
    data = file_bytes(doc)
    lines = pdf_lines(data)
    receiver = dossier.receiving_unit.name
    assert lines[:2] == ["UBND HUYỆN GIA LÂM", "TRƯỜNG TIỂU HỌC A1"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert "Số: 05/TTr-THA1 Gia Lâm, ngày 05 tháng 02 năm 2025" in lines
    assert "TỜ TRÌNH" in lines
    assert "Về việc đề nghị khen thưởng năm học 2024-2025" in lines
    assert f"Kính gửi: {receiver}." in lines
    text = " ".join(lines)
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;" in text
    assert "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ" in text
    assert "khen thưởng cho 01 tập thể và 03 cá nhân đã có thành tích trong năm học 2024-2025" in text
    assert "1. Tập thể: 01 tập thể" in lines
    assert "- Tập thể lao động tiên tiến: 01 tập thể." in lines
    assert "2. Cá nhân: 03 cá nhân" in lines
    assert "- Lao động tiên tiến: 02 cá nhân;" in lines
    assert "- Chiến sĩ thi đua cơ sở: 01 cá nhân." in lines
    assert "(có danh sách kèm theo)" in lines
    assert f"Trường Tiểu học A1 kính trình {receiver} xem xét, quyết định./." in text
    sign = lines.index("Nơi nhận:")
    assert lines[sign : sign + 5] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, TĐKT.", "HIỆU TRƯỞNG", "Nguyễn Văn Bảo"]
    assert (doc.number, doc.issued_on, doc.issuer) == ("05/TTr-THA1", DAY, "Trường Tiểu học A1")


def test_submission_page_is_a4_portrait_with_the_binding_margin_and_fonts_embedded(dossier, personas):
    data = file_bytes(render("submission", numbered(dossier, personas["secretary_a1"]), personas["secretary_a1"]))
    reader = pdf_reader(data)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    xs = []

    def visitor(text, cm, tm, font_dict, font_size):
        if text.strip():
            xs.append(tm[4] * cm[0] + cm[4])

    for page in reader.pages:
        page.extract_text(visitor_text=visitor)
    assert min(xs) >= 30 * MM - 1
    fonts = fonts_embedded(data)
    assert fonts and all(fonts.values())


def test_submission_with_a_campaign_cites_its_plan(dossier, personas):
    from campaigns.models import Campaign

    campaign = Campaign.objects.create(
        name="Phong trào thi đua Dạy tốt - Học tốt",
        kind="thematic",
        status="launched",
        launched_by=dossier.unit.parent,
        document_number="7",
        document_symbol="KH-PGDĐT",
        issued_on=datetime.date(2024, 9, 10),
    )
    Dossier.objects.filter(pk=dossier.pk).update(campaign=campaign)
    context = kind.submission_build(Dossier.objects.get(pk=dossier.pk), variant="normal", options={})
    assert context["bases"][-1] == (
        "Căn cứ Kế hoạch số 07/KH-PGDĐT ngày 10/09/2024 của Phòng GD&ĐT A về phong trào thi đua Dạy tốt - Học tốt."
    )


def test_submission_without_number_or_date_leaves_the_blanks(dossier, personas):
    context = kind.submission_build(dossier, variant="normal", options={})
    assert (context["letterhead"]["number"], context["letterhead"]["place_date"]) == (
        "Số:      /TTr-THA1",
        "Gia Lâm, ngày      tháng      năm",
    )
    assert (context["meta"]["number"], context["meta"]["date"]) == ("", None)
    lines = pdf_lines(file_bytes(render("submission", dossier, personas["secretary_a1"])))
    assert any(line.startswith("Số: /TTr-THA1 Gia Lâm, ngày") for line in lines)


def test_submission_signed_by_a_deputy_carries_kt(dossier, personas, person_factory, school):
    person_factory(school, full_name="Phạm Thị Phó", position="Phó Hiệu trưởng")
    dossier = numbered(dossier, personas["secretary_a1"], signer="Phạm Thị Phó")
    lines = pdf_lines(file_bytes(render("submission", dossier, personas["secretary_a1"])))
    sign = lines.index("Nơi nhận:")
    assert lines[sign + 3 : sign + 6] == ["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG", "Phạm Thị Phó"]


def test_simplified_variant_is_shorter_and_carries_the_summary(dossier, personas):
    by = personas["secretary_a1"]
    dossier = nomination_services.dossier_update(
        by=by,
        dossier=numbered(dossier, by),
        version=None,
        procedure=Procedure.SIMPLIFIED,
        summary="Cứu hai học sinh đuối nước ngày 12/01/2025.",
    )
    normal = pdf_lines(file_bytes(render("submission", dossier, by, variant="normal")))
    simple = pdf_lines(file_bytes(render("submission", dossier, by, variant="simplified")))
    text = " ".join(simple)
    assert "Về việc đề nghị khen thưởng theo thủ tục đơn giản" in simple
    assert "Cứu hai học sinh đuối nước ngày 12/01/2025." in simple
    assert "Tóm tắt thành tích:" in simple
    assert "(có danh sách và bản tóm tắt thành tích kèm theo)" in simple
    assert "theo thủ tục đơn giản cho 01 tập thể và 03 cá nhân" in text
    assert "1. Tập thể: 01 tập thể" in normal and "1. Tập thể: 01 tập thể" not in simple
    assert "Cứu hai học sinh đuối nước ngày 12/01/2025." not in normal


def test_a_changed_dossier_makes_the_document_stale(dossier, personas):
    by = personas["secretary_a1"]
    doc = render("submission", numbered(dossier, by), by)
    assert services.document_is_stale(doc) is False
    nomination = Nomination.objects.filter(dossier=dossier, person__isnull=False).first()
    nomination_services.nomination_update(by=by, nomination=nomination, version=None, summary="Đã sửa.")
    assert services.document_is_stale(doc) is False  # the tờ trình shows counts, not summaries
    list_doc = render("submission_list", dossier, by)
    nomination_services.nomination_update(by=by, nomination=nomination, version=None, summary="Sửa lần hai.")
    assert services.document_is_stale(list_doc) is True
    nomination_services.dossier_update(by=by, dossier=dossier, version=None, submission_number="6")
    assert services.document_is_stale(doc) is True


def test_submission_docx_keeps_the_ampersand_whole(dossier, personas, school):
    school.parent_body_name = ""
    school.save()
    by = personas["secretary_a1"]
    dossier = numbered(dossier, by)
    text = text_of(file_bytes(render("submission", dossier, by, file_format="docx")))
    assert "PHÒNG GD&ĐT A" in text.splitlines()
    assert "Số: 05/TTr-THA1" in text.splitlines()
    assert "- Như trên;" in text.splitlines() and "- Lưu: VT, TĐKT." in text.splitlines()
    assert "PHÒNG GD&ĐT A" in pdf_lines(file_bytes(render("submission", dossier, by)))


# --- danh sách ----------------------------------------------------------------------------------------------


def test_submission_list_groups_by_award_with_collectives_apart(dossier, personas):
    by = personas["secretary_a1"]
    dossier = numbered(dossier, by)
    data = file_bytes(render("submission_list", dossier, by))
    lines = pdf_lines(data)
    box = pdf_reader(data).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in lines
    assert "(Kèm theo Tờ trình số 05/TTr-THA1 ngày 05/02/2025 của Trường Tiểu học A1)" in lines
    order = [
        "A. TẬP THỂ",
        "Tập thể lao động tiên tiến (01 tập thể)",
        "B. CÁ NHÂN",
        "Lao động tiên tiến (02 cá nhân)",
        "Chiến sĩ thi đua cơ sở (01 cá nhân)",
    ]
    assert [line for line in lines if line in order] == order
    text = pdf_text(data)
    assert "ĐT: 0912 345 678" in text and "lan@example.edu.vn" in text
    assert "Tổng số: 01 tập thể và 03 cá nhân." in lines
    context = kind.submission_list_build(dossier, variant="", options={})
    people = [r for r in context["rows"] if r["kind"] == "row"]
    assert [(r["tt"], r["name"], r["work"], r["years"]) for r in people] == [
        (1, "Tổ khối 1", "Trường Tiểu học A1", ""),
        (1, "Trần Thị Lan", "Giáo viên, Trường Tiểu học A1", "16 năm"),
        (2, "Lê Văn Minh", "Giáo viên, Trường Tiểu học A1", "14 năm"),
        (3, "Trần Thị Lan", "Giáo viên, Trường Tiểu học A1", "16 năm"),
    ]
    assert fonts_embedded(data) and all(fonts_embedded(data).values())


def test_submission_list_docx_has_the_table_and_the_ampersand(dossier, personas, school):
    school.parent_body_name = ""
    school.save()
    by = personas["secretary_a1"]
    text = text_of(file_bytes(render("submission_list", numbered(dossier, by), by, file_format="docx")))
    lines = text.splitlines()
    assert "PHÒNG GD&ĐT A" in lines
    assert "(Kèm theo Tờ trình số 05/TTr-THA1 ngày 05/02/2025 của Trường Tiểu học A1)" in lines
    assert "Lao động tiên tiến (02 cá nhân)" in lines and "Lê Văn Minh" in lines
    assert "PHÒNG GD&ĐT A" in pdf_lines(file_bytes(render("submission_list", dossier, by)))


def _bulk_nominations(dossier, count: int) -> None:
    """`count` teachers of the dossier's school, each proposed for LĐTT (rows written in bulk: the list only reads)."""
    award = AwardType.objects.filter(code="LDTT").order_by("-effective_from").first()
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=f"Cô Giáo {i:03d}",
                name_key=f"cô giáo {i:03d}",
                gender=Gender.FEMALE,
                position="Giáo viên",
                unit=dossier.unit,
                service_start=datetime.date(2015, 9, 1),
                phone="0900 000 000",
            )
            for i in range(count)
        ]
    )
    Nomination.objects.bulk_create(
        [
            Nomination(dossier=dossier, person=p, award_type=award, summary="Hoàn thành xuất sắc nhiệm vụ.")
            for p in people
        ]
    )


def test_builders_read_a_constant_number_of_queries(school, personas):
    by = personas["secretary_a1"]
    counts = {}
    for size in (1, 30):
        dossier = nomination_services.dossier_create(
            by=by, unit=school, round_kind=RoundKind.EXEMPLARY, school_year=YEAR + size
        )
        _bulk_nominations(dossier, size)
        for code in ("submission", "submission_list"):
            with CaptureQueriesContext(connection) as captured:
                registry.get(code).build(dossier, variant="", options={})
            counts[(code, size)] = len(captured)
    assert counts[("submission", 1)] == counts[("submission", 30)]
    assert counts[("submission_list", 1)] == counts[("submission_list", 30)]


def test_a_500_row_list_renders_on_landscape_pages_with_repeated_headers(school, personas):
    by = personas["secretary_a1"]
    dossier = nomination_services.dossier_create(by=by, unit=school, round_kind=RoundKind.YEAR_END, school_year=YEAR)
    _bulk_nominations(dossier, 500)
    doc = render("submission_list", dossier, by)
    data = file_bytes(doc)
    reader = pdf_reader(data)
    assert len(reader.pages) > 1 and doc.pages == len(reader.pages)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(842, 595)}
    pages_with_rows = [page for page in pdf_text(data).split("\f") if "Cô Giáo " in page]
    assert len(pages_with_rows) > 1
    # The header row repeats at the top of every page the table runs on.
    assert all("TT Họ và tên Đơn vị công tác" in page for page in pages_with_rows)
    lines = pdf_lines(data)
    assert "Lao động tiên tiến (500 cá nhân)" in lines
    assert sum(1 for line in lines if "Cô Giáo " in line) == 500


# --- permissions --------------------------------------------------------------------------------------------


def test_secretary_of_the_school_may_request_the_sibling_and_outsider_get_404(dossier, personas):
    url = reverse("documents:request", args=["submission", dossier.pk])
    statuses = {}
    for persona in ("secretary_a1", "head_a1", "secretary_a2", "outsider", "council_a1"):
        client = Client()
        client.force_login(personas[persona])
        statuses[persona] = client.post(url, {"format": "pdf", "variant": "normal"}).status_code
    assert statuses == {
        "secretary_a1": 302,
        "head_a1": 302,
        "secretary_a2": 404,
        "outsider": 404,
        "council_a1": 403,
    }


def test_the_receiving_reviewer_may_request_once_the_dossier_is_received(dossier, personas):
    reviewer = personas["reviewer_a"]
    assert kind.may_request(reviewer, dossier) is False
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SENT)
    sent = Dossier.objects.select_related("unit", "receiving_unit").get(pk=dossier.pk)
    assert kind.may_request(reviewer, sent) is (sent.receiving_unit_id == dossier.unit.parent_id)
    assert kind.may_request(personas["secretary_a2"], sent) is False


# --- cấp số tờ trình ----------------------------------------------------------------------------------------


def test_number_allocate_writes_the_next_number_and_today(dossier, personas, school):
    today = timezone.localdate()
    numbering.number_allocate(unit=school, year=today.year)  # another document of the school took number 1
    client = Client()
    client.force_login(personas["secretary_a1"])
    url = reverse("documents:number_allocate", args=["submission", dossier.pk])
    response = client.post(url)
    dossier.refresh_from_db()
    assert response.status_code == 302
    assert (dossier.submission_number, dossier.submission_date) == ("02/TTr-THA1", today)
    assert dossier.history.count() >= 2
    again = client.post(url)  # a second click allocates nothing
    dossier.refresh_from_db()
    assert (again.status_code, dossier.submission_number) == (302, "02/TTr-THA1")
    assert numbering.number_peek(kind="submission", obj=dossier) == 2
    assert kind.number_line(dossier) == "Số: 02/TTr-THA1"


def test_number_allocate_refused_outside_and_after_sending(dossier, personas):
    url = reverse("documents:number_allocate", args=["submission", dossier.pk])
    statuses = {}
    for persona in ("secretary_a2", "outsider", "council_a1"):
        client = Client()
        client.force_login(personas[persona])
        statuses[persona] = client.post(url).status_code
    assert statuses == {"secretary_a2": 404, "outsider": 404, "council_a1": 403}
    assert client.get(url).status_code == 405
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SENT)
    with pytest.raises(ServiceError, match="không cấp số được"):
        kind.submission_number_allocate(by=personas["head_a1"], dossier=dossier)
    with pytest.raises(PermissionDenied):
        kind.submission_number_allocate(by=personas["secretary_a2"], dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.submission_number, numbering.number_peek(kind="submission", obj=dossier)) == ("", None)


def test_number_allocate_of_a_kind_without_numbering_is_404(dossier, personas):
    client = Client()
    client.force_login(personas["secretary_a1"])
    assert client.post(reverse("documents:number_allocate", args=["submission_list", dossier.pk])).status_code == 404


def test_dossier_page_shows_the_documents_panel_and_the_number_button(dossier, personas):
    client = Client()
    client.force_login(personas["secretary_a1"])
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert 'id="documents-panel"' in page
    assert "Tờ trình đề nghị khen thưởng" in page and "Danh sách kèm theo tờ trình" in page
    assert reverse("documents:number_allocate", args=["submission", dossier.pk]) in page
    assert "Cấp số tờ trình" in page
