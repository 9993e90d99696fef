from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from .models import Unit
from .rules import people_in_scope


@shared_task(name="units.count_active_people", acks_late=True, time_limit=30)
def count_active_people(*, unit_id: int, user_id: int) -> int | None:
    """Active people of a unit's subtree that the user may read (through the kernel, like every read).

    Used by operations to check that a worker reaches the database. None when the unit or the user is gone.
    """
    unit = Unit.objects.filter(pk=unit_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if unit is None or user is None:
        return None
    return people_in_scope(user, unit, active_only=True).count()


@shared_task(name="units.clear_expired_sessions", acks_late=True, time_limit=600, ignore_result=True)
def clear_expired_sessions() -> None:
    """Delete the sessions past their expiry (what `manage.py clearsessions` does), from beat once a night:
    nothing else removes them, and the session table would grow with every login."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
