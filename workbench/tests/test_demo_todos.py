"""The demo (issue 12, "Done when" 1): every demo account's home shows real to-dos, and each goes when done.

One seed for the whole journey (seeding costs seconds): the homes as the accounts see them (the page's own
context, default role), then one to-do of each role done through the app's services, after which it is gone
from the page and what it led to shows where it should.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from awards.schoolyear import school_year_of
from campaigns import services as campaign_services
from campaigns.enums import DeadlineAction, RegistrationStatus
from campaigns.models import Deadline, Registration
from councils import services as council_services
from councils.enums import RoundStatus
from councils.models import Round
from demo.nominations import _school as demo_school
from demo.workbench import (
    ACCOUNT_WITHOUT_ROLE,
    DIGITAL,
    GREEN,
    LATE_REPORT_NOTE,
    LATE_SCHOOLS,
    OFFICE_REPORT_NOTE,
    REGISTRATION_RETURN_COMMENT,
)
from nominations import notice as notices
from nominations.models import Objection, ObjectionStatus
from units.enums import Role, UnitKind
from units.models import Unit
from units.services import unit_role_grant

pytestmark = pytest.mark.django_db

User = get_user_model()

# What each demo account's home lists at least, by kind (the rest depends on the day: the Sở's special
# campaign has fixed dates). admin is a superuser without a role: nothing of its own to do.
EXPECTED = {
    "so.quantri": {"account_without_role", "unit_without_head_role", "unit_without_head"},
    # The Phòng's roll-up under appraisal (THPT Trần Phú's dossier reaches the Sở only before its deadline).
    "so.chuyenvien": {"inbox_under_appraisal", "overdue_units"},
    "pgd-bl.chuyenvien": {"inbox_sent", "inbox_under_appraisal", "inbox_appraised", "overdue_units", "objections"},
    "pgd-bl.truongphong": {"registration_awaiting_head", "inbox_sent", "overdue_units", "objections"},
    "mn-hoasen-bl.thuky": {"deadline", "registration_returned", "registration_draft"},
    "mn-hoasen-bl.hieutruong": {"registration_awaiting_head"},
    "mn-hoasen-bl.hoidong": {"meeting"},
    "mn-hoasen-bl.quantri": {"account_without_role"},
    "pgd-bl.thuky": {"deadline"},
    "so.thuky": {"deadline"},
    "so.hoidong": {"ballot_open", "meeting"},
    "kiemnhiem.thuky": {"meeting"},
    "xa-binhlam.chuyenvien": {"inbox_sent"},
    "tinh.chuyenvien": {"overdue_units"},
}


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's evidence files
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def _user(username):
    return User.objects.get(username=username)


def _home(client, username):
    client.force_login(_user(username))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context.get("todos") or []


def _kinds(client, username):
    return {t.kind for t in _home(client, username)}


def _labels(client, username, kind):
    return [t.label for t in _home(client, username) if t.kind == kind]


def test_demo_homes_show_each_roles_todos_and_each_goes_when_done(client, demo):
    from demo.seeders import DEMO_ACCOUNTS

    today = timezone.localdate()
    year = school_year_of(today)
    digital, green = DIGITAL.format(year=year, next=year + 1), GREEN.format(year=year, next=year + 1)

    # Every demo account has something to do; admin (superuser, no role) the administrator's list of every tree.
    homes = {username: _kinds(client, username) for username, _ in DEMO_ACCOUNTS}
    assert {u for u, kinds in homes.items() if not kinds} == set()
    assert {"account_without_role", "unit_without_head_role"} <= homes["admin"]
    assert {u: EXPECTED[u] & homes[u] for u in EXPECTED} == EXPECTED

    # The school's secretary: two registration deadlines in the coming days, the returned registration with
    # the Phòng's comment, the draft in the Sở's campaign.
    secretary = _home(client, "mn-hoasen-bl.thuky")
    deadlines = {t.label: t for t in secretary if t.kind == "deadline"}
    assert {f"Hạn chót: Gửi đăng ký thi đua – {digital}", f"Hạn chót: Gửi đăng ký thi đua – {green}"} <= set(deadlines)
    assert deadlines[f"Hạn chót: Gửi đăng ký thi đua – {digital}"].due == today + datetime.timedelta(days=10)
    (returned,) = [t for t in secretary if t.kind == "registration_returned"]
    assert (returned.label, returned.comment) == (
        f"Cấp trên trả lại bản đăng ký thi đua – {digital}",
        REGISTRATION_RETURN_COMMENT,
    )
    assert client.get(returned.url).status_code == 200
    (overdue,) = [t for t in _home(client, "pgd-bl.chuyenvien") if t.kind == "overdue_units"]
    assert overdue.count == len(LATE_SCHOOLS)

    # The secretary fixes the returned registration and presents it: gone from her list, on the head's.
    school = Unit.objects.get(kind=UnitKind.SCHOOL, name="Trường Mầm non Hoa Sen", locality="Bình Lâm")
    registration = Registration.objects.get(campaign__name=digital, unit=school)
    assert registration.status == RegistrationStatus.RETURNED
    campaign_services.registration_transition(
        registration=registration, to_status=RegistrationStatus.AWAITING_HEAD, by=_user("mn-hoasen-bl.thuky")
    )
    assert "registration_returned" not in _kinds(client, "mn-hoasen-bl.thuky")
    waiting = _labels(client, "mn-hoasen-bl.hieutruong", "registration_awaiting_head")
    assert sorted(waiting) == sorted(f"Bản đăng ký thi đua chờ duyệt, gửi cấp trên – {n}" for n in (digital, green))

    # The head sends both: nothing waits for her; the secretary's registration deadlines are met.
    for registration in Registration.objects.filter(unit=school, status=RegistrationStatus.AWAITING_HEAD):
        campaign_services.registration_transition(
            registration=registration, to_status=RegistrationStatus.SUBMITTED, by=_user("mn-hoasen-bl.hieutruong")
        )
    assert "registration_awaiting_head" not in _kinds(client, "mn-hoasen-bl.hieutruong")
    left = _labels(client, "mn-hoasen-bl.thuky", "deadline")
    assert not [label for label in left if digital in label or green in label]

    # The Phòng's reviewer resolves the objection and reopens the report for the three late schools.
    reviewer = _user("pgd-bl.chuyenvien")
    notices.objection_resolve(
        by=reviewer,
        objection=Objection.objects.get(status=ObjectionStatus.OPEN),
        status=ObjectionStatus.RESOLVED,
        resolution="Đã xác minh: đủ thời gian công tác theo quy định.",
    )
    deadline = Deadline.objects.get(action=DeadlineAction.REPORT, note=LATE_REPORT_NOTE)
    for slug in LATE_SCHOOLS:
        campaign_services.deadline_extend(
            deadline=deadline, unit=demo_school(slug, "Bình Lâm"), until=today + datetime.timedelta(days=5), by=reviewer
        )
    assert not {"objections", "overdue_units"} & _kinds(client, "pgd-bl.chuyenvien")

    # The Sở's council member votes: the open ballot goes, the meeting of today stays.
    round_ = Round.objects.get(meeting__council__unit__kind=UnitKind.DEPARTMENT, status=RoundStatus.OPEN)
    member = _user("so.hoidong")
    seat = round_.meeting.council.members.get(user=member)
    items = council_services.ballot_items(round_, seat)
    council_services.ballot_cast(by=member, round_=round_, choices={i.pk: "for" for i in items})
    assert _kinds(client, "so.hoidong") >= {"meeting"}
    assert "ballot_open" not in _kinds(client, "so.hoidong")

    # The school's administrator gives the new account its role.
    unit_role_grant(user=_user(ACCOUNT_WITHOUT_ROLE), unit=school, role=Role.SECRETARY, by=_user("so.quantri"))
    assert "account_without_role" not in _kinds(client, "mn-hoasen-bl.quantri")

    # The Phòng's secretary sends the report the Sở asked for.
    office_report = Deadline.objects.get(note=OFFICE_REPORT_NOTE)
    campaign_services.deadline_complete(deadline=office_report, unit=school.parent, by=_user("pgd-bl.thuky"))
    assert OFFICE_REPORT_NOTE not in [t.comment for t in _home(client, "pgd-bl.thuky")]
