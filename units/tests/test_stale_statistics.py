"""Issue 14 item 4: the main people pages stay fast when the planner's statistics are stale.

The tables are analysed while they hold no live rows on many pages ("0 rows on N pages"), as after a bulk
delete or a rolled-back import, then filled with thousands of people without ANALYZE: the planner still
believes they are empty (a table analysed when it had no pages at all is estimated from its size instead). Each page must
then answer within a statement timeout of 1 s, enforced by PostgreSQL itself (no wall-clock assert here).
The subtree filters read Person.unit_path on the row itself, so no join estimate can go wrong; before it,
the unit list sorted by people count compared every unit's path with every person's (quadratic), and
the person lists joined units_unit.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from units.enums import Gender, SchoolLevel, UnitKind
from units.models import Person, Unit

SCHOOLS = 1000
PER_SCHOOL = 20

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics exist only on PostgreSQL")


def _load(parent: Unit, mark: str) -> Person:
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
    Person.objects.bulk_create(
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
    return Person.objects.filter(unit=schools[-1]).first()


@pytest.mark.django_db
def test_main_pages_answer_within_a_second_under_stale_statistics(client, tree, personas):
    _load(tree["office_a"], "Cũ")
    Person.objects.filter(full_name__contains=" Cũ ").delete()
    Unit.objects.filter(name__startswith="Trường Cũ ").delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE units_unit, units_person")
    person = _load(tree["office_a"], "Mới")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples, relpages FROM pg_class WHERE relname = 'units_person'")
        reltuples, relpages = cursor.fetchone()
        assert (reltuples, relpages > 0) == (0, True)  # the planner believes the full table empty
        cursor.execute("SET statement_timeout = '1s'")
    client.force_login(personas["admin_dept"])
    pages = {
        "staff list": reverse("units:person_list"),
        "staff list of a Phòng": reverse("units:person_list") + f"?unit={tree['office_a'].pk}",
        "unit list by people count": reverse("units:list") + "?o=-people_count",
        "unit list": reverse("units:list"),
        "award lookup": reverse("awards:people_search"),
        "person history": reverse("awards:person_history", args=[person.pk]),
    }
    try:
        statuses = {name: client.get(url).status_code for name, url in pages.items()}
    finally:
        with connection.cursor() as cursor:
            # The teardown's deferred foreign-key checks of the deleted rows are not a page.
            cursor.execute("RESET statement_timeout")
    assert statuses == dict.fromkeys(pages, 200)
