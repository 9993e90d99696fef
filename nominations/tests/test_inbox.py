"""The reviewer inbox: who sees what, filters, counts, due dates, sorting and a constant query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.enums import CampaignKind, DeadlineAction
from conftest import make_user
from nominations import inbox, services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from nominations.tests.conftest import YEAR
from units.enums import Role, UnitKind

URL = reverse("nominations:inbox")


def sent(unit, *, people=(), award="LDTT", status=DossierStatus.SENT, days_ago=1, year=YEAR, campaign=None, **kw):
    """A dossier of `unit` sent `days_ago` days ago to its parent, with one nomination per person."""
    dossier = services.dossier_create(
        by=None,
        unit=unit,
        round_kind=RoundKind.CAMPAIGN if campaign else RoundKind.YEAR_END,
        school_year=year,
        campaign=campaign,
        **kw,
    )
    for person in people:
        services.nomination_add(by=None, dossier=dossier, award_code=award, person=person, summary="Tốt.")
    Dossier.objects.filter(pk=dossier.pk).update(
        status=status, receiving_unit=unit.parent, sent_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return Dossier.objects.get(pk=dossier.pk)


def page_ids(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return [row.pk for row in response.context["page"]]


@pytest.fixture
def dept_reviewer(tree):
    return make_user("so-chuyen-vien", tree["dept"], Role.REVIEWER)


@pytest.fixture
def two_offices(tree, person_factory):
    """A dossier of school A1 sent to Phòng A (one nomination) and one of school B1 sent to Phòng B."""
    a1 = sent(tree["school_a1"], people=[person_factory(tree["school_a1"])])
    b1 = sent(tree["school_b1"], people=[person_factory(tree["school_b1"])], days_ago=3)
    return a1, b1


def test_each_level_sees_what_is_addressed_to_it_or_below(client, two_offices, personas, dept_reviewer, tree):
    a1, b1 = two_offices
    draft = services.dossier_create(by=None, unit=tree["school_a2"], round_kind=RoundKind.YEAR_END, school_year=YEAR)
    observed = {
        name: sorted(page_ids(client, user))
        for name, user in {
            "reviewer_a": personas["reviewer_a"],
            "reviewer_b": personas["reviewer_b"],
            "dept": dept_reviewer,
            "secretary_a1": personas["secretary_a1"],
            "outsider": personas["outsider"],
        }.items()
    }
    assert observed == {
        "reviewer_a": [a1.pk],
        "reviewer_b": [b1.pk],
        "dept": sorted([a1.pk, b1.pk]),
        "secretary_a1": [],
        "outsider": [],
    }
    assert draft.pk not in observed["dept"]


def test_the_badge_counts_what_waits_for_the_users_own_appraisal(client, two_offices, personas, dept_reviewer):
    a1, b1 = two_offices
    Dossier.objects.filter(pk=b1.pk).update(status=DossierStatus.APPRAISED)
    counts = {
        name: inbox.awaiting_count(personas[name]) for name in ("reviewer_a", "reviewer_b", "secretary_a1", "outsider")
    }
    # The Sở follows the Phòngs' dossiers but appraises none of them.
    assert counts | {"dept": inbox.awaiting_count(dept_reviewer)} == {
        "reviewer_a": 1,
        "reviewer_b": 0,
        "secretary_a1": 0,
        "outsider": 0,
        "dept": 0,
    }
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("nominations:dossier_list"))
    assert response.context["inbox_count"] == 1


def test_the_level_above_only_follows_what_reached_the_level_below(client, two_offices, personas, dept_reviewer):
    client.force_login(dept_reviewer)
    rows = {d.pk: d.may_act for d in client.get(URL).context["page"]}
    client.force_login(personas["reviewer_a"])
    own = {d.pk: d.may_act for d in client.get(URL).context["page"]}
    a1, b1 = two_offices
    assert (rows, own) == ({a1.pk: False, b1.pk: False}, {a1.pk: True})


def test_the_old_inbox_address_answers_the_new_inbox(client, two_offices, personas):
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("nominations:dossier_list") + "?tab=den")
    assert ([d.pk for d in response.context["page"]], response.templates[0].name) == (
        [two_offices[0].pk],
        "nominations/inbox.html",
    )


def test_filters_by_unit_name_status_year_round_and_award(client, tree, person_factory, dept_reviewer):
    a1 = sent(tree["school_a1"], people=[person_factory(tree["school_a1"])])
    a2 = sent(tree["school_a2"], people=[person_factory(tree["school_a2"])], status=DossierStatus.UNDER_APPRAISAL)
    old = sent(tree["school_b1"], people=[person_factory(tree["school_b1"])], year=YEAR - 1)
    cstd = sent(tree["school_b1"], people=[person_factory(tree["school_b1"])], award="CSTDCS")
    observed = {
        query: sorted(page_ids(client, dept_reviewer, query))
        for query in [
            "?don_vi=mầm non",
            "?don_vi=A1",
            "?trang_thai=under_appraisal",
            f"?nam_hoc={YEAR - 1}",
            "?dot=campaign",
            "?danh_hieu=CSTDCS",
            "?trang_thai=bogus&nam_hoc=abcd",  # invalid values are ignored, not an error
        ]
    }
    assert observed == {
        "?don_vi=mầm non": [a2.pk],
        "?don_vi=A1": [a1.pk],
        "?trang_thai=under_appraisal": [a2.pk],
        f"?nam_hoc={YEAR - 1}": [old.pk],
        "?dot=campaign": [],
        "?danh_hieu=CSTDCS": [cstd.pk],
        "?trang_thai=bogus&nam_hoc=abcd": sorted([a1.pk, a2.pk, old.pk, cstd.pk]),
    }


def test_counts_per_status_ignore_the_status_filter_but_not_the_others(client, tree, person_factory, dept_reviewer):
    sent(tree["school_a1"], people=[person_factory(tree["school_a1"])])
    sent(tree["school_a2"], people=[person_factory(tree["school_a2"])], status=DossierStatus.UNDER_APPRAISAL)
    sent(tree["school_b1"], people=[person_factory(tree["school_b1"])], status=DossierStatus.UNDER_APPRAISAL)
    client.force_login(dept_reviewer)
    response = client.get(URL + "?trang_thai=sent")
    narrowed = client.get(URL + "?don_vi=Mầm non")
    counts = {value: n for value, _, n in response.context["status_tabs"] if n}
    narrowed_counts = {value: n for value, _, n in narrowed.context["status_tabs"] if n}
    assert (counts, response.context["total"], narrowed_counts, response.context["page"].paginator.count) == (
        {"sent": 1, "under_appraisal": 2},
        3,
        {"under_appraisal": 1},
        1,  # the paginator's count is the selected status's
    )


def test_overdue_after_the_configured_days_when_no_campaign_deadline(client, tree, person_factory, personas, settings):
    settings.NOMINATION_APPRAISAL_DAYS = 10
    late = sent(tree["school_a1"], people=[person_factory(tree["school_a1"])], days_ago=12)
    soon = sent(tree["school_a2"], people=[person_factory(tree["school_a2"])], days_ago=5)
    fresh = sent(tree["school_a1"], people=[person_factory(tree["school_a1"])], days_ago=1, year=YEAR - 1)
    # Appraised long ago: no longer owed, never overdue.
    done = sent(
        tree["school_a2"], people=[person_factory(tree["school_a2"])], days_ago=40, status=DossierStatus.APPRAISED
    )
    client.force_login(personas["reviewer_a"])
    marks = {d.pk: (d.is_overdue, d.is_due_soon) for d in client.get(URL).context["page"]}
    assert marks == {late.pk: (True, False), soon.pk: (False, True), fresh.pk: (False, False), done.pk: (False, False)}
    assert (
        page_ids(client, personas["reviewer_a"], "?han=qua-han"),
        page_ids(client, personas["reviewer_a"], "?han=sap-den-han"),
    ) == (
        [late.pk],
        [soon.pk],
    )


def test_the_receiving_units_own_campaign_deadline_wins_over_the_days(client, tree, person_factory, personas):
    campaign = campaign_services.campaign_create(
        launched_by=tree["dept"],
        name="Phong trào thi đua dạy tốt",
        kind=CampaignKind.THEMATIC,
        school_year=YEAR,
        by=None,
    )
    today = timezone.localdate()
    # The Phòng must send its own dossier to the Sở in 3 days: it must have appraised by then.
    campaign_services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.NOMINATE,
        unit_kind=UnitKind.OFFICE,
        due_date=today + datetime.timedelta(days=3),
    )
    campaign_services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.NOMINATE,
        unit=tree["office_a"],
        due_date=today - datetime.timedelta(days=1),
    )
    # Launched before its deadlines (a past deadline refuses the launch).
    launched_on = today - datetime.timedelta(days=2)
    campaign = campaign_services.campaign_launch(campaign=campaign, by=personas["admin_dept"], today=launched_on)
    a1 = sent(tree["school_a1"], people=[person_factory(tree["school_a1"])], campaign=campaign, days_ago=1)
    b1 = sent(tree["school_b1"], people=[person_factory(tree["school_b1"])], campaign=campaign, days_ago=1)
    dept = make_user("so-cv", tree["dept"], Role.REVIEWER)
    client.force_login(dept)
    rows = {d.pk: (d.due_date, d.is_overdue) for d in client.get(URL + f"?phong_trao={campaign.pk}").context["page"]}
    assert rows == {
        a1.pk: (today - datetime.timedelta(days=1), True),  # Phòng A's own deadline
        b1.pk: (today + datetime.timedelta(days=3), False),  # the deadline of every Phòng
    }


def test_sorting_by_unit_name_both_ways(client, tree, person_factory, dept_reviewer):
    a1 = sent(tree["school_a1"], people=[person_factory(tree["school_a1"])])
    a2 = sent(tree["school_a2"], people=[person_factory(tree["school_a2"])])
    b1 = sent(tree["school_b1"], people=[person_factory(tree["school_b1"])])
    # Trường Mầm non A2 < Trường THCS B1 < Trường Tiểu học A1
    assert (page_ids(client, dept_reviewer, "?o=don_vi"), page_ids(client, dept_reviewer, "?o=-don_vi")) == (
        [a2.pk, b1.pk, a1.pk],
        [a1.pk, b1.pk, a2.pk],
    )


def test_nominations_tab_lists_nominations_with_the_same_filters(client, tree, person_factory, dept_reviewer):
    first, second = person_factory(tree["school_a1"]), person_factory(tree["school_a1"])
    a1 = sent(tree["school_a1"], people=[first, second])
    b1 = sent(tree["school_b1"], people=[person_factory(tree["school_b1"])])
    returned = Nomination.objects.get(dossier=a1, person=second)
    Nomination.objects.filter(pk=returned.pk).update(status=NominationStatus.RETURNED)
    client.force_login(dept_reviewer)
    everything = client.get(URL + "?tab=de-nghi")
    observed = {
        "all": sorted(n.pk for n in everything.context["page"]),
        "returned": page_ids(client, dept_reviewer, "?tab=de-nghi&trang_thai_de_nghi=returned"),
        "unit": sorted(page_ids(client, dept_reviewer, "?tab=de-nghi&don_vi=B1")),
        "counts": {value: n for value, _, n in everything.context["status_tabs"] if n},
    }
    assert observed == {
        "all": sorted(Nomination.objects.filter(dossier__in=[a1, b1]).values_list("pk", flat=True)),
        "returned": [returned.pk],
        "unit": list(Nomination.objects.filter(dossier=b1).values_list("pk", flat=True)),
        "counts": {"proposed": 2, "returned": 1},
    }


def test_filter_values_are_validated():
    filters = inbox.filters_from(
        {"phong_trao": "12x", "nam_hoc": "20255", "han": "mai", "o": "password", "trang_thai_de_nghi": "returned"},
        sorts=inbox.NOMINATION_SORTS,
    )
    assert filters == inbox.InboxFilters(nomination_status="returned")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "query", ["", "?tab=de-nghi", "?han=qua-han&o=han", "?o=-so_de_nghi", "?tab=de-nghi&o=ten&danh_hieu=LDTT"]
)
def test_query_count_is_the_same_for_one_and_many_rows(client, tree, person_factory, dept_reviewer, query):
    client.force_login(dept_reviewer)
    sent(tree["school_a1"], people=[person_factory(tree["school_a1"])], days_ago=30)
    client.get(URL + query)  # warm the session
    one = _queries(client, URL + query)
    for i in range(6):
        school = tree["school_a2"] if i % 2 else tree["school_b1"]
        sent(school, people=[person_factory(school), person_factory(school)], days_ago=30, year=YEAR - 1 - i)
    many = _queries(client, URL + query)
    assert (len(client.get(URL + query).context["page"]) > 6, many) == (True, one)
