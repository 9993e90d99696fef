"""The kế hoạch of a campaign: exact text, layout, bounded Nơi nhận, constant queries, permissions."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import AwardType
from campaigns.enums import CampaignKind, CampaignStatus, DeadlineAction, ObjectGroup
from campaigns.models import Campaign, CampaignAward, Criterion, Deadline, LegalBasis, Phase
from documents import registry
from documents.docx import text_of
from documents.kinds import plan
from documents.tests.helpers import file_bytes, fonts_embedded, pdf_lines, pdf_reader, render
from units.enums import SchoolLevel, UnitKind
from units.services import unit_create

MM = 72 / 25.4


@pytest.fixture
def office(tree, person_factory):
    office = tree["office_a"]
    office.parent_body_name = "UBND huyện Gia Lâm"
    office.document_code = "PGDĐT"
    office.locality = "Gia Lâm"
    office.head = person_factory(office, full_name="Hoàng Văn Trưởng", position="Trưởng phòng")
    office.head_title = "Trưởng phòng"
    office.save()
    return office


def award(code: str) -> AwardType:
    return AwardType.objects.filter(code=code).order_by("-effective_from").first()


def make_campaign(office, *, phases=1, number="5") -> Campaign:
    campaign = Campaign.objects.create(
        name="Phong trào thi đua Đổi mới sáng tạo trong dạy và học",
        kind=CampaignKind.THEMATIC,
        status=CampaignStatus.LAUNCHED,
        launched_by=office,
        school_year=2024,
        period_start=datetime.date(2024, 9, 5),
        period_end=datetime.date(2025, 5, 31),
        document_number=number,
        document_symbol="KH-PGDĐT",
        issued_on=datetime.date(2025, 2, 5),
        place="Gia Lâm",
        purposes="Phát huy tinh thần đổi mới sáng tạo.\nTôn vinh điển hình tiên tiến.",
        requirements="Thiết thực, hiệu quả, tránh hình thức.",
    )
    LegalBasis.objects.create(campaign=campaign, order=1, text="Luật Thi đua, khen thưởng ngày 15/6/2022;")
    LegalBasis.objects.create(campaign=campaign, order=2, text="Kế hoạch số 4582/KH-SGDĐT ngày 27/12/2022 của Sở")
    Criterion.objects.create(campaign=campaign, group=ObjectGroup.TEACHER, text="Có sáng kiến được công nhận.")
    CampaignAward.objects.create(campaign=campaign, award_type=award("LDTT"))
    CampaignAward.objects.create(campaign=campaign, award_type=award("CSTDCS"), cap=15, note="cấp huyện")
    for n in range(1, phases + 1):
        Phase.objects.create(
            campaign=campaign,
            number=n,
            name=f"Chào mừng ngày lễ thứ {n}" if n > 1 else "Chào mừng 20/11",
            theme="Dạy tốt, học tốt.",
            start=datetime.date(2024, 9, 5) + datetime.timedelta(days=20 * (n - 1)),
            end=datetime.date(2024, 9, 5) + datetime.timedelta(days=20 * (n - 1) + 10),
        )
        Deadline.objects.create(
            campaign=campaign,
            action=DeadlineAction.NOMINATE,
            unit_kind=UnitKind.SCHOOL,
            due_date=datetime.date(2025, 5, 18) + datetime.timedelta(days=n - 1),
            note="gửi qua cổng" if n == 1 else "",
        )
    return campaign


def test_plan_pdf_exact_text(office, personas):
    campaign = make_campaign(office)
    doc = render("plan", campaign, personas["secretary_office_a"])
    data = file_bytes(doc)
    lines = pdf_lines(data)
    assert lines[:2] == ["UBND HUYỆN GIA LÂM", "PHÒNG GD&ĐT A"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines and "Độc lập - Tự do - Hạnh phúc" in lines
    assert "Số: 05/KH-PGDĐT Gia Lâm, ngày 05 tháng 02 năm 2025" in lines
    assert "KẾ HOẠCH" in lines
    assert "Phong trào thi đua Đổi mới sáng tạo trong dạy và học" in lines
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;" in lines
    assert "Căn cứ Kế hoạch số 4582/KH-SGDĐT ngày 27/12/2022 của Sở." in lines
    headings = [line for line in lines if line[:3] in ("I. ", "II.", "III", "IV.", "V. ", "VI.")]
    assert headings == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. ĐỐI TƯỢNG, PHẠM VI VÀ THỜI GIAN THI ĐUA",
        "III. TIÊU CHÍ THI ĐUA",
        "IV. DANH HIỆU THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG",
        "V. CÁC ĐỢT THI ĐUA",
        "VI. TỔ CHỨC THỰC HIỆN VÀ THỜI HẠN",
    ]
    assert "1. Mục đích" in lines and "2. Yêu cầu" in lines
    assert "Tôn vinh điển hình tiên tiến." in lines
    assert "- Thời gian thi đua: từ ngày 05/09/2024 đến ngày 31/05/2025." in lines
    assert "1. Đối với giáo viên" in lines
    assert "- Lao động tiên tiến: không giới hạn số lượng;" in lines
    assert "- Chiến sĩ thi đua cơ sở: không quá 15 (cấp huyện)." in lines
    assert "Đợt 1: Chào mừng 20/11 (từ ngày 05/09/2024 đến ngày 15/09/2024)" in lines
    assert "- Trường học: gửi hồ sơ đề nghị khen thưởng, hạn chót ngày 18/05/2025 (gửi qua cổng)." in " ".join(lines)
    sign = lines.index("Nơi nhận:")
    assert lines[sign : sign + 7] == [
        "Nơi nhận:",
        "- Sở GD&ĐT Thử (để báo cáo);",
        "- Trường Tiểu học A1;",
        "- Trường Mầm non A2;",
        "- Lưu: VT, TĐKT.",
        "TRƯỞNG PHÒNG",
        "Hoàng Văn Trưởng",
    ]
    assert "- Như trên;" not in lines  # a plan has no Kính gửi block
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
    assert fonts_embedded(data) and all(fonts_embedded(data).values())
    assert (doc.number, doc.issued_on, doc.issuer) == ("05/KH-PGDĐT", datetime.date(2025, 2, 5), "Phòng GD&ĐT A")


def test_plan_without_number_leaves_the_blank_and_symbol_falls_back(office):
    campaign = make_campaign(office, number="")
    Campaign.objects.filter(pk=campaign.pk).update(document_symbol="", issued_on=None)
    context = plan.plan_build(Campaign.objects.get(pk=campaign.pk), variant="", options={})
    assert (context["letterhead"]["number"], context["letterhead"]["place_date"]) == (
        "Số:      /KH-PGDĐT",
        "Gia Lâm, ngày      tháng      năm",
    )
    assert (context["meta"]["number"], context["meta"]["date"]) == ("", None)


def test_plan_receivers_bounded_to_the_units_below(office, tree):
    campaign = make_campaign(office)
    for n in range(10):  # 12 schools under the Phòng
        unit_create(
            by=None,
            name=f"Trường Tiểu học Thêm {chr(65 + n)}",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=office,
        )
    context = plan.plan_build(campaign, variant="", options={})
    assert context["receivers"] == ["- Sở GD&ĐT Thử (để báo cáo);", "- Các đơn vị trực thuộc;", "- Lưu: VT, TĐKT."]


def test_plan_builder_reads_a_constant_number_of_queries(office):
    counts = []
    for phases in (1, 6):
        campaign = make_campaign(office, phases=phases)
        with CaptureQueriesContext(connection) as captured:
            registry.get("plan").build(campaign, variant="", options={})
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_plan_docx_keeps_the_ampersand(office, personas):
    text = text_of(
        file_bytes(render("plan", make_campaign(office), personas["secretary_office_a"], file_format="docx"))
    )
    lines = text.splitlines()
    assert "PHÒNG GD&ĐT A" in lines and "Số: 05/KH-PGDĐT" in lines
    assert "- Chiến sĩ thi đua cơ sở: không quá 15 (cấp huyện)." in lines


def test_plan_request_by_the_launcher_only(office, personas):
    campaign = make_campaign(office)
    url = reverse("documents:request", args=["plan", campaign.pk])
    statuses = {}
    for persona in ("secretary_office_a", "secretary_a1", "reviewer_b", "outsider"):
        client = Client()
        client.force_login(personas[persona])
        statuses[persona] = client.post(url, {"format": "pdf"}).status_code
    # The school sees the launched plan (it is reached) but does not issue it; Phòng B is not reached.
    assert statuses == {"secretary_office_a": 302, "secretary_a1": 403, "reviewer_b": 404, "outsider": 404}


def test_campaign_page_shows_the_documents_panel(office, personas):
    campaign = make_campaign(office)
    client = Client()
    client.force_login(personas["secretary_office_a"])
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'id="documents-panel"' in page and "Kế hoạch phát động phong trào thi đua" in page
    assert reverse("documents:request", args=["plan", campaign.pk]) in page
