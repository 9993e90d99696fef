"""A council of Phòng A with five seats and two nominations passed to it.

    chair  – Phòng A's head (also APPRAISE on Phòng A, so publishing moves the nominations on)
    sec    – Phòng A's TĐKT secretary (a person of the Phòng), council secretary
    p_a1   – the principal of school A1 (counting committee)
    p_a2   – the principal of school A2 (counting committee)
    staff  – a Phòng A officer
Nominations: a teacher of school A1 (p_a1 is recused) and a teacher of school A2 (p_a2 is recused).
"""

import datetime

import pytest

from conftest import make_user
from councils import services
from councils.enums import AttendanceStatus, MemberRole
from nominations import services as nomination_services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from units.enums import Role

DAY = datetime.date(2026, 6, 10)


def passed_nomination(school, person, office, code="LDTT"):
    dossier = nomination_services.dossier_create(by=None, unit=school, round_kind=RoundKind.EXEMPLARY, school_year=2025)
    nomination = nomination_services.nomination_add(
        by=None, dossier=dossier, award_code=code, person=person, summary="Hoàn thành xuất sắc nhiệm vụ."
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=office)
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.PASSED_TO_COUNCIL)
    return Nomination.objects.get(pk=nomination.pk)


def seat_user(username, unit, person_factory, role=None):
    user = make_user(username, unit, role) if role else make_user(username)
    person = person_factory(unit)
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def board(tree, person_factory):
    office = tree["office_a"]
    users = {
        "chair": seat_user("truongphong", office, person_factory, Role.HEAD),
        "sec": seat_user("thukyphong", office, person_factory, Role.SECRETARY),
        "p_a1": seat_user("hieutruong-a1", tree["school_a1"], person_factory, Role.HEAD),
        "p_a2": seat_user("hieutruong-a2", tree["school_a2"], person_factory, Role.HEAD),
        "staff": seat_user("chuyenvien", office, person_factory),
    }
    council = services.council_create(
        by=users["chair"],
        unit=office,
        name="Hội đồng TĐKT Phòng A",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    roles = {
        "chair": (MemberRole.CHAIR, False),
        "sec": (MemberRole.SECRETARY, False),
        "p_a1": (MemberRole.MEMBER, True),
        "p_a2": (MemberRole.MEMBER, True),
        "staff": (MemberRole.VICE_CHAIR, False),
    }
    seats = {
        key: services.council_member_add(
            by=users["chair"], council=council, user=users[key], role=role, counting_committee=counting
        )
        for key, (role, counting) in roles.items()
    }
    meeting = services.meeting_create(
        by=users["chair"],
        council=council,
        date=DAY,
        start_time=datetime.time(8, 0),
        place="Phòng họp số 1",
        chair=seats["chair"],
        secretary=seats["sec"],
    )
    teacher_a1 = person_factory(tree["team_a1"], full_name="Lê Thị Giáo Viên Một")
    teacher_a2 = person_factory(tree["school_a2"], full_name="Phạm Văn Giáo Viên Hai")
    n1 = passed_nomination(tree["school_a1"], teacher_a1, office)
    n2 = passed_nomination(tree["school_a2"], teacher_a2, office)
    items = services.agenda_add(by=users["chair"], meeting=meeting, nomination_ids=[n1.pk, n2.pk])
    return {
        "users": users,
        "seats": seats,
        "council": council,
        "meeting": meeting,
        "nominations": [n1, n2],
        "items": sorted(items, key=lambda i: i.position),
    }


def mark(board, *keys, status=AttendanceStatus.PRESENT, reason=""):
    for key in keys:
        services.attendance_set(
            by=board["users"]["chair"],
            meeting=board["meeting"],
            member=board["seats"][key],
            status=status,
            reason=reason,
        )


def open_round(board):
    round_ = services.round_create(by=board["users"]["chair"], meeting=board["meeting"])
    return services.round_act(by=board["users"]["chair"], round_=round_, action="open", version=round_.version)
