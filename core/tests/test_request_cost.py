"""What every request pays (issue 14): the bare page's queries, and the header and menu it renders.

The bare page (bench/urls.py: base.html logged in, through every middleware and context processor) is the floor
of every page's CPU; its query count is pinned here. The menu of each kind of account is compared byte for byte
with the one the templates rendered before they were merged (fixtures/menu_before.json, written from the old
templates): the merge must not change a byte.
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from notifications.services import notify
from units.enums import Role
from units.services import unit_role_grant

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

BARE = "/__bench/bare/"
FIXTURE = Path(__file__).parent / "fixtures" / "menu_before.json"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _nav(html: str) -> str:
    nav = html[html.index("<nav") : html.index("</nav>") + len("</nav>")]
    nav = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="…"', nav)
    # Role ids differ from one database to the next: numbered by their order on the page.
    ids: dict[str, str] = {}
    return re.sub(r'<option value="(\d+)"', lambda m: f'<option value="r{ids.setdefault(m[1], str(len(ids)))}"', nav)


@pytest.fixture
def accounts(personas, tree):
    superuser = make_user("quan-tri-he-thong")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    two_roles = make_user("hai-vai", tree["school_a1"], Role.SECRETARY)
    unit_role_grant(by=None, user=two_roles, unit=tree["office_a"], role=Role.REVIEWER)
    notify(users=[personas["head_a1"], two_roles], message="Có hồ sơ mới")
    return {**personas, "superuser": superuser, "two_roles": two_roles}


def _menus(client, accounts) -> dict[str, str]:
    menus = {}
    for name in sorted(accounts):
        client.force_login(accounts[name])
        if name == "head_a1":  # the to-do counter the home page remembered for the head of A1 (workbench/badge.py)
            _remember_todos(client, accounts[name], 3)
        menus[name] = _nav(client.get(BARE).content.decode())
        client.logout()
    return menus


def test_every_accounts_menu_is_the_same_bytes_as_before(client, accounts):
    menus = _menus(client, accounts)
    if os.environ.get("WRITE_MENU_FIXTURE"):
        FIXTURE.write_text(json.dumps(menus, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    before = json.loads(FIXTURE.read_text(encoding="utf-8"))

    assert menus.keys() == before.keys()
    for name in menus:
        assert menus[name] == before[name], name


# --- what every request reads: the session, the account with its roles, the unread count --------------------

# core.sessions: cached_db whose read also brings the to-do counter (what config/settings.py uses for cached_db).
SESSION_ENGINES = [
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
    "core.sessions",
]


@pytest.fixture(params=SESSION_ENGINES, ids=["db", "cached_db", "core_sessions"])
def session_engine(request, settings):
    # cached_db on the test's per-process cache stands for Redis (config/stateless.py makes it the default there).
    settings.SESSION_ENGINE = request.param
    return request.param


def _queries(client, url=BARE) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured]


def test_the_bare_page_reads_the_account_and_its_roles_in_one_query(client, personas, session_engine):
    client.force_login(personas["secretary_a1"])
    client.get(BARE)  # the first request after the login may write the session

    queries = _queries(client)

    from_cache = session_engine != "django.contrib.sessions.backends.db"
    # The session (none when it is a cache hit), the account joined to its roles, the unread notifications.
    assert len(queries) == (2 if from_cache else 3), queries
    assert sum("django_session" in q for q in queries) == (0 if from_cache else 1)
    account = [q for q in queries if "units_unitrole" in q]
    assert len(account) == 1 and "auth_user" in account[0] and "units_unit" in account[0]


def test_an_account_without_a_role_is_one_query_too(client, personas):
    client.force_login(personas["outsider"])
    client.get(BARE)

    queries = _queries(client)

    assert len(queries) == 3, queries
    assert "Bảng điều khiển" not in client.get(BARE).content.decode()


def _fields(obj) -> dict:
    return {f.attname: (type(getattr(obj, f.attname)), getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def test_the_backend_builds_the_same_account_and_roles_as_the_orm(personas, tree):
    from django.contrib.auth import get_user_model

    from accounts.backends import PortalBackend
    from units.models import UnitRole
    from units.rules import ROLE_ORDER, roles_of

    user = personas["reviewer_a"]
    unit_role_grant(by=None, user=user, unit=tree["school_a2"], role=Role.SECRETARY)
    unit_role_grant(by=None, user=user, unit=tree["school_b1"], role=Role.SECRETARY)

    with CaptureQueriesContext(connection) as captured:
        loaded = PortalBackend().get_user(user.pk)
        roles = roles_of(loaded)
    expected = list(UnitRole.objects.filter(user=user).select_related("user", "unit").order_by(*ROLE_ORDER))

    assert len(captured) == 1
    assert _fields(loaded) == _fields(get_user_model().objects.get(pk=user.pk))  # types too: bool, datetime
    assert [r.pk for r in roles] == [r.pk for r in expected] and len(roles) == 3
    assert [(_fields(r), _fields(r.unit)) for r in roles] == [(_fields(r), _fields(r.unit)) for r in expected]
    assert all(r.user is loaded for r in roles)
    assert PortalBackend().get_user(10**9) is None


def test_a_revoked_role_takes_effect_on_the_next_request(client, personas, tree, session_engine):
    from units.services import unit_role_revoke

    secretary = personas["secretary_a1"]
    client.force_login(secretary)
    detail = f"/don-vi/{tree['school_a1'].pk}/"
    assert client.get(detail).status_code == 200
    assert "Bảng điều khiển" in client.get(BARE).content.decode()

    unit_role_revoke(unit_role=secretary.unit_roles.get(), by=personas["admin_dept"])

    assert client.get(detail).status_code == 404
    assert "Bảng điều khiển" not in client.get(BARE).content.decode()


def test_a_disabled_account_is_signed_out_on_the_next_request(client, personas, session_engine):
    secretary = personas["secretary_a1"]
    client.force_login(secretary)
    assert client.get(BARE).status_code == 200

    # Saved directly, without the service that also deletes the sessions: the backend alone must refuse it.
    secretary.is_active = False
    secretary.save(update_fields=["is_active"])

    response = client.get(BARE)
    assert response.status_code == 302 and response.url.startswith("/tai-khoan/login/")


def test_a_changed_password_signs_other_sessions_out_on_the_next_request(client, personas, session_engine):
    secretary = personas["secretary_a1"]
    client.force_login(secretary)
    assert client.get(BARE).status_code == 200

    secretary.set_password("Mat-khau-moi-2025")
    secretary.save(update_fields=["password"])

    response = client.get(BARE)
    assert response.status_code == 302 and response.url.startswith("/tai-khoan/login/")


def test_a_password_login_uses_the_portal_backend(client, personas):
    from django.contrib.auth import BACKEND_SESSION_KEY

    response = client.post("/tai-khoan/login/", {"username": "alice", "password": "matkhau-thu-123"})

    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.PortalBackend"
    assert "Bảng điều khiển" in client.get(BARE).content.decode()


def test_the_redis_cache_builds_one_client_per_pool_not_one_per_operation():
    from core.cache import TolerantRedisCache

    # No command is sent: building a client does not connect.
    redis_cache = TolerantRedisCache("redis://127.0.0.1:6379/11", {})
    client = redis_cache._cache.get_client("a")

    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("c", write=True) is client  # one server: reads and writes share its pool
    assert client.connection_pool is redis_cache._cache._get_connection_pool(False)


@pytest.mark.parametrize(
    ("cache_backend", "engine"),
    [
        ("core.cache.TolerantRedisCache", "cached_db"),  # what config/settings.py puts in for CACHE_URL=redis://
        ("django.core.cache.backends.redis.RedisCache", "cached_db"),
        ("django.core.cache.backends.locmem.LocMemCache", "db"),
        ("django.core.cache.backends.db.DatabaseCache", "db"),
    ],
)
def test_sessions_are_read_from_redis_by_default_when_it_is_the_cache(monkeypatch, cache_backend, engine):
    import environ

    from config import stateless

    monkeypatch.delenv("SESSION_BACKEND", raising=False)
    assert stateless.session_engine(environ.Env(), cache_backend) == f"django.contrib.sessions.backends.{engine}"
    monkeypatch.setenv("SESSION_BACKEND", "db")  # still the operator's choice
    assert stateless.session_engine(environ.Env(), cache_backend) == "django.contrib.sessions.backends.db"


def test_views_get_the_account_itself_not_its_lazy_wrappers(client, personas, rf):
    from django.contrib.auth import get_user_model
    from django.utils.functional import SimpleLazyObject

    from units.middleware import ActiveRoleMiddleware

    seen = {}

    def view(request):
        seen["user"] = request.user
        return None

    request = rf.get("/")
    account = get_user_model().objects.get(pk=personas["secretary_a1"].pk)
    account.otp_device = None  # what django-otp's wrapper sets on the account
    request.user = SimpleLazyObject(lambda: SimpleLazyObject(lambda: account))
    request.session = {}
    ActiveRoleMiddleware(view)(request)

    assert type(seen["user"]) is get_user_model() and seen["user"] is account
    assert request.active_role == personas["secretary_a1"].unit_roles.get()

    client.force_login(personas["secretary_a1"])  # through every middleware: the same page
    assert client.get(BARE).status_code == 200


# --- the header's counters: the unread count by a fixed statement, the menu rendered once per set of values ---


def test_the_unread_count_is_the_orms_count(personas):
    from notifications.models import Notification
    from notifications.selectors import unread_notification_count
    from notifications.services import notification_mark_read

    reader, other = personas["secretary_a1"], personas["head_a1"]
    assert unread_notification_count(reader) == 0
    notify(users=[reader, other], message="Một")
    notify(users=[reader], message="Hai")
    notify(users=[other], message="Ba")
    first = Notification.objects.filter(user=reader).order_by("pk").first()
    notification_mark_read(user=reader, notification=first)

    for user in (reader, other, personas["outsider"]):
        expected = Notification.objects.filter(user=user, read_at__isnull=True).count()
        with CaptureQueriesContext(connection) as captured:
            assert unread_notification_count(user) == expected
        assert len(captured) == 1
    assert [unread_notification_count(u) for u in (reader, other, personas["outsider"])] == [1, 2, 0]


def _remember_todos(client, user, value: int) -> None:
    """The to-do counter as the home page remembers it for this client's session (workbench/badge.py)."""
    from core.sessions import set_companion
    from workbench.badge import BADGE_SECONDS, COMPANION

    set_companion(client.session, COMPANION, (user.pk, user.unit_roles.get().pk, value), BADGE_SECONDS)


def _badges(html: str) -> tuple:
    unread = re.search(r'aria-label="(\d+) thông báo chưa đọc"', html)
    todo = re.search(r'id="todo-badge">(\d+)<', html)
    return (unread and int(unread[1]), todo and int(todo[1]))


def test_the_menus_counters_and_links_follow_each_request(client, personas, tree, session_engine):
    from notifications.services import notification_mark_read
    from units.services import unit_role_revoke

    secretary, head = personas["secretary_a1"], personas["head_a1"]
    client.force_login(secretary)
    assert _badges(client.get(BARE).content.decode()) == (None, None)

    notify(users=[secretary], message="Một")
    assert _badges(client.get(BARE).content.decode()) == (1, None)
    notify(users=[secretary, head], message="Hai")
    _remember_todos(client, secretary, 4)
    assert _badges(client.get(BARE).content.decode()) == (2, 4)

    client.force_login(head)  # the same values for another account: the same menu, its own counters
    assert _badges(client.get(BARE).content.decode()) == (1, None)  # a new session: the secretary's is not his
    _remember_todos(client, head, 4)
    head_html = client.get(BARE).content.decode()
    assert _badges(head_html) == (1, 4)

    client.force_login(secretary)
    _remember_todos(client, secretary, 4)
    notification_mark_read(user=secretary)
    assert _badges(client.get(BARE).content.decode()) == (None, 4)
    unit_role_revoke(unit_role=secretary.unit_roles.get(), by=personas["admin_dept"])
    html = client.get(BARE).content.decode()
    assert _badges(html) == (None, None)
    assert "Bảng điều khiển" not in html and "Sáng kiến" not in html
    assert "Bảng điều khiển" in head_html and "Sáng kiến" in head_html
