"""Issue 9 journey, in Chromium with the demo data: a school secretary files the year-end dossier of Mầm non
Hoa Sen (LĐTT, CSTĐCS and the school's TTLĐXS) through the pages, the head sends it, the Phòng's reviewer
returns one nomination with a comment, the secretary sees it, fixes it and sends it again, the reviewer
accepts everything and carries the proposals up: the district-level titles to the UBND xã (the UBND huyện's
successor since 01/07/2025), the TTLĐXS to the Sở and on to UBND tỉnh. Decisions are recorded at the UBND xã
and at UBND tỉnh, and the award history shows the new titles with their decision numbers."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from awards.enums import TaskRating
from awards.models import AwardRecord, Initiative, TaskEvaluation
from awards.schoolyear import current_school_year, school_year_label
from browser_tests.steps import act as _act
from browser_tests.steps import pick
from core.tests import upload_files
from nominations.enums import DossierStatus, RoundKind
from nominations.models import Dossier
from units.enums import UnitKind
from units.models import Person, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY, HEAD = "mn-hoasen-bl.thuky", "mn-hoasen-bl.hieutruong"
REVIEWER, CHIEF = "pgd-bl.chuyenvien", "pgd-bl.truongphong"
COMMUNE, DEPARTMENT, DIRECTOR, PROVINCE = "xa-binhlam.chuyenvien", "so.chuyenvien", "so.giamdoc", "tinh.chuyenvien"
COMMENT = "Bổ sung số tiết dự giờ và kết quả hội giảng cấp trường trong tóm tắt thành tích."
COMMUNE_DECISION, PROVINCE_DECISION = "12/QĐ-UBND", "345/QĐ-UBND"
PDF = upload_files.pdf()  # a real PDF: evidence must open (core/uploads.py)


def _as(page, log_in, username):
    page.context.clear_cookies()
    log_in(page, username)


def _open(page, dossier):
    page.goto(reverse("nominations:dossier_detail", args=[dossier.pk]))
    expect(page.locator("h1")).to_contain_text("Hồ sơ đề nghị khen thưởng")


def _status(page, text):
    refusal = page.locator(".alert-danger")
    if refusal.count():
        pytest.fail(f"refused: {refusal.first.inner_text()}")
    expect(page.locator("#dossier-status")).to_have_text(text)


def _card(page, nomination):
    return page.locator(f"#de-nghi-{nomination.pk}")


def _fill_tờ_trình(page, dossier, number, signer):
    page.goto(reverse("nominations:dossier_edit", args=[dossier.pk]))
    page.get_by_label("Số tờ trình").fill(number)
    page.get_by_label("Ngày tờ trình").fill(f"{datetime.date.today():%d/%m/%Y}")
    page.get_by_label("Người ký tờ trình").fill(signer)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu thông tin hồ sơ.")


def _send_up(page, dossier, number, signer):
    _fill_tờ_trình(page, dossier, number, signer)
    _open(page, dossier)
    _act(page, "Gửi cấp trên")
    _status(page, "Đã gửi cấp trên")


def _report(page, nomination, duties, measures=None):
    """The báo cáo thành tích: filled from the history, then the sections the history cannot give."""
    page.goto(reverse("nominations:report_detail", args=[nomination.pk]))
    page.get_by_role("button", name="Làm mới từ dữ liệu").click()
    page.get_by_role("link", name="Sửa báo cáo thành tích").click()
    page.get_by_label("Chức năng, nhiệm vụ" + ("" if measures else " được giao"), exact=True).fill(duties)
    if measures:
        page.get_by_label("Biện pháp, giải pháp, đổi mới; phong trào thi đua", exact=True).fill(measures)
    page.get_by_role("button", name="Lưu báo cáo thành tích").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu báo cáo thành tích.")


def _accept_all(page, dossier):
    for nomination in dossier.nominations.filter(status="proposed").order_by("pk"):
        _act(page, "Chấp nhận", scope=_card(page, nomination))
        expect(_card(page, nomination).locator(".badge").first).to_have_text("Chấp nhận")


def _roll_up(page, dossier):
    _open(page, dossier)
    page.locator("#rollup-button").click()
    page.locator("#rollup-form").get_by_role("button", name="Tổng hợp trình cấp trên").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tổng hợp trình cấp trên")


def _record_decision(page, dossier, number, issuer, signer):
    _open(page, dossier)
    page.get_by_role("link", name="Ghi quyết định khen thưởng").click()
    page.get_by_label("Số quyết định").fill(number)
    page.get_by_label("Ngày quyết định").fill(f"{datetime.date.today():%d/%m/%Y}")
    page.get_by_label("Cơ quan ban hành").fill(issuer)
    page.locator("#id_signer").fill(signer)
    page.get_by_label("Chức vụ người ký").fill("Chủ tịch")
    for radio in page.get_by_label("Được khen thưởng", exact=True).all():
        radio.check()
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator("h1")).to_contain_text(number)


def test_year_end_dossier_from_school_to_decisions_and_history(page, demo_data, log_in, nav_to):
    page.set_default_timeout(60_000)  # a long journey on a shared machine: pages that re-run the engine
    year = current_school_year()
    school = Unit.objects.get(kind=UnitKind.SCHOOL, name="Trường Mầm non Hoa Sen", locality="Bình Lâm")
    office = school.parent
    members = Person.objects.filter(unit__in=[school, *school.children.all()], is_active=True)
    good = (TaskRating.EXCELLENT, TaskRating.GOOD)
    rated = set(TaskEvaluation.objects.filter(school_year=year, rating__in=good).values_list("person_id", flat=True))
    ldtt = [p for p in members.order_by("pk") if p.pk in rated]
    star = Initiative.objects.filter(unit=school, school_year=year, status="recognised").first().authors.get()
    assert star in ldtt and len(ldtt) * 10 >= members.count() * 7  # the demo lets the school be TTLĐXS

    # The secretary opens the dossier and files the nominations through the pages.
    _as(page, log_in, SECRETARY)
    nav_to(page, "Hồ sơ đề nghị")
    page.get_by_role("link", name="Tạo hồ sơ").click()
    pick(page, "Đơn vị đề nghị", school.name, school.name)
    page.get_by_label("Đợt xét").select_option(label="Tổng kết năm học")
    page.get_by_label("Năm học (năm bắt đầu)").fill(str(year))
    page.get_by_label("Trích yếu").fill(f"Đề nghị công nhận danh hiệu thi đua năm học {school_year_label(year)}")
    page.get_by_role("button", name="Tạo hồ sơ").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tạo hồ sơ đề nghị khen thưởng.")
    dossier = Dossier.objects.get(unit=school, school_year=year, round_kind=RoundKind.YEAR_END)
    assert dossier.receiving_unit == office

    proposals = [(p, None, "LDTT") for p in ldtt] + [(star, None, "CSTDCS"), (None, school, "TTLDXS")]
    for person, unit, code in proposals:
        page.goto(reverse("nominations:nomination_add", args=[dossier.pk]))
        if person:
            page.get_by_label("Cá nhân").select_option(value=str(person.pk))
        else:
            page.get_by_label("hoặc tập thể").select_option(value=str(unit.pk))
        page.get_by_label("Danh hiệu / hình thức đề nghị").select_option(value=code)
        page.get_by_label("Tóm tắt thành tích").fill("Hoàn thành tốt nhiệm vụ năm học; tích cực đổi mới phương pháp.")
        page.get_by_role("button", name="Thêm đề nghị").click()
        expect(page.locator("#dossier-status")).to_be_visible()
    nominations = {(n.person_id, n.unit_id, n.award_type.code): n for n in dossier.nominations.all()}
    assert len(nominations) == len(proposals)
    cstdcs = nominations[(star.pk, None, "CSTDCS")]
    ttldxs = nominations[(None, school.pk, "TTLDXS")]
    returned = nominations[(ldtt[0].pk, None, "LDTT")]
    expect(_card(page, cstdcs)).to_contain_text("Cần xem xét")  # its LĐTT is pending beside it, not missing

    # Evidence of the TTLĐXS, the two achievement reports, the tờ trình.
    _open(page, dossier)
    _card(page, ttldxs).get_by_role("link", name="Thêm minh chứng").click()
    page.get_by_label("Tệp minh chứng (PDF, JPEG, PNG)").set_input_files(
        {"name": "bao-cao-tong-ket.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tải lên minh chứng.")
    _report(page, cstdcs, "Giáo viên chủ nhiệm lớp mẫu giáo 5 tuổi.")
    _report(page, ttldxs, "Nuôi dưỡng, chăm sóc, giáo dục trẻ từ 6 tháng đến 6 tuổi.", "Đổi mới sinh hoạt chuyên môn.")
    _fill_tờ_trình(page, dossier, "15/TTr-MN", "Hiệu trưởng")
    _open(page, dossier)
    expect(page.locator("#dossier-problems")).to_have_count(0)
    _act(page, "Trình thủ trưởng", comment="")
    _status(page, "Chờ thủ trưởng duyệt")

    # The head sends it to the Phòng.
    _as(page, log_in, HEAD)
    _open(page, dossier)
    _act(page, "Gửi cấp trên")
    _status(page, "Đã gửi cấp trên")

    # The Phòng's reviewer starts the appraisal and returns one LĐTT with a comment.
    _as(page, log_in, REVIEWER)
    _open(page, dossier)
    _act(page, "Tiếp nhận, thẩm định")
    _status(page, "Đang thẩm định")
    _act(page, "Trả lại để bổ sung", comment=COMMENT, scope=_card(page, returned))
    expect(_card(page, returned)).to_contain_text("Trả lại để bổ sung")

    # The secretary sees the comment beside the nomination, fixes the summary and sends it again.
    _as(page, log_in, SECRETARY)
    _open(page, dossier)
    expect(page.locator(f"#tra-lai-{returned.pk}")).to_contain_text(COMMENT)
    _card(page, returned).get_by_role("link", name="Sửa tóm tắt").click()
    page.get_by_label("Tóm tắt thành tích").fill(
        "Dự 36 tiết, đạt giải Nhì hội giảng cấp trường; hoàn thành tốt nhiệm vụ."
    )
    page.get_by_role("button", name="Lưu").click()
    _act(page, "Gửi lại đề nghị", scope=_card(page, returned))
    expect(_card(page, returned).locator(".badge").first).to_have_text("Đề nghị")

    # The reviewer accepts everything, completes the appraisal and carries the proposals up the route.
    _as(page, log_in, REVIEWER)
    _open(page, dossier)
    _accept_all(page, dossier)
    _act(page, "Hoàn tất thẩm định", comment="")
    _status(page, "Đã thẩm định")
    _roll_up(page, dossier)
    uppers = {d.receiving_unit.kind: d for d in Dossier.objects.filter(unit=office, status=DossierStatus.DRAFT)}
    commune_dossier, department_dossier = uppers[UnitKind.COMMUNE_AUTHORITY], uppers[UnitKind.DEPARTMENT]
    assert set(commune_dossier.nominations.values_list("award_type__code", flat=True)) == {"LDTT", "CSTDCS"}
    assert list(department_dossier.nominations.values_list("source", flat=True)) == [ttldxs.pk]
    _open(page, dossier)
    _act(page, "Đã trình cấp trên")
    _status(page, "Đã trình cấp trên")

    # The Phòng's head signs the roll-up dossier to the UBND xã, which decides the district-level titles.
    _as(page, log_in, CHIEF)
    _send_up(page, commune_dossier, "51/TTr-PGDĐT", "Trưởng phòng")
    _as(page, log_in, COMMUNE)
    _open(page, commune_dossier)
    _act(page, "Tiếp nhận, thẩm định")
    _accept_all(page, commune_dossier)
    _record_decision(page, commune_dossier, COMMUNE_DECISION, "Ủy ban nhân dân xã Bình Lâm", "Lê Văn Bình")

    # Then the TTLĐXS: re-checked when sent, it now counts its members' LĐTT decided by the UBND xã (beside
    # it in the school's dossier they were pending; rolled up alone they are not).
    _as(page, log_in, CHIEF)
    _send_up(page, department_dossier, "52/TTr-PGDĐT", "Trưởng phòng")

    # The Sở appraises the TTLĐXS and carries it to UBND tỉnh, whose decision is recorded there.
    _as(page, log_in, DEPARTMENT)
    _open(page, department_dossier)
    _act(page, "Tiếp nhận, thẩm định")
    _accept_all(page, department_dossier)
    _roll_up(page, department_dossier)
    department = department_dossier.receiving_unit
    province_dossier = Dossier.objects.get(unit=department, status=DossierStatus.DRAFT, school_year=year)
    _as(page, log_in, DIRECTOR)
    _send_up(page, province_dossier, "88/TTr-SGDĐT", "Giám đốc")
    _as(page, log_in, PROVINCE)
    _open(page, province_dossier)
    _act(page, "Tiếp nhận, thẩm định")
    _accept_all(page, province_dossier)
    _record_decision(page, province_dossier, PROVINCE_DECISION, "Ủy ban nhân dân tỉnh Sơn Hà", "Trần Quốc Hưng")

    # Every level's nomination carries the outcome; the school's dossier shows the decision numbers.
    assert set(dossier.nominations.values_list("status", flat=True)) == {"awarded"}
    _as(page, log_in, HEAD)
    _open(page, dossier)
    expect(_card(page, cstdcs)).to_contain_text(f"quyết định số {COMMUNE_DECISION}")
    expect(_card(page, ttldxs)).to_contain_text(f"quyết định số {PROVINCE_DECISION}")

    # The award history of the person and of the school shows the new titles with their decision numbers.
    label = school_year_label(year)
    page.goto(reverse("awards:person_history", args=[star.pk]))
    row = page.locator("table").first.locator("tbody tr").filter(has_text=label)
    expect(row).to_contain_text("Chiến sĩ thi đua cơ sở")
    expect(row).to_contain_text(f"QĐ {COMMUNE_DECISION}")
    expect(row).to_contain_text("Lao động tiên tiến")
    # The school's page lists its collective title of the year (its table shows titles, not decision numbers).
    page.goto(reverse("awards:unit_history", args=[school.pk]))
    expect(page.locator("table").first.locator("tbody tr").filter(has_text=label)).to_contain_text(
        "Tập thể lao động xuất sắc"
    )
    record = AwardRecord.objects.get(unit=school, school_year=year, award_type__code="TTLDXS")
    assert (record.decision_number, record.issuer) == (PROVINCE_DECISION, "Ủy ban nhân dân tỉnh Sơn Hà")
