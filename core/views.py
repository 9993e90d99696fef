"""Generic view pieces shared by the apps."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.functional import cached_property

from core.rules import PUBLIC, view_rule

PAGE_SIZE = 25


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap` rows: COUNT(*) of a province-wide list (60,000 people) reads every
    matching row on every page view; `SELECT COUNT(*) FROM (… LIMIT cap + 1)` reads at most cap + 1. Past the
    cap the page says «hơn N dòng» and pages run to the cap (nobody pages past 400 pages: they filter)."""

    def __init__(self, *args, cap: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self):
        if self.cap <= 0 or not hasattr(self.object_list, "query"):
            return super().count
        # Ordering does not change a count: without it PostgreSQL stops after cap + 1 index entries.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    paginator = CappedPaginator(queryset, per_page, cap=settings.PAGINATION_COUNT_CAP)
    return paginator.get_page(request.GET.get("page"))


@login_not_required
@view_rule(PUBLIC)
def healthz(request):
    """Liveness and readiness for load balancers and compose healthchecks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
