"""The outbox through the real Celery worker on Redis (started by .ci/run).

Redis is stopped at the moment of commit: the change commits, the mail stays in
the outbox, and once Redis is back the sweep hands it to the worker, which sends
it and marks the row sent in the test database. Skipped without REDIS_URL.
"""

import datetime
import os
import pathlib
import subprocess
import time
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.enums import MailStatus
from notifications.models import OutgoingMail
from notifications.services import notify, outbox_sweep
from units.enums import UnitKind
from units.services import unit_create, user_create

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="REDIS_URL is not set: no Redis broker and no real Celery worker (run .ci/run for these tests)",
    ),
]

DELIVERY_TIMEOUT = 90  # seconds: the worker reconnects to the restarted Redis with a back-off of a few seconds


def _redis_cli(*args) -> subprocess.CompletedProcess:
    url = urlparse(settings.REDIS_URL)
    host, port = url.hostname or "127.0.0.1", str(url.port or 6379)
    return subprocess.run(["redis-cli", "-h", host, "-p", port, *args], capture_output=True, text=True, timeout=10)


def _redis_answers() -> bool:
    try:
        return _redis_cli("ping").stdout.strip() == "PONG"
    except (OSError, subprocess.TimeoutExpired):
        return False


def _redis_start() -> None:
    if _redis_answers():
        return
    url = urlparse(settings.REDIS_URL)
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", url.hostname or "127.0.0.1", "--port", str(url.port or 6379)]
        + ["--save", "", "--appendonly", "no", "--dir", "/tmp"],
        check=True,
        timeout=10,
    )
    for _ in range(80):
        if _redis_answers():
            return
        time.sleep(0.25)
    raise AssertionError("Redis did not answer PING after the restart")


def _redis_stop() -> None:
    _redis_cli("shutdown", "nosave")
    for _ in range(40):
        if not _redis_answers():
            return
        time.sleep(0.25)
    raise AssertionError("Redis still answers after SHUTDOWN")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mail_committed_while_redis_is_down_is_delivered_after_redis_returns():
    user = user_create(by=None, username="nguoi-nhan", password="matkhau-thu-123", email="nguoi-nhan@example.vn")
    subject = f"Thư thử nghiệm khi Redis ngừng {time.time_ns()}"
    try:
        _redis_stop()
        started = time.monotonic()
        with transaction.atomic():  # the change and its outbox row commit together
            unit = unit_create(by=None, name="Sở GD&ĐT Redis Ngừng", kind=UnitKind.DEPARTMENT)
            notify(users=[user], message=f"Đã tạo {unit.name}", email=True, subject=subject)
        commit_seconds = time.monotonic() - started
        mail = OutgoingMail.objects.get(subject=subject)
        assert (mail.status, mail.attempts) == (MailStatus.PENDING, 0)  # the task was never queued
        assert commit_seconds < 5, f"queuing with the broker down took {commit_seconds:.1f} s"
    finally:
        _redis_start()

    assert outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=5)) >= 1

    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        mail.refresh_from_db()
        if mail.status != MailStatus.PENDING:
            break
        time.sleep(0.5)
    assert (mail.status, mail.last_error) == (MailStatus.SENT, "")
    assert mail.attempts == 1
    mail_dir = os.environ.get("CI_WORKER_MAIL_DIR")
    if mail_dir:  # .ci/run gives the worker a file-based mail backend
        files = [p.read_text(errors="replace") for p in pathlib.Path(mail_dir).glob("*.log")]
        assert any("nguoi-nhan@example.vn" in text and "Redis" in text for text in files)
