"""The journeys' guard (conftest.PageGuard) sees what it must: an undeclared 404, a console error, a script error;
and lets through a status the test declared."""

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import DESKTOP, PageGuard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def watched(_chromium, live_server):
    """A page watched by a guard of its own, not the test's (whose findings would fail this test)."""
    guard = PageGuard()
    context = guard.watch(_chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="vi-VN"))
    yield guard, context.new_page()
    guard.close_contexts()


def test_guard_reports_an_undeclared_404_and_script_errors(watched):
    guard, page = watched

    response = page.goto("/khong-co-trang-nay/")
    assert response.status == 404
    page.evaluate("() => console.error('lỗi thử')")
    page.add_script_tag(content="throw new Error('hỏng')")
    page.evaluate("() => 1")  # one more round trip: the browser's events before it have been handled

    assert any(p.startswith("HTTP 404 for GET ") and p.endswith("/khong-co-trang-nay/") for p in guard.problems)
    assert any("console error" in p and "lỗi thử" in p for p in guard.problems)
    assert any(p.startswith("script error") and "hỏng" in p for p in guard.problems)


def test_guard_lets_a_declared_status_through(watched):
    guard, page = watched
    guard.allow(404, url="/khong-co-trang-nay/")

    response = page.goto("/khong-co-trang-nay/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    assert guard.problems == []
