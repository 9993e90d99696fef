"""Issue 14 item 4: the main people pages stay fast when the planner's statistics are stale.

The situation and its checks are units/tests/stale.py's: 20,000 people loaded, deleted, the tables analysed at
"0 rows on N pages", loaded again; each page must answer within a statement timeout of 1 s. The subtree filters
read Person.unit_path on the row itself, so no join estimate can go wrong; before it, the unit list sorted by
people count compared every unit's path with every person's (quadratic), and the person lists joined units_unit.
"""

import pytest
from django.db import connection
from django.urls import reverse

from units.models import Person
from units.tests.stale import load_schools, load_with_stale_statistics, page_statuses, remove_schools

SCHOOLS = 1000
PER_SCHOOL = 20

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics exist only on PostgreSQL")


@pytest.mark.django_db
def test_main_pages_answer_within_a_second_under_stale_statistics(client, tree, personas):
    def load(mark: str) -> Person:
        schools, people = load_schools(tree["office_a"], mark, SCHOOLS, PER_SCHOOL)
        return people[-1]

    person = load_with_stale_statistics(
        ["units_unit", "units_person"], load, remove_schools, believed_empty=["units_person"]
    )
    admin = personas["admin_dept"]
    pages = {
        "staff list": (admin, reverse("units:person_list")),
        "staff list of a Phòng": (admin, reverse("units:person_list") + f"?unit={tree['office_a'].pk}"),
        "unit list by people count": (admin, reverse("units:list") + "?o=-people_count"),
        "unit list": (admin, reverse("units:list")),
        "award lookup": (admin, reverse("awards:people_search")),
        "person history": (admin, reverse("awards:person_history", args=[person.pk])),
    }

    statuses = page_statuses(client, pages)

    assert statuses == dict.fromkeys(pages, 200)
