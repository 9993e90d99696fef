"""Who made a change, for the history tables (django-simple-history), outside a web request.

In a request, `simple_history.middleware.HistoryRequestMiddleware` records the
signed-in user. A service called from a Celery task, an import or a management
command with `by=` can wrap its writes in `acting_as(by)` so the history rows
name that user instead of nobody.
"""

import functools
from contextlib import contextmanager
from types import SimpleNamespace

from django.utils import timezone
from simple_history.models import HistoricalRecords


@contextmanager
def acting_as(user):
    """Record `user` as the author of every history row written inside the block (restores the previous one)."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user) if user is not None else None
    try:
        yield
    finally:
        if previous is None:
            if hasattr(context, "request"):
                del context.request
        else:
            context.request = previous


def audited(service):
    """For a service taking keyword `by`: the history rows it writes name `by`, also outside a request
    (a Celery task, an import, a management command). `by=None` (the system) leaves the author as it is:
    the signed-in user inside a request, nobody outside one."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        by = kwargs.get("by")
        if by is None:
            return service(*args, **kwargs)
        with acting_as(by):
            return service(*args, **kwargs)

    return wrapper


# --- bulk writes that keep the trail -------------------------------------------------------------
# Django's bulk_create / bulk_update / queryset delete send no per-object save signal (or, for delete,
# one history INSERT per row). These keep one history row per object at a constant number of queries,
# for models that have `history = HistoricalRecords()` or are registered with simple_history.


def _tracked(model) -> bool:
    return hasattr(model, "history") and hasattr(model.history, "model")


def _author(by):
    return by if by is not None else getattr(getattr(HistoricalRecords.context, "request", None), "user", None)


def bulk_create_audited(model, objs, *, by, batch_size=500):
    """bulk_create plus one "+" history row per object."""
    from simple_history.utils import bulk_create_with_history

    if not _tracked(model):
        return model.objects.bulk_create(objs, batch_size=batch_size)
    return bulk_create_with_history(objs, model, batch_size=batch_size, default_user=_author(by))


def bulk_update_audited(model, objs, fields, *, by, batch_size=500):
    """bulk_update plus one "~" history row per object."""
    from simple_history.utils import bulk_update_with_history

    if not _tracked(model):
        return model.objects.bulk_update(objs, fields, batch_size=batch_size)
    return bulk_update_with_history(objs, model, fields, batch_size=batch_size, default_user=_author(by))


def bulk_delete_audited(model, objs, *, by) -> int:
    """Delete `objs` (loaded instances, nothing references them) with one "-" history row each.

    Writes the history rows in one INSERT, then deletes in one DELETE without the per-row
    post_delete signal (`_raw_delete`, which Django uses itself for fast deletes).
    """
    objs = list(objs)
    if not objs:
        return 0
    if not _tracked(model):
        return model.objects.filter(pk__in=[obj.pk for obj in objs]).delete()[0]
    history = model.history.model
    now, user = timezone.now(), _author(by)
    history.objects.bulk_create(
        [
            history(
                history_date=now,
                history_user=user,
                history_type="-",
                **{field.attname: getattr(obj, field.attname) for field in history.tracked_fields},
            )
            for obj in objs
        ]
    )
    queryset = model.objects.filter(pk__in=[obj.pk for obj in objs])
    return queryset._raw_delete(queryset.db)
