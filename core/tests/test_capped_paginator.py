"""Lists count their rows only up to PAGINATION_COUNT_CAP (core.views.CappedPaginator)."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.views import paginate
from units.enums import UnitKind
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    root = Unit.objects.create(name="Sở Thử", kind=UnitKind.DEPARTMENT, path="/tmp/")
    root.path = f"/{root.pk}/"
    root.save()
    for i in range(12):
        child = Unit.objects.create(name=f"Trường {i:02}", kind=UnitKind.SCHOOL, parent=root, path=f"/tmp{i}/", depth=1)
        child.path = f"{root.path}{child.pk}/"
        child.save()
    return Unit.objects.filter(path__startswith=root.path).order_by("name")


def _page(units, settings, cap, number="1", per_page=5):
    settings.PAGINATION_COUNT_CAP = cap
    return paginate(RequestFactory().get("/", {"page": number}), units, per_page=per_page)


def test_below_the_cap_the_count_is_exact(units, settings):
    page = _page(units, settings, cap=100)
    assert (page.paginator.count, page.paginator.capped, page.paginator.num_pages) == (13, False, 3)
    assert "(13 dòng)" in render_to_string(
        "includes/pagination.html", {"page": page, "request": RequestFactory().get("/")}
    )


def test_past_the_cap_the_count_stops_and_says_so(units, settings):
    with CaptureQueriesContext(connection) as queries:
        page = _page(units, settings, cap=8)
        list(page.object_list)
    assert (page.paginator.count, page.paginator.capped, page.paginator.num_pages) == (8, True, 2)
    count_sql = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper())
    assert "LIMIT 9" in count_sql and "ORDER BY" not in count_sql.upper()
    assert "hơn 8 dòng; lọc để thu hẹp" in render_to_string(
        "includes/pagination.html", {"page": page, "request": RequestFactory().get("/")}
    )
    # A page past the cap gives the last page within it (Paginator.get_page), not an error.
    assert _page(units, settings, cap=8, number="99").number == 2


def test_cap_zero_counts_everything(units, settings):
    page = _page(units, settings, cap=0)
    assert (page.paginator.count, page.paginator.capped) == (13, False)
