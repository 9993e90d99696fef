"""Dashboard drill-downs (issue 12, item 2): each figure's number equals the number of rows of the list it
links to, with a sibling school's rows present and left out; the lists' `unit` filter never widens a scope.

The world is `test_dashboards.world` (today 20/11/2024, school year 2024), plus, for School A2 (A1's sibling):
a teacher's and a manager's LĐTT 2024, Tổ A2's and the school's TTLĐTT 2024; and School A1's dossier sent to
Phòng A on 15/11/2024 (due 20 days later: not overdue) with one nomination.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.tests.conftest import award
from core.tests.export_helpers import column, export_of, preamble
from nominations.enums import DossierStatus, RoundKind
from nominations.models import Dossier, Nomination
from units.enums import SchoolLevel, UnitKind
from units.services import unit_create
from workbench.dashboards import dashboard_for

from .test_dashboards import TODAY, YEAR, record, world  # noqa: F401 - fixture

SENT_AT = datetime.datetime(2024, 11, 15, 8, tzinfo=datetime.UTC)


@pytest.fixture
def siblings(world, tree, person_factory):  # noqa: F811 - the fixture imported above
    a1, a2 = tree["school_a1"], tree["school_a2"]
    team_a2 = unit_create(by=None, name="Tổ khối A2", kind=UnitKind.TEAM, parent=a2)
    record(person=person_factory(a2))
    record(person=person_factory(a2, position="Hiệu trưởng", is_manager=True))
    record(unit=team_a2, code="TTLDTT")
    record(unit=a2, code="TTLDTT")
    sent = Dossier.objects.create(
        unit=a1,
        round_kind=RoundKind.YEAR_END,
        school_year=YEAR,
        receiving_unit=tree["office_a"],
        status=DossierStatus.SENT,
        sent_at=SENT_AT,
    )
    Nomination.objects.create(dossier=sent, person=world["teachers"][3], award_type=award("CSTDCS"))
    return world


def _rows(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.mark.parametrize("school", ["school_a1", "school_a2"])
def test_share_figures_equal_their_record_lists(client, siblings, tree, personas, school):
    client.force_login(personas["reviewer_a"])
    board = dashboard_for(personas["reviewer_a"], tree[school], YEAR, today=TODAY)
    [share] = [s for s in board.figures["shares"] if s.year == YEAR]

    shown = {
        "staff": _rows(client, share.staff_url),
        "managers": _rows(client, share.managers_url),
        "teams": _rows(client, share.teams_url),
        "units": _rows(client, share.units_url),
    }

    expected = {"school_a1": (8, 1, 1, 1), "school_a2": (1, 1, 1, 1)}[school]
    assert (share.staff, share.managers, share.teams, share.units) == expected
    assert shown == {"staff": share.staff, "managers": share.managers, "teams": share.teams, "units": share.units}


def test_record_filter_manager_and_team_keep_only_their_kind(client, siblings, tree, personas):
    client.force_login(personas["reviewer_a"])
    url = reverse("awards:unit_history", args=[tree["office_a"].pk])
    params = {"school_year": YEAR, "revoked": "false"}

    counts = {
        value: client.get(url, params | extra).context["page"].paginator.count
        for value, extra in {
            "all": {},
            "staff": {"quan_ly": "0"},
            "managers": {"quan_ly": "1"},
            "teams": {"loai_tap_the": "to"},
            "units": {"loai_tap_the": "don_vi"},
        }.items()
    }

    # Phòng A 2024: 8 + 1 teachers' and staff's, 1 + 1 managers', 2 teams', 2 whole units' (B1's is outside).
    assert counts == {"all": 15, "staff": 9, "managers": 2, "teams": 2, "units": 2}


@pytest.mark.parametrize("school", ["school_a1", "school_a2"])
def test_registration_figures_equal_the_overview_rows_of_the_unit(client, siblings, tree, personas, school):
    client.force_login(personas["reviewer_a"])
    [row] = dashboard_for(personas["reviewer_a"], tree[school], YEAR, today=TODAY).campaigns

    response = client.get(row.overview_url)

    assert (row.expected, row.missing, row.submitted) == {"school_a1": (1, 0, 1), "school_a2": (1, 1, 0)}[school]
    assert response.context["page"].paginator.count == row.expected
    assert response.context["counts"]["expected"] == row.expected
    assert _rows(client, row.missing_url) == row.missing
    assert _rows(client, row.submitted_url) == row.submitted
    assert f"Thuộc đơn vị: {tree[school].name}" in response.content.decode()


@pytest.mark.parametrize("school", ["school_a1", "school_a2"])
def test_inbox_figures_equal_the_inbox_rows_of_the_unit(client, siblings, tree, personas, school):
    client.force_login(personas["reviewer_a"])
    # The inbox reads today's date: so does this figure (both dossiers are long overdue by now).
    f = dashboard_for(personas["reviewer_a"], tree[school], YEAR).figures
    [sent] = [s for s in f["dossiers"] if s.state == DossierStatus.SENT]
    [nominations] = f["nominations"]
    label, card_count, card_url = f["dossier_card"]

    assert (sent.count, nominations.count, f["overdue_appraisals"]) == (1, 1, 1)
    assert _rows(client, sent.url) == sent.count
    assert _rows(client, nominations.url) == nominations.count
    assert _rows(client, f["overdue_url"]) == f["overdue_appraisals"]
    assert (label, _rows(client, card_url)) == ("Hồ sơ gửi đến", card_count)
    # Without the unit the inbox holds both schools' dossiers: the filter is what narrows it.
    assert _rows(client, reverse("nominations:inbox") + f"?nam_hoc={YEAR}") == 2


def test_school_secretary_dossier_figures_equal_her_dossier_list(client, siblings, tree, personas):
    """A school secretary files for her own school: the figure counts the dossiers of the list she is sent to,
    A1's draft and its sent dossier, not A2's."""
    secretary = personas["secretary_a1"]
    client.force_login(secretary)
    f = dashboard_for(secretary, tree["school_a1"], YEAR, today=TODAY).figures
    label, card_count, card_url = f["dossier_card"]

    assert {s.state: s.count for s in f["dossiers"]} == {DossierStatus.DRAFT: 1, DossierStatus.SENT: 1}
    assert (label, card_count, _rows(client, card_url)) == ("Hồ sơ đề nghị", 2, 2)
    for state in f["dossiers"]:
        assert _rows(client, state.url) == state.count


def test_office_secretary_dossier_figure_counts_the_office_own_dossiers(client, siblings, tree, personas):
    """A Phòng's secretary files for the Phòng only: its own dossier is counted, the schools' are not."""
    Dossier.objects.create(unit=tree["office_a"], round_kind=RoundKind.YEAR_END, school_year=YEAR)
    secretary = personas["secretary_office_a"]
    client.force_login(secretary)
    f = dashboard_for(secretary, tree["office_a"], YEAR, today=TODAY).figures
    _label, card_count, card_url = f["dossier_card"]

    assert (f["dossier_total"], card_count, _rows(client, card_url)) == (1, 1, 1)


@pytest.mark.parametrize("value", ["abc", "0", "99999999999999999999999"])
def test_drill_down_lists_bad_unit_is_not_found(client, siblings, tree, personas, value):
    client.force_login(personas["reviewer_a"])
    overview = reverse("campaigns:registration_overview", args=[siblings["campaign"].pk])

    statuses = [
        client.get(url, {"unit": value}).status_code
        for url in (overview, reverse("nominations:inbox"), reverse("nominations:dossier_list"))
    ]

    assert statuses == [404, 404, 404]


def test_drill_down_lists_unit_outside_scope_is_not_found(client, siblings, tree, personas):
    """Em (secretary of A2) sees the campaign, but not A1; Giang (Phòng B) has no business with Phòng A."""
    overview = reverse("campaigns:registration_overview", args=[siblings["campaign"].pk])
    client.force_login(personas["secretary_a2"])
    own = client.get(overview, {"unit": tree["school_a2"].pk}).status_code
    sibling = client.get(overview, {"unit": tree["school_a1"].pk}).status_code
    client.force_login(personas["reviewer_b"])
    inbox = client.get(reverse("nominations:inbox"), {"unit": tree["office_a"].pk}).status_code
    dossiers = client.get(reverse("nominations:dossier_list"), {"unit": tree["school_a1"].pk}).status_code

    assert (own, sibling, inbox, dossiers) == (200, 404, 404, 404)


def _grow(tree, person_factory, n):
    """n more schools under Phòng A, each with a team, staff and a manager with awards, a dossier sent."""
    for i in range(n):
        school = unit_create(
            by=None,
            name=f"Trường lọc {chr(65 + i)}",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=tree["office_a"],
        )
        team = unit_create(by=None, name=f"Tổ lọc {chr(65 + i)}", kind=UnitKind.TEAM, parent=school)
        record(person=person_factory(school))
        record(person=person_factory(school, is_manager=True))
        record(unit=team, code="TTLDTT")
        dossier = Dossier.objects.create(
            unit=school,
            round_kind=RoundKind.YEAR_END,
            school_year=YEAR,
            receiving_unit=tree["office_a"],
            status=DossierStatus.SENT,
            sent_at=SENT_AT,
        )
        Nomination.objects.create(dossier=dossier, unit=school, award_type=award("TTLDTT"))


def test_filtered_lists_queries_constant_in_rows(
    client, siblings, tree, personas, person_factory, django_assert_max_num_queries
):
    client.force_login(personas["reviewer_a"])
    office = tree["office_a"].pk
    urls = [
        reverse("awards:unit_history", args=[office]) + f"?school_year={YEAR}&quan_ly=0",
        reverse("awards:unit_history", args=[office]) + f"?school_year={YEAR}&loai_tap_the=to",
        reverse("campaigns:registration_overview", args=[siblings["campaign"].pk]) + f"?unit={office}",
        reverse("nominations:inbox") + f"?nam_hoc={YEAR}&unit={office}",
        reverse("nominations:inbox") + f"?tab=de-nghi&nam_hoc={YEAR}&unit={office}",
    ]
    small = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        small[url] = len(captured.captured_queries)
    _grow(tree, person_factory, 12)

    for url in urls:
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == 200


def test_unit_chip_removes_only_the_unit(client, siblings, tree, personas):
    client.force_login(personas["reviewer_a"])
    a1 = tree["school_a1"]

    html = client.get(reverse("nominations:inbox"), {"nam_hoc": YEAR, "unit": a1.pk, "page": 1}).content.decode()

    assert f"Thuộc đơn vị: {a1.name} và các đơn vị trực thuộc" in html
    assert 'href="?nam_hoc=2024"' in html  # the chip's ×: the other filters stay, the page resets
    assert f'<input type="hidden" name="unit" value="{a1.pk}">' in html  # kept when the form is sent


@pytest.mark.parametrize("list_name", ["nominations:inbox", "nominations:dossier_list"])
def test_unit_filter_export_names_the_unit(client, siblings, tree, personas, list_name):
    persona = "reviewer_a" if list_name == "nominations:inbox" else "secretary_a1"
    client.force_login(personas[persona])
    a1 = tree["school_a1"]

    response = export_of(client, reverse(list_name), f"nam_hoc={YEAR}&unit={a1.pk}")

    assert f"Thuộc đơn vị: {a1.name} và các đơn vị trực thuộc" in preamble(response)[1]
    assert set(column(response, "Đơn vị đề nghị")) == {a1.name}
