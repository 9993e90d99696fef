"""Dashboards (bảng điều khiển): figures against a hand-computed world, scope, drill-down links, query counts.

The world (school year 2024-2025, today 20/11/2024), on the root conftest's tree:

- Phòng A's campaign (office_campaign: schools register by 15/10/2024), phase 1 from 01/11 to 30/11/2024 and
  phase 2 from 01/01/2025; School A1 submitted its registration and completed the deadline, School A2 has not
  registered: expected 2, started 1, submitted 1, and 1 unit late for the deadline.
- School A1: six teachers and one manager, each Lao động tiên tiến 2024 (7), CSTĐCS 2024 for two teachers (the
  quota allows floor(7 × 15 %) = 1: over), one more LĐTT 2024 revoked (not counted), one teacher LĐTT 2023;
  Tập thể lao động tiên tiến 2024 for Tổ khối 1 (a team) and for the school (a whole unit).
- School A2: Tập thể lao động tiên tiến 2023. School B1 (Phòng B): a teacher's LĐTT 2024 (outside Phòng A).
- Dossiers of 2024: A1's draft with two proposed nominations; A2's sent to Phòng A on 01/10/2024 (appraisal
  due 20 days later: overdue on 20/11) with one nomination.

So, for Phòng A in 2024: awards 7 + 2 + 2 = 11; individual awards to teachers and staff 8 of 9 (89 %), to
small collectives 1 of 2 (50 %); in 2023: 1 of 1 (100 %) and 0 of 1 (0 %).
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.enums import CommendationKind, RuleKind
from awards.models import AwardRecord, AwardRule, Revocation
from campaigns.enums import RegistrationStatus
from campaigns.models import DeadlineCompletion, DeadlineExtension, Phase, Registration
from campaigns.tests.conftest import award
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from units.enums import SchoolLevel, UnitKind
from units.services import unit_create
from workbench import charts
from workbench.dashboards import CAMPAIGN_ROWS, QUOTA_ROWS, CampaignRow, Dashboard, dashboard_for, parse_year

TODAY = datetime.date(2024, 11, 20)
YEAR = 2024
MERIT = CommendationKind.MERIT


def record(*, person=None, unit=None, code="LDTT", year=YEAR, number="1/QĐ", revocation=None):
    return AwardRecord.objects.create(
        person=person,
        unit=unit,
        award_type=award(code),
        school_year=year,
        commendation_kind=MERIT,
        decision_number=number,
        decision_date=datetime.date(year + 1, 6, 1) if year < YEAR else datetime.date(2024, 10, 1),
        revocation=revocation,
    )


@pytest.fixture
def world(tree, personas, office_campaign, person_factory):
    a1, a2 = tree["school_a1"], tree["school_a2"]
    # The catalog's quota (awards migration 0003), made here too when the tables were built without migrations.
    AwardRule.objects.get_or_create(
        award_code="CSTDCS",
        kind=RuleKind.QUOTA,
        defaults={
            "params": {"base_title": "LDTT", "share": 0.15, "rounding": "floor"},
            "effective_from": datetime.date(2024, 1, 1),
        },
    )
    Phase.objects.create(
        campaign=office_campaign,
        number=1,
        name="Chào mừng 20/11",
        start=datetime.date(2024, 11, 1),
        end=datetime.date(2024, 11, 30),
    )
    Phase.objects.create(
        campaign=office_campaign,
        number=2,
        name="Mừng Xuân",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 3, 31),
    )
    Registration.objects.create(campaign=office_campaign, unit=a1, status=RegistrationStatus.SUBMITTED)
    DeadlineCompletion.objects.create(deadline=office_campaign.deadlines.get(), unit=a1)
    teachers = [person_factory(a1) for _ in range(6)]
    manager = person_factory(a1, position="Hiệu trưởng", is_manager=True)
    for person in [*teachers, manager]:
        record(person=person)
    record(person=teachers[0], code="CSTDCS")
    record(person=teachers[1], code="CSTDCS")
    revoked = Revocation.objects.create(
        decision_number="5/QĐ-TH", decision_date=datetime.date(2024, 11, 1), reason="Sai đối tượng"
    )
    record(person=teachers[2], number="9/QĐ", revocation=revoked)
    record(person=teachers[0], year=2023)
    record(unit=tree["team_a1"], code="TTLDTT")
    record(unit=a1, code="TTLDTT")
    record(unit=a2, code="TTLDTT", year=2023)
    record(person=person_factory(tree["school_b1"]))
    draft = Dossier.objects.create(unit=a1, round_kind=RoundKind.YEAR_END, school_year=YEAR)
    for person in teachers[:2]:
        Nomination.objects.create(dossier=draft, person=person, award_type=award("CSTDCS"))
    sent = Dossier.objects.create(
        unit=a2,
        round_kind=RoundKind.YEAR_END,
        school_year=YEAR,
        receiving_unit=tree["office_a"],
        status=DossierStatus.SENT,
        sent_at=datetime.datetime(2024, 10, 1, 8, tzinfo=datetime.UTC),
    )
    Nomination.objects.create(dossier=sent, unit=a2, award_type=award("TTLDTT"))
    return {"campaign": office_campaign, "teachers": teachers, "manager": manager}


def _states(items) -> dict:
    return {s.state: s.count for s in items}


def test_dashboard_phong_figures_match_hand_computed_world(world, tree, personas):
    board = dashboard_for(personas["reviewer_a"], tree["office_a"], YEAR, today=TODAY)
    f = board.figures

    [row] = board.campaigns
    assert (row.campaign, row.expected, row.started, row.submitted, row.missing) == (world["campaign"], 2, 1, 1, 1)
    assert (row.current_phase.number, row.next_phase.number) == (1, 2)
    assert [(d.deadline.due_date, d.late) for d in board.late_deadlines] == [(datetime.date(2024, 10, 15), 1)]
    # A reviewer files for no unit: A1's draft is in none of her lists, so no figure of hers counts it.
    assert _states(f["dossiers"]) == {DossierStatus.SENT: 1}
    assert _states(f["nominations"]) == {NominationStatus.PROPOSED: 1}
    assert (f["dossier_total"], f["nomination_total"], f["overdue_appraisals"]) == (1, 1, 1)
    assert {r.code: r.total for r in f["award_rows"]} == {"LDTT": 8, "CSTDCS": 2, "TTLDTT": 3}
    assert f["year_total"] == 11
    shares = {s.year: (s.staff, s.managers, s.staff_percent, s.teams, s.units, s.team_percent) for s in f["shares"]}
    assert shares[2024] == (8, 1, 89, 1, 1, 50)
    assert shares[2023] == (1, 0, 100, 0, 1, 0)
    assert shares[2022] == (0, 0, None, 0, 0, None)
    assert [(q.unit_id, q.code, q.decided, q.allowed, q.is_over) for q in f["quotas"]] == [
        (tree["school_a1"].pk, "CSTDCS", 2, 1, True)
    ]
    assert f["quota_over"] == 1
    children = {c.unit_id: (c.expected, c.submitted, c.dossiers_sent, c.awards) for c in board.children}
    assert children == {tree["school_a1"].pk: (1, 1, 0, 11), tree["school_a2"].pk: (1, 0, 1, 0)}


def test_dashboard_school_counts_only_its_own_subtree(world, tree, personas):
    board = dashboard_for(personas["head_a1"], tree["school_a1"], YEAR, today=TODAY)
    f = board.figures

    [row] = board.campaigns
    assert (row.expected, row.submitted, board.late_units) == (1, 1, 0)
    assert _states(f["dossiers"]) == {DossierStatus.DRAFT: 1}
    assert f["year_total"] == 11
    assert board.children == []


def test_dashboard_office_secretary_sees_no_school_below(world, tree, personas):
    # A Phòng's TĐKT secretary reads the Phòng's own unit only (units/rules.py): no school's figure may leak.
    board = dashboard_for(personas["secretary_office_a"], tree["office_a"], YEAR, today=TODAY)
    f = board.figures

    assert [(r.expected, r.started) for r in board.campaigns] == [(0, 0)]
    assert (f["dossier_total"], f["nomination_total"], f["year_total"], f["quotas"]) == (0, 0, 0, [])
    assert board.children == []


def test_dashboard_sibling_reviewer_gets_404(client, world, tree, personas):
    client.force_login(personas["reviewer_b"])

    response = client.get(reverse("workbench:dashboard"), {"unit": tree["office_a"].pk})

    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "0", "99999999999999999999999"])
def test_dashboard_bad_unit_is_not_found(client, world, personas, value):
    client.force_login(personas["reviewer_a"])

    response = client.get(reverse("workbench:dashboard"), {"unit": value})

    assert response.status_code == 404


def test_dashboard_without_role_is_not_found(client, personas):
    client.force_login(personas["outsider"])

    assert client.get(reverse("workbench:dashboard")).status_code == 404


def test_dashboard_superuser_without_role_defaults_to_the_department(client, actors, tree):
    client.force_login(actors["superuser"])

    response = client.get(reverse("workbench:dashboard"))

    assert response.context["board"].unit == tree["dept"]
    assert response.context["board"].level == "Cấp Sở GD&ĐT"


def test_dashboard_defaults_to_active_unit_and_year_param(client, world, tree, personas):
    client.force_login(personas["head_a1"])

    response = client.get(reverse("workbench:dashboard"), {"nam": YEAR})

    assert response.status_code == 200
    assert response.context["board"].unit == tree["school_a1"]
    assert response.context["board"].year == YEAR
    assert "Bảng điều khiển: Trường Tiểu học A1" in response.content.decode()


def test_dashboard_page_links_every_figure_to_its_filtered_list(client, world, tree, personas):
    client.force_login(personas["reviewer_a"])
    campaign = world["campaign"]

    html = client.get(reverse("workbench:dashboard"), {"unit": tree["office_a"].pk, "nam": YEAR}).content.decode()

    overview = reverse("campaigns:registration_overview", args=[campaign.pk])
    history = reverse("awards:unit_history", args=[tree["office_a"].pk])
    inbox = reverse("nominations:inbox")
    office = tree["office_a"].pk
    for link in [
        f'href="{overview}?state=none&amp;unit={office}"',
        f'href="{overview}?state=submitted&amp;unit={office}"',
        f'href="{inbox}?trang_thai=sent&amp;nam_hoc=2024&amp;unit={office}"',
        f'href="{inbox}?han=qua-han&amp;nam_hoc=2024&amp;unit={office}"',
        f'href="{inbox}?tab=de-nghi&amp;trang_thai_de_nghi=proposed&amp;nam_hoc=2024&amp;unit={office}"',
        f'href="{history}?school_year=2024&amp;revoked=false&amp;award=CSTDCS"',
        f'href="{history}?school_year=2024&amp;revoked=false&amp;quan_ly=0"',
        f'href="{history}?school_year=2024&amp;revoked=false&amp;loai_tap_the=to"',
        f'href="{reverse("awards:unit_history", args=[tree["school_a1"].pk])}?school_year=2024&amp;award=CSTDCS&amp;revoked=false"',
        f'href="{reverse("workbench:dashboard")}?unit={tree["school_a2"].pk}&amp;nam=2024"',
    ]:
        assert link in html, link
    # Every chart is an inline SVG scaled to its box, followed by its numbers in a table.
    assert html.count('<svg class="chart-svg" viewBox=') == html.count("<summary>Bảng số liệu</summary>") >= 6
    assert 'width="100%"' in html
    # Coordinates keep a decimal point: the Vietnamese locale's decimal comma would break every bar.
    assert re.search(r'<rect x="[\d.]+" y="[\d.]+" width="\d+\.\d+"', html)
    assert not re.search(r'(x|y|width|height)="\d+,\d', html)
    assert "style=" not in html.split("<main", 1)[-1]


def test_dashboard_drill_down_list_shows_the_same_number(client, world, tree, personas):
    """The CSTĐCS cell of 2024 (2) links to the award records list, which lists exactly two rows."""
    client.force_login(personas["reviewer_a"])
    board = dashboard_for(personas["reviewer_a"], tree["office_a"], YEAR, today=TODAY)
    [cell] = [c for r in board.figures["award_rows"] if r.code == "CSTDCS" for c in r.cells if c[0] == YEAR]

    response = client.get(cell[2])

    assert cell[1] == 2
    assert response.context["page"].paginator.count == 2


def test_dashboard_missing_registrations_link_lists_the_missing_units(client, world, tree, personas):
    """«Chưa đăng ký» (1: School A2) links to the registration overview filtered to the units without one."""
    client.force_login(personas["reviewer_a"])
    [row] = dashboard_for(personas["reviewer_a"], tree["office_a"], YEAR, today=TODAY).campaigns

    response = client.get(row.missing_url)

    assert row.missing == 1
    assert [u.name for u in response.context["page"].object_list] == [tree["school_a2"].name]


def test_dashboard_reopened_deadline_is_not_late(world, tree, personas):
    deadline = world["campaign"].deadlines.get()
    DeadlineExtension.objects.create(
        deadline=deadline, unit=tree["school_a2"], until=datetime.date(2024, 11, 30), granted_by=personas["reviewer_a"]
    )

    board = dashboard_for(personas["reviewer_a"], tree["office_a"], YEAR, today=TODAY)

    assert (board.late_deadlines, board.late_units) == ([], 0)


def test_dashboard_other_year_has_no_campaign_and_no_dossier(world, tree, personas):
    board = dashboard_for(personas["reviewer_a"], tree["office_a"], YEAR - 1, today=TODAY)

    assert (board.campaigns, board.figures["dossier_total"], board.figures["year_total"]) == ([], 0, 2)


def test_parse_year_keeps_offered_years_only():
    today = datetime.date(2024, 11, 20)

    assert [parse_year(v, today) for v in ["2023", "1990", "abc", None, "2024"]] == [2023, 2024, 2024, 2024, 2024]


def test_bar_chart_scales_rows_to_the_largest_total():
    series = [charts.Series("a", "A", "success"), charts.Series("b", "B", "light")]

    chart = charts.bar_chart("c", "T", series, [("x", "/x", {"a": 3, "b": 1}, "3/4"), ("y", "/y", {"a": 2}, "2/2")])

    room = charts.WIDTH - charts.VALUE_ROOM
    assert [(s.series.key, s.x, s.width) for s in chart.rows[0].segments] == [
        ("a", 0, room * 3 / 4),
        ("b", room * 3 / 4, room / 4),
    ]
    assert [(s.series.key, s.width) for s in chart.rows[1].segments] == [("a", room / 2)]
    assert chart.view_box == f"0 0 {charts.WIDTH} {2 * (charts.LABEL_HEIGHT + charts.BAR_HEIGHT + charts.ROW_GAP)}"


def test_bar_chart_share_of_zero_percent_is_data():
    rows = [("2023-2024", "/r", {"share": 0}, "0%")]

    assert charts.bar_chart("s", "T", [charts.Series("share", "%", "primary")], rows, has_data=True).is_empty is False
    assert charts.bar_chart("s", "T", [charts.Series("share", "%", "primary")], rows).is_empty is True


def _grow(tree, person_factory, campaign, n):
    """n more schools under Phòng A, each with a team, a registration, staff with awards, a dossier."""
    for i in range(n):
        school = unit_create(
            by=None,
            name=f"Trường thêm {chr(65 + i)}",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=tree["office_a"],
        )
        team = unit_create(by=None, name=f"Tổ thêm {chr(65 + i)}", kind=UnitKind.TEAM, parent=school)
        Registration.objects.create(campaign=campaign, unit=school, status=RegistrationStatus.DRAFT)
        for _ in range(3):
            record(person=person_factory(school))
        record(unit=team, code="TTLDTT")
        dossier = Dossier.objects.create(unit=school, round_kind=RoundKind.YEAR_END, school_year=YEAR)
        Nomination.objects.create(dossier=dossier, unit=school, award_type=award("TTLDTT"))


@pytest.mark.parametrize("persona", ["reviewer_a", "admin_dept", "head_a1"])
def test_dashboard_queries_constant_in_rows(
    client, world, tree, personas, person_factory, persona, django_assert_max_num_queries
):
    client.force_login(personas[persona])
    url = reverse("workbench:dashboard")
    params = {"nam": YEAR}
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, params).status_code == 200
    _grow(tree, person_factory, world["campaign"], 12)
    cache.clear()  # the figures are kept per account: compute them again over the grown subtree

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, params)

    assert response.status_code == 200
    assert "board" in response.context  # computed, not read from the cache
    assert len(small.captured_queries) <= 30


def test_dashboard_reads_award_records_without_joining_their_recipients(world, tree, personas):
    """The award figures read the records alone, on their own path (AwardRecord.unit_path) and columns, never
    joined to units_person or units_unit: under stale statistics the planner drove such a join from the table
    it believed empty (the dashboards cancelled at 1 s, awards/tests/test_stale_statistics.py)."""
    with CaptureQueriesContext(connection) as queries:
        board = dashboard_for(personas["reviewer_a"], tree["office_a"], YEAR, today=TODAY)

    record_queries = [q["sql"] for q in queries.captured_queries if '"awards_awardrecord"' in q["sql"]]
    assert len(record_queries) == 2  # the year by recipient unit; five years by type, with the shares
    for sql in record_queries:
        assert ("JOIN" in sql, '"units_person"' in sql, '"units_unit"' in sql) == (False, False, False), sql
    assert board.figures["year_total"] > 0


def test_dashboard_quota_rows_are_capped(world, tree, personas, person_factory):
    for i in range(QUOTA_ROWS + 2):
        school = unit_create(
            by=None,
            name=f"Trường hạn mức {i:02d}",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=tree["office_a"],
        )
        person = person_factory(school)
        record(person=person)
        record(person=person, code="CSTDCS")

    f = dashboard_for(personas["reviewer_a"], tree["office_a"], YEAR, today=TODAY).figures

    assert len(f["quotas"]) == QUOTA_ROWS
    assert f["quota_more"] == 3  # 23 rows (A1 and 22 schools over their quota of 0) minus the 20 listed
    assert f["quota_over"] == QUOTA_ROWS + 3
    assert all(q.is_over for q in f["quotas"])
    assert f["quota_units"] == QUOTA_ROWS + 3


def test_dashboard_lists_the_campaigns_expected_from_most_units_and_counts_all():
    """A Sở sees dozens of campaigns (the schools' and communes' own): the list keeps the CAMPAIGN_ROWS expected
    from the most units, in the list's order, and the figures still count every campaign."""
    n = CAMPAIGN_ROWS + 3
    rows = [CampaignRow(None, "", None, None, (i * 7) % n, 0, 0, "", "", "") for i in range(n)]
    board = Dashboard(unit=None, year=YEAR, level="", campaigns=rows)

    shown = board.campaigns_shown

    assert len(shown) == CAMPAIGN_ROWS and board.campaigns_more == 3
    assert sorted(r.expected for r in shown) == list(range(3, n))  # the three smallest left out
    assert shown == [r for r in rows if r in shown]  # the list's order kept
    assert board.expected == sum(range(n))
