"""Celery interface of the notifications app: thin tasks that take ids and call one service."""

from celery import shared_task

from . import services


@shared_task(
    name="notifications.send_mail",
    bind=True,
    acks_late=True,
    time_limit=120,
    # The outbox row is the result. Without this, queuing also subscribes to the Redis result
    # store, which retries for 20 s when Redis is down and then breaks the web process's Celery app.
    ignore_result=True,
    autoretry_for=services.TRANSIENT_MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def send_mail(self, *, mail_id: int) -> bool:
    """Send one outbox row; SMTP and connection errors are retried with exponential backoff."""
    try:
        return services.mail_send(mail_id=mail_id)
    except services.TRANSIENT_MAIL_ERRORS:
        if self.request.is_eager:
            # In-process (no broker, tests): do not retry inside the web request; the row stays
            # pending with its error and the sweep tries again.
            return False
        raise


@shared_task(name="notifications.sweep_outbox", acks_late=True, time_limit=120, ignore_result=True)
def sweep_outbox() -> int:
    """Beat, every minute: queue again outbox rows whose task was lost (broker down at commit) or overdue."""
    return services.outbox_sweep()
