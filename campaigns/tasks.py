from celery import shared_task

from .services import reminders_send


@shared_task(name="campaigns.send_deadline_reminders", acks_late=True, time_limit=300)
def send_deadline_reminders() -> int:
    """Daily (Celery beat): remind the units that still have to act before each deadline."""
    return reminders_send()
