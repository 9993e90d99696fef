"""The registration overview's empty filter form rendered once per process (campaigns.overview_rows.filter_form_html,
issue 14): equal to the include it replaces for every account and campaign, and never served for a query string that
sets one of the form's fields (the user's typed name, status, order or chosen unit are rendered each time)."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import overview_rows, selectors, services
from campaigns.enums import CampaignKind
from campaigns.filters import OverviewFilter

pytestmark = pytest.mark.django_db


def _include(overview_filter) -> str:
    return render_to_string("includes/filter_form.html", {"filter": overview_filter})


def _filter(user, campaign, query: str, unit=None):
    data = RequestFactory().get("/x/" + query).GET
    overview_filter = OverviewFilter(data, queryset=selectors.registration_overview(user, campaign), unit=unit)
    overview_filter.is_valid()  # the view validates before rendering
    return overview_filter, data


@pytest.fixture
def dept_campaign(tree, personas, awards):
    return services.campaign_create(
        launched_by=tree["dept"],
        name="Phong trào của Sở",
        kind=CampaignKind.REGULAR,
        school_year=2024,
        by=personas["admin_dept"],
    )


@pytest.mark.parametrize("query", ["", "?page=2", "?page=abc&export=", "?foo=bar"])
def test_empty_filter_form_is_rendered_once_and_equals_the_include(
    personas, office_campaign, dept_campaign, query, monkeypatch
):
    monkeypatch.setattr(overview_rows, "_EMPTY_FORMS", {})
    overview_filter, data = _filter(personas["reviewer_a"], office_campaign, query)
    expected = _include(overview_filter)
    first = overview_rows.filter_form_html(overview_filter, data)
    assert first == expected and 'name="q"' in first and "Mặc định" in first

    monkeypatch.setattr(overview_rows, "render_to_string", lambda *a, **k: pytest.fail("rendered again"))
    for persona, campaign in [("admin_dept", dept_campaign), ("secretary_a1", office_campaign)]:
        other, data = _filter(personas[persona], campaign, query)
        with CaptureQueriesContext(connection) as captured:
            again = overview_rows.filter_form_html(other, data)
        assert again is first and len(captured) == 0
        assert _include(other) == first  # what the include would have written for this account and campaign


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?q=Tr%C6%B0%E1%BB%9Dng+A1", 'value="Trường A1"'),
        ("?state=submitted", '<option value="submitted" selected>'),
        ("?state=none", '<option value="none" selected>'),
        ("?o=-name", '<option value="-name" selected>'),
        ("?state=bogus", "is-invalid"),
        ("?q=", 'name="q"'),
        ("?unit={unit}", 'name="unit" value="{unit}"'),
    ],
)
def test_a_filled_filter_form_is_rendered_for_its_values(personas, tree, office_campaign, query, shown, monkeypatch):
    monkeypatch.setattr(overview_rows, "_EMPTY_FORMS", {"vi": "cached", "en": "cached"})
    unit = tree["school_a1"]
    overview_filter, data = _filter(
        personas["reviewer_a"], office_campaign, query.format(unit=unit.pk), unit if "unit" in query else None
    )
    html = overview_rows.filter_form_html(overview_filter, data)
    assert html == _include(overview_filter) != "cached"
    assert shown.format(unit=unit.pk) in html


@pytest.mark.parametrize(
    "query", ["", "?page=2", "?q=Tr%C6%B0%E1%BB%9Dng", "?state=none", "?o=path", "?state=x", "?unit={unit}"]
)
@pytest.mark.parametrize("persona", ["reviewer_a", "admin_dept"])
def test_the_page_writes_the_form_the_include_writes(client, personas, tree, office_campaign, persona, query):
    """Over accounts and query strings (the memo kept from the first request on), the page holds exactly the form
    the include renders for that request's filter."""
    client.force_login(personas[persona])
    url = reverse("campaigns:registration_overview", args=[office_campaign.pk])
    query = query.format(unit=tree["school_a1"].pk)
    client.get(url)  # the empty form kept
    response = client.get(url + query)
    assert response.status_code == 200
    assert _include(response.context["filter"]) in response.content.decode()
