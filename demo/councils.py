"""A demo council meeting of Phòng Bình Lâm with a closed and published round (for the sample documents).

Not part of `seed_demo`: it files Mầm non Hoa Sen's year-end dossier, which the browser journeys file
themselves through the pages. `manage.py documents_samples` calls `seed_meeting()` on its database when
the demo holds no meeting with a closed round, so the biên bản họp bình xét has a sample.

Built through the services by the demo accounts: the school's secretary files the dossier (LĐTT and
CSTĐCS of its people rated for the year), the head sends it, the Phòng's reviewer accepts every nomination
and passes it to the council; the council of five (the Phòng's head chairs, its reviewer keeps the minutes,
two principals count the ballots) meets, one member is absent with a reason, the others cast their sheets,
the chair closes and publishes the round and ends the meeting.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from awards.models import TaskEvaluation
from awards.schoolyear import current_school_year
from councils import services as council_services
from councils.enums import AttendanceStatus, MemberRole, RoundStatus
from councils.models import Council, Meeting
from demo import nominations as demo_nominations
from nominations.enums import NominationStatus
from nominations.models import Nomination

log = logging.getLogger(__name__)
User = get_user_model()

COUNCIL_NAME = "Hội đồng Thi đua – Khen thưởng Phòng Giáo dục và Đào tạo huyện Bình Lâm"
SCHOOL = "mn-hoasen"
DISTRICT = demo_nominations.RATED_DISTRICT
# (username, role in the council, on the counting committee)
# Accounts linked to a person, so the biên bản names people (pgd-bl.thuky has no person in the demo).
SEATS = [
    ("pgd-bl.truongphong", MemberRole.CHAIR, False),
    ("th-kimdong-bl.hieutruong", MemberRole.VICE_CHAIR, True),
    ("pgd-bl.chuyenvien", MemberRole.SECRETARY, False),
    ("mn-hoasen-bl.hieutruong", MemberRole.MEMBER, True),
    ("th-levantam-bl.hieutruong", MemberRole.MEMBER, False),
]
ABSENT = ("th-levantam-bl.hieutruong", "Đi công tác theo quyết định của Phòng")


def meeting_with_closed_round() -> Meeting | None:
    return Meeting.objects.filter(rounds__status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED]).order_by("pk").first()


@transaction.atomic
def seed_meeting() -> Meeting | None:
    """The meeting (created once); None when the demo accounts are missing (no `seed_demo` yet)."""
    existing = meeting_with_closed_round()
    if existing is not None:
        return existing
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    if any(username not in users for username, _, _ in SEATS):
        return None
    year = current_school_year()
    school = demo_nominations._school(SCHOOL, DISTRICT)
    people = demo_nominations._members(school)
    ratings = dict(
        TaskEvaluation.objects.filter(person__in=people, school_year=year).values_list("person_id", "rating")
    )
    cast = demo_nominations._cast(SCHOOL, DISTRICT, "bl", users, ratings)
    dossier = demo_nominations._fill_year_end(cast, year, full=False)
    dossier = demo_nominations._received(dossier, cast)
    demo_nominations._accept_all(dossier, cast.reviewer)
    for nomination in dossier.nominations.filter(status=NominationStatus.ACCEPTED).order_by("pk"):
        demo_nominations._nomination_act(nomination, "pass_to_council", cast.reviewer)
    passed = list(
        Nomination.objects.filter(dossier=dossier, status=NominationStatus.PASSED_TO_COUNCIL)
        .order_by("award_type__rank", "pk")
        .values_list("pk", flat=True)
    )

    chair = users[SEATS[0][0]]
    today = datetime.date.today()
    council = Council.objects.filter(unit=school.parent, name=COUNCIL_NAME).first() or council_services.council_create(
        by=chair,
        unit=school.parent,
        name=COUNCIL_NAME,
        period_start=datetime.date(today.year, 1, 1),
        period_end=datetime.date(today.year, 12, 31),
    )
    seats = {
        username: council_services.council_member_add(
            by=chair, council=council, user=users[username], role=role, counting_committee=counting
        )
        for username, role, counting in SEATS
    }
    meeting = council_services.meeting_create(
        by=chair,
        council=council,
        date=today,
        start_time=datetime.time(8, 0),
        place="Phòng họp Phòng Giáo dục và Đào tạo huyện Bình Lâm",
        chair=seats[SEATS[0][0]],
        secretary=seats[SEATS[2][0]],
    )
    for username, seat in seats.items():
        if username == ABSENT[0]:
            council_services.attendance_set(
                by=chair, meeting=meeting, member=seat, status=AttendanceStatus.ABSENT, reason=ABSENT[1]
            )
        else:
            council_services.attendance_set(by=chair, meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
    council_services.agenda_add(by=chair, meeting=meeting, nomination_ids=passed)
    round_ = council_services.round_create(by=chair, meeting=meeting)
    round_ = council_services.round_act(by=chair, round_=round_, action="open", version=round_.version)
    for username, seat in seats.items():
        if username == ABSENT[0]:
            continue
        items = council_services.ballot_items(round_, seat)
        council_services.ballot_cast(by=users[username], round_=round_, choices={item.pk: "for" for item in items})
    round_.refresh_from_db()
    round_ = council_services.round_act(by=chair, round_=round_, action="close", version=round_.version)
    round_ = council_services.round_act(by=chair, round_=round_, action="publish", version=round_.version)
    council_services.meeting_end(by=chair, meeting=meeting, end_time=datetime.time(10, 0))
    log.info("demo council meeting %s with %s nominations", meeting.pk, len(passed))
    return Meeting.objects.get(pk=meeting.pk)
