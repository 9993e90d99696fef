"""Browser journeys: Playwright drives Debian's Chromium against the portal.

`playwright install` is neither needed nor possible here (it downloads from a CDN);
we launch /usr/bin/chromium (`apt-get install chromium`). Without it, every test in
this folder is skipped with a clear reason. Run with `make test-browser`.

The server (`live_server`, the name pytest-django gives it, so journeys read `live_server.url`):
- on PostgreSQL, gunicorn on 127.0.0.1 with production settings (DEBUG off, WhiteNoise serving a fresh
  `collectstatic` with the manifest storage into a temporary STATIC_ROOT), connected to the test database
  pytest-django created, with the same REDIS_URL, so documents render on the real Celery worker of .ci/run
  (settings: browser_tests/server_settings.py);
- on SQLite (local runs), pytest-django's live server thread. BROWSER_SERVER=live forces it on PostgreSQL.

Every page is watched (`page_guard`, automatic for `page`, `phone_page` and any context made from `browser`):
a console error, an uncaught script error, a failed request, a 4xx/5xx response the test did not declare with
`page_guard.allow(404, url="/don-vi/")`, an ERROR line in the server's log, a Content-Security-Policy violation
(reported by a `securitypolicyviolation` listener installed before the page's scripts, and by Chromium's console)
or a portal page without the policy's header fails the test at teardown.

Helpers: `shot(page, "03-sent-to-head")` saves a screenshot of a step under .ci/work/screenshots/<test>/ (or
$BROWSER_SCREENSHOTS/<test>/), which CI keeps; `axe_check(page)` runs the vendored axe-core in the page and fails
on critical or serious accessibility violations.

Every module marks its tests `browser` and `django_db(transaction=True, serialized_rollback=True)`:
live-server tests are transactional (the server is another thread or process: it sees committed rows only),
each ends with a flush that also wipes rows created by data migrations (the award catalog), and serialized
rollback puts those back before the next test.
"""

import io
import logging
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
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
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS") or ROOT / ".ci" / "work" / "screenshots")
AXE_JS = ROOT / "static" / "vendor" / "axe" / "axe.min.js"
SERVER_START_TIMEOUT = 60  # seconds for gunicorn to answer its first request
# Lines of the server log that fail a journey: Django's records at ERROR and above (server_settings.py puts
# the level first), gunicorn's own [ERROR]/[CRITICAL] (a worker timeout, a crash), any traceback.
SERVER_LOG_ERROR = re.compile(r"^(ERROR|CRITICAL) |\[(ERROR|CRITICAL)\]|Traceback \(most recent call last\)", re.M)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


# --- The server ---------------------------------------------------------------------------------------------


class _ErrorRecords(logging.Handler):
    """The live server thread's ERROR records (it logs through this process's logging)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")


class ThreadServer:
    """pytest-django's live server thread (SQLite, local runs), with its ERROR log records."""

    kind = "live server"

    def __init__(self):
        from pytest_django.live_server_helper import LiveServer

        self._server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
        self._live_server_modified_settings = self._server._live_server_modified_settings
        self._records = _ErrorRecords()
        logging.getLogger().addHandler(self._records)

    @property
    def url(self) -> str:
        return self._server.url

    def mark(self) -> int:
        from django.core.cache import cache

        cache.clear()  # rate limits and the to-do badge start afresh in each journey, as on gunicorn
        return len(self._records.lines)

    def errors_since(self, mark: int) -> str:
        return "\n".join(self._records.lines[mark:])

    def stop(self):
        logging.getLogger().removeHandler(self._records)
        self._server.stop()


class GunicornServer:
    """gunicorn serving the portal from the test database, with production settings; its log in a file."""

    kind = "gunicorn"

    def __init__(self, workdir: Path):
        from django.conf import settings
        from django.test.utils import modify_settings

        self.workdir = workdir
        # .ci/run keeps it in .ci/work (BROWSER_SERVER_LOG); emptied at each session's start.
        self.log_path = Path(os.environ.get("BROWSER_SERVER_LOG") or workdir / "gunicorn.log")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_bytes(b"")
        self.cache_dir = workdir / "cache"
        self.port = _free_port()
        # The test process's requests (Django's test client, if a journey uses it) keep working.
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "browser_tests.server_settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "0",
            "SECRET_KEY": f"browser-{secrets.token_urlsafe(40)}",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "STATIC_ROOT": str(workdir / "static"),
            # Hashed names and a strict manifest, as in production; without the compression, which took a
            # minute of the run (.ci/run collects with CompressedManifestStaticFilesStorage before the tests).
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "0",  # plain http on 127.0.0.1: a Secure cookie would not come back
            "CACHE_URL": f"filecache://{self.cache_dir}",
            "PORTAL_BASE_URL": self.url,
        }
        for name in ("CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
            env.pop(name, None)  # production's https settings, had the caller exported them
        python = sys.executable
        collect = subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if collect.returncode:
            raise RuntimeError(f"collectstatic for the journeys' gunicorn failed:\n{collect.stderr}")
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (open for the whole session, closed in stop())
        self.process = subprocess.Popen(
            [
                str(Path(python).parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_until_up(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/tai-khoan/login/", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not answer within {SERVER_START_TIMEOUT} s (log: {self.log_path})")
            time.sleep(0.2)

    def mark(self) -> int:
        # Rate limits and the to-do badge start afresh in each journey (the live server's cache did not).
        shutil.rmtree(self.cache_dir, ignore_errors=True)
        return self.log_path.stat().st_size

    def errors_since(self, mark: int) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(mark)
            text = log.read().decode("utf-8", "replace")
        return text if SERVER_LOG_ERROR.search(text) else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _test_database_url() -> str:
    """The test database pytest-django created (as documents/tests/test_worker_documents.py hands its workers)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    return "postgres://{user}:{password}@{host}:{port}/{name}".format(
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        name=db["NAME"],
    )


_SERIALIZED: dict[str, str] = {}


def _keep_serialized_rollback():
    """Give Django's connections of the current context the test database's serialized contents.

    Once Playwright's sync API runs its event loop in this thread, asgiref sees an async thread and Django's
    connection handler hands out new connection objects, without the `_test_serialized_contents` that
    `serialized_rollback` restores from: the next test would start without the award catalog. Remember the
    contents while they are there, and put them on the new connections.
    """
    from django.db import connections

    for conn in connections.all(initialized_only=False):
        contents = getattr(conn, "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED[conn.alias] = contents
        elif conn.alias in _SERIALIZED:
            conn._test_serialized_contents = _SERIALIZED[conn.alias]


@pytest.fixture(scope="session")
def live_server(django_db_setup, tmp_path_factory):
    """The journeys' server: gunicorn on PostgreSQL, pytest-django's live server thread on SQLite."""
    from django.db import connection

    _keep_serialized_rollback()
    if connection.vendor == "postgresql" and os.environ.get("BROWSER_SERVER", "gunicorn") == "gunicorn":
        server = GunicornServer(Path(tempfile.mkdtemp(prefix="portal-gunicorn-", dir=tmp_path_factory.getbasetemp())))
    else:
        server = ThreadServer()
    yield server
    server.stop()


# --- Clean pages --------------------------------------------------------------------------------------------


# Installed in every document before its own scripts run (Playwright's init scripts are not subject to the page's
# CSP): each violation the browser reports goes to the guard through an exposed binding, with what and where.
_CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => {
    window.__portalCspViolation({
        directive: event.effectiveDirective || event.violatedDirective,
        blocked: event.blockedURI,
        source: event.sourceFile,
        line: event.lineNumber,
        page: document.location.href,
    });
}, true);"""


class PageGuard:
    """Collects what a user would call a broken page, in every watched browser context of one test.

    With `origin` (the server's address), every HTML page of the portal must also carry the enforced
    Content-Security-Policy: without it the violation check would pass by default.
    """

    def __init__(self, origin: str | None = None):
        self.problems: list[str] = []
        self.allowed: list[tuple[int, re.Pattern | None]] = []
        self.contexts: list = []
        self.closing = False
        self.origin = origin

    def allow(self, *statuses: int, url: str | None = None):
        """Declare responses the test expects, e.g. allow(404, url="/don-vi/") for an outsider's refusal."""
        pattern = re.compile(url) if url else None
        self.allowed.extend((status, pattern) for status in statuses)

    def watch(self, context):
        self.contexts.append(context)
        context.on("console", self._console)
        context.on("weberror", lambda error: self._add(f"script error: {error.error}"))
        context.on("response", self._response)
        context.on("requestfailed", self._request_failed)
        context.expose_binding("__portalCspViolation", self._csp_violation)
        context.add_init_script(_CSP_LISTENER)
        return context

    def _add(self, problem: str):
        if not self.closing:
            self.problems.append(problem)

    def _console(self, message):
        # Chromium logs every 4xx/5xx as "Failed to load resource": the response handler judges those.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            # Chromium also logs each CSP refusal ("Refused to … because it violates the following Content Security
            # Policy directive"), a second net under the listener's report.
            csp = "Content Security Policy" in message.text
            kind = "Content-Security-Policy violation (console)" if csp else "console error"
            self._add(f"{kind} on {message.page.url if message.page else '?'}: {message.text}")

    def _csp_violation(self, _source, violation):
        where = f"{violation['source']}:{violation['line']}" if violation.get("source") else "inline"
        self._add(
            f"Content-Security-Policy violation on {violation['page']}: {violation['directive']} refused "
            f"{violation['blocked'] or 'inline code'} ({where})"
        )

    def _response(self, response):
        if self.origin and response.request.resource_type == "document" and response.url.startswith(self.origin):
            headers = response.headers
            if headers.get("content-type", "").startswith("text/html") and not headers.get("content-security-policy"):
                self._add(f"no Content-Security-Policy header on {response.request.method} {response.url}")
        if response.status < 400:
            return
        for status, pattern in self.allowed:
            if response.status == status and (pattern is None or pattern.search(response.url)):
                return
        self._add(f"HTTP {response.status} for {response.request.method} {response.url}")

    def _request_failed(self, request):
        failure = request.failure or ""
        # ERR_ABORTED: a navigation or a download replaced the request (htmx polling as the user clicks on).
        if "ERR_ABORTED" not in failure:
            self._add(f"request failed: {request.method} {request.url}: {failure}")

    def close_contexts(self):
        self.closing = True
        for context in self.contexts:
            try:
                context.close()
            except Exception:  # noqa: BLE001 (already closed by the test)
                pass


@pytest.fixture(autouse=True)
def page_guard(live_server):
    """Fails the journey on a console error, a failed request, an undeclared 4xx/5xx, or a server ERROR."""
    _keep_serialized_rollback()
    guard = PageGuard(origin=live_server.url)
    mark = live_server.mark()
    yield guard
    guard.close_contexts()
    _keep_serialized_rollback()  # before the flush, which then keeps what the next test restores
    server_errors = live_server.errors_since(mark)
    report = list(guard.problems)
    if server_errors:
        report.append(f"the {live_server.kind} logged an error:\n{server_errors[-6000:]}")
    if report:
        pytest.fail("The page was not clean:\n- " + "\n- ".join(report), pytrace=False)


@pytest.fixture(scope="session")
def _chromium():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread; Django's ORM would refuse
    # to run there (SynchronousOnlyOperation). Only while browser tests run, not for the suite.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            _keep_serialized_rollback()
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class GuardedBrowser:
    """The session's Chromium, whose new contexts and pages are watched by this test's guard."""

    def __init__(self, chromium, guard: PageGuard):
        self._chromium = chromium
        self._guard = guard

    def new_context(self, **kwargs):
        return self._guard.watch(self._chromium.new_context(**kwargs))

    def new_page(self, **kwargs):
        context = self.new_context(**kwargs)
        return context.new_page()

    def __getattr__(self, name):
        return getattr(self._chromium, name)


@pytest.fixture
def browser(_chromium, page_guard):
    return GuardedBrowser(_chromium, page_guard)


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop browser context (own cookies) per test, pointed at the server."""
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


# --- Screenshots and accessibility ----------------------------------------------------------------------------


def _test_folder(node) -> str:
    return re.sub(r"[^\w.-]+", "_", f"{Path(node.fspath).stem}.{node.name}").strip("_")


@pytest.fixture
def screenshot_dir(request):
    """Where a journey saves screenshots: $BROWSER_SCREENSHOTS as it is (docs/screenshots for the README),
    else .ci/work/screenshots/<test>/, which CI keeps."""
    fixed = os.environ.get("BROWSER_SCREENSHOTS")
    path = Path(fixed) if fixed else SCREENSHOTS / _test_folder(request.node)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def shot(request):
    """shot(page, "03-sent-to-head"): a full-page screenshot of a step, in <screenshots>/<test>/03-sent-to-head.png.

    The folder is emptied at the test's first shot, so it holds this run's steps only.
    """
    folder = SCREENSHOTS / _test_folder(request.node)
    started = False

    def shot(page, name: str, **kwargs) -> Path:
        nonlocal started
        if not started:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            started = True
        path = folder / f"{name}.png"
        kwargs.setdefault("full_page", True)
        page.screenshot(path=str(path), **kwargs)
        return path

    return shot


_AXE_RUN = """async () => {
    const results = await window.axe.run(document, {resultTypes: ["violations"]});
    return results.violations
        .filter((v) => v.impact === "critical" || v.impact === "serious")
        .map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary.replace(/\\n/g, " ")),
            count: v.nodes.length,
        }));
}"""


@pytest.fixture
def axe_check():
    """axe_check(page): run axe-core (static/vendor/axe, never a CDN) in the page as it is now; fail on any
    critical or serious violation, listing each rule with up to five of its elements."""

    def axe_check(page):
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # evaluate, not a <script> tag: a strict Content-Security-Policy would refuse an inline script.
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        violations = page.evaluate(_AXE_RUN)
        if violations:
            lines = [f"axe-core: {len(violations)} critical/serious violation(s) on {page.url}"]
            for v in violations:
                lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['count']} element(s))")
                lines.extend(f"    {node}" for node in v["nodes"])
            report = "\n".join(lines)
            print(report)
            pytest.fail(report, pytrace=False)

    return axe_check


# --- Demo data and navigation ---------------------------------------------------------------------------------


@pytest.fixture
def demo_data(transactional_db):
    """The demo province (seed_demo), committed so the server sees it.

    On PostgreSQL the first journey of the session seeds it and keeps a snapshot of every table (COPY, in
    memory); the next journeys get the same rows back in about a second instead of seeding again (about 18 s
    each, most of the browser step's time). The rows are the same ones, keys and sequences included, so a
    journey cannot tell the difference. BROWSER_DEMO_SNAPSHOT=0 seeds every time."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql" or os.environ.get("BROWSER_DEMO_SNAPSHOT", "1") == "0":
        call_command("seed_demo", stdout=io.StringIO())
        return
    global _DEMO_SNAPSHOT
    if _DEMO_SNAPSHOT is None:
        call_command("seed_demo", stdout=io.StringIO())
        _DEMO_SNAPSHOT = _snapshot_take(connection)
    else:
        _snapshot_restore(connection, _DEMO_SNAPSHOT)


_DEMO_SNAPSHOT: dict | None = None


def _snapshot_take(connection) -> dict:
    """Every model table's rows (COPY … TO STDOUT, binary) and every sequence's position."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    rows, sequences = {}, {}
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's cursor, for copy_expert
        for table in tables:
            buffer = io.BytesIO()
            raw.copy_expert(f'COPY "{table}" TO STDOUT WITH (FORMAT binary)', buffer)
            rows[table] = buffer.getvalue()
        for info in connection.introspection.sequence_list():
            if info["table"] not in rows:
                continue
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [info["table"], info["column"] or "id"])
            name = cursor.fetchone()[0]
            if name:
                cursor.execute(f"SELECT last_value, is_called FROM {name}")
                sequences[name] = cursor.fetchone()
    return {"tables": tables, "rows": rows, "sequences": sequences}


def _snapshot_restore(connection, snapshot: dict) -> None:
    """Empty every model table and load the snapshot back, in one transaction (Django's foreign keys are
    DEFERRABLE INITIALLY DEFERRED on PostgreSQL, so the order of the tables does not matter)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        quoted = ", ".join(f'"{table}"' for table in snapshot["tables"])
        cursor.execute(f"TRUNCATE {quoted}")
        for table in snapshot["tables"]:
            raw.copy_expert(f'COPY "{table}" FROM STDIN WITH (FORMAT binary)', io.BytesIO(snapshot["rows"][table]))
        for name, (last_value, is_called) in snapshot["sequences"].items():
            cursor.execute("SELECT setval(%s, %s, %s)", [name, last_value, is_called])
    ContentType.objects.clear_cache()  # the snapshot's ids, not those a journey before created lazily


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
