"""Every write of the notifications app: in-app notifications and the e-mail outbox.

Mail never leaves inside a web request. A service that wants a mail calls
`notify(..., email=True)` or `mail_queue(...)` inside its transaction: an
`OutgoingMail` row is written with the change, and only after the commit is the
Celery task `notifications.send_mail` queued. If queuing fails (broker down),
the error is logged and swallowed (the change already committed); the beat job
`notifications.sweep_outbox` queues the row again a little later.
"""

import datetime
import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from units.models import UnitRole

from .enums import MailStatus
from .models import Notification, OutgoingMail
from .signals import mail_sent

logger = logging.getLogger(__name__)

DEFAULT_SUBJECT = "Cổng thi đua – khen thưởng"
# Errors worth trying again: the SMTP server refused or was unreachable (OSError covers
# ConnectionError, refused sockets and timeouts). Anything else is a bug and is not retried.
TRANSIENT_MAIL_ERRORS = (SMTPException, OSError)
# A worker owns a row it is sending for this long; the sweep leaves it alone meanwhile.
CLAIM_FOR = datetime.timedelta(minutes=5)
# The sweep leaves a fresh row to its own task for this long before queuing it again.
SWEEP_DELAY = datetime.timedelta(minutes=2)
SWEEP_BATCH = 500
# Queuing happens right after the user's commit: give up on a dead broker within about a second.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
# After this many attempts a row is marked failed and the sweep stops trying (operations.md).
MAX_ATTEMPTS = 10


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


# --- in-app notifications -----------------------------------------------------------------------


def notify(
    *, users, message: str, url: str = "", email: bool = False, subject: str = "", reference: str = ""
) -> list[Notification]:
    """Create one in-app notification per user (duplicates removed).

    Side effect: when `email` is set, one outbox row per distinct address of
    those users, sent by the worker after the transaction commits. `reference`
    is stored on those rows for the app that wants to know when they went out.
    """
    unique = list({u.pk: u for u in users}.values())
    rows = Notification.objects.bulk_create([Notification(user=u, message=message[:1000], url=url) for u in unique])
    if email:
        addresses = sorted({u.email for u in unique if u.email})
        mails_queue(to=addresses, subject=subject or DEFAULT_SUBJECT, body=message, reference=reference)
    return rows


def users_with_roles(unit_ids, roles) -> dict[int, list]:
    """unit id → active users holding one of `roles` on that unit itself (one query)."""
    result: dict[int, list] = {}
    for role in UnitRole.objects.filter(unit_id__in=list(unit_ids), role__in=list(roles)).select_related("user"):
        if role.user.is_active:
            result.setdefault(role.unit_id, []).append(role.user)
    return result


@transaction.atomic
def notification_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one notification (or all of the user's unread ones) as read. Returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


# --- the outbox ---------------------------------------------------------------------------------


def mail_queue(*, to: str, subject: str, body: str, reference: str = "") -> OutgoingMail:
    """Queue one plain e-mail (for any app: invitations, password links, …).

    Call it inside the transaction of the change. Side effect: after commit the
    `notifications.send_mail` task is queued (a broker outage is logged, and the
    sweep picks the row up later).
    """
    return mails_queue(to=[to], subject=subject, body=body, reference=reference)[0]


def mails_queue(*, to, subject: str, body: str, reference: str = "") -> list[OutgoingMail]:
    """The same message to several addresses, one outbox row each."""
    rows = OutgoingMail.objects.bulk_create(
        [
            OutgoingMail(to=address, subject=subject[:255], body=body, reference=reference[:200])
            for address in to
            if address
        ]
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: mails_enqueue(mail_ids=ids))
    return rows


def mails_enqueue(*, mail_ids) -> int:
    """Hand outbox rows to the worker. Never raises: a row that could not be queued stays pending.

    Returns how many were queued.
    """
    # Services do not import tasks at module level (tasks import services).
    from .tasks import send_mail

    queued = 0
    for mail_id in mail_ids:
        try:
            send_mail.apply_async(kwargs={"mail_id": mail_id}, retry_policy=PUBLISH_RETRY)
        except Exception:  # noqa: BLE001 - broker down, or the eager task failed: the sweep tries again
            logger.warning("Could not queue outgoing mail %s; the outbox sweep will retry it", mail_id, exc_info=True)
        else:
            queued += 1
    return queued


def mail_send(*, mail_id: int) -> bool:
    """Send one outbox row through the configured e-mail backend. Returns True when it was sent now.

    The row is claimed with a conditional UPDATE (pending and not claimed by
    another worker), so a retry and the sweep never send it twice at once; a
    row already sent, failed or gone is left alone (False). It is marked sent
    only after the backend accepted it. On an error the attempt and the error
    are recorded and the error is raised again (the task retries transient ones).
    Side effect: the `mail_sent` signal.
    """
    now = timezone.now()
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id, status=MailStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    mail = OutgoingMail.objects.get(pk=mail_id)
    message = EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to])
    try:
        if get_connection(fail_silently=False).send_messages([message]) != 1:
            raise SMTPException("the mail backend reported that nothing was sent")
    except Exception as exc:
        failed = mail.attempts >= MAX_ATTEMPTS
        OutgoingMail.objects.filter(pk=mail_id).update(
            status=MailStatus.FAILED if failed else MailStatus.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            claimed_until=None,
            next_attempt_at=None if failed else timezone.now() + _backoff(mail.attempts),
        )
        raise
    sent_at = timezone.now()
    OutgoingMail.objects.filter(pk=mail_id).update(
        status=MailStatus.SENT, sent_at=sent_at, claimed_until=None, next_attempt_at=None, last_error=""
    )
    mail.status, mail.sent_at = MailStatus.SENT, sent_at
    for receiver, result in mail_sent.send_robust(sender=OutgoingMail, mail=mail):
        if isinstance(result, Exception):
            logger.error("mail_sent receiver %r failed for mail %s", receiver, mail_id, exc_info=result)
    return True


def outbox_due(*, now: datetime.datetime | None = None):
    """Pending rows nobody is sending that should have gone out by now."""
    now = now or timezone.now()
    cutoff = now - SWEEP_DELAY
    return (
        OutgoingMail.objects.filter(status=MailStatus.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True, created_at__lte=cutoff) | Q(next_attempt_at__lte=cutoff))
        .order_by("created_at", "pk")
    )


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again every pending row whose task was lost or is overdue (beat, every minute).

    A row whose task is still waiting in the broker may be queued twice; the
    claim in `mail_send` makes the second task a no-op. Returns how many were queued.
    """
    ids = list(outbox_due(now=now).values_list("pk", flat=True)[:SWEEP_BATCH])
    return mails_enqueue(mail_ids=ids) if ids else 0


@transaction.atomic
def outbox_retry_failed() -> int:
    """Give the failed rows a fresh set of attempts (after an SMTP outage is over). Returns how many."""
    return OutgoingMail.objects.filter(status=MailStatus.FAILED).update(
        status=MailStatus.PENDING, attempts=0, next_attempt_at=None, claimed_until=None
    )
