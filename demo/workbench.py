"""Demo to-dos (issue 12): something real on the home page of every demo account, built through the services.

After the rest of the demo, as the accounts would do it in the app:

- Phòng Bình Lâm launches two more campaigns with a registration deadline in the coming days. Mầm non Hoa
  Sen's registration in the first was sent and returned by the Phòng's reviewer with a comment (its secretary
  fixes it; the deadline is still hers); the one in the second waits for its head; its registration in the
  Sở's special campaign is a draft. The Phòng's own registration there waits for the Phòng's head.
- A report the Phòng asked of its schools fell due three days ago: all sent it in time but three schools
  (the reviewers' and heads' «đơn vị quá hạn»). The Sở asks each Phòng and itself for a report in the coming
  days (the secretaries of the Phòng and of the Sở).
- The Phòng publishes what it proposes to the Sở (công khai); a parent objects (an objection to resolve).
- The Sở's council meets today on the TTLĐXS it received and opens a ballot: the chair and the secretary
  have voted, so.hoidong has not. Mầm non Hoa Sen's council meets in three days.
- The Phòng sends the UBND xã a Giấy khen for one of its staff (the commune reviewer's inbox).
- A teacher of Mầm non Hoa Sen has an account but no role yet (the administrators').

Mầm non Hoa Sen still files no dossier (the browser journeys do), and no Phòng or Sở dossier is left a
draft (the journeys' roll-ups look for theirs). Council seats go to accounts whose first role stays what it
was: seating an account on its own unit gives it the council role, which would become its default one.
"""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from awards.engine import award_type_in_force
from awards.schoolyear import school_year_of
from campaigns import services as campaign_services
from campaigns.enums import CampaignKind, DeadlineAction, ObjectGroup, RegistrationStatus
from campaigns.models import Campaign
from campaigns.selectors import registration_people
from councils import services as council_services
from councils.enums import AttendanceStatus, MemberRole
from councils.models import Council
from nominations import notice as notices
from nominations import services as nomination_services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from units.enums import Gender, Role, UnitKind
from units.models import Person, Unit, UnitRole
from units.services import person_create, user_create

User = get_user_model()

DISTRICT = "Bình Lâm"
DIGITAL = "Phong trào thi đua “Đẩy mạnh chuyển đổi số trong quản lý và dạy học” năm học {year}-{next}"
GREEN = "Phong trào thi đua “Xây dựng trường học an toàn, xanh – sạch – đẹp” năm học {year}-{next}"
REGISTRATION_RETURN_COMMENT = (
    "Dòng 3: đề nghị ghi rõ sáng kiến về ứng dụng công nghệ thông tin; bổ sung đăng ký của Tổ văn phòng."
)
# The Phòng's report that fell due three days ago, and the schools (slugs of units/demo.py) that missed it.
LATE_REPORT_DAYS = 3
LATE_REPORT_NOTE = "Báo cáo kết quả tổ chức các hoạt động chào mừng Ngày Nhà giáo Việt Nam 20/11"
LATE_SCHOOLS = ("mn-sonca", "th-levantam", "thcs-chuvanan")
OFFICE_REPORT_NOTE = "Báo cáo sơ kết phong trào gửi Sở (qua Văn phòng Sở)"
DEPARTMENT_REPORT_NOTE = "Báo cáo kết quả phong trào gửi UBND tỉnh (qua Ban Thi đua – Khen thưởng)"
NOTICE_TITLE = "Công khai danh sách đề nghị Sở xét, trình khen thưởng năm học {year}-{next}"
OBJECTION = (
    "Đề nghị xem xét lại: trong năm học nhà trường còn để xảy ra một vụ tai nạn thương tích của học sinh "
    "trong giờ ra chơi, chưa đủ tiêu chuẩn Tập thể lao động xuất sắc."
)
EXEMPLARY_SUMMARY = (
    "Tham mưu tổ chức thành công Hội thi giáo viên dạy giỏi cấp huyện; hướng dẫn các trường ứng dụng phần mềm "
    "quản lý thi đua, khen thưởng."
)
DEPARTMENT_COUNCIL = "Hội đồng Thi đua – Khen thưởng Sở Giáo dục và Đào tạo Sơn Hà"
SCHOOL_COUNCIL = "Hội đồng Thi đua – Khen thưởng Trường Mầm non Hoa Sen"
# The Sở's council officers, new people of the Sở with accounts: (username, position, full name, gender).
COUNCIL_ACCOUNTS = [
    ("so.phogiamdoc", "Phó Giám đốc", "Trần Minh Khang", Gender.MALE),
    ("so.chanhvanphong", "Chánh Văn phòng Sở", "Lê Thị Thu Hà", Gender.FEMALE),
]
SCHOOL_COUNCIL_CHAIR = "mn-hoasen-bl.phohieutruong"
ACCOUNT_WITHOUT_ROLE = "mn-hoasen-bl.giaovien"


def _award(code: str, on: datetime.date):
    return award_type_in_force(code, on)


def _school(slug: str) -> Unit:
    from demo.nominations import _school

    return _school(slug, DISTRICT)


def seed() -> bool:
    """Add the demo's to-dos once (True); False when they are there already or the demo is not."""
    # The portal's day (Asia/Ho_Chi_Minh), as the to-do list and the notice's «not before today» count it.
    today = timezone.localdate()
    year = school_year_of(today)
    if Campaign.objects.filter(name=DIGITAL.format(year=year, next=year + 1)).exists():
        return False
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    if "pgd-bl.truongphong" not in users:
        return False
    _registrations(users, today, year)
    _deadlines(users, today)
    _objection(users, today, year)
    _commune_inbox(users, today, year)
    _accounts(users)
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    _department_council(users, today)
    _school_council(users, today)
    return True


# --- campaigns and registrations ----------------------------------------------------------------------


def _campaign(name: str, office: Unit, chief, due: datetime.date, number: str, criteria: dict) -> Campaign:
    campaign = campaign_services.campaign_create(
        launched_by=office,
        name=name,
        kind=CampaignKind.THEMATIC,
        by=chief,
        school_year=school_year_of(timezone.localdate()),
        document_number=number,
        document_symbol="KH-PGDĐT",
        issued_on=timezone.localdate() - datetime.timedelta(days=5),
        place=office.locality,
        legal_bases=["Luật Thi đua, khen thưởng ngày 15/6/2022"],
        criteria=criteria,
    )
    campaign_services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.REGISTER,
        unit_kind=UnitKind.SCHOOL,
        due_date=due,
        note="Thủ trưởng gửi bản đăng ký thi đua trên cổng",
    )
    return campaign_services.campaign_launch(campaign=campaign, by=chief)


def _lines(unit: Unit, *, count: int, title=None, commendation=None) -> list:
    """Lines for the unit's first `count` people (the others register nothing)."""
    people = registration_people(None, unit).order_by("pk")[:count]
    return [campaign_services.LineInput(person=p, title=title, commendation=commendation) for p in people]


def _registrations(users, today: datetime.date, year: int) -> None:
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith=DISTRICT)
    chief, reviewer = users["pgd-bl.truongphong"], users["pgd-bl.chuyenvien"]
    secretary, head = users["mn-hoasen-bl.thuky"], users["mn-hoasen-bl.hieutruong"]
    school = _school("mn-hoasen")
    on = datetime.date(year, 9, 1)
    ldtt, gk = _award("LDTT", on), _award("GK", on)
    digital = _campaign(
        DIGITAL.format(year=year, next=year + 1),
        office,
        chief,
        today + datetime.timedelta(days=10),
        "402",
        {ObjectGroup.TEACHER: "Ứng dụng công nghệ thông tin, học liệu số trong dạy học có hiệu quả."},
    )
    green = _campaign(
        GREEN.format(year=year, next=year + 1),
        office,
        chief,
        today + datetime.timedelta(days=12),
        "405",
        {ObjectGroup.COLLECTIVE: "Trường học an toàn, xanh – sạch – đẹp; không có tai nạn thương tích."},
    )
    # Sent, then returned by the Phòng with what to fix: the secretary's «trả lại» with the comment.
    registration = campaign_services.registration_save(
        campaign=digital, unit=school, by=secretary, lines=_lines(school, title=ldtt, count=6)
    )
    registration = campaign_services.registration_transition(
        registration=registration, to_status=RegistrationStatus.AWAITING_HEAD, by=secretary
    )
    registration = campaign_services.registration_transition(
        registration=registration, to_status=RegistrationStatus.SUBMITTED, by=head
    )
    campaign_services.registration_transition(
        registration=registration,
        to_status=RegistrationStatus.RETURNED,
        by=reviewer,
        comment=REGISTRATION_RETURN_COMMENT,
    )
    # Presented to the head, who has not sent it yet.
    registration = campaign_services.registration_save(
        campaign=green, unit=school, by=secretary, lines=_lines(school, title=ldtt, count=4)
    )
    campaign_services.registration_transition(
        registration=registration,
        to_status=RegistrationStatus.AWAITING_HEAD,
        by=secretary,
        comment="Kính trình cô Hiệu trưởng duyệt.",
    )
    # The Sở's special campaign (Giấy khen only): the school's is a draft, the Phòng's waits for its head.
    special = Campaign.objects.filter(launched_by__kind=UnitKind.DEPARTMENT, kind=CampaignKind.SPECIAL).first()
    if special is None or gk is None:
        return
    campaign_services.registration_save(
        campaign=special, unit=school, by=secretary, lines=_lines(school, commendation=gk, count=2)
    )
    office_registration = campaign_services.registration_save(
        campaign=special, unit=office, by=users["pgd-bl.thuky"], lines=_lines(office, commendation=gk, count=1)
    )
    campaign_services.registration_transition(
        registration=office_registration, to_status=RegistrationStatus.AWAITING_HEAD, by=users["pgd-bl.thuky"]
    )


# --- deadlines ------------------------------------------------------------------------------------------


def _deadlines(users, today: datetime.date) -> None:
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith=DISTRICT)
    annual = Campaign.objects.filter(launched_by=office, document_number="345").order_by("pk").first()
    if annual is not None:
        # Added to the launched plan (a launch refuses a deadline already past); done in time by all but three.
        due = today - datetime.timedelta(days=LATE_REPORT_DAYS)
        deadline = campaign_services.deadline_create(
            by=None,
            campaign=annual,
            action=DeadlineAction.REPORT,
            unit_kind=UnitKind.SCHOOL,
            due_date=due,
            note=LATE_REPORT_NOTE,
        )
        late = {_school(slug).pk for slug in LATE_SCHOOLS}
        schools = Unit.objects.filter(parent=office, kind=UnitKind.SCHOOL).exclude(pk__in=late).order_by("path")
        roles = UnitRole.objects.filter(unit__in=schools, role=Role.SECRETARY).select_related("user")
        secretaries = {r.unit_id: r.user for r in roles}
        for school in schools:
            campaign_services.deadline_complete(
                deadline=deadline, unit=school, by=secretaries.get(school.pk), today=due - datetime.timedelta(days=1)
            )
    special = Campaign.objects.filter(launched_by__kind=UnitKind.DEPARTMENT, kind=CampaignKind.SPECIAL).first()
    if special is not None:
        for kind, days, note in (
            (UnitKind.OFFICE, 8, OFFICE_REPORT_NOTE),
            (UnitKind.DEPARTMENT, 6, DEPARTMENT_REPORT_NOTE),
        ):
            campaign_services.deadline_create(
                by=None,
                campaign=special,
                action=DeadlineAction.REPORT,
                unit_kind=kind,
                due_date=today + datetime.timedelta(days=days),
                note=note,
            )


# --- the Phòng's public list and an objection -----------------------------------------------------------


def _objection(users, today: datetime.date, year: int) -> None:
    """The Phòng's secretary publishes what the Phòng proposes to the Sở (its roll-up dossier); someone
    objects to the school's title. The Phòng's own proposals: its secretary reads them (the permission
    matrix's scope), which a list of the schools' dossiers it only appraises would not be."""
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith=DISTRICT)
    secretary = users["pgd-bl.thuky"]
    rows = list(
        notices.publishable_nominations(secretary, office)
        .filter(dossier__unit=office, dossier__school_year=year, dossier__receiving_unit__kind=UnitKind.DEPARTMENT)
        .order_by("pk")
    )
    if not rows:
        return
    notice = notices.notice_publish(
        by=secretary,
        unit=office,
        title=NOTICE_TITLE.format(year=year, next=year + 1),
        nominations=rows,
        starts_on=today,
        days=10,
    )
    notices.objection_submit(
        notice=notice,
        nomination_id=rows[0].pk,
        content=OBJECTION,
        sender_name="Một phụ huynh học sinh",
        # A visitor of its own each seed: the rate limit counts by notice id in the cache, which outlives a
        # test database's rollback.
        client=notices.client_key(f"demo-{uuid.uuid4()}"),
    )


# --- what the UBND xã receives --------------------------------------------------------------------------


def _commune_inbox(users, today: datetime.date, year: int) -> None:
    """The Phòng proposes a Giấy khen for one of its own staff (an exemplary award): its secretary files, its
    head signs and sends; the route takes it to the UBND xã, whose reviewer has it in the inbox."""
    office = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith=DISTRICT)
    secretary, chief = users["pgd-bl.thuky"], users["pgd-bl.truongphong"]
    staff = Person.objects.filter(unit=office, is_active=True).exclude(pk=office.head_id).order_by("pk").first()
    if staff is None:
        return
    dossier = nomination_services.dossier_create(
        by=secretary,
        unit=office,
        round_kind=RoundKind.EXEMPLARY,
        school_year=year,
        title="Đề nghị tặng Giấy khen đột xuất",
    )
    nomination_services.nomination_add(
        by=secretary, dossier=dossier, award_code="GK", person=staff, summary=EXEMPLARY_SUMMARY
    )
    nomination_services.dossier_update(
        by=secretary,
        dossier=dossier,
        version=None,
        submission_number="60/TTr-PGDĐT",
        submission_date=today,
        submission_signer=office.head.full_name if office.head_id else "Trưởng phòng",
    )
    nomination_services.dossier_transition(
        by=chief, dossier=Dossier.objects.get(pk=dossier.pk), action="send", version=None, comment=""
    )


# --- accounts and councils ------------------------------------------------------------------------------


def _accounts(users) -> None:
    """The Sở's council officers and Mầm non Hoa Sen's vice principal get accounts (seated below); a teacher
    of the school gets one without a role (the administrators' to-do)."""
    password = make_password(_demo_password())
    department = Unit.objects.get(kind=UnitKind.DEPARTMENT)
    for username, position, full_name, gender in COUNCIL_ACCOUNTS:
        person = person_create(
            by=None,
            unit=department,
            full_name=full_name,
            gender=gender,
            date_of_birth=datetime.date(1975, 4, 12) if gender == Gender.MALE else datetime.date(1980, 10, 3),
            position=position,
            is_manager=True,
        )
        _login(username, person, password)
    school = _school("mn-hoasen")
    teams = Unit.objects.filter(parent=school, kind=UnitKind.TEAM)
    vice = Person.objects.filter(unit=school, position="Phó Hiệu trưởng", user=None).order_by("pk").first()
    if vice is not None:
        _login(SCHOOL_COUNCIL_CHAIR, vice, password)
    # Not the first nor the last teacher: the permission matrix picks those for its own objects.
    teachers = list(Person.objects.filter(unit__in=teams, position="Giáo viên", user=None).order_by("pk"))
    if len(teachers) > 2:
        _login(ACCOUNT_WITHOUT_ROLE, teachers[len(teachers) // 2], password)


def _demo_password() -> str:
    from units.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _login(username: str, person: Person, password_hash: str) -> None:
    user = user_create(by=None, username=username, password=None, full_name=person.full_name, person=person)
    user.password = password_hash
    user.save(update_fields=["password"])


def _department_council(users, today: datetime.date) -> None:
    """The Sở's council meets today on the nominations its reviewer accepted and passed to it, and votes."""
    department = Unit.objects.get(kind=UnitKind.DEPARTMENT)
    reviewer = users["so.chuyenvien"]
    accepted = Nomination.objects.filter(
        dossier__receiving_unit=department,
        dossier__status=DossierStatus.UNDER_APPRAISAL,
        status=NominationStatus.ACCEPTED,
    ).order_by("pk")
    for nomination in accepted:
        nomination_services.nomination_transition(
            by=reviewer, nomination=nomination, action="pass_to_council", version=None
        )
    passed = list(
        Nomination.objects.filter(
            dossier__receiving_unit=department, status=NominationStatus.PASSED_TO_COUNCIL
        ).values_list("pk", flat=True)
    )
    council = council_services.council_create(
        by=None,
        unit=department,
        name=DEPARTMENT_COUNCIL,
        period_start=datetime.date(today.year, 1, 1),
        period_end=datetime.date(today.year, 12, 31),
    )
    seats = {
        username: council_services.council_member_add(
            by=None, council=council, user=users[username], role=role, counting_committee=counting
        )
        for username, role, counting in (
            ("so.phogiamdoc", MemberRole.CHAIR, False),
            ("so.chanhvanphong", MemberRole.SECRETARY, True),
            ("so.hoidong", MemberRole.MEMBER, True),
        )
    }
    chair = users["so.phogiamdoc"]
    meeting = council_services.meeting_create(
        by=chair,
        council=council,
        date=today,
        start_time=datetime.time(14, 0),
        place="Phòng họp tầng 2, Sở Giáo dục và Đào tạo Sơn Hà",
        chair=seats["so.phogiamdoc"],
        secretary=seats["so.chanhvanphong"],
    )
    for seat in seats.values():
        council_services.attendance_set(by=chair, meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
    if not passed:
        return
    council_services.agenda_add(by=chair, meeting=meeting, nomination_ids=passed)
    round_ = council_services.round_create(by=chair, meeting=meeting)
    round_ = council_services.round_act(by=chair, round_=round_, action="open", version=round_.version)
    for username in ("so.phogiamdoc", "so.chanhvanphong"):
        items = council_services.ballot_items(round_, seats[username])
        council_services.ballot_cast(by=users[username], round_=round_, choices={i.pk: "for" for i in items})


def _school_council(users, today: datetime.date) -> None:
    """Mầm non Hoa Sen's council, chaired by its vice principal, meets in three days."""
    if SCHOOL_COUNCIL_CHAIR not in users:
        return
    school = _school("mn-hoasen")
    council = Council.objects.filter(unit=school, name=SCHOOL_COUNCIL).first() or council_services.council_create(
        by=None,
        unit=school,
        name=SCHOOL_COUNCIL,
        period_start=datetime.date(today.year, 1, 1),
        period_end=datetime.date(today.year + 1, 12, 31),
    )
    seats = {
        username: council_services.council_member_add(by=None, council=council, user=users[username], role=role)
        for username, role in (
            (SCHOOL_COUNCIL_CHAIR, MemberRole.VICE_CHAIR),
            ("mn-hoasen-bl.hoidong", MemberRole.SECRETARY),
            ("kiemnhiem.thuky", MemberRole.MEMBER),
        )
    }
    council_services.meeting_create(
        by=users["mn-hoasen-bl.hoidong"],  # the council's secretary plans it
        council=council,
        date=today + datetime.timedelta(days=3),
        start_time=datetime.time(14, 0),
        place="Phòng họp Trường Mầm non Hoa Sen",
        chair=seats[SCHOOL_COUNCIL_CHAIR],
        secretary=seats["mn-hoasen-bl.hoidong"],
    )
