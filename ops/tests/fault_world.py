"""Small worlds for the fault tests, built through the services inside a portal subprocess that uses the
private PostgreSQL cluster (ops/tests/faults.py: django_run). Each call takes a tag so that several tests
share the cluster without meeting; each prints one JSON line the test reads back."""

import datetime
import json

from django.test import Client

from campaigns import services as campaign_services
from campaigns.enums import CampaignKind, DeadlineAction
from nominations import services as nomination_services
from nominations.enums import RoundKind
from units.enums import Gender, Role, SchoolLevel, UnitKind
from units.models import Person
from units.services import unit_create, unit_role_grant, user_create


def _signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _user(username: str, unit, role, email: str = ""):
    user = user_create(by=None, username=username, password=None, email=email)
    unit_role_grant(by=None, user=user, unit=unit, role=role)
    return user


def dossier_world(tag: str) -> None:
    """A school's secretary with a dossier of one nomination (the «submission» document can be asked)."""
    dept = unit_create(by=None, name=f"Sở GD&ĐT Sự Cố {tag}", kind=UnitKind.DEPARTMENT, document_code=f"S{tag}")
    school = unit_create(
        by=None, name=f"Trường Tiểu học Sự Cố {tag}", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY,
        parent=dept, document_code=f"T{tag}", locality="Gia Lâm",
    )  # fmt: skip
    secretary = _user(f"thu-ky-{tag}", school, Role.SECRETARY)
    dossier = nomination_services.dossier_create(
        by=secretary, unit=school, round_kind=RoundKind.YEAR_END, school_year=2025
    )
    person = Person.objects.create(unit=school, full_name="Trần Thị Một", gender=Gender.FEMALE, position="Giáo viên")
    nomination_services.nomination_add(by=None, dossier=dossier, award_code="LDTT", person=person)
    print(json.dumps({"dossier": dossier.pk, "cookie": _signed_in(secretary)}))


def reminder_world(tag: str, schools: int = 3) -> None:
    """A Phòng's launched campaign whose schools must register within 7 days; each school's head has an
    address. Today's run of the reminders owes each school exactly one mail."""
    today = datetime.date.today()
    office = unit_create(by=None, name=f"Phòng GD&ĐT Nhắc Hạn {tag}", kind=UnitKind.OFFICE)
    secretary = _user(f"thu-ky-phong-{tag}", office, Role.SECRETARY)
    administrator = _user(f"quan-tri-{tag}", office, Role.ADMINISTRATOR)
    heads = []
    for n in range(schools):
        school = unit_create(
            by=None, name=f"Trường Nhắc Hạn {tag} {'ABCDEFGH'[n]}", kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY, parent=office,
        )  # fmt: skip
        heads.append(
            _user(f"hieu-truong-{tag}-{n}", school, Role.HEAD, email=f"hieu-truong-{tag}-{n}@example.vn").email
        )
    school_year = today.year if today.month >= 8 else today.year - 1
    campaign = campaign_services.campaign_create(
        launched_by=office,
        name=f"Phong trào nhắc hạn {tag}",
        kind=CampaignKind.REGULAR,
        school_year=school_year,
        by=secretary,
    )
    campaign_services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.REGISTER,
        unit_kind=UnitKind.SCHOOL,
        due_date=today + datetime.timedelta(days=7),
    )
    campaign_services.campaign_launch(campaign=campaign, by=administrator, today=today)
    print(json.dumps({"campaign": campaign.pk, "heads": heads}))


def sendable_world(tag: str) -> None:
    """A school's complete draft (an eligible teacher's LĐTT, the tờ trình filled), its head signed in, and
    the Phòng's reviewer with an address: sending the dossier up mails the reviewer."""
    from awards.enums import TaskRating
    from awards.models import TaskEvaluation
    from nominations.models import Dossier
    from nominations.tests.conftest import YEAR, fill_submission

    dept = unit_create(by=None, name=f"Sở GD&ĐT Gửi Hồ Sơ {tag}", kind=UnitKind.DEPARTMENT)
    office = unit_create(by=None, name=f"Phòng GD&ĐT Gửi Hồ Sơ {tag}", kind=UnitKind.OFFICE, parent=dept)
    school = unit_create(
        by=None, name=f"Trường Tiểu học Gửi Hồ Sơ {tag}", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY,
        parent=office, document_code=f"G{tag}",
    )  # fmt: skip
    secretary = _user(f"thu-ky-gui-{tag}", school, Role.SECRETARY)
    head = _user(f"hieu-truong-gui-{tag}", school, Role.HEAD)
    reviewer = _user(f"tham-dinh-{tag}", office, Role.REVIEWER, email=f"tham-dinh-{tag}@example.vn")
    dossier = nomination_services.dossier_create(
        by=secretary, unit=school, round_kind=RoundKind.YEAR_END, school_year=YEAR
    )
    teacher = Person.objects.create(
        unit=school, full_name="Trần Thị Giáo Viên", gender=Gender.FEMALE, position="Giáo viên"
    )
    TaskEvaluation.objects.create(person=teacher, school_year=YEAR, rating=TaskRating.EXCELLENT)
    nomination_services.nomination_add(
        by=secretary, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc."
    )
    fill_submission(dossier, secretary)
    version = Dossier.objects.get(pk=dossier.pk).version
    print(json.dumps({"dossier": dossier.pk, "version": version, "cookie": _signed_in(head), "to": reviewer.email}))
