"""Everything a biên bản họp Hội đồng needs (LAW.md (d)), assembled for the documents issue.

`minutes_data(meeting)` returns plain data (no model instances): members, present, absent with reasons,
written ballots, chair, secretary, counting committee, agenda, counts per nomination of every closed or
published round, conclusions, start and end time, and the SHA-256 of each round's sorted ballot rows.
A fixed number of queries whatever the size of the council and the agenda.
"""

from .enums import AttendanceStatus, RoundStatus
from .models import AgendaItem, Attendance, Round


def _nominee(nomination) -> str:
    return nomination.person.full_name if nomination.person_id else nomination.unit.name


def minutes_data(meeting) -> dict:
    council = meeting.council
    members = list(council.members.order_by("role", "full_name", "id"))
    marks = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    items = {
        i.pk: i
        for i in AgendaItem.objects.filter(meeting=meeting).select_related(
            "nomination__person", "nomination__unit", "nomination__award_type", "nomination__dossier__unit"
        )
    }
    rounds = list(
        Round.objects.filter(meeting=meeting, status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED]).order_by("number")
    )

    def member_row(m):
        return {"name": m.full_name, "title": m.title, "role": m.get_role_display()}

    def status(m):
        mark = marks.get(m.pk)
        return mark.status if mark else AttendanceStatus.ABSENT

    return {
        "council": council.name,
        "unit": council.unit.name,
        "date": meeting.date,
        "start_time": meeting.start_time,
        "end_time": meeting.end_time,
        "place": meeting.place,
        "chair": meeting.chair.full_name,
        "secretary": meeting.secretary.full_name,
        "member_count": len(members),
        "members": [member_row(m) for m in members],
        "present": [member_row(m) for m in members if status(m) == AttendanceStatus.PRESENT],
        "absent": [
            {
                **member_row(m),
                "reason": marks[m.pk].reason if m.pk in marks else "",
                "written_ballot": status(m) == AttendanceStatus.WRITTEN,
            }
            for m in members
            if status(m) != AttendanceStatus.PRESENT
        ],
        "counting_committee": [m.full_name for m in members if m.counting_committee],
        "agenda": [
            {
                "nominee": _nominee(i.nomination),
                "award": i.nomination.award_type.name,
                "proposing_unit": i.nomination.dossier.unit.name,
            }
            for i in sorted(items.values(), key=lambda i: (i.position, i.pk))
        ],
        "rounds": [
            {
                "number": r.number,
                "status": r.get_status_display(),
                "closed_at": r.closed_at,
                "ballots_sha256": r.ballots_sha256,
                "results": [
                    {
                        "nominee": _nominee(items[int(key)].nomination),
                        "award": items[int(key)].nomination.award_type.name,
                        **result,
                        "conclusion": "Đạt" if result["passed"] else "Không đạt",
                    }
                    for key, result in sorted(r.results.items(), key=lambda kv: items[int(kv[0])].position)
                ],
            }
            for r in rounds
        ],
    }
