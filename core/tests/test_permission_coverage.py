"""Every URL of the portal names its permission rule, and none leaks to a user without roles."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver

from units.models import Person, Unit
from units.view_rules import ALL_VIEW_RULES


def walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def is_own(namespace, entry) -> bool:
    """Every view of the portal's apps; Django's own (admin, login, password reset) are not ours to mark."""
    return namespace != "admin" and not entry.callback.__module__.startswith("django.")


def own_patterns():
    """(route, pattern) of every URL of the portal's apps, new apps included."""
    for route, namespace, entry in walk(get_resolver().url_patterns):
        if is_own(namespace, entry):
            yield route, entry


def url_name(namespace, entry) -> str:
    return f"{namespace}:{entry.name}" if namespace else entry.name


def own_named_patterns():
    for route, namespace, entry in walk(get_resolver().url_patterns):
        if is_own(namespace, entry):
            yield route, url_name(namespace, entry), entry


def views_without_named_rule(named_patterns) -> dict[str, object]:
    """url name -> the rule of each view that declares none, or one outside the named set of units/view_rules.py."""
    found = {}
    for _route, name, entry in named_patterns:
        rule = getattr(entry.callback, "portal_rule", None)
        if rule is None or ALL_VIEW_RULES.get(getattr(rule, "name", None)) is not rule:
            found[name] = rule
    return found


def test_every_view_declares_a_named_permission_rule():
    """Free text says what the author meant; a named rule is one the matrix checks (units/view_rules.py)."""
    assert views_without_named_rule(own_named_patterns()) == {}


def test_coverage_check_fails_on_a_view_without_a_named_rule():
    from django.urls import path

    from core.rules import ViewRule, view_rule
    from units.view_rules import UNIT_READ

    def bare(request):
        raise AssertionError("never called")

    lookalike = ViewRule("UNIT_READ", "a copy with the same name is not the kernel's rule")
    patterns = [
        ("a/", "bare", path("a/", bare, name="bare")),
        ("b/", "lookalike", path("b/", view_rule(lookalike)(lambda request: None), name="lookalike")),
        ("c/", "named", path("c/", view_rule(UNIT_READ)(lambda request: None), name="named")),
    ]

    assert views_without_named_rule(patterns) == {"bare": None, "lookalike": lookalike}


def test_view_rule_refuses_free_text():
    from core.rules import view_rule

    with pytest.raises(TypeError):
        view_rule("đọc đơn vị của mình")


def test_own_patterns_are_found():
    routes = [route for route, _ in own_patterns()]
    assert len(routes) >= 10


def _concrete_url(route, pk):
    url = re.sub(r"<int:\w+>", str(pk), route)
    url = re.sub(r"<(?:str|slug):\w+>", "x", url)
    return "/" + url


@pytest.mark.django_db
def test_user_without_roles_sees_no_unit_or_person_anywhere(client):
    """Walk every own URL with real ids of the demo province as a user with no role."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    outsider = get_user_model().objects.create_user("nguoi-ngoai", password=None)
    client.force_login(outsider)
    unit_names = list(Unit.objects.exclude(kind="team").values_list("name", flat=True))
    person_names = list(Person.objects.values_list("full_name", flat=True)[:200])
    leaks, errors = [], []
    for route, _entry in own_patterns():
        for pk in (1, 2, 5, 40):
            response = client.get(_concrete_url(route, pk))
            if response.status_code >= 500:
                errors.append((route, pk, response.status_code))
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                body = response.content.decode()
                leaked = [n for n in unit_names + person_names if n in body]
                if leaked:
                    leaks.append((route, pk, leaked[:3]))
    assert errors == []
    assert leaks == []


@pytest.mark.django_db
def test_school_secretary_sees_no_person_of_another_school_anywhere(client):
    """Walk every own URL with ids of many objects as one school's secretary: no other school's people appear.

    Person names in the demo are unique, so a name on a page is that person. A page
    may legitimately show units above the school (its Phòng, the Sở launching a
    campaign), so units are not checked here; the per-app persona tests do that.
    """
    from campaigns.selectors import campaigns_visible_to
    from units.selectors import units_visible_to

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    user = get_user_model().objects.get(username="mn-hoasen-bl.thuky")
    visible = units_visible_to(user)
    # The heads of the units above and of the launching units of its campaigns sign what it reads.
    signed_by = (
        Unit.objects.filter(
            Q(pk__in=campaigns_visible_to(user).values("launched_by"))
            | Q(pk__in=[int(p) for p in user.unit_roles.get().unit.path.strip("/").split("/")])
        )
        .filter(head__isnull=False)
        .values("head")
    )
    foreign_people = list(
        Person.objects.exclude(unit__in=visible)
        .exclude(user=user)
        .exclude(pk__in=signed_by)
        .values_list("full_name", flat=True)
    )
    assert len(foreign_people) > 500
    client.force_login(user)
    leaks, errors = [], []
    for route, _entry in own_patterns():
        for pk in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89):
            response = client.get(_concrete_url(route, pk))
            if response.status_code >= 500:
                errors.append((route, pk, response.status_code))
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                body = response.content.decode()
                leaked = [name for name in foreign_people if name in body]
                if leaked:
                    leaks.append((route, pk, leaked[:3]))
            if "<int:" not in route:
                break
    assert errors == []
    assert leaks == []
