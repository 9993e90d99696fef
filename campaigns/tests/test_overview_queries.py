"""Issue 14: the registration overview reads a constant number of queries whatever its units, registrations and
lines (the totals in one aggregate, the status counts in one grouped query that also counts the paginator)."""

import pytest
from django.db import connection
from django.db.models import Count
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import selectors
from campaigns.enums import CampaignStatus, ReachKind, RegistrationStatus
from campaigns.models import Registration, RegistrationCollectiveLine
from conftest import make_user
from units.enums import Role, SchoolLevel, UnitKind
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


# --- the totals' fixed statement against the ORM it replaced ------------------------------------------------


def _orm_total_rows(user, campaign, unit=None):
    """The grouped rows as the ORM built them before the fixed statement (three grouped querysets, UNION ALL),
    kept here as the reference `registration_total_rows` must equal."""
    from django.db.models import IntegerField, Q, Value

    from campaigns.models import RegistrationLine
    from units.rules import unit_scope_q

    submitted = {"registration__campaign": campaign, "registration__status": RegistrationStatus.SUBMITTED}
    if unit is not None:
        submitted["registration__unit__path__startswith"] = unit.path
    lines = RegistrationLine.objects.filter(unit_scope_q(user, "registration__unit"), **submitted)
    team_lines = RegistrationCollectiveLine.objects.filter(unit_scope_q(user, "registration__unit"), **submitted)
    registrations = Registration.objects.filter(
        unit_scope_q(user, "unit"), campaign=campaign, status=RegistrationStatus.SUBMITTED
    )
    if unit is not None:
        registrations = registrations.filter(unit__path__startswith=unit.path)
    sources = [
        (lines, "registration__unit", ("title", "commendation")),
        (registrations, "unit", ("collective_title", "collective_commendation")),
        (team_lines, "registration__unit", ("title", "commendation")),
    ]
    rows = []
    for source, (qs, unit_field, pair) in enumerate(sources):
        columns = [f"{f}__{part}" for f in pair for part in ("name", "rank", "recipient_kind", "authority_kind")]
        any_award = Q(**{f"{pair[0]}__isnull": False}) | Q(**{f"{pair[1]}__isnull": False})
        rows += list(
            qs.filter(any_award)
            .values_list(*columns, f"{unit_field}__kind", f"{unit_field}__school_level")
            .annotate(n=Count("pk"), source=Value(source, output_field=IntegerField()))
            .order_by()
        )
    return sorted(rows, key=repr)


def test_total_rows_equal_the_orm_for_every_scope(
    personas, tree, office_campaign, teams, person_factory, django_user_model
):
    """The fixed statement returns the ORM's rows for each persona (the Phòng, a school, a sibling, the Sở, a
    superuser, a user without a role), with and without a unit's subtree; drafts and other campaigns' lines are
    left out by both."""
    from campaigns.models import RegistrationLine

    a1 = _submit(office_campaign, tree["school_a1"], teams)
    a2 = _submit(office_campaign, tree["school_a2"])
    for order, (title, commendation) in enumerate([("LDTT", "GK"), ("LDTT", None), (None, "GK"), ("CSTD_TQ", None)]):
        RegistrationLine.objects.create(
            registration=a1 if order % 2 else a2,
            order=order,
            person=person_factory(tree["school_a1"] if order % 2 else tree["school_a2"]),
            title=award(title) if title else None,
            commendation=award(commendation) if commendation else None,
        )
    draft = Registration.objects.create(campaign=office_campaign, unit=tree["office_a"], collective_title=award("GK"))
    RegistrationLine.objects.create(
        registration=draft, order=1, person=person_factory(tree["office_a"]), title=award("LDTT")
    )
    superuser = django_user_model.objects.create_superuser("root-u4", "root@example.com", "x")
    users = [*personas.values(), superuser]
    checked = 0
    for user in users:
        for unit in (None, tree["school_a1"], tree["office_a"], tree["office_b"]):
            expected = _orm_total_rows(user, office_campaign, unit)
            got = sorted(selectors.registration_total_rows(user, office_campaign, unit=unit), key=repr)
            assert [tuple(r) for r in got] == [tuple(r) for r in expected], (user, unit)
            checked += bool(expected)
    assert checked >= 6  # not all empty: the rows were compared, not only their absence
    assert selectors.registration_total_rows(personas["outsider"], office_campaign) == []


def test_unit_scope_sql_is_the_kernel_scope(personas, tree, django_user_model):
    """The fragment picks exactly the units `unit_scope_q` picks; none for a user without a role; all for a
    superuser."""
    from units.models import Unit
    from units.rules import unit_scope_q

    superuser = django_user_model.objects.create_superuser("root-u4", "root@example.com", "x")
    for user in [*personas.values(), superuser]:
        scope = selectors.unit_scope_sql(user)
        expected = set(Unit.objects.filter(unit_scope_q(user)).values_list("pk", flat=True))
        if scope is None:
            assert expected == set()
            continue
        sql, params = scope
        got = set(Unit.objects.extra(where=[sql], params=params).values_list("pk", flat=True)) if sql else None
        assert (got if sql else set(Unit.objects.values_list("pk", flat=True))) == expected, user
    assert selectors.unit_scope_sql(personas["outsider"]) is None
    assert selectors.unit_scope_sql(superuser) == ("", [])


def _orm_counts(user, campaign, unit=None):
    """The status counts as the ORM grouped them before the fixed statement (the reference)."""
    units = selectors.registration_overview(user, campaign)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    return dict(units.values_list("registration_status").annotate(n=Count("pk")).order_by())


def test_overview_counts_equal_the_orm_for_every_scope(personas, tree, office_campaign, teams, django_user_model):
    """Registered, submitted and missing from the fixed statement are the ORM's grouped counts for each persona
    (and a superuser), with and without a unit's subtree; a registration of another campaign is not counted."""
    from campaigns.models import Campaign

    _submit(office_campaign, tree["school_a1"], teams)
    Registration.objects.create(campaign=office_campaign, unit=tree["school_a2"])  # a draft
    unit_create(
        by=None,
        name="Trường chưa đăng ký",
        kind=UnitKind.SCHOOL,
        school_level=SchoolLevel.PRIMARY,
        parent=tree["office_a"],
    )
    other = Campaign.objects.exclude(pk=office_campaign.pk).first()
    if other is not None:
        Registration.objects.get_or_create(campaign=other, unit=tree["school_b1"])
    superuser = django_user_model.objects.create_superuser("root-u4", "root@example.com", "x")
    compared = 0
    for user in [*personas.values(), superuser]:
        for unit in (None, tree["school_a1"], tree["office_a"], tree["office_b"]):
            expected = _orm_counts(user, office_campaign, unit)
            total = sum(expected.values())
            registered = total - expected.get(None, 0)
            counts = selectors.registration_overview_counts(user, office_campaign, unit=unit)
            assert counts == {
                "expected": total,
                "registered": registered,
                "submitted": expected.get(RegistrationStatus.SUBMITTED, 0),
                "missing": total - registered,
            }, (user, unit)
            compared += registered > 0 and counts["missing"] > 0
    assert compared >= 2  # rows of both kinds were counted, not only empty scopes


def test_campaign_read_by_its_fixed_statement_is_the_orm_row(
    personas, tree, office_campaign, django_assert_num_queries
):
    """`campaign_get_visible` reads the campaign with its launcher and author in one compiled-once statement: the
    same fields as the ORM's row, the related objects loaded (no query to read them); without an author too."""
    from campaigns.models import Campaign

    bare = Campaign.objects.create(launched_by=tree["office_a"], name="Phong trào không người tạo")
    user = personas["reviewer_a"]
    selectors.campaign_get_visible(user, office_campaign.pk)  # the roles' cache, the statement's compilation
    for campaign in (office_campaign, bare):
        expected = Campaign.objects.select_related("launched_by", "created_by").get(pk=campaign.pk)
        with django_assert_num_queries(1):
            found = selectors.campaign_get_visible(user, str(campaign.pk))
            assert found.launched_by.path == expected.launched_by.path
            assert (found.created_by and found.created_by.username) == (
                expected.created_by and expected.created_by.username
            )
        assert {f.attname: getattr(found, f.attname) for f in Campaign._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in Campaign._meta.concrete_fields
        }
    with pytest.raises(Http404):
        selectors.campaign_get_visible(personas["reviewer_b"], office_campaign.pk)
    with pytest.raises(Http404):
        selectors.campaign_get_visible(user, 987654321)


def test_campaign_found_or_404_as_the_visibility_filter_for_every_persona(
    personas, tree, django_user_model, django_assert_num_queries
):
    """`campaign_get_visible` decides two clauses of `campaigns_visible_to` on the row (the launcher in the user's
    scope; a launched subtree campaign of a unit above one of the user's) and asks the filter for the rest: for
    every persona, a superuser and every kind of campaign, found exactly when the filter finds it, else 404. A
    school reading the Sở's launched campaign reads it in one query (the filter's EXISTS were a second)."""
    from campaigns.models import Campaign

    campaigns = []
    for launcher in ("dept", "office_a", "office_b", "school_a1"):
        for status in (CampaignStatus.DRAFT, CampaignStatus.LAUNCHED, CampaignStatus.CLOSED):
            for reach in (ReachKind.SUBTREE, ReachKind.UNITS):
                campaign = Campaign.objects.create(
                    launched_by=tree[launcher], name=f"{launcher} {status} {reach}", status=status, reach=reach
                )
                if reach == ReachKind.UNITS:
                    campaign.reach_units.add(tree["school_a2"])
                campaigns.append(campaign)
    superuser = django_user_model.objects.create_superuser("root-g", "root-g@example.com", "x")
    found = 0
    for user in [*personas.values(), superuser]:
        for campaign in campaigns:
            visible = selectors.campaigns_visible_to(user).filter(pk=campaign.pk).exists()
            try:
                got = selectors.campaign_get_visible(user, campaign.pk)
            except Http404:
                got = None
            assert (got is not None) == visible, (user.username, campaign.name)
            assert got is None or got.pk == campaign.pk
            found += visible
    assert 0 < found < len(campaigns) * (len(personas) + 1)
    sos = next(c for c in campaigns if c.name == f"dept {CampaignStatus.LAUNCHED} {ReachKind.SUBTREE}")
    user = personas["secretary_a1"]
    with django_assert_num_queries(1):
        assert selectors.campaign_get_visible(user, sos.pk) == sos
    draft = next(c for c in campaigns if c.name == f"dept {CampaignStatus.DRAFT} {ReachKind.SUBTREE}")
    with pytest.raises(Http404):
        selectors.campaign_get_visible(user, draft.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the covering indexes exist on PostgreSQL only")
def test_postgresql_reads_the_totals_lines_from_covering_indexes():
    """campaigns/migrations/0009: the person and team lines by registration, with the two awards the totals read,
    so the totals' walk of each submitted registration's lines can be an index-only scan."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname IN "
            "('registrationline_totals', 'registrationcollectiveline_totals')"
        )
        found = dict(cursor.fetchall())
    assert sorted(found) == ["campaigns_registrationcollectiveline", "campaigns_registrationline"]
    assert all(d.endswith("(registration_id) INCLUDE (title_id, commendation_id)") for d in found.values()), found


# --- the WHERE fragments kept per process ------------------------------------------------------------------


@pytest.fixture
def compiles(monkeypatch):
    """The kept fragments emptied, and each compilation of a fragment (`own_where_sql`) counted."""
    calls = []
    real = selectors.own_where_sql
    monkeypatch.setattr(selectors, "_WHERES", selectors.OrderedDict())
    monkeypatch.setattr(selectors, "own_where_sql", lambda queryset: calls.append(1) or real(queryset))
    return calls


def test_overview_fragments_compiled_once_per_scope_reach_and_unit(
    compiles, personas, tree, office_campaign, teams, django_user_model
):
    """The status counts' and the totals' WHERE are compiled once per user scope, campaign launcher and chosen
    unit, then reused: the same counts and rows as compiled afresh (the ORM's reference), and a second account
    with the same roles shares them. A campaign reaching chosen units is compiled every time (its roots are rows)."""
    from campaigns.models import Campaign

    _submit(office_campaign, tree["school_a1"], teams)
    user = personas["reviewer_a"]
    for unit in (None, tree["school_a1"]):
        for _ in range(3):
            assert selectors.registration_total_rows(user, office_campaign, unit=unit)
            counts = selectors.registration_overview_counts(user, office_campaign, unit=unit)
            assert counts["registered"] == 1 and counts["expected"] == sum(
                _orm_counts(user, office_campaign, unit).values()
            )
    assert len(compiles) == 4  # counts and scope, for each of the two units
    twin = django_user_model.objects.get(pk=make_user("chi-2", tree["office_a"], Role.REVIEWER).pk)
    assert selectors.registration_overview_counts(twin, office_campaign) == selectors.registration_overview_counts(
        user, office_campaign
    )
    assert len(compiles) == 4
    chosen = Campaign.objects.create(launched_by=tree["office_a"], name="Chọn đơn vị", reach=ReachKind.UNITS)
    chosen.reach_units.add(tree["school_a2"])
    for _ in range(2):
        counts = selectors.registration_overview_counts(user, chosen)
        assert counts["expected"] == sum(_orm_counts(user, chosen).values()) == 1
    assert len(compiles) == 6


def test_a_revoked_role_is_not_served_its_kept_fragment(compiles, personas, tree, office_campaign, teams, client):
    """The kept scope is keyed by the roles read at each request: once the Phòng reviewer's role is revoked, the
    next request finds no scope (nothing counted, no totals, the overview a 404) instead of the kept fragment."""
    from django.contrib.auth import get_user_model

    from units.models import UnitRole
    from units.services import unit_role_revoke

    _submit(office_campaign, tree["school_a1"], teams)
    reviewer = personas["reviewer_a"]
    assert selectors.registration_overview_counts(reviewer, office_campaign)["registered"] == 1
    assert selectors.registration_total_rows(reviewer, office_campaign)
    unit_role_revoke(unit_role=UnitRole.objects.get(user=reviewer, unit=tree["office_a"]), by=None)
    reviewer = get_user_model().objects.get(pk=reviewer.pk)  # the next request's account
    assert selectors.registration_overview_counts(reviewer, office_campaign) == {
        "expected": 0, "registered": 0, "submitted": 0, "missing": 0,
    }  # fmt: skip
    assert selectors.registration_total_rows(reviewer, office_campaign) == []
    client.force_login(reviewer)
    url = reverse("campaigns:registration_overview", args=[office_campaign.pk])
    assert client.get(url).status_code == 404


def test_overview_page_rows_are_the_orms_for_every_scope_unit_and_slice(
    compiles, personas, tree, office_campaign, teams, django_user_model, django_assert_num_queries
):
    """`registration_overview_page` (the unfiltered overview's slice from a kept statement) reads exactly the rows
    the ORM's queryset reads for that slice, for each persona and a superuser, with and without a unit's subtree, on
    the first, a later and an empty slice, in as many queries (one; none for an empty slice or scope); None for a
    campaign reaching chosen units (the view then reads the ORM's rows)."""
    from campaigns.models import Campaign
    from units.rules import roles_of

    _submit(office_campaign, tree["school_a1"], teams)
    Registration.objects.create(campaign=office_campaign, unit=tree["school_a2"])  # a draft
    for i in range(3):
        unit_create(
            by=None, name=f"Trường {i}", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY, parent=tree["office_a"]
        )
    superuser = django_user_model.objects.create_superuser("root-p", "root-p@example.com", "x")
    compared = 0
    for user in [*personas.values(), superuser]:
        roles_of(user)  # a request's roles are read with its account
        for unit in (None, tree["office_a"], tree["school_a1"]):
            units = selectors.registration_overview(user, office_campaign)
            if unit is not None:
                units = units.filter(path__startswith=unit.path)
            for low, high in ((0, 2), (2, 4), (0, 25), (5, 5)):
                with CaptureQueriesContext(connection) as orm:
                    rows = selectors.registration_overview_rows(units)[low:high]
                    expected = [selectors.OverviewRow(**row) for row in rows]
                for _ in range(2):
                    with django_assert_num_queries(len(orm)):
                        got = selectors.registration_overview_page(user, office_campaign, unit, low, high)
                    assert got == expected, (user.username, unit, low, high)
                compared += len(expected)
    assert compared > 20
    chosen = Campaign.objects.create(launched_by=tree["office_a"], name="Chọn đơn vị", reach=ReachKind.UNITS)
    assert selectors.registration_overview_page(personas["reviewer_a"], chosen, None, 0, 25) is None


def test_overview_pages_read_the_same_rows_unfiltered_and_filtered(client, personas, tree, office_campaign, teams):
    """The view's two readers of the shown rows agree: the unfiltered page (the kept statement) and the same page
    asked with an explicit default order (`o=path`, the ORM's rows), page by page."""
    for i in range(30):
        unit_create(
            by=None,
            name=f"Trường {i:02}",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=tree["office_a"],
        )
    _submit(office_campaign, tree["school_a1"], teams)
    client.force_login(personas["reviewer_a"])
    url = reverse("campaigns:registration_overview", args=[office_campaign.pk])
    for page in ("1", "2"):
        kept = client.get(url, {"page": page}).context["page"].object_list
        orm = client.get(url, {"page": page, "o": "path"}).context["page"].object_list
        assert [(r.pk, r.registration_id, r.flagged_lines) for r in kept] == [
            (r.pk, r.registration_id, r.flagged_lines) for r in orm
        ]
        assert kept
