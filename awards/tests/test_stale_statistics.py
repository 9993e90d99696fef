"""Issue 14 item 4 for award records: the pages that read them stay fast when the planner's statistics are stale.

As units/tests/test_stale_statistics.py: units, people and their award records are loaded, deleted, the tables
analysed while they hold no live rows ("0 rows on N pages"), then loaded again without ANALYZE, so the planner
believes them empty. Each page must answer within a statement timeout of 1 s, enforced by PostgreSQL itself (no
wall-clock assert). The records' subtree filters read AwardRecord.unit_path on the record itself; before it, they
went through the person to units_unit (`person__unit__path LIKE …` OR `unit__path LIKE …`), the nested loops CI
logged at 200–900 ms with a few thousand rows.
"""

import datetime

import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from awards.enums import RecipientKind
from awards.models import AwardRecord, AwardType
from awards.schoolyear import current_school_year
from units.enums import Gender, SchoolLevel, UnitKind
from units.models import Person, Unit

SCHOOLS = 1000
PER_SCHOOL = 20
TABLES = "units_unit, units_person, awards_awardrecord"

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics exist only on PostgreSQL")


def _load(parent: Unit, mark: str) -> tuple[Unit, Person]:
    """SCHOOLS schools under `parent`, PER_SCHOOL people each with a title in each of two school years, and each
    school's own title of the year: the last school and one of its people."""
    stamp = datetime.datetime.now().timestamp()
    Unit.objects.bulk_create(
        [
            Unit(
                name=f"Trường {mark} {i}",
                kind=UnitKind.SCHOOL,
                school_level=SchoolLevel.PRIMARY,
                parent=parent,
                path=f"tmp-{stamp}-{i}",
                depth=parent.depth + 1,
            )
            for i in range(SCHOOLS)
        ],
        batch_size=1000,
    )
    schools = list(Unit.objects.filter(name__startswith=f"Trường {mark} "))
    for school in schools:
        school.path = f"{parent.path}{school.pk}/"
    Unit.objects.bulk_update(schools, ["path"], batch_size=1000)
    people = Person.objects.bulk_create(
        [
            Person(
                unit=school,
                full_name=f"Nguyễn Văn {mark} {school.pk} {j}",
                name_key=f"nguyen van {mark} {school.pk} {j}",
                search_key=f"nguyen van {mark} {school.pk} {j}",
                gender=Gender.MALE,
            )
            for school in schools
            for j in range(PER_SCHOOL)
        ],
        batch_size=2000,
    )
    year = current_school_year() - 1
    individual = AwardType.objects.filter(recipient_kind=RecipientKind.INDIVIDUAL).order_by("rank", "pk").first()
    collective = AwardType.objects.filter(recipient_kind=RecipientKind.COLLECTIVE).order_by("rank", "pk").first()
    common = {"commendation_kind": individual.commendation_kind, "decision_number": f"{mark}/QĐ"}
    records = [
        AwardRecord(person=person, award_type=individual, school_year=y, **common)
        for person in people
        for y in (year - 1, year)
    ]
    records += [AwardRecord(unit=school, award_type=collective, school_year=year, **common) for school in schools]
    AwardRecord.objects.bulk_create(records, batch_size=2000)
    return schools[-1], people[-1]


# The pages that answer within the bound since the records carry their path (before: the school's export too
# was cancelled); the others are asked and reported (see the end of the test).
ANSWERED = ("award lookup (Sở)", "records export of a school", "person history")


def _pages(tree, school: Unit, person: Person) -> dict[str, tuple[str, str]]:
    """Name: (persona, URL)."""
    office = tree["office_a"]
    return {
        "award lookup (Sở)": ("admin_dept", reverse("awards:people_search")),
        "records of the Sở": ("admin_dept", reverse("awards:unit_history", args=[tree["dept"].pk])),
        "records of the Phòng": ("reviewer_a", reverse("awards:unit_history", args=[office.pk])),
        "records of the Phòng, by year": (
            "reviewer_a",
            reverse("awards:unit_history", args=[office.pk]) + f"?school_year={current_school_year() - 1}",
        ),
        "records export of a school": ("reviewer_a", reverse("awards:unit_records_export", args=[school.pk])),
        "dashboard of the Sở": ("admin_dept", reverse("workbench:dashboard")),
        "dashboard of the Phòng": ("reviewer_a", reverse("workbench:dashboard")),
        "statistics of the Phòng": (
            "reviewer_a",
            reverse("reports:statistics_xlsx", args=[office.pk]) + f"?year={datetime.date.today().year}",
        ),
        "person history": ("reviewer_a", reverse("awards:person_history", args=[person.pk])),
    }


@pytest.mark.django_db
def test_award_record_pages_answer_within_a_second_under_stale_statistics(client, tree, personas, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # the figures computed on every visit, never read from the cache
    _load(tree["office_a"], "Cũ")
    AwardRecord.objects.filter(decision_number="Cũ/QĐ").delete()
    Person.objects.filter(full_name__contains=" Cũ ").delete()
    Unit.objects.filter(name__startswith="Trường Cũ ").delete()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLES}")
    school, person = _load(tree["office_a"], "Mới")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples, relpages FROM pg_class WHERE relname = 'awards_awardrecord'")
        reltuples, relpages = cursor.fetchone()
        assert (reltuples, relpages > 0) == (0, True)  # the planner believes the full table empty
        cursor.execute("SET statement_timeout = '1s'")
    statuses = {}
    try:
        for name, (persona, url) in _pages(tree, school, person).items():
            client.force_login(personas[persona])
            try:
                with transaction.atomic():  # a cancelled statement rolls back to here, not the whole test
                    statuses[name] = client.get(url).status_code
            except OperationalError as error:
                statuses[name] = str(error).splitlines()[0]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert len(statuses) == 9
    answered = {name: statuses[name] for name in ANSWERED}
    assert answered == dict.fromkeys(ANSWERED, 200)
    slow = {name: status for name, status in statuses.items() if status != 200}
    if slow:
        # Not yet within 1 s on this data (issue 14, BENCHMARKS «Province scale: fixes»): the lists' top-25 sort
        # and count, the dashboards' other figures, the statistics. Reported, not hidden; the pages above must
        # stay within it.
        pytest.xfail(f"still over 1 s under stale statistics: {sorted(slow)}")
