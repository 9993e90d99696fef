"""One cache read a request (issue 14): the session store brings the to-do counter with the session
(core/sessions.py, workbench/badge.py), and django-csp's header built once from the settings (core/middleware.py).

The test settings' cache is a per-process LocMemCache standing for Redis: each `get`/`get_many` on it is what would
be one Redis round trip, counted here.
"""

import re

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.sessions import companion, companion_key, set_companion
from units.enums import Role
from units.services import unit_role_grant
from workbench.badge import BADGE_SECONDS, COMPANION

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

BARE = "/__bench/bare/"


@pytest.fixture(autouse=True)
def _companion_sessions(settings):
    settings.SESSION_ENGINE = "core.sessions"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reads(monkeypatch):
    """The cache reads of each request: ('get', 1) / ('get_many', n keys), one round trip each with Redis
    (LocMemCache's get_many calls its get per key: not counted again)."""
    seen = []
    inside = []
    store = caches["default"]
    get, get_many = store.get, store.get_many

    def counted_get(key, *args, **kwargs):
        if not inside:
            seen.append(("get", 1))
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        keys = list(keys)
        seen.append(("get_many", len(keys)))
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(store, "get", counted_get)
    monkeypatch.setattr(store, "get_many", counted_get_many)
    return seen


@pytest.fixture
def drafts(personas, tree):
    """Two draft dossiers of school A1: two to-dos on its secretary's home page (workbench/todos.py)."""
    from nominations import services
    from nominations.enums import RoundKind

    for kind in (RoundKind.YEAR_END, RoundKind.EXEMPLARY):
        services.dossier_create(by=personas["secretary_a1"], unit=tree["school_a1"], round_kind=kind, school_year=2025)
    return personas["secretary_a1"]


def _todo_badge(html: str):
    found = re.search(r'id="todo-badge">(\d+)<', html)
    return found and int(found[1])


def test_settings_put_the_companion_store_in_for_cached_db(monkeypatch):
    import subprocess
    import sys
    from pathlib import Path

    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x", "PATH": "/usr/bin:/bin"}
    root = Path(__file__).resolve().parents[2]
    engines = {}
    for backend in ("cached_db", "db"):
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=root,
            env={**env, "CACHE_URL": "redis://127.0.0.1:6379/12", "SESSION_BACKEND": backend},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        engines[backend] = result.stdout.strip().splitlines()[-1]
    assert engines == {"cached_db": "core.sessions", "db": "django.contrib.sessions.backends.db"}


def test_the_home_page_counter_comes_with_the_sessions_one_read(client, drafts, reads):
    client.force_login(drafts)
    home = client.get("/").content.decode()  # the home page computes the list and remembers its total
    total = _todo_badge(home)
    assert total == 2

    reads.clear()
    with CaptureQueriesContext(connection) as captured:
        html = client.get(BARE).content.decode()

    assert _todo_badge(html) == total
    assert reads == [("get_many", 2)]  # the session and its companion: one round trip with Redis
    assert len(captured) == 2  # the account with its roles, the unread count (core/tests/test_request_cost.py)


def test_without_a_counter_it_is_still_one_read(client, personas, reads):
    client.force_login(personas["secretary_a1"])
    reads.clear()

    html = client.get(BARE).content.decode()

    assert _todo_badge(html) is None and reads == [("get_many", 2)]


def test_a_counter_is_shown_only_to_the_account_and_role_it_counted(client, personas, tree):
    reviewer = personas["reviewer_a"]
    first = reviewer.unit_roles.get()
    second = unit_role_grant(by=None, user=reviewer, unit=tree["school_a2"], role=Role.SECRETARY)
    client.force_login(reviewer)
    session = client.session

    set_companion(session, COMPANION, (reviewer.pk, first.pk, 7), BADGE_SECONDS)
    assert _todo_badge(client.get(BARE).content.decode()) == 7

    # The same session key carrying another account's or another role's total (it cannot happen through the
    # home page; the check is what keeps it from showing if it ever did).
    set_companion(session, COMPANION, (personas["head_a1"].pk, first.pk, 8), BADGE_SECONDS)
    assert _todo_badge(client.get(BARE).content.decode()) is None
    set_companion(session, COMPANION, (reviewer.pk, second.pk, 9), BADGE_SECONDS)
    assert _todo_badge(client.get(BARE).content.decode()) is None
    assert client.post("/vai-tro/", {"role": second.pk}).status_code == 302  # switched: now it is this role's
    assert _todo_badge(client.get(BARE).content.decode()) == 9


def test_a_counter_ends_with_its_session(client, drafts):
    secretary = drafts
    client.force_login(secretary)
    total = _todo_badge(client.get("/").content.decode())
    old_key = client.session.session_key
    assert total and cache.get(companion_key(old_key, COMPANION))[2] == total

    client.post("/tai-khoan/logout/")
    client.force_login(secretary)  # a new session: no counter until its home page

    assert client.session.session_key != old_key
    assert _todo_badge(client.get(BARE).content.decode()) is None


def test_a_disabled_account_sees_no_counter_and_is_signed_out(client, drafts):
    secretary = drafts
    client.force_login(secretary)
    assert _todo_badge(client.get("/").content.decode())
    secretary.is_active = False
    secretary.save(update_fields=["is_active"])

    response = client.get(BARE)

    assert response.status_code == 302 and response.url.startswith("/tai-khoan/login/")


def test_the_store_is_django_cached_db_for_the_session_itself(personas):
    from django.contrib.sessions.backends.cached_db import SessionStore as Django
    from django.contrib.sessions.models import Session

    from core.sessions import SessionStore

    store = SessionStore()
    store["a"] = 1
    store.save()
    key = store.session_key
    set_companion(store, "todo_total", (1, 2, 3), 60)

    again = SessionStore(key)
    assert again["a"] == 1 and companion(again, "todo_total") == (1, 2, 3)
    assert Django(key)["a"] == 1  # the same cache entry and row as Django's own store

    cache.delete(Django.cache_key_prefix + key)  # Redis restarted: the row is read, the cache filled again
    again = SessionStore(key)
    assert again["a"] == 1 and Session.objects.filter(session_key=key).exists()
    assert cache.get(Django.cache_key_prefix + key) == {"a": 1}

    again.flush()
    assert companion(again, "todo_total") is None
    assert SessionStore("no-such-session-key")._session == {}


def test_companion_without_the_prefetch_reads_the_cache(settings, personas):
    from django.contrib.sessions.backends.db import SessionStore as DBStore

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    store = DBStore()
    store.save()
    assert companion(store, "todo_total") is None
    set_companion(store, "todo_total", (1, 2, 3), 60)
    assert companion(DBStore(store.session_key), "todo_total") == (1, 2, 3)
    assert companion(DBStore(), "todo_total", "none") == "none"  # no key yet: nothing to read
    assert set_companion(DBStore(), "todo_total", 1, 60) is False


# --- Content-Security-Policy: built once from the settings ------------------------------------------------------


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


def test_the_csp_header_is_django_csps_and_follows_the_settings(client, personas, settings):
    from csp.utils import build_policy

    client.force_login(personas["secretary_a1"])
    header = client.get(BARE)["Content-Security-Policy"]
    assert _directives(header) == _directives(build_policy())
    assert "frame-ancestors 'none'" in header and "script-src 'self'" in header
    assert client.get(BARE)["Content-Security-Policy"] == header  # the same bytes, built once
    assert "Content-Security-Policy-Report-Only" not in client.get(BARE)

    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}}
    settings.CONTENT_SECURITY_POLICY = policy
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response = client.get(BARE)
    assert "img-src 'self'" in _directives(response["Content-Security-Policy"])
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"


def test_a_views_own_policy_or_nonce_still_goes_through_django_csp(rf, settings):
    from csp.constants import NONCE
    from csp.decorators import csp_exempt, csp_update
    from django.http import HttpResponse

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "script-src": ["'self'", NONCE]}}

    from core.middleware import SettingsCSPMiddleware

    def plain(request):
        return HttpResponse("ok")

    @csp_update({"img-src": ["https://example.org"]})
    def updated(request):
        return HttpResponse("ok")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("ok")

    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    def run(view):
        request = rf.get("/x/")
        return SettingsCSPMiddleware(view)(request)

    assert "https://example.org" not in run(plain)["Content-Security-Policy"]
    assert "img-src 'self' data: https://example.org" in run(updated)["Content-Security-Policy"]
    assert "Content-Security-Policy" not in run(exempt)
    response = run(with_nonce)
    nonce = re.search(r"nonce='([^']+)'", response.content.decode())[1]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in run(plain)["Content-Security-Policy"]  # not kept for the next response
