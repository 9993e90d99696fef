"""The main pages pass axe-core (vendored, static/vendor/axe) with no critical or serious violation: the login
page, a secretary's home, staff list and dossier list, a Phòng head's dashboard. Each page is photographed first
(.ci/work/screenshots/test_accessibility.<test>/), so a failure can be looked at."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_login_page_is_accessible(page, demo_data, shot, axe_check):
    page.goto("/tai-khoan/login/")

    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    shot(page, "01-login")
    axe_check(page)


def test_secretary_main_pages_are_accessible(page, demo_data, log_in, nav_to, shot, axe_check):
    log_in(page, "mn-hoasen-bl.thuky")

    expect(page.get_by_role("heading", level=1)).to_have_text("Trường Mầm non Hoa Sen")
    shot(page, "01-home")
    axe_check(page)

    nav_to(page, "Cá nhân")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cá nhân")
    shot(page, "02-staff-list")
    axe_check(page)

    nav_to(page, "Hồ sơ đề nghị")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ đề nghị")
    shot(page, "03-dossier-list")
    axe_check(page)


def test_phong_head_dashboard_is_accessible(page, demo_data, log_in, nav_to, shot, axe_check):
    log_in(page, "pgd-bl.truongphong")

    nav_to(page, "Bảng điều khiển")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bảng điều khiển")
    shot(page, "01-dashboard")
    axe_check(page)
