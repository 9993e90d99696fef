"""PostgreSQL restarted under a running web process (docs/operations.md, «Cam kết khi có sự cố»).

gunicorn (production settings, one worker process, CONN_MAX_AGE=60 with CONN_HEALTH_CHECKS) serves the
portal from a PostgreSQL cluster of this test's own (ops/tests/faults.py), which is restarted and stopped
between requests. The shared PostgreSQL of the other tests is never touched.
"""

import secrets

import pytest
import requests

from ops.tests.faults import WebServer, django_run, portal_env

# Run with the database tests, before the transactional ones empty the test database that the private
# cluster is copied from (ops/tests/conftest.py, private_postgres); this process itself only reads settings.
pytestmark = pytest.mark.django_db

# Creates an account and signs it in (a session row in the database); prints the session cookie.
SIGN_IN = """
from django.contrib.auth import get_user_model
from django.test import Client
user = get_user_model().objects.create_user("su-co-csdl", password=None, is_superuser=True, is_staff=True)
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


@pytest.fixture
def web(private_postgres, faults_dir):
    env = portal_env(
        DATABASE_URL=private_postgres.url(),
        SECRET_KEY=f"faults-{secrets.token_urlsafe(40)}",
        CONN_MAX_AGE="60",
        MEDIA_ROOT=str(faults_dir / "media-db"),
    )
    cookie = django_run(SIGN_IN, env=env).strip().splitlines()[-1]
    server = WebServer(env=env, log=faults_dir / "gunicorn-db.log")
    session = requests.Session()
    session.cookies.set("sessionid", cookie)
    try:
        yield server, session
    finally:
        server.stop()
        print(server.tail())  # shown when the test fails


def _home(server, session):
    return session.get(server.url + "/", timeout=30, allow_redirects=False)


def test_postgresql_restart_gives_a_vietnamese_503_and_the_same_web_process_recovers(web, private_postgres):
    server, session = web
    first = _home(server, session)
    assert first.status_code == 200, first.text[:500]
    workers = server.worker_pids()
    assert len(workers) == 1

    # Restarted between two requests: the kept connection is dead; the health check replaces it unseen.
    private_postgres.stop()
    private_postgres.start()
    after_restart = _home(server, session)
    assert after_restart.status_code == 200, after_restart.text[:500]

    # Down during requests: a clean Vietnamese page, not a traceback, not the 500 page.
    private_postgres.stop()
    try:
        during = [_home(server, session), session.get(server.url + "/don-vi/", timeout=30, allow_redirects=False)]
        health = requests.get(server.url + "/healthz", timeout=30)  # the load balancer's probe, no session
    finally:
        private_postgres.start()
    for response in during:
        assert response.status_code == 503, response.text[:500]
        assert response.headers["Retry-After"] == "30"
        assert "Cơ sở dữ liệu đang khởi động lại hoặc bảo trì" in response.text
        assert "Traceback" not in response.text and "Lỗi hệ thống" not in response.text
    assert health.status_code == 503 and health.json()["database"] is False

    # Back: the SAME worker process answers again (no restart of gunicorn or of its worker).
    again = _home(server, session)
    assert again.status_code == 200, again.text[:500]
    assert requests.get(server.url + "/healthz", timeout=30).json() == {"status": "ok", "database": True}
    assert server.worker_pids() == workers
    assert server.process.poll() is None
