"""Demo award history: the three school years before the current one, built through the services.

For every school: each person's yearly rating; LĐTT for HTT and above;
CSTĐCS within the 15 % quota (a few "stars" hold it three years running, so
CSTĐ tỉnh shows up as reachable); recognised initiatives; the school's own
collective title computed from its members the way the engine does. Bulk
writes keep it to well under a second.
"""

import datetime
import math
from collections import defaultdict

from units.enums import UnitKind
from units.models import Person, Unit

from .enums import InitiativeScope, RecordSource, ServicePeriodKind, TaskRating
from .schoolyear import current_school_year
from .services import (
    award_records_bulk_create,
    initiative_recognise,
    initiative_register,
    service_period_create,
    task_evaluations_bulk_set,
)

RATINGS = [TaskRating.EXCELLENT, TaskRating.GOOD, TaskRating.COMPLETE, TaskRating.NOT_COMPLETE]
WEIGHTS = [20, 66, 12, 2]
TOPICS = [
    "Ứng dụng trò chơi dân gian trong hoạt động học",
    "Chuyển đổi số trong quản lý hồ sơ chuyên môn",
    "Xây dựng môi trường đọc thân thiện",
    "Đổi mới sinh hoạt tổ chuyên môn theo nghiên cứu bài học",
    "Giáo dục kỹ năng sống qua hoạt động trải nghiệm",
    "Dạy học STEM với vật liệu tái chế",
    "Phối hợp với cha mẹ học sinh qua nhóm trực tuyến",
    "Nâng cao chất lượng bữa ăn bán trú",
]


def _issuer(school: Unit, parents: dict) -> tuple[str, str]:
    parent = parents.get(school.parent_id)
    if parent is not None and parent.kind == UnitKind.OFFICE:
        district = parent.name.split("huyện")[-1].strip()
        return f"UBND huyện {district}", "QĐ-UBND"
    return "Sở Giáo dục và Đào tạo", "QĐ-SGDĐT"


def seed(*, units: dict, rng) -> None:
    """Demo data of the awards app; `units` maps demo slugs (see units/demo.py) to units."""
    last = current_school_year() - 1
    years = [last - 2, last - 1, last]
    schools = sorted((u for u in units.values() if u.kind == UnitKind.SCHOOL), key=lambda u: u.pk)
    parents = {u.pk: u for u in Unit.objects.filter(pk__in={s.parent_id for s in schools})}
    school_of = {}
    for unit_id, parent_id, kind in Unit.objects.filter(kind__in=[UnitKind.SCHOOL, UnitKind.TEAM]).values_list(
        "pk", "parent_id", "kind"
    ):
        school_of[unit_id] = unit_id if kind == UnitKind.SCHOOL else parent_id
    staff = defaultdict(list)
    for person in Person.objects.filter(unit_id__in=school_of).order_by("pk"):
        staff[school_of[person.unit_id]].append(person)

    evaluations, records, number = [], [], defaultdict(int)
    heads = {s.pk: s.head_id for s in schools}
    for school in schools:
        people = staff.get(school.pk, [])
        if not people:
            continue
        issuer, suffix = _issuer(school, parents)
        stars = {p.pk for p in rng.sample(people, k=min(2, len(people)))}
        topics = rng.sample(TOPICS, k=len(TOPICS))
        for year_index, year in enumerate(years):
            ratings = {}
            for person in people:
                rating = TaskRating.EXCELLENT if person.pk in stars else rng.choices(RATINGS, WEIGHTS)[0]
                ratings[person.pk] = rating
                evaluations.append((person.pk, year, rating))
            decided = datetime.date(year + 1, 6, 20)
            number[(issuer, year)] += 1
            decision = f"{number[(issuer, year)] * 7 + 100}/{suffix}"
            ldtt = [p for p in people if ratings[p.pk] in (TaskRating.EXCELLENT, TaskRating.GOOD)]
            quota = math.floor(len(ldtt) * 0.15 + 1e-9)
            excellent = [p for p in ldtt if ratings[p.pk] == TaskRating.EXCELLENT and p.pk != heads[school.pk]]
            chosen = [p for p in excellent if p.pk in stars][:quota]
            others = [p for p in excellent if p.pk not in stars]
            chosen += rng.sample(others, k=min(len(others), quota - len(chosen)))
            common = {"school_year": year, "decision_date": decided, "issuer": issuer, "source": RecordSource.IMPORTED}
            records += [{"award_code": "LDTT", "person": p, "decision_number": decision, **common} for p in ldtt]
            records += [
                {"award_code": "CSTDCS", "person": p, "decision_number": f"{decision}-CS", **common} for p in chosen
            ]
            complete = all(r != TaskRating.NOT_COMPLETE for r in ratings.values())
            share = len(ldtt) / len(people)
            title = "TTLDXS" if complete and share >= 0.7 and chosen else "TTLDTT" if share > 0.5 else None
            if title:
                records.append({"award_code": title, "unit": school, "decision_number": f"{decision}-TT", **common})
            # Initiatives of the stars: recognised at school level, the last year's at provincial level.
            for n, pk in enumerate(sorted(stars)):
                author = next(p for p in people if p.pk == pk)
                item = initiative_register(
                    unit=school,
                    school_year=year,
                    title=f"{topics[(year_index * 2 + n) % len(topics)]} ({year}-{year + 1})",
                    authors=[author],
                    subject="Chuyên môn",
                )
                initiative_recognise(
                    initiative=item,
                    recognised=True,
                    scope=InitiativeScope.PROVINCIAL if year == last and n == 0 else InitiativeScope.BASE,
                    decision_number=f"{10 + year_index}/QĐ-HĐSK",
                    decision_date=datetime.date(year + 1, 4, 15),
                    issuer=school.name if year != last or n else "Sở Giáo dục và Đào tạo",
                )
        # A registered initiative for the current year, to show the register before recognition.
        if people:
            initiative_register(
                unit=school, school_year=last + 1, title=topics[-1], authors=[rng.choice(people)], subject="Chuyên môn"
            )
    task_evaluations_bulk_set(rows=evaluations, source=RecordSource.IMPORTED)
    award_records_bulk_create(rows=records)
    # A few teachers who served in very disadvantaged areas (KNC «Vì sự nghiệp giáo dục» 5 years earlier).
    veterans = [p for p in Person.objects.filter(service_start__isnull=False).order_by("service_start")[:40]]
    for person in rng.sample(veterans, k=min(5, len(veterans))):
        start = person.service_start
        service_period_create(
            person=person,
            kind=ServicePeriodKind.DISADVANTAGED,
            start=start,
            end=start.replace(year=start.year + 6) - datetime.timedelta(days=1),
            place="Xã đặc biệt khó khăn",
        )
