"""Issue 13 journeys: the school year of the secretary, the Phòng's reviewer and the Phòng's council, driven
through the menus, links and forms a person uses (no typed URLs), with a screenshot and an axe-core check of
the main pages (conftest's shot and axe_check; its page guard fails a journey on a console error, a failed
request or a server error).

1. The secretary of Mầm non Hoa Sen sees her to-do list, imports two new teachers from the Excel template she
   downloads, registers titles (one line breaks a rule, she fixes it), presents it to her head, who sends it;
   at the year end she opens the campaign's dossier (only a campaign round takes nominations from a
   registration), takes the nominations from the registration, sees a verdict (her CSTĐCS lacks its LĐTT:
   she adds it) and the quota, fills a báo cáo thành tích, attaches evidence, presents it; the head sends it.
2. The Phòng's reviewer finds the dossier in the inbox, returns one nomination with a comment; the secretary
   sees the comment on her home page, fixes and resends; the reviewer accepts all and passes the CSTĐCS to
   the council.
3. The council: the chair schedules a meeting, takes the roll, sets the agenda, opens a round; the chair and
   three members vote from their own browsers (one a phone); the chair sees the count, never the choices;
   closes, publishes; the result moves the nomination. The reviewer carries the LĐTT and CSTĐCS to the UBND
   xã and the TTLĐXS to the Sở; the UBND xã records its decision, the Phòng's head sends the TTLĐXS on, and
   the teacher's history shows the new title with the decision's number.

Each test starts from the demo; the state a later test needs is built through the services only where an
earlier test (or test_nomination_journey) has driven the same steps through the pages.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import expect

from awards.enums import TaskRating
from awards.models import AwardRecord, Initiative, TaskEvaluation
from awards.schoolyear import current_school_year, school_year_label
from browser_tests.steps import act, pick
from campaigns.enums import RegistrationStatus
from campaigns.models import Registration
from core.tests import upload_files
from councils import services as council_services
from councils.enums import MemberRole
from demo import nominations as demo_nominations
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from units.enums import UnitKind
from units.models import Person, Unit

from .test_campaign_journeys import _fresh_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY, HEAD = "mn-hoasen-bl.thuky", "mn-hoasen-bl.hieutruong"
REVIEWER, CHIEF, COMMUNE = "pgd-bl.chuyenvien", "pgd-bl.truongphong", "xa-binhlam.chuyenvien"
LDTT, CSTDCS, CSTD_TINH = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp tỉnh"
NEW_TEACHERS = [
    ("Đoàn Thị Mỹ Duyên", "Nữ", "12/05/1996", "Giáo viên", "", "01/09/2019", "0911222333", "", None),
    ("Lạc Văn Khôi", "Nam", "03/11/1998", "Giáo viên", "", "15/08/2021", "", "khoi@example.edu.vn", None),
]
COMMENT = "Bổ sung số tiết dự giờ và kết quả hội giảng cấp trường trong tóm tắt thành tích."
FIXED_SUMMARY = "Dự 36 tiết, đạt giải Nhì hội giảng cấp trường; hoàn thành tốt nhiệm vụ năm học."
PDF = upload_files.pdf()  # a real PDF: evidence must open (core/uploads.py)
COMMUNE_DECISION = "27/QĐ-UBND"


# --- helpers --------------------------------------------------------------------------------------------


def _school():
    return Unit.objects.get(kind=UnitKind.SCHOOL, name="Trường Mầm non Hoa Sen", locality="Bình Lâm")


def _as(page, log_in, username):
    page.context.clear_cookies()
    log_in(page, username)


def _refused(page):
    refusal = page.locator(".alert-danger")
    if refusal.count():
        pytest.fail(f"refused: {refusal.first.inner_text()}")


def _act(page, label, comment=None, scope=None):
    act(page, label, comment, scope)
    _refused(page)


def _card(page, nomination):
    return page.locator(f"#de-nghi-{nomination.pk}")


def _todo(page, text):
    """The home page's to-do entry whose link says `text`."""
    return page.locator("#todo-list li").filter(has=page.get_by_role("link", name=re.compile(re.escape(text))))


def _open_from_inbox(page, nav_to, unit, status, dossier=None):
    """Menu «Hồ sơ đề nghị», tab «Hồ sơ gửi đến», the row of `unit` in `status` (of `dossier`, when the unit
    has sent several)."""
    nav_to(page, "Hồ sơ đề nghị")
    page.get_by_role("link", name=re.compile(r"^Hồ sơ gửi đến")).click()
    expect(page.locator("h1")).to_have_text("Hồ sơ, đề nghị gửi đến")
    row = page.locator("table tbody tr").filter(has_text=unit.name).filter(has_text=status)
    if dossier is not None:
        row = row.filter(has=page.locator(f'a[href="{dossier.get_absolute_url()}"]'))
    row.get_by_role("link", name=unit.name).click()
    expect(page.locator("h1")).to_have_text(f"Hồ sơ đề nghị khen thưởng – {unit.name}")


def _rated(school, year):
    """The school's active people rated «hoàn thành tốt» or better this year (LĐTT material), by pk."""
    members = Person.objects.filter(unit__path__startswith=school.path, is_active=True)
    good = (TaskRating.EXCELLENT, TaskRating.GOOD)
    rated = set(TaskEvaluation.objects.filter(school_year=year, rating__in=good).values_list("person_id", flat=True))
    return [p for p in members.order_by("pk") if p.pk in rated]


def _star(school, year):
    """The author of the school's initiative recognised this year: the demo's CSTĐCS candidate."""
    return Initiative.objects.filter(unit=school, school_year=year, status="recognised").first().authors.get()


# --- 1. the secretary's year ------------------------------------------------------------------------------


def test_secretary_imports_registers_and_files_the_year_end_dossier(page, demo_data, log_in, nav_to, shot, axe_check):
    page.set_default_timeout(60_000)  # a long journey on a shared machine: pages that re-run the engine
    school = _school()
    year = current_school_year()
    campaign = _fresh_campaign()
    star = _star(school, year)
    # Seven LĐTT lines besides the star's CSTĐCS: one CSTĐCS stays within 15 % of the LĐTT (and each
    # nomination taken from the registration needs its summary typed, so the journey keeps them few).
    ldtt = [p for p in _rated(school, year) if p != star][:7]
    assert len(ldtt) == 7 and star in _rated(school, year)

    # Her home page lists what to do: the registration deadline of the campaign the Phòng just launched.
    _as(page, log_in, SECRETARY)
    expect(page.locator("h1")).to_have_text(school.name)
    deadline = _todo(page, f"Hạn chót: Gửi đăng ký thi đua – {campaign.name}")
    expect(deadline).to_have_count(1)
    shot(page, "01-secretary-home")
    axe_check(page)

    # Two new teachers, imported from the template the page offers.
    nav_to(page, "Cá nhân")
    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.locator("h1")).to_have_text(f"Nhập danh sách cán bộ – {school.name}")
    with page.expect_download() as download:
        page.get_by_role("link", name="tệp mẫu").click()
    assert download.value.suggested_filename == "mau-danh-sach-can-bo.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "Họ và tên" and headers[-1] == "Tổ", headers
    sheet.delete_rows(2, sheet.max_row)  # the template's example row
    team = school.children.filter(kind=UnitKind.TEAM).order_by("pk").first()
    for row in NEW_TEACHERS:
        sheet.append([*row[:-1], team.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page.get_by_label("Tệp Excel").set_input_files(
        {
            "name": "danh-sach-moi.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": buffer.getvalue(),
        }
    )
    page.get_by_role("button", name=re.compile("^Nhập")).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nhập: 2 người mới, 0 người cập nhật")
    assert set(
        Person.objects.filter(unit=team, full_name__in=[r[0] for r in NEW_TEACHERS]).values_list("full_name", flat=True)
    ) == {r[0] for r in NEW_TEACHERS}
    nav_to(page, "Cá nhân")
    expect(page.locator("table tbody")).to_contain_text(NEW_TEACHERS[0][0])

    # The registration, from the to-do entry: LĐTT for everyone rated; a title out of reach on one line is
    # flagged beside it before anything is saved, and she corrects it.
    nav_to(page, "Trang chủ")
    deadline.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(f"Đăng ký thi đua – {school.name}")
    expect(page.get_by_label(f"Danh hiệu của {NEW_TEACHERS[0][0]}", exact=True)).to_be_visible()  # imported
    for person in ldtt:
        page.get_by_label(f"Danh hiệu của {person.full_name}", exact=True).select_option(label=LDTT)
    title = page.get_by_label(f"Danh hiệu của {star.full_name}", exact=True)
    title.select_option(label=CSTD_TINH)
    status = page.locator(f"#check-{star.pk}")
    expect(status).to_contain_text(f"Không đủ điều kiện «{CSTD_TINH}»")
    expect(status).to_contain_text("Cần sửa dòng này hoặc ghi giải trình trước khi gửi.")
    shot(page, "02-registration-warning")
    axe_check(page)
    # CSTĐCS is within her reach, once the line names the initiative it rests on.
    title.select_option(label=CSTDCS)
    expect(status).to_contain_text("chưa ghi tên sáng kiến")
    initiative = page.get_by_label(f"Sáng kiến của {star.full_name}", exact=True)
    initiative.fill(Initiative.objects.filter(authors=star, school_year=year).first().title)
    initiative.press("Tab")  # the line is checked again when the field changes
    expect(status).not_to_contain_text("Cần sửa dòng này")
    expect(status.locator(".registration-line-problems")).to_have_count(0)
    page.get_by_role("button", name="Lưu bản đăng ký").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu bản đăng ký thi đua.")
    page.locator("summary").filter(has_text="Trình thủ trưởng").click()
    page.get_by_role("button", name="Trình thủ trưởng").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã trình thủ trưởng đơn vị.")

    # The head finds it on her home page and sends it to the Phòng.
    _as(page, log_in, HEAD)
    _todo(page, f"Bản đăng ký thi đua chờ duyệt, gửi cấp trên – {campaign.name}").get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(f"Đăng ký thi đua – {school.name}")
    page.get_by_role("button", name="Gửi cấp trên").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi bản đăng ký lên cấp trên.")
    registration = Registration.objects.get(campaign=campaign, unit=school)
    assert registration.status == RegistrationStatus.SUBMITTED

    # Year end: the secretary opens the dossier of the year's campaign (a dossier takes nominations from a
    # registration only in the campaign's round) and takes the nominations from the registration.
    _as(page, log_in, SECRETARY)
    nav_to(page, "Hồ sơ đề nghị")
    page.get_by_role("link", name="Tạo hồ sơ").click()
    pick(page, "Đơn vị đề nghị", school.name, school.name)
    page.get_by_label("Đợt xét").select_option(label="Phong trào thi đua")
    page.get_by_label("Năm học (năm bắt đầu)").fill(str(year))
    page.get_by_label("Phong trào (khi xét theo phong trào)").select_option(label=campaign.name)
    page.get_by_label("Trích yếu").fill(f"Đề nghị công nhận danh hiệu thi đua năm học {school_year_label(year)}")
    page.get_by_role("button", name="Tạo hồ sơ").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tạo hồ sơ đề nghị khen thưởng.")
    page.get_by_role("button", name="Lấy từ danh sách đăng ký thi đua").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã thêm 8 đề nghị từ danh sách đăng ký thi đua.")
    dossier = Dossier.objects.get(unit=school, school_year=year, round_kind=RoundKind.CAMPAIGN, campaign=campaign)
    codes = dict(dossier.nominations.values_list("person_id", "award_type__code"))
    assert codes == {star.pk: "CSTDCS"} | {p.pk: "LDTT" for p in ldtt}
    cstdcs = dossier.nominations.get(person=star)

    # The engine's verdict beside each nomination: her CSTĐCS alone lacks the year's LĐTT.
    expect(page.locator("#dossier-status")).to_have_text("Đang soạn")
    verdict = _card(page, cstdcs).locator(".badge").nth(1)
    expect(verdict).to_have_text("Không đủ điều kiện")
    _card(page, cstdcs).locator("summary", has_text="Lý do kiểm tra điều kiện").click()
    expect(_card(page, cstdcs).locator("details li.text-danger").first).to_contain_text("LĐTT")
    shot(page, "03-dossier-verdict")
    axe_check(page)
    page.get_by_role("link", name="Thêm đề nghị").click()
    page.get_by_label("Cá nhân").select_option(value=str(star.pk))
    page.get_by_label("Danh hiệu / hình thức đề nghị").select_option(value="LDTT")
    page.get_by_label("Tóm tắt thành tích").fill("Hoàn thành xuất sắc nhiệm vụ; sáng kiến được công nhận cấp cơ sở.")
    page.get_by_role("button", name="Thêm đề nghị").click()
    expect(verdict).to_have_text("Cần xem xét")  # her LĐTT is pending beside it in the same dossier
    # The quota under the nominations: eight LĐTT and one CSTĐCS proposed; the CSTĐCS ceiling (15 % of the
    # LĐTT) is counted once the LĐTT are decided, and the page says so.
    quota = page.locator("table").filter(has_text="Đề nghị trong hồ sơ").locator("tbody tr")
    expect(quota.filter(has_text="LĐTT").last.locator("td").nth(2)).to_have_text("8")
    expect(quota.filter(has_text="CSTĐCS").locator("td").nth(2)).to_have_text("1")
    expect(quota.filter(has_text="CSTĐCS")).to_contain_text("hạn mức tính khi có quyết định")

    # The summaries the registration could not give.
    for nomination in dossier.nominations.filter(summary="").order_by("pk"):
        _card(page, nomination).get_by_role("link", name="Sửa tóm tắt").click()
        page.get_by_label("Tóm tắt thành tích").fill("Hoàn thành tốt nhiệm vụ năm học; tích cực đổi mới phương pháp.")
        page.get_by_role("button", name="Lưu").click()
        expect(page.locator(".alert-success")).to_contain_text("Đã lưu đề nghị.")

    # The báo cáo thành tích of the CSTĐCS, filled from the history, then her own lines.
    _card(page, cstdcs).get_by_role("link", name="Báo cáo thành tích").click()
    page.get_by_role("button", name="Làm mới từ dữ liệu").click()
    page.get_by_role("link", name="Sửa báo cáo thành tích").click()
    page.get_by_label("Chức năng, nhiệm vụ được giao", exact=True).fill("Giáo viên chủ nhiệm lớp mẫu giáo 5 tuổi.")
    page.get_by_role("button", name="Lưu báo cáo thành tích").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu báo cáo thành tích.")
    page.get_by_role("link", name="« Hồ sơ đề nghị khen thưởng").click()

    # Evidence of the initiative, as a PDF.
    _card(page, cstdcs).get_by_role("link", name="Thêm minh chứng").click()
    page.get_by_label("Tệp minh chứng (PDF, JPEG, PNG)").set_input_files(
        {"name": "sang-kien-2025.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tải lên minh chứng.")
    expect(_card(page, cstdcs)).to_contain_text("sang-kien-2025.pdf")

    # The tờ trình, then to the head.
    page.get_by_role("link", name="Sửa thông tin tờ trình").click()
    page.get_by_label("Số tờ trình").fill("21/TTr-MN")
    page.get_by_label("Ngày tờ trình").fill(f"{datetime.date.today():%d/%m/%Y}")
    page.get_by_label("Người ký tờ trình").fill("Hiệu trưởng")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu thông tin hồ sơ.")
    expect(page.locator("#dossier-problems")).to_have_count(0)
    _act(page, "Trình thủ trưởng", comment="Kính trình cô duyệt.")
    expect(page.locator("#dossier-status")).to_have_text("Chờ thủ trưởng duyệt")

    # The head: from her to-do list, approves and sends it to the Phòng.
    _as(page, log_in, HEAD)
    _todo(page, "Hồ sơ đề nghị chờ duyệt, gửi cấp trên").get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(f"Hồ sơ đề nghị khen thưởng – {school.name}")
    _act(page, "Gửi cấp trên")
    expect(page.locator("#dossier-status")).to_have_text("Đã gửi cấp trên")
    shot(page, "04-dossier-sent")
    axe_check(page)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.receiving_unit) == (DossierStatus.SENT, school.parent)


# --- 2. the reviewer at the Phòng ---------------------------------------------------------------------------


def _users():
    return {u.username: u for u in get_user_model().objects.filter(username__contains=".")}


def _sent_year_end_dossier(*, full):
    """Hoa Sen's year-end dossier as the secretary files it and the head sends it (the first journey and
    test_nomination_journey drive those pages), built through the services the pages call."""
    school = _school()
    year = current_school_year()
    people = demo_nominations._members(school)
    ratings = dict(
        TaskEvaluation.objects.filter(person__in=people, school_year=year).values_list("person_id", "rating")
    )
    cast = demo_nominations._cast("mn-hoasen", "Bình Lâm", "bl", _users(), ratings)
    dossier = demo_nominations._fill_year_end(cast, year, full=full)
    dossier = demo_nominations._act(dossier, [("head", "send", "")], cast)
    assert dossier.status == DossierStatus.SENT
    return cast, dossier


def test_reviewer_returns_one_nomination_then_accepts_and_passes_to_council(
    page, demo_data, log_in, nav_to, shot, axe_check
):
    page.set_default_timeout(60_000)
    cast, dossier = _sent_year_end_dossier(full=False)
    school = cast.school
    nominations = list(dossier.nominations.select_related("person", "award_type").order_by("pk"))
    returned = next(n for n in nominations if n.award_type.code == "LDTT")
    to_council = [n for n in nominations if n.award_type.code == "CSTDCS"]
    assert to_council

    # The reviewer finds the dossier in the inbox and takes it up.
    _as(page, log_in, REVIEWER)
    _open_from_inbox(page, nav_to, school, "Đã gửi cấp trên")
    _act(page, "Tiếp nhận, thẩm định")
    expect(page.locator("#dossier-status")).to_have_text("Đang thẩm định")
    _act(page, "Trả lại để bổ sung", comment=COMMENT, scope=_card(page, returned))
    expect(_card(page, returned)).to_contain_text("Trả lại để bổ sung")
    shot(page, "05-reviewer-returns")
    axe_check(page)

    # The secretary sees the comment on her home page and follows it to the nomination.
    _as(page, log_in, SECRETARY)
    item = _todo(page, f"Đề nghị trả lại để bổ sung – {returned}")
    expect(item).to_contain_text(COMMENT)
    shot(page, "06-secretary-sees-return")
    axe_check(page)
    item.get_by_role("link").click()
    expect(page.locator(f"#tra-lai-{returned.pk}")).to_contain_text(COMMENT)
    _card(page, returned).get_by_role("link", name="Sửa tóm tắt").click()
    page.get_by_label("Tóm tắt thành tích").fill(FIXED_SUMMARY)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu đề nghị.")
    _act(page, "Gửi lại đề nghị", scope=_card(page, returned))
    expect(_card(page, returned).locator(".badge").first).to_have_text("Đề nghị")
    nav_to(page, "Trang chủ")
    expect(_todo(page, "Đề nghị trả lại để bổ sung")).to_have_count(0)

    # The reviewer accepts every nomination and passes the CSTĐCS to the Phòng's council.
    _as(page, log_in, REVIEWER)
    _open_from_inbox(page, nav_to, school, "Đang thẩm định")
    expect(_card(page, returned)).to_contain_text(FIXED_SUMMARY)
    for nomination in nominations:
        _act(page, "Chấp nhận", scope=_card(page, nomination))
        expect(_card(page, nomination).locator(".badge").first).to_have_text("Chấp nhận")
    for nomination in to_council:
        _act(page, "Đưa ra Hội đồng TĐKT", scope=_card(page, nomination))
        expect(_card(page, nomination).locator(".badge").first).to_have_text("Đưa ra Hội đồng TĐKT")
    shot(page, "07-reviewer-accepted")
    axe_check(page)
    statuses = dict(Nomination.objects.filter(dossier=dossier).values_list("pk", "status"))
    assert statuses == {
        n.pk: NominationStatus.PASSED_TO_COUNCIL if n in to_council else NominationStatus.ACCEPTED for n in nominations
    }


# --- 3. the council, and the titles carried to those who decide ----------------------------------------------

COUNCIL = "Hội đồng Thi đua – Khen thưởng Phòng GD&ĐT Bình Lâm"
VOTERS = [REVIEWER, "th-kimdong-bl.hieutruong", "th-levantam-bl.hieutruong"]  # the last one on a phone


def _council_of_the_office(office, users):
    """The Phòng's council as its head set it up (councils/tests cover those pages): the head chairs, the
    reviewer keeps the minutes, two principals of other schools sit as members."""
    council = council_services.council_create(
        by=users[CHIEF],
        unit=office,
        name=COUNCIL,
        period_start=datetime.date(datetime.date.today().year, 1, 1),
        period_end=datetime.date(datetime.date.today().year, 12, 31),
    )
    roles = [MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.MEMBER, MemberRole.MEMBER]
    return [
        council_services.council_member_add(by=users[CHIEF], council=council, user=users[name], role=role)
        for name, role in zip([CHIEF, *VOTERS], roles, strict=True)
    ]


def _menu(page, name):
    """A header menu entry that sits in no dropdown; on a phone the menu opens behind its toggler first."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#mainnav.collapse.show")).to_be_visible()
    page.locator("nav.navbar").get_by_role("link", name=name, exact=True).click()


def _to_round(page, meeting_link):
    _menu(page, "Hội đồng TĐKT")
    page.get_by_role("link", name=COUNCIL).click()
    page.get_by_role("link", name=meeting_link).click()
    page.get_by_role("link", name="Vòng 1").click()
    expect(page.locator("h1")).to_contain_text("Vòng")


def _dossier_of_the_office(page, nav_to, receiving):
    """The Phòng head's draft roll-up dossier to `receiving`, from the list of the Phòng's dossiers."""
    nav_to(page, "Hồ sơ đề nghị")
    page.get_by_label("Trạng thái").select_option(label="Đang soạn")
    page.get_by_role("button", name="Lọc").click()
    row = page.locator("table tbody tr").filter(has_text=receiving.name)
    expect(row).to_have_count(1)
    row.get_by_role("link").first.click()
    expect(page.locator("#dossier-status")).to_have_text("Đang soạn")


def _sign_and_send(page, number):
    page.get_by_role("link", name="Sửa thông tin tờ trình").click()
    page.get_by_label("Số tờ trình").fill(number)
    page.get_by_label("Ngày tờ trình").fill(f"{datetime.date.today():%d/%m/%Y}")
    page.get_by_label("Người ký tờ trình").fill("Trưởng phòng")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu thông tin hồ sơ.")
    _act(page, "Gửi cấp trên")
    expect(page.locator("#dossier-status")).to_have_text("Đã gửi cấp trên")


def test_council_votes_and_the_titles_reach_the_deciding_levels(
    browser, live_server, page, phone_page, demo_data, log_in, nav_to, shot, axe_check
):
    page.set_default_timeout(60_000)
    users = _users()
    cast, dossier = _sent_year_end_dossier(full=True)
    school, office = cast.school, cast.school.parent
    dossier = demo_nominations._act(dossier, [("reviewer", "start_appraisal", "")], cast)
    demo_nominations._override_if_needed(dossier, cast.reviewer)
    demo_nominations._accept_all(dossier, cast.reviewer)
    # The school's collective title goes before the council. (The CSTĐCS do not: the Phòng's council counts
    # its CSTĐCS places for the whole Phòng, already used up by other schools' decisions this year, so it
    # would fail them all, and the TTLĐXS, which needs a CSTĐCS among its members, with them.)
    ttldxs = dossier.nominations.get(award_type__code="TTLDXS")
    demo_nominations._nomination_act(ttldxs, "pass_to_council", cast.reviewer)
    before_council = [ttldxs]
    star = dossier.nominations.filter(award_type__code="CSTDCS").order_by("pk").first().person
    seats = _council_of_the_office(office, users)
    today = datetime.date.today()
    meeting_link = f"Ngày {today:%d/%m/%Y}, 08:00 – Phòng họp Phòng GD&ĐT Bình Lâm"

    # The chair schedules the meeting, takes the roll, puts the nominations on the agenda, opens a round.
    _as(page, log_in, CHIEF)
    _menu(page, "Hội đồng TĐKT")
    page.get_by_role("link", name=COUNCIL).click()
    page.locator("summary", has_text="Lên lịch phiên họp").click()
    page.get_by_label("Ngày họp").fill(f"{today:%d/%m/%Y}")
    page.get_by_label("Giờ bắt đầu").fill("08:00")
    page.get_by_label("Địa điểm").fill("Phòng họp Phòng GD&ĐT Bình Lâm")
    page.get_by_label("Chủ trì").select_option(label=str(seats[0]))
    page.get_by_label("Thư ký").select_option(label=str(seats[1]))
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lên lịch phiên họp.")
    for seat in seats:
        row = page.locator("table tbody tr").filter(has_text=seat.full_name)
        row.get_by_label("Điểm danh").select_option(label="Có mặt")
        row.get_by_role("button", name="Lưu").click()
        expect(page.locator(".alert-success")).to_contain_text(f"Đã điểm danh {seat.full_name}.")
    for checkbox in page.locator("input[name=nomination]").all():
        checkbox.check()
    page.get_by_role("button", name="Đưa vào nội dung bình xét").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã đưa đề nghị vào nội dung bình xét.")
    expect(page.locator("main ol li")).to_have_count(len(before_council))
    page.get_by_role("button", name="Tạo vòng bỏ phiếu").click()
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    progress = page.locator("#round-progress")
    expect(progress).to_contain_text(f"Đã bỏ phiếu 0/{len(seats)}")
    shot(page, "08-chair-round-open")
    axe_check(page)

    # The chair votes from a second tab; three members from their own browsers, the last one on a phone,
    # who votes against the school's TTLĐXS (three of four still carry it under «quá nửa tổng số»).
    contexts = [
        browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}) for _ in range(2)
    ]
    sheets = [page.context.new_page(), *(c.new_page() for c in contexts), phone_page]
    against = "Tập thể lao động xuất sắc"
    for sheet, username in zip(sheets, [None, *VOTERS], strict=True):
        if username:
            log_in(sheet, username)
        else:
            sheet.goto("/")  # the chair opens the portal in a second tab, signed in already
        _to_round(sheet, meeting_link)
        sheet.get_by_role("link", name="Nhận phiếu và bỏ phiếu").click()
        for fieldset in sheet.locator("fieldset").all():
            choice = "Không đồng ý" if sheet is phone_page and against in fieldset.inner_text() else "Đồng ý"
            fieldset.get_by_text(choice, exact=True).click()
        if sheet is phone_page:
            shot(sheet, "09-ballot-phone")
            axe_check(sheet)
        sheet.get_by_role("button", name="Gửi phiếu").click()
        expect(sheet.locator("#receipt-code")).to_have_text(re.compile(r"^[A-Z2-9]{10}$"))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone_page, "10-receipt-phone")
    axe_check(phone_page)

    # The chair's page counts the sheets without a reload, and shows no choice.
    expect(progress).to_contain_text(f"Đã bỏ phiếu {len(seats)}/{len(seats)}", timeout=15_000)
    assert "Không đồng ý" not in page.locator("main").inner_text()
    page.reload()
    page.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    expect(page.get_by_text("Kết quả kiểm phiếu")).to_be_visible()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã công bố kết quả")
    shot(page, "11-council-results")
    axe_check(page)
    for context in contexts:
        context.close()
    # The result moves the nomination: three of four «đồng ý» carry it under «quá nửa tổng số».
    results = page.locator("table").filter(has_text="Kết quả")
    expect(results.locator("tbody tr").filter(has_text="Tập thể lao động xuất sắc")).to_contain_text("3/4")
    expect(results.locator("tbody tr").filter(has_text="Tập thể lao động xuất sắc")).to_contain_text("Đạt")
    ttldxs.refresh_from_db()
    assert ttldxs.status == NominationStatus.APPROVED_BY_COUNCIL

    # The reviewer completes the appraisal and carries the titles up: the LĐTT and CSTĐCS to the UBND xã (the
    # UBND huyện's successor, which decides district-level titles), the TTLĐXS to the Sở.
    _as(page, log_in, REVIEWER)
    _open_from_inbox(page, nav_to, school, "Đang thẩm định")
    expect(_card(page, ttldxs).locator(".badge").first).to_have_text("Hội đồng TĐKT thông qua")
    _act(page, "Hoàn tất thẩm định", comment="")
    expect(page.locator("#dossier-status")).to_have_text("Đã thẩm định")
    page.locator("#rollup-button").click()
    page.locator("#rollup-form").get_by_role("button", name="Tổng hợp trình cấp trên").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tổng hợp trình cấp trên")
    uppers = {d.receiving_unit.kind: d for d in Dossier.objects.filter(unit=office, status=DossierStatus.DRAFT)}
    commune_dossier, department_dossier = uppers[UnitKind.COMMUNE_AUTHORITY], uppers[UnitKind.DEPARTMENT]
    assert set(commune_dossier.nominations.values_list("award_type__code", flat=True)) == {"LDTT", "CSTDCS"}
    assert list(department_dossier.nominations.values_list("award_type__code", flat=True)) == ["TTLDXS"]
    page.get_by_role("link", name="« Hồ sơ đề nghị khen thưởng").click()
    _open_from_inbox(page, nav_to, school, "Đã thẩm định")
    _act(page, "Đã trình cấp trên")
    expect(page.locator("#dossier-status")).to_have_text("Đã trình cấp trên")

    # The Phòng's head signs the dossier to the UBND xã.
    _as(page, log_in, CHIEF)
    _dossier_of_the_office(page, nav_to, commune_dossier.receiving_unit)
    _sign_and_send(page, "61/TTr-PGDĐT")

    # The UBND xã takes it up, accepts the list in one pass and records its decision.
    commune = commune_dossier.receiving_unit
    _as(page, log_in, COMMUNE)
    _open_from_inbox(page, nav_to, office, "Đã gửi cấp trên", commune_dossier)
    _act(page, "Tiếp nhận, thẩm định")
    page.get_by_role("link", name="Thẩm định hàng loạt").click()
    for select in page.locator("select[name^=action-]").all():
        select.select_option(label="Chấp nhận")
    page.get_by_role("button", name="Xem lại danh sách").click()
    page.get_by_role("button", name="Áp dụng tất cả").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert set(commune_dossier.nominations.values_list("status", flat=True)) == {NominationStatus.ACCEPTED}
    page.get_by_role("link", name="Ghi quyết định khen thưởng").click()
    page.get_by_label("Số quyết định").fill(COMMUNE_DECISION)
    page.get_by_label("Ngày quyết định").fill(f"{today:%d/%m/%Y}")
    page.get_by_label("Cơ quan ban hành").fill(commune.name)
    page.locator("#id_signer").fill("Lê Văn Bình")
    page.get_by_label("Chức vụ người ký").fill("Chủ tịch")
    for radio in page.get_by_label("Được khen thưởng", exact=True).all():
        radio.check()
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator("h1")).to_contain_text(COMMUNE_DECISION)
    shot(page, "12-decision")
    axe_check(page)

    # With its members' LĐTT decided, the Phòng's head sends the TTLĐXS on to the Sở.
    _as(page, log_in, CHIEF)
    _dossier_of_the_office(page, nav_to, department_dossier.receiving_unit)
    _sign_and_send(page, "62/TTr-PGDĐT")

    # The school's head looks the teacher up: the year's new title, with the decision's number.
    _as(page, log_in, HEAD)
    nav_to(page, "Tra cứu thành tích")
    page.get_by_label("Họ tên").fill(star.full_name)
    page.get_by_role("button", name="Lọc").click()
    page.locator("table tbody tr").get_by_role("link", name=star.full_name, exact=True).first.click()
    expect(page.locator("h1")).to_have_text(f"Thành tích khen thưởng – {star.full_name}")
    row = page.locator("table").first.locator("tbody tr").filter(has_text=school_year_label(current_school_year()))
    expect(row).to_contain_text(CSTDCS)
    expect(row).to_contain_text(f"QĐ {COMMUNE_DECISION}")
    shot(page, "13-history")
    axe_check(page)
    record = AwardRecord.objects.get(person=star, school_year=current_school_year(), award_type__code="CSTDCS")
    assert (record.decision_number, record.issuer) == (COMMUNE_DECISION, commune.name)
