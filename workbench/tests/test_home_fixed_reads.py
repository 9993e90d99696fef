"""The home page's head count and units below, read by statements compiled once when the kernel's role table
says in Python what the user reads of the unit's subtree (workbench.views._read_reach): equal to the kernel's
querysets for every persona and every unit, and the list of units below written as the template wrote it."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from conftest import make_user
from units import selectors as unit_selectors
from units.enums import Role, UnitKind
from units.models import Unit
from units.services import unit_create, unit_role_grant
from workbench import views
from workbench.views import OWN, WHOLE, _children, _children_html, _people_count, _read_reach


@pytest.fixture
def mixed(tree, personas, person_factory, django_user_model):
    """The personas, plus accounts whose roles mix: a secretary who also sits on a team of her school's council
    (a role inside the subtree), one who also reviews for a sibling Phòng (unrelated), a Phòng's secretary who
    also reviews for one of its schools (a role on a unit below), a team's secretary, a superuser; a second team
    and people (active or not) everywhere."""
    team_a1b = unit_create(by=None, name='Tổ <Văn> & "Sử"', kind=UnitKind.TEAM, parent=tree["school_a1"])
    for unit in (tree["school_a1"], tree["team_a1"], team_a1b, tree["school_a2"], tree["office_a"], tree["dept"]):
        person_factory(unit)
        person_factory(unit, is_active=False)
    person_factory(tree["team_a1"])
    users = dict(personas)
    users["secretary_with_team_role"] = make_user("sec-team", tree["school_a1"], Role.SECRETARY)
    unit_role_grant(by=None, user=users["secretary_with_team_role"], unit=team_a1b, role=Role.COUNCIL_MEMBER)
    users["secretary_and_reviewer_b"] = make_user("sec-rev", tree["school_a1"], Role.SECRETARY)
    unit_role_grant(by=None, user=users["secretary_and_reviewer_b"], unit=tree["office_b"], role=Role.REVIEWER)
    users["secretary_of_team"] = make_user("sec-of-team", tree["team_a1"], Role.SECRETARY)
    users["office_secretary_and_school_reviewer"] = make_user("sec-office", tree["office_a"], Role.SECRETARY)
    unit_role_grant(
        by=None, user=users["office_secretary_and_school_reviewer"], unit=tree["school_a2"], role=Role.REVIEWER
    )
    users["superuser"] = django_user_model.objects.create_superuser("root-home", password="matkhau-thu-123")
    return users


def test_fixed_reads_equal_the_kernels_for_every_persona_and_unit(mixed):
    units = list(Unit.objects.order_by("path"))
    seen = set()
    for name, user in mixed.items():
        for unit in units:
            reach = _read_reach(user, unit)
            seen.add(reach)
            expected_children = list(unit_selectors.unit_children(user, unit).values_list("pk", "name")[:50])
            assert _children(user, unit, reach) == expected_children, (name, unit.name, reach)
            if unit.kind in (UnitKind.SCHOOL, UnitKind.TEAM):
                expected_count = unit_selectors.unit_people(user, unit).count()
                request = SimpleNamespace(user=user, active_role=None)
                assert _people_count(request, unit, reach) == (expected_count, False), (name, unit.name, reach)
    assert seen == {WHOLE, OWN, None}  # every branch compared


def test_read_reach_of_the_usual_homes(mixed, tree):
    assert _read_reach(mixed["secretary_a1"], tree["school_a1"]) == OWN
    assert _read_reach(mixed["secretary_and_reviewer_b"], tree["school_a1"]) == OWN  # the other role is elsewhere
    assert _read_reach(mixed["secretary_with_team_role"], tree["school_a1"]) is None  # a role inside: the kernel
    assert _read_reach(mixed["reviewer_a"], tree["office_a"]) == WHOLE
    assert _read_reach(mixed["reviewer_a"], tree["team_a1"]) == WHOLE
    assert _read_reach(mixed["admin_dept"], tree["dept"]) == WHOLE
    assert _read_reach(mixed["superuser"], tree["school_b1"]) == WHOLE
    assert _read_reach(mixed["secretary_office_a"], tree["office_a"]) == OWN
    assert _read_reach(mixed["secretary_a2"], tree["school_a1"]) is None  # a sibling reads nothing of A1
    assert _read_reach(mixed["office_secretary_and_school_reviewer"], tree["office_a"]) is None


def test_school_home_reads_its_count_and_teams_without_the_orm(client, mixed, tree, monkeypatch):
    """The secretary's home (the mix's most visited page) takes the compiled statements, not the kernel's
    querysets: they fail here if called."""

    def refuse(*args, **kwargs):
        raise AssertionError("the kernel's queryset was built")

    monkeypatch.setattr(views.unit_selectors, "unit_people", refuse)
    monkeypatch.setattr(views.unit_selectors, "unit_children", refuse)
    client.force_login(mixed["secretary_a1"])

    response = client.get("/")

    assert response.context["people_count"] == 4  # A1's three active (one in a team), the other team's one
    teams = Unit.objects.filter(parent=tree["school_a1"], kind=UnitKind.TEAM).order_by("name")
    assert [f'<a href="/don-vi/{t.pk}/">' in response.content.decode() for t in teams] == [True, True]


def test_children_html_is_the_templates_loop(mixed, tree):
    rows = [(u.pk, u.name) for u in Unit.objects.filter(parent=tree["school_a1"]).order_by("kind", "name")]
    old = Template(
        "{% for c in children %}<li><a href=\"{% url 'units:detail' c.pk %}\">{{ c.name }}</a></li>{% endfor %}"
    ).render(Context({"children": [{"pk": pk, "name": name} for pk, name in rows]}))
    assert "&lt;Văn&gt; &amp; &quot;Sử&quot;" in old
    assert _children_html(rows) == old
    assert _children_html([]) == ""
