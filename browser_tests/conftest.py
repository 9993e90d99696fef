"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

`playwright install` is neither needed nor possible here (it downloads from a CDN);
we launch /usr/bin/chromium (`apt-get install chromium`). Without it, every test in
this folder is skipped with a clear reason. Run with `make test-browser`.

Every module marks its tests `browser` and `django_db(transaction=True, serialized_rollback=True)`:
live-server tests are transactional, each ends with a flush that also wipes rows created by data
migrations (the award catalog), and serialized rollback puts those back before the next test.
"""

import io
import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "tdkt2025"  # units.demo.DEMO_PASSWORD; repeated so a rename fails loudly here


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread; Django's ORM would refuse
    # to run there (SynchronousOnlyOperation). Only while browser tests run, not for the suite.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop browser context (own cookies) per test, pointed at the live server."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="vi-VN", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir(tmp_path_factory):
    """Where journeys save screenshots; BROWSER_SCREENSHOTS keeps them somewhere fixed for a human to look at."""
    fixed = os.environ.get("BROWSER_SCREENSHOTS")
    path = Path(fixed) if fixed else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def demo_data(transactional_db):
    """The demo province (seed_demo), committed so the live server's thread sees it."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def nav_to():
    """nav_to(page, "Cá nhân"): follow a header menu entry, opening its dropdown first if it sits in one."""

    def nav_to(page, name):
        in_nav = page.get_by_role("link", name=name, exact=True, include_hidden=True)
        link = page.locator("nav.navbar").locator(in_nav).first
        if not link.is_visible():
            dropdown = page.locator("nav.navbar .dropdown").filter(has=in_nav)
            dropdown.locator("[data-bs-toggle=dropdown]").click()
        link.click()

    return nav_to


@pytest.fixture
def log_in():
    """log_in(page, username[, password]): fill the login form and land on the home page."""

    def log_in(page, username, password=DEMO_PASSWORD):
        page.goto("/tai-khoan/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(re.compile(r"/$"))

    return log_in
