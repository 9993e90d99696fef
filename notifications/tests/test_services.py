import datetime
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.enums import MailStatus
from notifications.models import Notification, OutgoingMail
from notifications.signals import mail_sent

pytestmark = pytest.mark.django_db

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def later(minutes=10):
    return timezone.now() + datetime.timedelta(minutes=minutes)


@pytest.fixture
def users(personas):
    alice, em = personas["secretary_a1"], personas["secretary_a2"]
    for user, address in ((alice, "alice@example.vn"), (em, "em@example.vn")):
        user.email = address
        user.save(update_fields=["email"])
    return alice, em, personas["head_a1"]  # head_a1 has no address


def test_notify_with_email_writes_outbox_and_sends_after_commit(users, django_capture_on_commit_callbacks):
    alice, em, head = users
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            services.notify(users=[alice, em, head, alice], message="Nhắc hạn", email=True, subject="Nhắc")
            assert mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    assert Notification.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.vn", "em@example.vn"]
    rows = OutgoingMail.objects.order_by("to")
    assert [(r.to, r.status, r.attempts) for r in rows] == [
        ("alice@example.vn", MailStatus.SENT, 1),
        ("em@example.vn", MailStatus.SENT, 1),
    ]
    assert all(r.sent_at is not None for r in rows)


def test_notify_rolled_back_leaves_no_mail(users, django_capture_on_commit_callbacks):
    alice, _, _ = users
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.notify(users=[alice], message="X", email=True)
                raise RuntimeError

    assert callbacks == []
    assert OutgoingMail.objects.count() == 0


def test_smtp_failing_keeps_row_pending_then_sweep_sends_when_smtp_returns(django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with mock.patch(LOCMEM_SEND, side_effect=SMTPException("451 máy chủ bận")):
        with django_capture_on_commit_callbacks(execute=True):
            queued = services.mail_queue(to="lan@truong.edu.vn", subject="Lời mời", body="Xin chào")  # no raise

        queued.refresh_from_db()
        assert (queued.status, queued.attempts, queued.sent_at) == (MailStatus.PENDING, 1, None)
        assert queued.last_error == "SMTPException: 451 máy chủ bận"
        assert queued.next_attempt_at is not None
        # Still down: the sweep tries, records a second attempt, and raises nothing.
        assert services.outbox_sweep(now=later()) == 1
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (MailStatus.PENDING, 2)

    assert services.outbox_sweep(now=later(30)) == 1  # SMTP is back

    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == (MailStatus.SENT, 3, "")
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["lan@truong.edu.vn"], "Lời mời", "Xin chào")]


def test_sweep_leaves_fresh_claimed_and_sent_rows_alone():
    fresh = services.mail_queue(to="a@example.vn", subject="A", body="a")
    claimed = services.mail_queue(to="b@example.vn", subject="B", body="b")
    OutgoingMail.objects.filter(pk=claimed.pk).update(claimed_until=later(60))
    sent = services.mail_queue(to="c@example.vn", subject="C", body="c")
    OutgoingMail.objects.filter(pk=sent.pk).update(status=MailStatus.SENT)

    assert list(services.outbox_due()) == []  # all fresh: their own tasks are still on the way
    assert list(services.outbox_due(now=later())) == [fresh]


def test_mail_send_twice_sends_once():
    queued = services.mail_queue(to="a@example.vn", subject="A", body="a")
    mail.outbox.clear()

    assert services.mail_send(mail_id=queued.pk) is True
    assert services.mail_send(mail_id=queued.pk) is False
    assert services.mail_send(mail_id=queued.pk + 999) is False  # gone: nothing to do
    assert len(mail.outbox) == 1


def test_mail_fails_for_good_after_max_attempts_and_can_be_retried(settings):
    queued = services.mail_queue(to="a@example.vn", subject="A", body="a")
    OutgoingMail.objects.filter(pk=queued.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    with mock.patch(LOCMEM_SEND, side_effect=ConnectionRefusedError("refused")):
        with pytest.raises(ConnectionRefusedError):
            services.mail_send(mail_id=queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (MailStatus.FAILED, services.MAX_ATTEMPTS)
    assert services.outbox_sweep(now=later(600)) == 0

    assert services.outbox_retry_failed() == 1
    assert services.outbox_sweep(now=later(600)) == 1
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT


def test_mail_sent_signal_carries_the_reference():
    seen = []

    def receiver(sender, *, mail, **kwargs):
        seen.append((mail.reference, mail.status))

    mail_sent.connect(receiver)
    try:
        queued = services.mail_queue(to="a@example.vn", subject="A", body="a", reference="thu:1")
        services.mail_send(mail_id=queued.pk)
    finally:
        mail_sent.disconnect(receiver)
    assert seen == [("thu:1", MailStatus.SENT)]


def test_enqueue_swallows_a_broker_outage(caplog):
    queued = services.mail_queue(to="a@example.vn", subject="A", body="a")
    with mock.patch("notifications.tasks.send_mail.apply_async", side_effect=ConnectionError("broker down")):
        assert services.mails_enqueue(mail_ids=[queued.pk]) == 0
    assert "outbox sweep will retry" in caplog.text
    queued.refresh_from_db()
    assert queued.status == MailStatus.PENDING


def test_campaigns_reexport_is_the_same_service():
    from campaigns.services import notifications as old

    assert old.notify is services.notify
    assert old.users_with_roles is services.users_with_roles
    assert old.mail_queue is services.mail_queue


def test_outbox_command_retries_failed_and_sends_now():
    from io import StringIO

    from django.core.management import call_command

    failed = services.mail_queue(to="a@example.vn", subject="A", body="a")
    OutgoingMail.objects.filter(pk=failed.pk).update(status=MailStatus.FAILED, attempts=services.MAX_ATTEMPTS)
    services.mail_queue(to="b@example.vn", subject="B", body="b")
    out = StringIO()

    call_command("outbox", "--retry-failed", "--send-now", stdout=out)

    assert out.getvalue().splitlines() == [
        "Thư được thử lại: 1",
        "Thư đã đưa vào hàng đợi: 2",
        "Chờ gửi: 0",
        "Đã gửi: 2",
        "Gửi không được: 0",
    ]
