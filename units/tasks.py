from celery import shared_task

from .models import Person, Unit


@shared_task(name="units.count_active_people", acks_late=True, time_limit=30)
def count_active_people(*, unit_id: int) -> int | None:
    """Active people in a unit's subtree. Used by operations to check that a worker reaches the database."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        return None
    return Person.objects.filter(unit__path__startswith=unit.path, is_active=True).count()
