import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from units.enums import SchoolLevel, UnitKind
from units.models import Person, Unit, UnitRole
from units.selectors import units_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_seed_demo_builds_a_province(demo):
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() == 1
    assert Unit.objects.filter(kind=UnitKind.OFFICE).count() == 3
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL)
    assert schools.count() == 30
    assert set(schools.values_list("school_level", flat=True)) == set(SchoolLevel.values)
    assert 550 <= Person.objects.count() <= 700
    assert set(UnitRole.objects.values_list("role", flat=True)) == {
        "secretary",
        "head",
        "reviewer",
        "council_member",
        "administrator",
    }


def test_seed_demo_twice_changes_nothing(demo):
    counts = (Unit.objects.count(), Person.objects.count(), UnitRole.objects.count(), get_user_model().objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (
        Unit.objects.count(),
        Person.objects.count(),
        UnitRole.objects.count(),
        get_user_model().objects.count(),
    ) == counts


def _visible(username):
    return units_visible_to(get_user_model().objects.get(username=username))


def test_demo_school_secretary_sees_exactly_her_school_and_teams(demo):
    school = Unit.objects.get(name="Trường Mầm non Hoa Sen", parent__name__endswith="Bình Lâm")
    assert set(_visible("mn-hoasen-bl.thuky")) == {school, *school.children.all()}


def test_demo_office_reviewer_sees_exactly_the_office_subtree(demo):
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="Bình Lâm")
    assert set(_visible("pgd-bl.chuyenvien")) == set(Unit.objects.filter(path__startswith=office.path))
    assert _visible("pgd-bl.chuyenvien").filter(kind=UnitKind.SCHOOL).count() == 9


def test_demo_department_admin_sees_the_department_subtree(demo):
    department = Unit.objects.get(kind=UnitKind.DEPARTMENT)
    assert _visible("so.quantri").count() == Unit.objects.filter(path__startswith=department.path).count()


def test_each_printed_demo_account_logs_in_with_the_printed_password(client, demo):
    from demo.seeders import DEMO_ACCOUNTS
    from units.demo import DEMO_PASSWORD

    # One seed for all accounts: seeding costs seconds on PostgreSQL.
    landed = {}
    for username, _label in DEMO_ACCOUNTS:
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        landed[username] = (response.status_code, client.get(reverse("home")).status_code)
    assert landed == {username: (302, 200) for username, _ in DEMO_ACCOUNTS}
    assert len(landed) == 13
