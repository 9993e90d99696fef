"""Everything a biên bản họp Hội đồng needs (LAW.md (d)), assembled for the documents issue.

`minutes_data(meeting)` returns plain data (no model instances): members, present, absent with reasons,
written ballots, chair, secretary, counting committee, agenda, counts per nomination of every closed or
published round, conclusions, start and end time, and the SHA-256 of each round's sorted ballot rows.
Per nomination: the recusals (who, why) on the agenda; per round and nomination: ballots issued, returned,
valid, for, against, abstaining, the share of "đồng ý" against the round's denominator (total or present
members, recused members left out), passed or not, and the outcome with the rule that decided a tie or
a place (councils/revote.py); re-vote rounds name the round they re-vote; `final` gives each nomination's
result in the latest published round that voted on it.
A fixed number of queries whatever the size of the council and the agenda.
"""

from . import revote
from .enums import AttendanceStatus, RoundStatus
from .models import AgendaItem, Attendance, Recusal, Round


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
    recusals = {}
    for r in Recusal.objects.filter(item__meeting=meeting).select_related("member").order_by("member__full_name"):
        recusals.setdefault(r.item_id, []).append({"name": r.member.full_name, "reason": r.reason})
    final = revote.latest_results(meeting, rounds)

    def result_row(item, result):
        outcome = revote.outcome_of(result)
        num, den = (int(x) for x in result["share_for"].split("/"))
        return {
            "nominee": _nominee(item.nomination),
            "award": item.nomination.award_type.name,
            **result,
            "share_percent": f"{100 * num / den:.1f}".replace(".", ",") + "%",
            "outcome": outcome,
            "note": result.get("note", ""),
            "conclusion": revote.OUTCOME_LABELS[outcome],
        }

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
                "recusals": recusals.get(i.pk, []),
            }
            for i in sorted(items.values(), key=lambda i: (i.position, i.pk))
        ],
        "rounds": [
            {
                "number": r.number,
                "status": r.get_status_display(),
                "revote_of": r.rules.get("revote_of"),
                "opened_at": r.opened_at,
                "closed_at": r.closed_at,
                "published_at": r.published_at,
                "ballots_sha256": r.ballots_sha256,
                "results": [
                    result_row(items[int(key)], result)
                    for key, result in sorted(r.results.items(), key=lambda kv: items[int(kv[0])].position)
                ],
            }
            for r in rounds
        ],
        "final": [
            {**result_row(items[item_id], result), "round": result["round"]}
            for item_id, result in sorted(final.items(), key=lambda kv: (items[kv[0]].position, kv[0]))
        ],
    }
