""" "Xuất Excel" of the councils list (core.exports): the councils the user may read, as on the page."""

import datetime

import pytest
from django.urls import reverse

from core.tests.export_helpers import cells, column, export_of, page_values
from councils.services import council_create

FORMULA = '=HYPERLINK("http://x","A")'
START, END = datetime.date(2025, 1, 1), datetime.date(2029, 12, 31)


def test_council_list_export_is_the_page_without_the_sibling(client, tree, personas):
    council_create(by=None, unit=tree["school_a1"], name=FORMULA, period_start=START, period_end=END)
    council_create(by=None, unit=tree["school_a2"], name="Hội đồng TĐKT trường A2", period_start=START, period_end=END)
    client.force_login(personas["head_a1"])
    url = reverse("councils:council_list")
    response = export_of(client, url)
    assert column(response, "Hội đồng") == page_values(client, url, "", lambda c: c.name)
    [name] = cells(response, "Hội đồng")
    assert (name.value, name.data_type) == (FORMULA, "s")
    assert [d.date() for d in column(response, "Nhiệm kỳ từ ngày")] == [START]


@pytest.mark.parametrize("count", [1, 10])
def test_council_list_export_query_count_constant(client, tree, personas, count, django_assert_max_num_queries):
    for n in range(count):
        council_create(by=None, unit=tree["school_a1"], name=f"Hội đồng {n}", period_start=START, period_end=END)
    client.force_login(personas["reviewer_a"])
    with django_assert_max_num_queries(8):
        response = export_of(client, reverse("councils:council_list"))
    assert len(column(response, "Hội đồng")) == count
