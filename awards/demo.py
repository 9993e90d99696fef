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

from django.contrib.auth import get_user_model

from units.enums import Role, UnitKind
from units.models import Person, Unit, UnitRole

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
    # Recognitions go through the initiative workflow, recorded by each school's head account.
    recorders = {
        r.unit_id: r.user for r in UnitRole.objects.filter(role=Role.HEAD, unit__in=schools).select_related("user")
    }
    superuser = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
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
                    by=None,
                )
                initiative_recognise(
                    initiative=item,
                    recognised=True,
                    by=recorders.get(school.pk) or superuser,
                    scope=InitiativeScope.PROVINCIAL if year == last and n == 0 else InitiativeScope.BASE,
                    decision_number=f"{10 + year_index}/QĐ-HĐSK",
                    decision_date=datetime.date(year + 1, 4, 15),
                    issuer=school.name if year != last or n else "Sở Giáo dục và Đào tạo",
                )
        # A registered initiative for the current year, to show the register before recognition.
        if people:
            initiative_register(
                unit=school,
                school_year=last + 1,
                title=topics[-1],
                authors=[rng.choice(people)],
                subject="Chuyên môn",
                by=None,
            )
    task_evaluations_bulk_set(by=None, rows=evaluations, source=RecordSource.IMPORTED)
    award_records_bulk_create(rows=records, by=None)
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
            by=None,
        )


# --- the route to the deciding authority (AuthorityRoute rows) -------------------------------------

LAW_2022 = datetime.date(2024, 1, 1)
REFORM = datetime.date(2025, 7, 1)
BEFORE_REFORM = REFORM - datetime.timedelta(days=1)
BASIS_DISTRICT = (
    "Luật Thi đua, khen thưởng số 06/2022/QH15 Điều 80; trường do UBND huyện quản lý qua Phòng GD&ĐT "
    "(cấp nào quản lý thì cấp đó khen thưởng)"
)
BASIS_COMMUNE = "Nghị định 129/2025/NĐ-CP; Luật Thi đua, khen thưởng 2022 Điều 80 khoản 2, 3"
BASIS_DEPARTMENT = "Luật Thi đua, khen thưởng số 06/2022/QH15 Điều 80 (đơn vị trực thuộc Sở)"
BASIS_PROVINCE = "Luật Thi đua, khen thưởng số 06/2022/QH15 Điều 74; quy chế TĐKT của UBND tỉnh"
BASIS_MINISTRY = "Luật Thi đua, khen thưởng số 06/2022/QH15 Điều 74; Thông tư 29/2023/TT-BGDĐT"


def seed_routes(*, units: dict) -> int:
    """Route rows for the demo province before and after 01/07/2025 (needs `units.demo.seed_authorities`).

    - the Sở, for what it decides for the schools directly under it (THPT) and its own staff; the
      Bằng khen of the provincial chairman through the Sở to UBND tỉnh; Bộ awards through the Sở;
    - each Phòng until 30/06/2025: the district chairman's awards through the Phòng to UBND huyện;
    - the reformed district's UBND xã from 01/07/2025: the commune chairman decides; and, for the
      years before, the route its schools had through the abolished Phòng (the tree shows only today's
      parent, so the older route is declared on the unit that is their ancestor now);
    - Bình Lâm and Đông Hải (still drawn with their Phòng) from 01/07/2025: through their Phòng to their
      UBND xã, and the provincial chairman's awards through the Phòng and the Sở to UBND tỉnh.
    Returns the number of rows created.
    """
    from units.demo import COMMUNES, DISTRICTS, REFORMED_DISTRICT

    from .enums import AuthorityKind as K
    from .services.routes import authority_route_create

    department, province, ministry = units["department"], units["province"], units["ministry"]
    rows = []

    def add(unit, kind, decider, via=(), start=LAW_2022, end=None, basis="", verified=False):
        rows.append(
            authority_route_create(
                unit=unit,
                authority_kind=kind,
                decider=decider,
                via=via,
                effective_from=start,
                effective_to=end,
                legal_basis=basis,
                is_verified=verified,
                by=None,
            )
        )

    add(department, K.UNIT_HEAD, department, basis=BASIS_DEPARTMENT)
    add(department, K.DISTRICT_CHAIR, department, end=BEFORE_REFORM, basis=BASIS_DEPARTMENT)
    add(department, K.COMMUNE_CHAIR, department, start=REFORM, basis=BASIS_DEPARTMENT)
    add(department, K.DEPARTMENT_DIRECTOR, department, basis=BASIS_DEPARTMENT)
    add(department, K.PROVINCIAL_CHAIR, province, via=[department], basis=BASIS_PROVINCE)
    add(department, K.MINISTER, ministry, via=[department], basis=BASIS_MINISTRY)
    for _district, code in DISTRICTS:
        office, committee = units[f"pgd-{code}"], units[f"ubnd-huyen-{code}"]
        communes = [units[f"ubnd-xa-{slug}"] for _name, slug in COMMUNES[code]]
        for kind in (K.DISTRICT_CHAIR, K.UNIT_HEAD):
            add(office, kind, committee, via=[office], end=BEFORE_REFORM, basis=BASIS_DISTRICT)
        if code != REFORMED_DISTRICT:
            # The Phòng still manages these schools, so their proposals pass through it (seed 003: "the level
            # that manages the organisation, staff and payroll awards or proposes"), then on to the decider.
            add(office, K.COMMUNE_CHAIR, communes[0], via=[office], start=REFORM, basis=BASIS_COMMUNE, verified=True)
            add(office, K.PROVINCIAL_CHAIR, province, via=[office, department], basis=BASIS_PROVINCE)
            continue
        for commune in communes:
            add(commune, K.COMMUNE_CHAIR, commune, start=REFORM, basis=BASIS_COMMUNE, verified=True)
            for kind in (K.DISTRICT_CHAIR, K.UNIT_HEAD):
                add(commune, kind, committee, via=[office], end=BEFORE_REFORM, basis=BASIS_DISTRICT)
    return len(rows)
