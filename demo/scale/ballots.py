"""Councils with a published and a closed round, the ballot box filled as the services leave it."""

import datetime
from collections import defaultdict

from councils import box
from councils.enums import AttendanceStatus, Choice, MeetingStatus, MemberRole, RoundStatus
from councils.models import (
    AgendaItem,
    Attendance,
    Ballot,
    CastRecord,
    Council,
    CouncilMember,
    Meeting,
    ReceiptCode,
    Round,
    VoterRoll,
)

from .base import (
    N,
    _aware,
    _Place,
)


class CouncilSteps:
    # --- councils: meetings with closed and published rounds, ballots counted --------------------

    def councils(self) -> None:
        council_of = {p.unit.pk: p for p in self._council_places()}
        agenda = defaultdict(lambda: {N.APPROVED_BY_COUNCIL: [], N.PASSED_TO_COUNCIL: []})
        for n in self.nominations:
            if n.status in (N.APPROVED_BY_COUNCIL, N.PASSED_TO_COUNCIL):
                agenda[n.dossier.receiving_unit_id][n.status].append(n)
        for unit_pk, place in council_of.items():
            if unit_pk not in agenda:
                continue
            self._council(place, agenda[unit_pk])

    def _council(self, place: _Place, agenda: dict) -> None:
        rng, today = self.rng, self.today
        unit = place.unit
        council = Council(
            unit=unit,
            name=f"Hội đồng Thi đua – Khen thưởng {unit.name}",
            period_start=datetime.date(today.year, 1, 1),
            period_end=datetime.date(today.year, 12, 31),
            rules_basis="Quy chế hoạt động của Hội đồng Thi đua – Khen thưởng",
        )
        self._bulk(Council, [council])
        roles = [MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.SECRETARY, MemberRole.MEMBER, MemberRole.MEMBER]
        seats = [
            CouncilMember(
                council=council,
                user=user,
                full_name=f"{user.first_name} {user.last_name}".strip(),
                title="Thành viên Hội đồng",
                role=roles[n % len(roles)],
                counting_committee=n in (1, 3),
            )
            for n, user in enumerate(self.council_users[unit.pk])
        ]
        self._bulk(CouncilMember, seats)
        absent = seats[-1]
        sessions = [
            (
                today - datetime.timedelta(days=7),
                MeetingStatus.ENDED,
                RoundStatus.PUBLISHED,
                agenda[N.APPROVED_BY_COUNCIL],
            ),
            (today, MeetingStatus.HELD, RoundStatus.CLOSED, agenda[N.PASSED_TO_COUNCIL]),
        ]
        for day, meeting_status, round_status, nominations in sessions:
            if not nominations:
                continue
            meeting = Meeting(
                council=council,
                date=day,
                start_time=datetime.time(8, 0),
                end_time=datetime.time(11, 0) if meeting_status == MeetingStatus.ENDED else None,
                place=f"Phòng họp {unit.name}",
                chair=seats[0],
                secretary=seats[2],
                status=meeting_status,
            )
            self._bulk(Meeting, [meeting])
            self._bulk(
                Attendance,
                [
                    Attendance(meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
                    if seat is not absent
                    else Attendance(meeting=meeting, member=seat, status=AttendanceStatus.ABSENT, reason="Đi công tác")
                    for seat in seats
                ],
            )
            items = self._bulk(
                AgendaItem,
                [AgendaItem(meeting=meeting, nomination=n, position=k + 1) for k, n in enumerate(nominations)],
            )
            present = [s for s in seats if s is not absent]
            rules_of = {}
            item_rules = {}
            for item in items:
                code = item.nomination.award_type.code
                if code not in rules_of:
                    rules_of[code] = box.item_rule(council, code, day)
                item_rules[str(item.pk)] = {**rules_of[code], "recused": []}
            round_ = Round(
                meeting=meeting,
                number=1,
                status=round_status,
                rules={
                    "places": {},
                    "total_members": len(seats),
                    "present": len(present),
                    "voting_members": len(present),
                    "allow_abstention": council.allow_abstention,
                    "items": item_rules,
                },
                entitled_member_ids=sorted(s.pk for s in present),
                opened_at=_aware(day, 8),
                closed_at=_aware(day, 10),
                published_at=_aware(day, 11) if round_status == RoundStatus.PUBLISHED else None,
            )
            self._bulk(Round, [round_])
            # The ballot box as the service leaves it at the close: who voted (roll, receipts, cast records)
            # apart from what was chosen (ballots in random order with random ids), nothing joining them.
            self._bulk(VoterRoll, [VoterRoll(id=self._uuid(), round=round_, member=s) for s in present])
            self._bulk(CastRecord, [CastRecord(round=round_, member=s) for s in present])
            ballots = []
            for item in items:
                approved = round_status == RoundStatus.PUBLISHED
                against = 0 if approved else rng.randint(0, 2)
                ballots += [(item.pk, Choice.AGAINST if k < against else Choice.FOR) for k in range(len(present))]
            rng.shuffle(ballots)
            self._bulk(Ballot, [Ballot(id=self._uuid(), round=round_, item_id=i, choice=c) for i, c in ballots])
            codes = sorted(self._code(10) for _ in present)
            self._bulk(ReceiptCode, [ReceiptCode(id=self._uuid(), round=round_, code=c) for c in codes])
            round_.results = box.results_of(round_)
            round_.ballots_sha256 = box.ballots_digest(round_)
            round_.save(update_fields=["results", "ballots_sha256"])
            if round_status == RoundStatus.PUBLISHED:
                self.published_meetings.append(meeting)
