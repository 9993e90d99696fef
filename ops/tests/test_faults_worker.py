"""A Celery worker killed mid-job: the job completes exactly once (docs/operations.md, «Cam kết khi có sự
cố»). The document render has its own test (documents/tests/test_worker_documents.py); here the reminders
run and one outbox mail.

The workers use a PostgreSQL cluster and a redis-server of this test's own (ops/tests/faults.py); each
killed worker is SIGKILLed with its whole process group (the parent too: nothing acknowledges or hands
back the message), and a second worker takes the message when Redis makes it visible again.
"""

import json
import re
import secrets
import socket
from pathlib import Path

import pytest

from ops.tests.faults import CeleryWorker, django_run, portal_env, wait_until

# Run with the database tests, before the transactional ones empty the test database that the private
# cluster is copied from (ops/tests/conftest.py, private_postgres); this process itself only reads settings.
pytestmark = pytest.mark.django_db

# Reminders: a worker whose reminders run stops (for ever) right after it reminded the first school.
HALFWAY_WORKER = """
import os, sys, time
import django
django.setup()
from campaigns.services import deadlines
original = deadlines.notify
calls = []
def notify(**kwargs):
    result = original(**kwargs)
    calls.append(kwargs)
    if len(calls) == 1:
        open(os.environ["FAULT_MARKER"], "w").write("halfway")
        time.sleep(600)
    return result
deadlines.notify = notify
from config.celery import app
app.worker_main(sys.argv[1:])
"""


@pytest.fixture
def worker_env(private_postgres, private_redis, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = portal_env(
        DATABASE_URL=private_postgres.url(),
        REDIS_URL=private_redis.url(0),
        SECRET_KEY=f"faults-{secrets.token_urlsafe(40)}",
        # django-environ drops one leading slash of a filemail path: "filemail:///" + "/abs/dir".
        EMAIL_URL=f"filemail:///{mail_dir}",
        # A dead worker's message is visible again after 5 s, looked for every second (1 h and 10 x 10 s in
        # production: docs/operations.md).
        CELERY_VISIBILITY_TIMEOUT="5",
        CELERY_RESTORE_INTERVAL="1",
        CELERY_RESTORE_THROTTLE="1",
    )
    return env, mail_dir


def mails_to(mail_dir: Path, address: str) -> int:
    """How many mails the file backend wrote for `address` (one file per connection, one mail each here)."""
    return sum(p.read_text(errors="replace").count(f"To: {address}") for p in mail_dir.glob("*.log"))


def succeeded(worker: CeleryWorker, task: str) -> int:
    return len(re.findall(rf"Task {re.escape(task)}\[[^\]]+\] succeeded", worker.log.read_text(errors="replace")))


def test_reminders_run_killed_halfway_reminds_each_school_exactly_once(worker_env, private_postgres, tmp_path):
    env, mail_dir = worker_env
    world = json.loads(django_run("from ops.tests.fault_world import reminder_world\nreminder_world('W1')", env=env))
    marker = tmp_path / "halfway"
    first = CeleryWorker(
        env={**env, "FAULT_MARKER": str(marker)},
        queues="notifications",
        log=tmp_path / "worker-1.log",
        script=HALFWAY_WORKER,
    )
    second = None
    logs = "SELECT count(*) FROM campaigns_reminderlog WHERE deadline_id IN (SELECT id FROM campaigns_deadline WHERE campaign_id = %s)"  # noqa: E501
    try:
        django_run("from campaigns.tasks import send_deadline_reminders\nsend_deadline_reminders.delay()", env=env)
        wait_until(marker.exists, 60, f"the first worker did not remind the first school:\n{first.tail()}")
        first.kill()
        # Killed inside the run's transaction: nothing of it was kept, no mail is waiting.
        assert private_postgres.sql(logs, world["campaign"]) == [(0,)]
        mails = 'SELECT count(*) FROM notifications_outgoingmail WHERE "to" = ANY(%s)'
        assert private_postgres.sql(mails, world["heads"]) == [(0,)]

        second = CeleryWorker(env=env, queues="notifications", log=tmp_path / "worker-2.log")
        wait_until(
            lambda: all(mails_to(mail_dir, address) for address in world["heads"]),
            60,
            "the second worker did not send the reminders",
            poll=0.3,
        )
        # The redelivered run has ended (its mails went after its commit): nothing more is coming.
        wait_until(lambda: succeeded(second, "campaigns.send_deadline_reminders") >= 1, 30, "the run did not end")
    finally:
        first.kill()
        if second is not None:
            second.stop()
            print(second.tail())
    assert {address: mails_to(mail_dir, address) for address in world["heads"]} == dict.fromkeys(world["heads"], 1)
    assert private_postgres.sql(logs, world["campaign"]) == [(len(world["heads"]),)]
    assert private_postgres.sql(mails, world["heads"]) == [(len(world["heads"]),)]
    sent = private_postgres.sql(
        "SELECT count(*) FROM campaigns_reminderlog WHERE sent_on IS NOT NULL AND deadline_id IN "
        "(SELECT id FROM campaigns_deadline WHERE campaign_id = %s)",
        world["campaign"],
    )
    assert sent == [(len(world["heads"]),)]


def test_mail_worker_killed_mid_send_sends_the_mail_exactly_once(worker_env, private_postgres, tmp_path):
    """The first worker hangs on an SMTP server that never greets (killed mid-send); the second one sends.
    The row's claim (5 minutes in notifications.services.CLAIM_FOR) is set to have run out rather than waited
    for; the beat's sweep queues the row again beside the redelivered message: one of them sends it."""
    env, mail_dir = worker_env
    address = f"nguoi-nhan-{secrets.token_hex(4)}@example.vn"
    mail_id = int(
        django_run(
            "from notifications.models import OutgoingMail\n"
            f"print(OutgoingMail.objects.create(to='{address}', subject='Thư thử khi worker chết', body='Nội dung').pk)",
            env=env,
        )
    )
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    silent.settimeout(60)
    first = CeleryWorker(
        env={**env, "EMAIL_URL": f"smtp://127.0.0.1:{silent.getsockname()[1]}"},
        queues="notifications",
        log=tmp_path / "worker-1.log",
    )
    second = None
    row = "SELECT status, attempts FROM notifications_outgoingmail WHERE id = %s"
    try:
        django_run(f"from notifications.tasks import send_mail\nsend_mail.delay(mail_id={mail_id})", env=env)
        connection, _ = silent.accept()  # the worker is inside the send, waiting for the greeting
        first.kill()
        connection.close()
        assert private_postgres.sql(row, mail_id) == [("pending", 1)]

        private_postgres.sql("UPDATE notifications_outgoingmail SET claimed_until = now() WHERE id = %s", mail_id)
        second = CeleryWorker(env=env, queues="notifications", log=tmp_path / "worker-2.log")
        django_run(
            "import datetime\nfrom django.utils import timezone\nfrom notifications.services import outbox_sweep\n"
            "print(outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=6)))",
            env=env,
        )
        # The sweep's task and the dead worker's message, back after the visibility timeout: both ran.
        wait_until(lambda: succeeded(second, "notifications.send_mail") >= 2, 60, "both tasks did not run")
    finally:
        first.kill()
        silent.close()
        if second is not None:
            second.stop()
            print(second.tail())
    assert private_postgres.sql(row, mail_id) == [("sent", 2)]
    assert mails_to(mail_dir, address) == 1
