"""The collectives' facts as `awards.engine._collective_facts` read them before issue 14 (the subtree's unit ids
from `subtree_unit_ids`, the members from `members_on`, every member's rows by a list of person ids): the
reference the path-based reading is compared with (awards/tests/test_collective_facts.py, bench.collective_facts).
"""

import datetime
from collections import defaultdict

from django.db.models import Q

from awards import engine
from awards.enums import DISCIPLINE_RANK, CommendationKind, DisciplineKind
from awards.models import AwardRecord, DisciplinePeriod, TaskEvaluation
from awards.rules_engine.base import CollectiveFacts, MemberFact, RecordFact
from awards.schoolyear import school_year_bounds
from awards.units_tree import subtree_unit_ids
from units.models import Unit


def collective_facts_before(
    units: list[Unit], year: int, on_date: datetime.date, labels: dict
) -> dict[int, CollectiveFacts]:
    ids = [u.pk for u in units]
    own_revoked: dict[int, list[RecordFact]] = {}
    own_records = engine._records_by("unit_id", ids, on_date, own_revoked)
    subtree = subtree_unit_ids(units)  # unit id -> set of unit ids of its subtree
    all_ids = set().union(*subtree.values()) if subtree else set()
    # Who belonged to the unit in that school year (transfers are dated), not today's staff.
    people = engine.members_on(all_ids, engine.membership_day(year, on_date))
    person_ids = [pid for pid, _ in people]
    titles, left_out = defaultdict(set), defaultdict(list)
    decided = Q(decision_date__isnull=True) | Q(decision_date__lte=on_date)
    for pid, code, kind, number, revoked_on in (
        AwardRecord.objects.filter(decided)
        .filter(person_id__in=person_ids, school_year=year)
        .values_list(
            "person_id", "award_type__code", "commendation_kind", "decision_number", "revocation__decision_date"
        )
        .order_by("id")
    ):
        # Records of the year that do not count are kept with why, so the reasons can name them.
        if revoked_on is not None and revoked_on <= on_date:
            left_out[pid].append(
                (engine._record_fact(code, year, kind, number), f"đã bị thu hồi tính đến ngày {on_date:%d/%m/%Y}")
            )
        elif kind != CommendationKind.MERIT:
            fact = engine._record_fact(code, year, kind, number)
            left_out[pid].append((fact, f"khen {fact.commendation_label}, không theo công trạng"))
        else:
            titles[pid].add(code)
    ratings = dict(
        TaskEvaluation.objects.filter(person_id__in=person_ids, school_year=year).values_list("person_id", "rating")
    )
    lo, hi = school_year_bounds(year)
    worst = defaultdict(int)
    for pid, kind in (
        DisciplinePeriod.objects.filter(person_id__in=person_ids, start__lte=hi)
        .filter(Q(end__isnull=True) | Q(end__gte=lo))
        .exclude(kind=DisciplineKind.PENDING)
        .values_list("person_id", "kind")
    ):
        worst[pid] = max(worst[pid], DISCIPLINE_RANK.get(kind, 0))
    by_unit = defaultdict(list)
    for pid, unit_id in people:
        by_unit[unit_id].append(
            MemberFact(
                ratings.get(pid),
                frozenset(titles.get(pid, ())),
                worst.get(pid, 0),
                person_id=pid,
                left_out=tuple(left_out.get(pid, ())),
            )
        )
    facts = {}
    for u in units:
        members = [m for uid in subtree.get(u.pk, ()) for m in by_unit.get(uid, [])]
        facts[u.pk] = CollectiveFacts(
            name=u.name,
            year=year,
            on_date=on_date,
            records=own_records.get(u.pk, []),
            members=members,
            labels=labels,
            revoked_records=own_revoked.get(u.pk, []),
        )
    return facts
