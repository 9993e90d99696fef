"""The broker (Redis) down when a user asks for a document (docs/operations.md, «Cam kết khi có sự cố»).

gunicorn (production settings) and a Celery worker use a PostgreSQL cluster and a redis-server of this test's
own (ops/tests/faults.py); the redis-server is killed before the request and started again after it.
"""

import json
import secrets
import time

import pytest
import requests

from ops.tests.faults import CeleryWorker, WebServer, django_run, portal_env, wait_until

# Run with the database tests, before the transactional ones empty the test database that the private
# cluster is copied from (ops/tests/conftest.py, private_postgres); this process itself only reads settings.
pytestmark = pytest.mark.django_db

CSRF = secrets.token_hex(16)  # an unmasked 32-character secret: the cookie and the header carry the same


@pytest.fixture
def stack(private_postgres, private_redis, faults_dir):
    env = portal_env(
        DATABASE_URL=private_postgres.url(),
        REDIS_URL=private_redis.url(0),
        SECRET_KEY=f"faults-{secrets.token_urlsafe(40)}",
        MEDIA_ROOT=str(faults_dir / "media-broker"),
        # The beat sweep (documents.requeue_stale) takes rows left queued this long; 120 s in production.
        DOCUMENT_REQUEUE_AFTER="1",
    )
    server = WebServer(env=env, log=faults_dir / "gunicorn-broker.log")
    try:
        yield env, server
    finally:
        server.stop()
        print(server.tail())


def _session(cookie: str) -> requests.Session:
    session = requests.Session()
    session.cookies.set("sessionid", cookie)
    session.cookies.set("csrftoken", CSRF)
    session.headers["X-CSRFToken"] = CSRF
    return session


def test_document_asked_while_the_broker_is_down_is_kept_the_user_told_and_rendered_when_it_returns(
    stack, private_redis, private_postgres, faults_dir
):
    env, server = stack
    world = json.loads(django_run("from ops.tests.fault_world import dossier_world\ndossier_world('B1')", env=env))
    session = _session(world["cookie"])

    private_redis.stop()
    started = time.monotonic()
    asked = session.post(f"{server.url}/van-ban/submission/{world['dossier']}/tao/", timeout=60)
    asked_seconds = time.monotonic() - started

    # Saved and told: the request is kept (queued), the page says so in Vietnamese, without a long wait.
    assert asked.status_code == 200, asked.text[:500]
    assert "/van-ban/" in asked.url
    assert "dịch vụ tạo văn bản đang tạm ngừng: văn bản sẽ được tạo tự động" in asked.text
    assert asked_seconds < 15, f"the request waited {asked_seconds:.1f} s for the dead broker"
    doc_id = int(asked.url.rstrip("/").rsplit("/", 1)[-1])
    row = "SELECT status, attempts FROM documents_generateddocument WHERE id = %s"
    assert private_postgres.sql(row, doc_id) == [("queued", 0)]

    # The broker returns; the beat's sweep (sent here as beat would send it) hands the row to the worker.
    private_redis.start()
    worker = CeleryWorker(env=env, queues="documents", log=faults_dir / "worker-broker.log")
    try:
        django_run("from documents.tasks import requeue_stale\nrequeue_stale.delay()", env=env)

        def ready():
            page = session.get(f"{server.url}/van-ban/{doc_id}/", headers={"HX-Request": "true"}, timeout=30)
            return "Tải PDF" in page.text

        wait_until(ready, 90, "the document was not rendered after the broker returned", poll=0.5)
    finally:
        worker.stop()
        print(worker.tail())
    assert private_postgres.sql(row, doc_id) == [("ready", 1)]


def test_dossier_sent_up_while_the_broker_is_down_is_sent_and_its_mail_goes_when_it_returns(
    stack, private_redis, private_postgres, faults_dir, tmp_path
):
    env, server = stack
    world = json.loads(django_run("from ops.tests.fault_world import sendable_world\nsendable_world('B2')", env=env))
    session = _session(world["cookie"])

    private_redis.stop()
    started = time.monotonic()
    sent = session.post(
        f"{server.url}/ho-so-de-nghi/{world['dossier']}/chuyen/",
        {"transition": "send", "version": str(world["version"])},
        timeout=60,
    )
    sent_seconds = time.monotonic() - started

    # Sent and told so at once: the mail to the Phòng's reviewer waits in the outbox, not in the request.
    assert sent.status_code == 200, sent.text[:500]
    assert "Đã gửi hồ sơ lên cấp trên." in sent.text
    assert sent_seconds < 15, f"sending waited {sent_seconds:.1f} s for the dead broker"
    status = "SELECT status FROM nominations_dossier WHERE id = %s"
    assert private_postgres.sql(status, world["dossier"]) == [("sent",)]
    mail = 'SELECT status, attempts FROM notifications_outgoingmail WHERE "to" = %s'
    assert private_postgres.sql(mail, world["to"]) == [("pending", 0)]

    # The broker returns; the beat's outbox sweep (a few minutes later) hands the mail to the worker.
    private_redis.start()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = CeleryWorker(
        env={**env, "EMAIL_URL": f"filemail:///{mail_dir}"}, queues="notifications", log=tmp_path / "worker.log"
    )
    try:
        django_run(
            "import datetime\nfrom django.utils import timezone\nfrom notifications.services import outbox_sweep\n"
            "outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=5))",
            env=env,
        )
        wait_until(lambda: private_postgres.sql(mail, world["to"]) == [("sent", 1)], 60, "the mail was not sent")
    finally:
        worker.stop()
        print(worker.tail())
    texts = [p.read_text(errors="replace") for p in mail_dir.glob("*.log")]
    assert sum(text.count(f"To: {world['to']}") for text in texts) == 1
