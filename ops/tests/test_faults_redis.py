"""Redis restarted under a running web process whose cache (and sessions, with cached_db) is in it
(docs/operations.md, «Cam kết khi có sự cố»).

gunicorn (production settings) uses a PostgreSQL cluster and a redis-server of this test's own
(ops/tests/faults.py). The redis-server is killed (its data goes: no persistence) and started again empty.
"""

import secrets

import pytest
import requests

from ops.tests.faults import WebServer, django_run, portal_env

# Run with the database tests, before the transactional ones empty the test database that the private
# cluster is copied from (ops/tests/conftest.py, private_postgres); this process itself only reads settings.
pytestmark = pytest.mark.django_db

SIGN_IN = """
from django.contrib.auth import get_user_model
from django.test import Client
from units.enums import Role, UnitKind
from units.services import unit_create, unit_role_grant
unit = unit_create(by=None, name="Sở GD&ĐT Redis {tag}", kind=UnitKind.DEPARTMENT)
user = get_user_model().objects.create_user("redis-{tag}", password=None)
unit_role_grant(by=None, user=user, unit=unit, role=Role.ADMINISTRATOR)
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


@pytest.mark.parametrize("sessions", ["db", "cached_db"])
def test_redis_restart_keeps_the_user_signed_in_and_no_page_fails(
    sessions, private_postgres, private_redis, faults_dir
):
    env = portal_env(
        DATABASE_URL=private_postgres.url(),
        CACHE_URL=private_redis.url(1),
        SESSION_BACKEND=sessions,
        SECRET_KEY=f"faults-{secrets.token_urlsafe(40)}",
        MEDIA_ROOT=str(faults_dir / "media-redis"),
    )
    cookie = django_run(SIGN_IN.format(tag=sessions), env=env).strip().splitlines()[-1]
    server = WebServer(env=env, log=faults_dir / f"gunicorn-redis-{sessions}.log")
    session = requests.Session()
    session.cookies.set("sessionid", cookie)
    pages = ["/", "/don-vi/", "/bang-dieu-khien/"]

    def visit():
        return {page: session.get(server.url + page, timeout=30, allow_redirects=False).status_code for page in pages}

    try:
        assert visit() == dict.fromkeys(pages, 200)  # signed in; the dashboard and badge fill the cache

        private_redis.stop()
        assert visit() == dict.fromkeys(pages, 200)  # no 500, and not sent to the login page

        private_redis.start()  # empty: the cached sessions and figures are gone
        assert visit() == dict.fromkeys(pages, 200)
        assert visit() == dict.fromkeys(pages, 200)
    finally:
        server.stop()
        print(server.tail())
