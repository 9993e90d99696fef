"""Who made a change, for the history tables (django-simple-history), outside a web request.

In a request, `simple_history.middleware.HistoryRequestMiddleware` records the
signed-in user. A service called from a Celery task, an import or a management
command with `by=` can wrap its writes in `acting_as(by)` so the history rows
name that user instead of nobody.
"""

from contextlib import contextmanager
from types import SimpleNamespace

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
