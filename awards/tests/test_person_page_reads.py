"""The history and check pages read their person by key from a fixed statement and decide the permission with the
kernel's `can` (awards.selectors.person_get_visible): the same person, or the same 404, as the scoped queryset of
units.selectors.person_get_visible, for every persona and every person of the tree."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import selectors
from units import selectors as unit_selectors
from units.models import Person


def _decision(get, user, pk):
    try:
        person = get(user, pk)
    except Http404:
        return None
    return (person.pk, person.full_name, person.unit_path, person.unit.pk, person.unit.path, person.unit.name)


@pytest.fixture
def everyone(tree, person_factory):
    """One person in each unit of the tree (the team's too)."""
    return [person_factory(unit) for unit in tree.values()]


def test_same_person_or_404_as_the_scoped_queryset(personas, everyone):
    superuser = get_user_model().objects.create_user("sieu", password="x", is_superuser=True)
    users = [*personas.values(), superuser]
    pks = [p.pk for p in everyone] + [0, 10**9, "abc"]
    decisions = set()
    for user in users:
        for pk in pks:
            mine = _decision(selectors.person_get_visible, user, pk)
            assert mine == _decision(unit_selectors.person_get_visible, user, pk), (user.username, pk)
            decisions.add(mine is None)
    assert decisions == {True, False}  # both answers were exercised


def test_a_stale_unit_path_is_decided_by_the_scoped_queryset(tree, personas, person_factory):
    """A row whose unit_path is not its unit's path (a bulk write gone wrong): the scope reads the row's path, so
    the page follows it, not the unit's."""
    person = person_factory(tree["school_a1"])
    Person.objects.filter(pk=person.pk).update(unit_path=tree["school_b1"].path)
    for user in personas.values():
        expected = _decision(unit_selectors.person_get_visible, user, person.pk)
        assert _decision(selectors.person_get_visible, user, person.pk) == expected
    # The Phòng reviewers read by the path: `can` on the unit's path would have answered the other way round.
    assert _decision(selectors.person_get_visible, personas["reviewer_a"], person.pk) is None
    assert _decision(selectors.person_get_visible, personas["reviewer_b"], person.pk) is not None


def test_one_query_and_no_role_read(tree, personas, person_factory):
    person = person_factory(tree["team_a1"])
    user = personas["secretary_a1"]
    selectors.person_get_visible(user, person.pk)  # the roles cached on the user, as the middleware leaves them
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.person_get_visible(user, person.pk)
        assert found.unit.name == tree["team_a1"].name  # the unit came with the person
    assert len(ctx.captured_queries) == 1


@pytest.mark.parametrize("name", ["awards:person_history", "awards:person_check"])
def test_pages_answer_404_outside_the_scope(client, tree, personas, person_factory, name):
    person = person_factory(tree["school_a1"])
    client.force_login(personas["secretary_a2"])
    assert client.get(reverse(name, args=[person.pk])).status_code == 404
    client.force_login(personas["reviewer_a"])
    assert client.get(reverse(name, args=[person.pk])).status_code == 200
