"""Issue 14 item 4 for award records: the pages that read them stay fast when the planner's statistics are stale.

The situation and its checks are units/tests/stale.py's: 1,000 schools, 20,000 people and 42,000 award records
loaded, deleted, the tables analysed at "0 rows on N pages", loaded again; each page must answer within a
statement timeout of 1 s, enforced by PostgreSQL itself. The records' subtree filters read AwardRecord.unit_path
on the record itself, and no page joins the records to units_person or units_unit: the lists read their page's
owners by key (prefetch), the dashboards and the statistics count the records alone, with the managers' and the
teams' ids read on their own tables. Before, the lists of a Phòng and of the Sở, both dashboards and the Phòng's
statistics were cancelled: a planner that believes units_person empty drove the join from it, a full index scan
of the people for every record.
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from awards.enums import RecipientKind
from awards.models import AwardRecord, AwardType
from awards.schoolyear import current_school_year
from units.models import Person, Unit
from units.tests.stale import load_schools, load_with_stale_statistics, page_statuses, remove_schools

SCHOOLS = 1000
PER_SCHOOL = 20
TABLES = ["units_unit", "units_person", "awards_awardrecord"]

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics exist only on PostgreSQL")


def _load(parent: Unit, mark: str) -> tuple[Unit, Person]:
    """SCHOOLS schools under `parent`, PER_SCHOOL people each with a title in each of two school years, and each
    school's own title of the year: the last school and one of its people."""
    schools, people = load_schools(parent, mark, SCHOOLS, PER_SCHOOL)
    Person.objects.filter(pk__in=[p.pk for p in people[::PER_SCHOOL]]).update(is_manager=True)  # one per school
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


def _remove(mark: str) -> None:
    AwardRecord.objects.filter(decision_number=f"{mark}/QĐ").delete()
    remove_schools(mark)


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
        # The records filters (awards.filters.RecordFilter): the dashboard's drill-downs to managers, staff, teams
        # and whole units, and the name search, of a person (the last one loaded) and of the schools.
        **{
            f"records of the Sở, {name}": ("admin_dept", reverse("awards:unit_history", args=[tree["dept"].pk]) + query)
            for name, query in (
                ("managers", "?quan_ly=1"),
                ("staff", "?quan_ly=0"),
                ("staff, by year", f"?quan_ly=0&school_year={current_school_year() - 1}"),
                ("teams", "?loai_tap_the=to"),
                ("whole units", "?loai_tap_the=don_vi"),
                ("a name", "?" + urlencode({"q": person.full_name})),
                ("the schools' names", "?" + urlencode({"q": "Trường Mới"})),
            )
        },
        "records of the Phòng, staff": ("reviewer_a", reverse("awards:unit_history", args=[office.pk]) + "?quan_ly=0"),
        "records of the Phòng, a name": (
            "reviewer_a",
            reverse("awards:unit_history", args=[office.pk]) + "?" + urlencode({"q": "nguyen van"}),
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
    school, person = load_with_stale_statistics(
        TABLES, lambda mark: _load(tree["office_a"], mark), _remove, believed_empty=["awards_awardrecord"]
    )
    pages = {name: (personas[persona], url) for name, (persona, url) in _pages(tree, school, person).items()}

    statuses = page_statuses(client, pages)

    assert statuses == dict.fromkeys(pages, 200)
