"""The journeys' guard (conftest.PageGuard) sees what it must: an undeclared 404, a console error, a script error,
a Content-Security-Policy violation, a portal page without the policy; and lets through a status the test declared."""

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import DESKTOP, PageGuard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def watched(_chromium, live_server):
    """A page watched by a guard of its own, not the test's (whose findings would fail this test)."""
    guard = PageGuard(origin=live_server.url)
    context = guard.watch(_chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="vi-VN"))
    yield guard, context.new_page()
    guard.close_contexts()


def test_guard_reports_an_undeclared_404_and_script_errors(watched):
    guard, page = watched

    response = page.goto("/khong-co-trang-nay/")
    assert response.status == 404
    page.evaluate("() => console.error('lỗi thử')")
    # Thrown from a timer (an inline <script> tag would now be refused by the policy instead of running).
    page.evaluate(
        "() => new Promise((done) => { setTimeout(() => { throw new Error('hỏng'); }); setTimeout(done, 50); })"
    )
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


def _served_with(page, extra_html: str, drop_csp: bool = False):
    """Serve the real login page (its real headers) with `extra_html` slipped in before </body>."""

    def inject(route):
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if not (drop_csp and k == "content-security-policy")}
        body = response.text().replace("</body>", extra_html + "</body>")
        route.fulfill(status=response.status, headers=headers, body=body)

    page.route("**/tai-khoan/login/", inject)


def test_guard_reports_inline_code_the_policy_refuses(watched):
    guard, page = watched
    _served_with(page, '<p id="do" style="color: red">x</p><script>document.title = "đã chạy";</script>')

    page.goto("/tai-khoan/login/")
    page.evaluate("() => new Promise((done) => setTimeout(done, 50))")

    assert page.title() != "đã chạy", "the inline script was refused"
    assert page.evaluate("() => getComputedStyle(document.getElementById('do')).color") != "rgb(255, 0, 0)"
    violations = [p for p in guard.problems if p.startswith("Content-Security-Policy violation on ")]
    assert any("script-src" in p and "refused inline" in p for p in violations), guard.problems
    assert any("style-src" in p and "refused inline" in p for p in violations), guard.problems


def test_guard_reports_a_portal_page_without_the_policy(watched):
    guard, page = watched
    _served_with(page, "", drop_csp=True)

    page.goto("/tai-khoan/login/")

    assert any(p.startswith("no Content-Security-Policy header on GET ") for p in guard.problems), guard.problems
