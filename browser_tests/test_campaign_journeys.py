"""Journeys through the campaigns app: a school registers, its head submits, the Phòng reviews; scope; phones."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from awards.schoolyear import school_year_of
from campaigns import services
from campaigns.enums import CampaignKind, DeadlineAction, RegistrationStatus
from campaigns.models import Campaign, Registration
from campaigns.selectors import registration_people, registration_teams
from core.models import TransitionLog
from units.enums import UnitKind
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETARY = "mn-hoasen-bl.thuky"
HEAD = "mn-hoasen-bl.hieutruong"
REVIEWER = "pgd-bl.chuyenvien"
SIBLING_SECRETARY = "mn-sonca-bl.thuky"
LDTT, CSTDCS = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"
TTLDTT = "Tập thể lao động tiên tiến"
NO_PAGE_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _school(short_name, district="Bình Lâm"):
    return Unit.objects.get(kind=UnitKind.SCHOOL, short_name=short_name, parent__name__endswith=district)


def _annual_campaign():
    """Seed 000 of the demo: the Phòng Bình Lâm's yearly plan (Hoa Sen has already filed in it)."""
    return Campaign.objects.get(launched_by__name__endswith="Bình Lâm", document_number="345")


def _fresh_campaign():
    """A launched yearly campaign of the Phòng Bình Lâm in which no school has registered yet.

    The demo's own yearly campaign already holds Hoa Sen's submitted registration, so the
    journey gets a second one, built the way the Phòng would build it (through the services).
    """
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="Bình Lâm")
    head = get_user_model().objects.get(username="pgd-bl.truongphong")
    today = datetime.date.today()
    year = school_year_of(today)
    campaign = services.campaign_create(
        launched_by=office,
        name=f"Phong trào thi đua “Dạy tốt – Học tốt” năm học {year}-{year + 1}",
        kind=CampaignKind.REGULAR,
        by=head,
        school_year=year,
        document_number="412",
        document_symbol="KH-PGDĐT",
        issued_on=today,
        legal_bases=["Luật Thi đua, khen thưởng ngày 15/6/2022"],
    )
    services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.REGISTER,
        unit_kind=UnitKind.SCHOOL,
        due_date=today + datetime.timedelta(days=14),
    )
    return services.campaign_launch(campaign=campaign, by=head)


def _open_campaign(page, nav_to, campaign):
    nav_to(page, "Phong trào thi đua")
    expect(page.locator("h1")).to_have_text("Phong trào thi đua")
    page.get_by_role("link", name=campaign.name, exact=True).click()
    expect(page.locator("h1")).to_have_text(campaign.name)


def test_school_registers_head_submits_office_sees_it_once(page, demo_data, log_in, nav_to):
    school = _school("Mầm non Hoa Sen")
    campaign = _fresh_campaign()
    first, second = list(registration_people(None, school).order_by("full_name", "pk")[:2])
    team = registration_teams(school).first()
    register_button = f"Đăng ký thi đua của {school.short_name}"

    # The secretary fills in the registration: two people, two titles.
    log_in(page, SECRETARY)
    _open_campaign(page, nav_to, campaign)
    expect(page.locator("main p.text-muted").first).to_contain_text(campaign.launched_by.name)
    page.get_by_role("link", name=register_button).click()
    expect(page.locator("h1")).to_have_text(f"Đăng ký thi đua – {school.name}")
    page.get_by_label(f"Danh hiệu của {first.full_name}", exact=True).select_option(label=LDTT)
    page.get_by_label(f"Danh hiệu của {second.full_name}", exact=True).select_option(label=CSTDCS)
    page.get_by_label(f"Sáng kiến của {second.full_name}", exact=True).fill("Trò chơi dân gian trong giờ học")
    # One CSTĐCS of two people is over the 15 % quota estimate: the line is kept with an explanation.
    page.get_by_label(f"Giải trình của {second.full_name}", exact=True).fill("Tổ thống nhất đề xuất; chờ bình xét.")
    # One of its teams registers its own collective title.
    page.get_by_label(f"Danh hiệu tập thể của {team.name}", exact=True).select_option(label=TTLDTT)
    # Most of the team is not put down for LĐTT yet, so the engine marks its TTLĐTT: the team line is explained too.
    page.get_by_label(f"Giải trình của {team.name}", exact=True).fill("Tổ sẽ bổ sung đăng ký của các thành viên.")
    page.get_by_role("button", name="Lưu bản đăng ký").click()

    expect(page.locator(".alert-success")).to_contain_text("Đã lưu bản đăng ký thi đua.")
    expect(page.locator("h1")).to_have_text(f"Đăng ký thi đua – {school.name}")
    expect(page.locator("main .badge").first).to_have_text(RegistrationStatus.DRAFT.label)
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text=first.full_name)).to_contain_text(LDTT)
    expect(rows.filter(has_text=second.full_name)).to_contain_text(CSTDCS)
    expect(rows.filter(has_text=second.full_name)).to_contain_text("Trò chơi dân gian trong giờ học")
    expect(rows.filter(has_text=team.name)).to_contain_text(TTLDTT)
    expect(page.locator("main")).to_contain_text(f"{TTLDTT}: 1/{registration_teams(school).count()} tổ")
    # Only the head sends it up; the secretary presents it to the head ("Trình thủ trưởng"), with a note.
    expect(page.get_by_role("button", name="Gửi cấp trên")).to_have_count(0)
    page.locator("summary").filter(has_text="Trình thủ trưởng").click()
    page.get_by_label("Ý kiến").fill("Kính trình thầy duyệt.")
    page.get_by_role("button", name="Trình thủ trưởng").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã trình thủ trưởng đơn vị.")
    expect(page.locator("main .badge").first).to_have_text(RegistrationStatus.AWAITING_HEAD.label)
    expect(page.get_by_role("link", name="Sửa bản đăng ký")).to_have_count(0)

    # The head is told, opens the same registration from the campaign page (it exists now) and sends it.
    page.context.clear_cookies()
    log_in(page, HEAD)
    page.goto("/thong-bao/")
    expect(page.locator("main")).to_contain_text(f"Bản đăng ký thi đua của {school.name}")
    _open_campaign(page, nav_to, campaign)
    expect(page.get_by_role("link", name=register_button)).to_have_count(0)
    page.get_by_role("link", name=f"Bản đăng ký của {school.short_name} (chờ thủ trưởng duyệt)").click()
    expect(page.locator("h1")).to_have_text(f"Đăng ký thi đua – {school.name}")
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text=first.full_name)).to_contain_text(LDTT)
    expect(rows.filter(has_text=second.full_name)).to_contain_text(CSTDCS)

    submit_form = page.locator("form").filter(has=page.get_by_role("button", name="Gửi cấp trên"))
    stale_post = submit_form.evaluate("form => ({action: form.action, fields: Object.fromEntries(new FormData(form))})")
    submit_form.get_by_role("button", name="Gửi cấp trên").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi bản đăng ký lên cấp trên.")
    expect(page.locator("main .badge").first).to_have_text(RegistrationStatus.SUBMITTED.label)
    expect(page.locator("main")).to_contain_text("gửi lúc")
    expect(page.get_by_role("button", name="Gửi cấp trên")).to_have_count(0)
    expect(page.get_by_role("link", name="Sửa bản đăng ký")).to_have_count(0)

    # The same form posted again (a double click, a browser re-post) files nothing new.
    again = page.request.post(stale_post["action"], form=stale_post["fields"])
    assert again.ok, again.status
    assert Registration.objects.filter(campaign=campaign, unit=school).count() == 1
    registration = Registration.objects.get(campaign=campaign, unit=school)
    submitted = TransitionLog.objects.filter(
        workflow="registration", object_id=registration.pk, to_state=RegistrationStatus.SUBMITTED
    )
    assert submitted.count() == 1
    page.reload()
    history = page.locator("main ul.small li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text(
        f"{RegistrationStatus.DRAFT.label} → {RegistrationStatus.AWAITING_HEAD.label} (Kính trình thầy duyệt.)"
    )
    expect(history.nth(1)).to_contain_text(
        f"Gửi cấp trên: {RegistrationStatus.AWAITING_HEAD.label} → {RegistrationStatus.SUBMITTED.label}"
    )

    # The Phòng's reviewer: the overview shows the school as sent, with its totals.
    page.context.clear_cookies()
    log_in(page, REVIEWER)
    _open_campaign(page, nav_to, campaign)
    page.get_by_role("link", name="Tổng hợp đăng ký").click()
    expect(page.locator("h1")).to_have_text("Tổng hợp đăng ký thi đua")
    summary = page.locator("main p").filter(has_text="Đơn vị phải đăng ký")
    expect(summary).to_contain_text("đã đăng ký: 1 (đã gửi: 1)")
    titles = page.locator("main .col-md-4").filter(has_text="Danh hiệu cá nhân (đã gửi)")
    expect(titles).to_contain_text(f"{LDTT}: 1")
    expect(titles).to_contain_text(f"{CSTDCS}: 1")

    page.get_by_label("Tên đơn vị").fill("Hoa Sen")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"q=Hoa"))
    school_row = page.locator("table tbody tr").filter(has_text=school.name)
    expect(school_row).to_have_count(1)
    expect(school_row.get_by_role("link", name="Đã gửi")).to_be_visible()
    school_row.get_by_role("link", name="Đã gửi").click()
    expect(page.locator("h1")).to_have_text(f"Đăng ký thi đua – {school.name}")
    expect(page.locator("summary").filter(has_text="Trả lại đơn vị")).to_be_visible()

    # And the Phòng was told.
    page.goto("/thong-bao/")
    expect(page.locator("main")).to_contain_text(f"{school.name} đã gửi đăng ký thi đua của phong trào")


def test_sibling_school_secretary_cannot_open_the_registration(page, page_guard, demo_data, log_in):
    hoasen = _school("Mầm non Hoa Sen")
    campaign = _annual_campaign()
    registration = Registration.objects.get(campaign=campaign, unit=hoasen)

    log_in(page, SIBLING_SECRETARY)
    page_guard.allow(404, url="/dang-ky/")
    for url in (f"/phong-trao/{campaign.pk}/dang-ky/{hoasen.pk}/", f"/phong-trao/dang-ky/{registration.pk}/"):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
        expect(page.locator("main")).to_contain_text("nằm ngoài phạm vi đơn vị của bạn")

    # Her own school's form in the same campaign opens.
    own = _school("Mầm non Sơn Ca")
    response = page.goto(f"/phong-trao/{campaign.pk}/dang-ky/{own.pk}/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text(f"Đăng ký thi đua – {own.name}")


def test_campaigns_usable_on_a_phone(phone_page, demo_data, screenshot_dir, log_in, nav_to):
    page = phone_page
    campaign = _annual_campaign()
    log_in(page, SECRETARY)

    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("nav.navbar").get_by_role("link", name="Thi đua", exact=True)).to_be_hidden()
    toggler.click()
    expect(page.locator("#mainnav.collapse.show")).to_be_visible()
    nav_to(page, "Phong trào thi đua")
    expect(page.locator("h1")).to_have_text("Phong trào thi đua")
    expect(page.locator("#mainnav")).to_be_hidden()  # a new page starts with the menu closed
    assert page.evaluate(NO_PAGE_SCROLL), "the campaign list scrolls sideways on a phone"
    page.screenshot(path=str(screenshot_dir / "campaign-list-phone.png"), full_page=True)

    page.get_by_role("link", name=campaign.name, exact=True).click()
    expect(page.locator("h1")).to_have_text(campaign.name)
    expect(page.get_by_role("heading", name="Hạn chót")).to_be_visible()
    assert page.evaluate(NO_PAGE_SCROLL), "the campaign page scrolls sideways on a phone"
    page.screenshot(path=str(screenshot_dir / "campaign-detail-phone.png"), full_page=True)

    # Hoa Sen has already sent its registration: the button leads to it, read-only.
    page.get_by_role("link", name="Bản đăng ký của Mầm non Hoa Sen (đã gửi cấp trên)").click()
    expect(page.locator("h1")).to_have_text("Đăng ký thi đua – Trường Mầm non Hoa Sen")
    expect(page.locator("main .badge").first).to_have_text(RegistrationStatus.SUBMITTED.label)
    expect(page.get_by_role("link", name="Sửa bản đăng ký")).to_have_count(0)
    assert page.evaluate(NO_PAGE_SCROLL), "the registration page scrolls sideways on a phone"
    page.screenshot(path=str(screenshot_dir / "registration-phone.png"), full_page=True)
    page.locator("table").filter(has_text="Họ và tên").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "registration-table-phone.png"))
