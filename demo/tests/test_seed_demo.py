import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from awards.models import AwardRecord, TaskEvaluation
from awards.schoolyear import current_school_year
from core.models import TransitionLog
from demo.nominations import RETURN_COMMENT
from nominations.enums import DossierStatus, Procedure, RoundKind
from nominations.models import Attachment, Dossier, Nomination
from units.enums import SchoolLevel, UnitKind
from units.models import Person, Unit, UnitRole
from units.selectors import units_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's evidence files
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


def _counts():
    models = (Unit, Person, UnitRole, get_user_model(), Dossier, Nomination, Attachment, TransitionLog, TaskEvaluation)
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo_twice_changes_nothing(demo):
    counts = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert _counts() == counts
    assert counts["Dossier"] >= len(DossierStatus.values)


def test_demo_dossiers_stand_at_every_state_with_nominations_at_many(demo):
    year = current_school_year()
    year_end = Dossier.objects.filter(round_kind=RoundKind.YEAR_END, school_year=year)
    assert set(year_end.values_list("status", flat=True)) == set(DossierStatus.values)
    # Schools of the Phòng send to the Phòng (the route passes through it), which appraises and carries the
    # district-level titles to the UBND xã and the TTLĐXS to the Sở.
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith="Bình Lâm")
    schools = year_end.filter(unit__kind=UnitKind.SCHOOL)
    assert set(schools.values_list("receiving_unit", flat=True)) == {office.pk}
    rolled = {d.receiving_unit.name: d.status for d in year_end.filter(unit=office)}
    assert rolled == {
        "Ủy ban nhân dân xã Bình Lâm": DossierStatus.DECIDED,
        "Sở Giáo dục và Đào tạo Sơn Hà": DossierStatus.UNDER_APPRAISAL,
    }
    statuses = set(Nomination.objects.filter(dossier__in=year_end).values_list("status", flat=True))
    assert {"proposed", "returned", "accepted", "not_accepted", "forwarded", "awarded"} <= statuses
    codes = set(Nomination.objects.filter(dossier__in=year_end).values_list("award_type__code", flat=True))
    assert codes == {"LDTT", "CSTDCS", "TTLDXS"}
    returned = Nomination.objects.get(dossier__in=year_end, status="returned")
    log = TransitionLog.objects.get(workflow="nomination", object_id=returned.pk, to_state="returned")
    assert (log.by.username, log.comment) == ("pgd-bl.chuyenvien", RETURN_COMMENT)
    # Every step was taken by a demo account of the right unit, none by the system.
    assert not TransitionLog.objects.filter(workflow="dossier", by=None).exists()
    # The UBND xã's decision wrote the award history, down to the schools' nominations.
    awarded = Nomination.objects.filter(dossier__in=schools, status="awarded").select_related("decision")
    assert awarded.count() > 0
    assert {n.decision.number for n in awarded} == {"125/QĐ-UBND"}
    records = AwardRecord.objects.filter(decision_number="125/QĐ-UBND", school_year=year)
    assert sorted(records.values_list("person_id", "award_type__code")) == sorted(
        awarded.values_list("person_id", "award_type__code")
    )
    # The journeys' school files its own dossier through the pages.
    assert not Dossier.objects.filter(unit__name="Trường Mầm non Hoa Sen", school_year=year).exists()
    # No draft left to the Phòng or the Sở: the journeys' roll-ups look for the one they make.
    assert not Dossier.objects.filter(unit__kind__in=["office", "department"], status=DossierStatus.DRAFT).exists()


def test_demo_dossiers_of_the_seed_rounds(demo):
    capped = Dossier.objects.get(round_kind=RoundKind.CAMPAIGN, campaign__awards__cap=15)
    assert capped.campaign.awards.get(cap=15).award_type.code == "BK_TINH"
    assert set(capped.nominations.values_list("award_type__code", flat=True)) == {"BK_TINH"}
    assert all(n.is_overridden or n.verdict != "not_eligible" for n in capped.nominations.all())
    simplified = Dossier.objects.get(procedure=Procedure.SIMPLIFIED)
    assert simplified.summary and simplified.submission_number
    assert simplified.receiving_unit.kind == UnitKind.DEPARTMENT
    exemplary = Dossier.objects.get(round_kind=RoundKind.EXEMPLARY, unit__kind=UnitKind.SCHOOL)
    assert exemplary.status == DossierStatus.AWAITING_HEAD


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
    landed, busy = {}, set()
    for username, _label in DEMO_ACCOUNTS:
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        home = client.get(reverse("home"))
        landed[username] = (response.status_code, home.status_code)
        if home.context.get("todos"):
            busy.add(username)
    assert landed == {username: (302, 200) for username, _ in DEMO_ACCOUNTS}
    assert len(landed) == 15
    # The workbench: whatever the day, every account has something to do on its home page (demo/workbench.py;
    # what each lists and how it goes is workbench/tests/test_demo_todos.py), admin (superuser, no role) too:
    # the administrator's list over every tree (workbench.todos.superuser_todos).
    assert set(landed) - busy == set()
