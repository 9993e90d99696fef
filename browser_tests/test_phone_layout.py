"""Every main page fits its window: on a 390 px phone with the menu open, and on a 1280 px desktop with each
header dropdown open, the page never scrolls sideways (wide tables scroll inside their own box); the header
names the person, not the login."""

import pytest
from playwright.sync_api import expect

from units.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
SECRETARY = "mn-hoasen-bl.thuky"
REVIEWER = "so.chuyenvien"
TWO_ROLES = "kiemnhiem.thuky"  # the role switcher sits in the header too
HEAD = "pgd-bl.truongphong"
PAGES = [
    "/",
    "/don-vi/",
    "/don-vi/ca-nhan/",
    "/don-vi/khoi-thi-dua/",
    "/phong-trao/",
    "/phong-trao/giao-uoc/",
    "/ho-so-de-nghi/",
    "/ho-so-de-nghi/quyet-dinh/",
    "/ho-so-de-nghi/cong-khai/",
    "/khen-thuong/",
    "/khen-thuong/tra-cuu/",
    "/hoi-dong/",
    "/thong-bao/",
    "/tim-kiem/?q=nguyen",
    "/tai-khoan/hoat-dong-dang-nhap/",
    "/tai-khoan/xac-thuc-hai-buoc/",
    "/tai-khoan/password_change/",
]


@pytest.fixture
def context_for(browser, live_server):
    contexts = []

    def context_for(viewport):
        phone = viewport == PHONE
        context = browser.new_context(
            viewport=viewport, base_url=live_server.url, locale="vi-VN", is_mobile=phone, has_touch=phone
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield context_for
    for context in contexts:
        context.close()


def open_menu(page) -> None:
    """On a phone: tap the menu button and wait until the menu has finished opening."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#mainnav.collapse.show")).to_be_visible()


def assert_fits(page, where: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(FITS), f"{where} scrolls sideways: page {widths[0]} px in a {widths[1]} px window"


def check_pages(page, username, log_in, paths) -> None:
    log_in(page, username)
    width = page.viewport_size["width"]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        open_menu(page)
        assert_fits(page, f"{path} at {width} px, menu open")
    # Each dropdown of the header, opened in turn (on a phone inside the opened menu).
    page.goto("/")
    open_menu(page)
    toggles = page.locator("nav.navbar [data-bs-toggle=dropdown]")
    for index in range(toggles.count()):
        toggle = toggles.nth(index)
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        assert_fits(page, f"the «{toggle.inner_text().strip()}» dropdown at {width} px")
        toggle.click()


@pytest.mark.parametrize("username", [SECRETARY, REVIEWER, TWO_ROLES, HEAD])
def test_main_pages_fit_a_phone_and_a_desktop_with_the_menu_open(context_for, demo_data, log_in, username):
    person = Person.objects.filter(user__username=username).first()
    paths = [*PAGES, f"/don-vi/ca-nhan/{person.pk}/"] if person else PAGES
    for viewport in (PHONE, DESKTOP):
        check_pages(context_for(viewport), username, log_in, paths)


def test_an_open_unit_picker_fits_a_phone(context_for, demo_data, log_in):
    """The picker's suggestions (long school names with their Phòng) wrap inside the phone's width."""
    page = context_for(PHONE)
    log_in(page, REVIEWER)
    page.goto("/don-vi/ca-nhan/")
    box = page.get_by_role("combobox", name="Đơn vị")
    box.fill("truong")
    options = page.locator("[data-unit-picker]").filter(has=box).get_by_role("option")
    expect(options.first).to_be_visible()
    assert options.count() > 5
    assert_fits(page, "the staff list's unit picker, open, at 390 px")
    box_right = page.evaluate("el => el.getBoundingClientRect().right", options.first.element_handle())
    assert box_right <= PHONE["width"], f"a suggestion ends at {box_right} px"


def test_desktop_menu_keeps_to_one_row(context_for, demo_data, log_in):
    """At 1280 px the menu has a row of its own under the brand, search and account, and that row never wraps,
    also for a head, who sees the most entries (reports, the audit trail in the account menu)."""
    for username in (TWO_ROLES, HEAD):
        page = context_for(DESKTOP)
        log_in(page, username)
        expect(page.locator(".navbar-toggler")).to_be_hidden()
        links = page.locator("nav.navbar .portal-menu > .nav-item")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, f"the menu of {username} wraps onto {len(tops)} rows at 1280 px"
        search = page.get_by_label("Tìm kiếm").bounding_box()
        assert search["y"] + search["height"] <= min(tops), "the menu is not under the search row"


def test_header_names_the_person_not_the_login(context_for, demo_data, log_in):
    person = Person.objects.select_related("user").get(user__username=SECRETARY)
    for viewport in (PHONE, DESKTOP):
        page = context_for(viewport)
        log_in(page, SECRETARY)
        open_menu(page)
        account = page.locator("nav.navbar .header-name")
        expect(account).to_have_text(person.full_name)
        expect(page.locator("nav.navbar")).not_to_contain_text(SECRETARY)
