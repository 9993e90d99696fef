from celery import shared_task

from . import services


@shared_task(name="accounts.purge_login_events", acks_late=True, time_limit=300, ignore_result=True)
def purge_login_events() -> int:
    """Login events older than LOGIN_EVENT_RETENTION_DAYS, from beat once a night."""
    return services.login_events_purge()
