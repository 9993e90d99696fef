"""The councils rows of core/tests/test_workflow_matrix.py: a ballot round of school A1's council, the state
each action starts from, who may take it (the meeting's chair only: head_a1), and the setup that satisfies
the guards (an agenda item, every member present)."""

import datetime

from councils import services
from councils.enums import AttendanceStatus, MemberRole
from councils.enums import RoundStatus as R
from councils.models import Round
from nominations import services as nomination_services
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination

CHAIR = {"head_a1"}
EXPECTED = {
    ("council_round", "open"): (R.CREATED, CHAIR),
    ("council_round", "close"): (R.OPEN, CHAIR),
    ("council_round", "recount"): (R.CLOSED, CHAIR),
    ("council_round", "reopen"): (R.CLOSED, CHAIR),
    ("council_round", "publish"): (R.CLOSED, CHAIR),
}
PARAMS = {
    "recount": {"comment": "Kiểm tra lại số phiếu"},
    "reopen": {"comment": "Hai thành viên chưa gửi được phiếu"},
}
MODELS = {"council_round": Round}


def workflow_objects(tree, personas, person_factory) -> dict:
    school = tree["school_a1"]
    council = services.council_create(
        by=None,
        unit=school,
        name="Hội đồng TĐKT trường A1",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    seats = [
        services.council_member_add(by=None, council=council, user=personas[key], role=role)
        for key, role in (
            ("head_a1", MemberRole.CHAIR),
            ("secretary_a1", MemberRole.SECRETARY),
            ("council_a1", MemberRole.MEMBER),
        )
    ]
    meeting = services.meeting_create(
        by=None,
        council=council,
        date=datetime.date(2026, 6, 1),
        start_time=datetime.time(8, 0),
        place="Phòng họp",
        chair=seats[0],
        secretary=seats[1],
    )
    teacher = person_factory(tree["team_a1"])
    dossier = nomination_services.dossier_create(by=None, unit=school, round_kind=RoundKind.EXEMPLARY, school_year=2025)
    nomination = nomination_services.nomination_add(
        by=None, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc nhiệm vụ."
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=school)
    Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.PASSED_TO_COUNCIL)
    services.agenda_add(by=None, meeting=meeting, nomination_ids=[nomination.pk])
    for seat in seats:
        services.attendance_set(by=None, meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
    return {"council_round": services.round_create(by=None, meeting=meeting)}
