"""Issue 14: the registration overview reads a constant number of queries whatever its units, registrations and
lines (the totals in one aggregate, the status counts in one grouped query that also counts the paginator)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.enums import RegistrationStatus
from campaigns.models import Registration, RegistrationCollectiveLine
from units.enums import SchoolLevel, UnitKind
from units.services import unit_create

from .conftest import award

pytestmark = pytest.mark.django_db


def _submit(campaign, unit, teams=()):
    registration = Registration.objects.create(
        campaign=campaign,
        unit=unit,
        status=RegistrationStatus.SUBMITTED,
        collective_title=award("TTLDTT"),
        collective_commendation=award("GK"),
        collective_problems="x",
    )
    for order, team in enumerate(teams):
        RegistrationCollectiveLine.objects.create(
            registration=registration, order=order, team=team, title=award("TTLDTT"), problems="x"
        )
    return registration


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_overview_queries_constant_in_units_registrations_and_lines(client, personas, tree, office_campaign, teams):
    client.force_login(personas["reviewer_a"])
    url = reverse("campaigns:registration_overview", args=[office_campaign.pk])
    _submit(office_campaign, tree["school_a1"], teams[:1])
    client.get(url)  # the roles' and the session's first reads
    small, response = _queries(client, url)
    assert response.context["counts"]["registered"] == 1
    for i in range(6):
        school = unit_create(
            by=None,
            name=f"Trường mới {i}",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=tree["office_a"],
        )
        _submit(office_campaign, school)
    _submit(office_campaign, tree["school_a2"], teams)
    big, response = _queries(client, url)
    assert big == small
    counts = response.context["counts"]
    assert counts["registered"] == counts["submitted"] == 8
    assert counts["expected"] == response.context["page"].paginator.count
    assert [(t.name, t.count) for t in response.context["totals"]["collective"]] == [
        ("Tập thể lao động tiên tiến", 8 + len(teams) + 1)
    ]
    flagged = {row.pk: row.flagged_lines for row in response.context["page"] if row.registration_id}
    assert flagged[tree["school_a2"].pk] == 1 + len(teams)
    # The view's own reads: campaign, status counts (also the paginator's count), rows, flags, totals.
    own = [q["sql"] for q in _capture_view(client, url)]
    assert len(own) == 5, own
    # A name or status filter narrows the rows: the paginator counts them (one more query), still constant.
    narrowed, response = _queries(client, url + "?state=submitted")
    assert narrowed == big + 1
    assert response.context["page"].paginator.count == 8


def _capture_view(client, url):
    """The queries after the request's common reads (session, user, roles): from the campaign's on, without the
    layout's unread-notification badge."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    sql = [q for q in captured.captured_queries]
    start = next(i for i, q in enumerate(sql) if '"campaigns_campaign"' in q["sql"].split("FROM")[1][:40])
    return [q for q in sql[start:] if "notifications_notification" not in q["sql"]]
