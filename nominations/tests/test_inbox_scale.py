"""The inbox's nomination tab as issue 14 reshaped it: the candidate's name and the due date are correlated
subqueries (no join on the page's ids and counts), and a page's rows are read by their ids alone. The order,
the due dates and the scope must be those of before."""

import datetime

from django.urls import reverse
from django.utils import timezone

from awards.engine import award_type_in_force
from conftest import make_user
from nominations import inbox, services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from nominations.tests.conftest import YEAR
from units.enums import Role

URL = reverse("nominations:inbox")


def _sent(unit, people, *, days_ago=1, collective=False):
    dossier = services.dossier_create(by=None, unit=unit, round_kind=RoundKind.YEAR_END, school_year=YEAR)
    for person in people:
        services.nomination_add(by=None, dossier=dossier, award_code="LDTT", person=person, summary="Tốt.")
    if collective:  # a collective nomination: its name is the unit's
        award = award_type_in_force("TTLDTT", datetime.date(2026, 5, 1))
        Nomination.objects.create(dossier=dossier, award_type=award, unit=unit, status=NominationStatus.PROPOSED)
    Dossier.objects.filter(pk=dossier.pk).update(
        status=DossierStatus.SENT,
        receiving_unit=unit.parent,
        sent_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    return dossier


def _page(client, query):
    response = client.get(URL + "?tab=de-nghi" + query)
    assert response.status_code == 200
    return response.context["page"]


def _name(n):
    return n.candidate_name  # the row's person's name, or the collective unit's


def test_sort_by_candidate_name_people_and_collectives_both_ways(client, tree, person_factory):
    school = tree["school_a1"]
    _sent(
        school,
        [person_factory(school, full_name="Vũ Thị Yến"), person_factory(school, full_name="Đặng Văn An")],
        collective=True,
    )
    _sent(tree["school_a2"], [person_factory(tree["school_a2"], full_name="Bùi Minh Châu")])
    client.force_login(make_user("so-cv", tree["dept"], Role.REVIEWER))
    up = [_name(n) for n in _page(client, "&o=ten")]
    down = [_name(n) for n in _page(client, "&o=-ten")]
    assert len(up) == 4 and school.name in up
    assert (up, down) == (sorted(up), sorted(up, reverse=True))


def test_due_dates_and_overdue_filter_on_the_nomination_tab(client, tree, person_factory):
    late = _sent(tree["school_a1"], [person_factory(tree["school_a1"])], days_ago=30)
    fresh = _sent(tree["school_a2"], [person_factory(tree["school_a2"])], days_ago=1)
    client.force_login(make_user("so-cv", tree["dept"], Role.REVIEWER))
    rows = {n.dossier_id: (n.due_date, n.is_overdue) for n in _page(client, "&o=han")}
    days = inbox.appraisal_days()
    expected = {
        d.pk: (timezone.localtime(d.sent_at).date() + datetime.timedelta(days=days), d.pk == late.pk)
        for d in Dossier.objects.filter(pk__in=[late.pk, fresh.pk])
    }
    # TruncDate in SQL takes the date in the current time zone, as localtime does.
    assert rows == expected
    assert [n.dossier_id for n in _page(client, "&han=qua-han")] == [late.pk]
    assert [n.dossier_id for n in _page(client, "&o=han")] == [late.pk, fresh.pk]


def test_page_rows_stay_in_the_users_scope(client, tree, person_factory):
    _sent(tree["school_a1"], [person_factory(tree["school_a1"])])
    other = _sent(tree["school_b1"], [person_factory(tree["school_b1"])])
    client.force_login(make_user("pgd-a-cv", tree["office_a"], Role.REVIEWER))
    assert other.pk not in {n.dossier_id for n in _page(client, "")}
    assert len(_page(client, "")) == 1
