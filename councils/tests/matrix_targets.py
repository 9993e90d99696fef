"""The councils objects the permission matrix (core/tests/test_permission_matrix.py) asks about.

A council of the reference school (chair: its head; secretary: its TĐKT secretary; counting committee: its
council member and its administrator), a meeting with everyone present and an open round over one
nomination passed to the council, a second meeting still planned (attendance, agenda, a new round), and a
paper count entered by the council member awaiting a second confirmation, and a member seated after the
meetings were planned (an account of no persona, on no attendance list), whom a POST may remove. Built through the services as the
school would (the dossier's receiving unit set to the school itself so that its council may take it up),
reused when already there. `council_bodies` are the POST bodies that act.
"""

import datetime

from django.contrib.auth import get_user_model

from councils import services
from councils.enums import AttendanceStatus, MemberRole, RoundStatus
from councils.models import Council, PaperCount, Round
from nominations import services as nomination_services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from units.models import Person

COUNCIL_NAME = "Hội đồng TĐKT (ma trận phân quyền)"
SEATS = [
    ("mn-hoasen-bl.hieutruong", MemberRole.CHAIR, False),
    ("mn-hoasen-bl.thuky", MemberRole.SECRETARY, False),
    ("mn-hoasen-bl.hoidong", MemberRole.MEMBER, True),
    ("mn-hoasen-bl.quantri", MemberRole.VICE_CHAIR, True),
]
REMOVABLE_USERNAME = "matran.uyvien-hoidong"


def _build(school) -> Council:
    users = get_user_model().objects
    council = services.council_create(
        by=None,
        unit=school,
        name=COUNCIL_NAME,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    seats = {
        username: services.council_member_add(
            by=None, council=council, user=users.get(username=username), role=role, counting_committee=counting
        )
        for username, role, counting in SEATS
    }
    chair, secretary = seats["mn-hoasen-bl.hieutruong"], seats["mn-hoasen-bl.thuky"]
    meeting = services.meeting_create(
        by=None,
        council=council,
        date=datetime.date(2026, 11, 20),
        start_time=datetime.time(8, 0),
        place="Phòng họp nhà trường",
        chair=chair,
        secretary=secretary,
    )
    services.meeting_create(
        by=None,
        council=council,
        date=datetime.date(2026, 12, 20),
        start_time=datetime.time(8, 0),
        place="Phòng họp nhà trường",
        chair=chair,
        secretary=secretary,
    )
    teacher = Person.objects.filter(unit__parent=school, position="Giáo viên", user=None).order_by("-pk").first()
    dossier = nomination_services.dossier_create(by=None, unit=school, round_kind=RoundKind.EXEMPLARY, school_year=2024)
    nomination = nomination_services.nomination_add(
        by=None, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc nhiệm vụ."
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=school)
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.PASSED_TO_COUNCIL)
    (item,) = services.agenda_add(by=None, meeting=meeting, nomination_ids=[nomination.pk])
    for seat in seats.values():
        services.attendance_set(by=None, meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
    round_ = services.round_create(by=None, meeting=meeting)
    round_ = services.round_act(by=chair.user, round_=round_, action="open", version=round_.version)
    services.paper_count_enter(
        by=seats["mn-hoasen-bl.hoidong"].user, round_=round_, item=item, issued=0, votes_for=0, votes_against=0
    )
    removable, _ = users.get_or_create(username=REMOVABLE_USERNAME)
    services.council_member_add(by=None, council=council, user=removable, role=MemberRole.MEMBER)
    return council


def council_targets(school) -> dict[str, int]:
    council = Council.objects.filter(unit=school, name=COUNCIL_NAME).first() or _build(school)
    meeting, meeting2 = council.meetings.order_by("date")
    round_ = Round.objects.get(meeting=meeting, status=RoundStatus.OPEN)
    return {
        "council": council.pk,
        "meeting": meeting.pk,
        "meeting2": meeting2.pk,
        "round": round_.pk,
        "paper_count": PaperCount.objects.get(round=round_).pk,
        "council_member": council.members.get(user__username=REMOVABLE_USERNAME).pk,
    }


def council_bodies(ids) -> dict[str, dict[str, str]]:
    council = Council.objects.get(pk=ids["council"])
    seats = {m.user.username: m.pk for m in council.members.select_related("user")}
    round_ = Round.objects.get(pk=ids["round"])
    item_id = next(iter(round_.rules["items"]))
    nomination_id = (
        Nomination.objects.filter(status=NominationStatus.PASSED_TO_COUNCIL, dossier__receiving_unit=council.unit)
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "councils:member_add": {"username": "pgd-bl.thuky", "role": MemberRole.MEMBER},
        "councils:meeting_create": {
            "date": "2026-12-22",
            "start_time": "14:00",
            "place": "Hội trường",
            "chair": str(seats["mn-hoasen-bl.hieutruong"]),
            "secretary": str(seats["mn-hoasen-bl.thuky"]),
        },
        "councils:meeting_attendance": {
            "member": str(seats["mn-hoasen-bl.hoidong"]),
            "status": AttendanceStatus.ABSENT,
            "reason": "Ốm.",
        },
        "councils:meeting_agenda": {"nomination": str(nomination_id)},
        "councils:meeting_end": {"end_time": "10:00"},
        "councils:round_transition": {"transition": "close", "version": str(round_.version)},
        "councils:ballot": {f"item-{item_id}": "for"},
        "councils:paper_count": {
            "item": item_id,
            "issued": "1",
            "votes_for": "1",
            "votes_against": "0",
            "votes_abstain": "0",
            "invalid": "0",
        },
    }
