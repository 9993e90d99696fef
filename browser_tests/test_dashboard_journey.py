"""Dashboards on the demo province: the Sở, a Phòng and a school head open «Bảng điều khiển» from the menu, see
charts drawn (bars with a width), drill down from a figure to its list, and the page fits a 390 px phone.

`BROWSER_SCREENSHOTS=docs/screenshots` keeps the screenshots shown in the README (dashboard-<level>-<size>.png).
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth"
HEADS = [
    ("so.giamdoc", "so", "Sở Giáo dục và Đào tạo"),
    ("pgd-bl.truongphong", "phong", "Phòng Giáo dục và Đào tạo huyện Bình Lâm"),
    ("mn-hoasen-bl.hieutruong", "truong", "Trường Mầm non Hoa Sen"),
]


def _bars_drawn(page) -> int:
    """Bars with a real width (a decimal comma in the coordinates would leave every bar empty)."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('svg.chart-svg rect')).filter(r => r.getBBox().width > 0).length"
    )


@pytest.mark.parametrize(("username", "level", "unit_name"), HEADS, ids=[h[1] for h in HEADS])
def test_dashboard_head_opens_it_from_the_menu_and_drills_down(
    page, demo_data, log_in, nav_to, screenshot_dir, username, level, unit_name
):
    log_in(page, username)

    nav_to(page, "Bảng điều khiển")

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Bảng điều khiển: {unit_name}")
    assert _bars_drawn(page) > 0
    page.screenshot(path=str(screenshot_dir / f"dashboard-{level}-desktop.png"))
    first_campaign = page.locator("#campaign-table tbody tr").first
    first_campaign.locator("td").nth(2).get_by_role("link").last.click()
    # The overview of the campaign narrowed to the dashboard's unit (its subtree), shown as a chip.
    expect(page).to_have_url(re.compile(r"/phong-trao/\d+/tong-hop/\?unit=\d+$"))
    expect(page.locator("#unit-chip")).to_contain_text(unit_name)


@pytest.mark.parametrize(("username", "level", "unit_name"), HEADS, ids=[h[1] for h in HEADS])
def test_dashboard_fits_a_phone(phone_page, demo_data, log_in, screenshot_dir, username, level, unit_name):
    log_in(phone_page, username)

    phone_page.goto("/bang-dieu-khien/")

    expect(phone_page.get_by_role("heading", level=1)).to_contain_text(unit_name)
    assert phone_page.evaluate(FITS)
    assert _bars_drawn(phone_page) > 0
    phone_page.screenshot(path=str(screenshot_dir / f"dashboard-{level}-phone.png"))
