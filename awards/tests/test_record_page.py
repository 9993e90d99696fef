"""The records list's page (awards.views.unit_history): its ids read on the records alone, in the catalog's order,
then its rows by key; the person-side filters read people's ids without joining them to the records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.filters import RecordFilter
from awards.models import AwardRecord, AwardType
from awards.selectors import record_page_ids, record_page_rows

LETTERS = "ABCDEGHIKLMNOPQRSTUVXY"


def _listed(client, url, **params) -> list[int]:
    return [record.pk for record in client.get(url, params).context["page"]]


@pytest.fixture
def records(tree, person_factory, record):
    """A school's records of three years and two individual titles whose ranks run against their ids, and the
    school's own: the teachers' of a manager and of a staff member, named apart."""
    ldtt, cstdcs = (
        min(AwardType.objects.filter(code=code).values_list("pk", flat=True)) for code in ("LDTT", "CSTDCS")
    )
    low, high = ("LDTT", "CSTDCS") if ldtt > cstdcs else ("CSTDCS", "LDTT")  # the higher id ranks first
    AwardType.objects.filter(code=low).update(rank=1)
    AwardType.objects.filter(code=high).update(rank=2)
    school = tree["school_a1"]
    manager = person_factory(unit=school, full_name="Trần Thị Quản", is_manager=True)
    staff = person_factory(unit=school, full_name="Lê Văn Giáo")
    made = []
    for year in (2022, 2023, 2024):
        for person in (staff, manager):
            made += [record(person, "CSTDCS", year), record(person, "LDTT", year)]
        made.append(record(school, "TTLDTT", year))
    return {"school": school, "manager": manager, "staff": staff, "all": made}


def test_page_ids_keep_the_catalog_order(client, personas, records):
    client.force_login(personas["head_a1"])
    url = reverse("awards:unit_history", args=[records["school"].pk])
    expected = list(
        AwardRecord.objects.filter(pk__in=[r.pk for r in records["all"]])
        .order_by("-school_year", "award_type__rank", "id")
        .values_list("pk", flat=True)
    )
    assert _listed(client, url) == expected[:25]
    by_rank_down = list(
        AwardRecord.objects.filter(pk__in=[r.pk for r in records["all"]], school_year=2023)
        .order_by("-award_type__rank", "id")
        .values_list("award_type__rank", flat=True)
    )
    ranks = AwardRecord.objects.in_bulk(_listed(client, url, school_year=2023, o="-award"))
    assert sorted((r.award_type.rank for r in ranks.values()), reverse=True) == by_rank_down


def test_page_rows_follow_the_ids_and_the_scope(records):
    ids = [r.pk for r in records["all"]][::-1]
    rows = record_page_rows(AwardRecord.objects.filter(person=records["manager"]), ids)
    assert [r.pk for r in rows] == [
        pk
        for pk in ids
        if pk in {r.pk for r in records["all"] if r.person_id}
        and AwardRecord.objects.get(pk=pk).person_id == records["manager"].pk
    ]
    assert record_page_rows(AwardRecord.objects.all(), []) == []


def test_page_ids_join_no_table(records):
    with CaptureQueriesContext(connection) as queries:
        list(record_page_ids(AwardRecord.objects.filter(unit_path__startswith=records["school"].path))[:25])
    page = queries.captured_queries[-1]["sql"]
    assert " JOIN " not in page and '"awards_awardtype"' not in page


@pytest.mark.parametrize(
    "params, who",
    [
        ({"quan_ly": "1"}, {"manager"}),
        ({"quan_ly": "0"}, {"staff"}),
        ({"q": "tran thi quan"}, {"manager"}),
        ({"q": "Giáo"}, {"staff"}),
        ({"q": "quan", "quan_ly": "0"}, set()),
    ],
)
def test_person_filters(client, personas, records, params, who):
    client.force_login(personas["head_a1"])
    url = reverse("awards:unit_history", args=[records["school"].pk])
    expected = {r.pk for r in records["all"] if any(r.person_id == records[w].pk for w in who)}
    assert set(_listed(client, url, **params)) == expected


def test_unit_name_search_finds_the_collective(client, personas, records):
    client.force_login(personas["head_a1"])
    school = records["school"]
    listed = _listed(client, reverse("awards:unit_history", args=[school.pk]), q=school.name)
    assert set(listed) == {r.pk for r in records["all"] if r.unit_id == school.pk}


def test_managers_filter_joins_no_people(client, personas, records):
    client.force_login(personas["head_a1"])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("awards:unit_history", args=[records["school"].pk]), {"quan_ly": "1", "q": "quan"})
    listed = [q["sql"] for q in queries.captured_queries if 'FROM "awards_awardrecord"' in q["sql"]]
    assert listed and not any('JOIN "units_person"' in sql for sql in listed)


@pytest.mark.parametrize("params", [{}, {"quan_ly": "1"}, {"quan_ly": "0", "q": "nguyen"}])
def test_filtered_list_query_count_does_not_grow(
    client, personas, tree, person_factory, record, params, django_assert_max_num_queries
):
    client.force_login(personas["head_a1"])
    url = reverse("awards:unit_history", args=[tree["school_a1"].pk])
    record(person_factory(full_name="Nguyễn Thị Một", is_manager=True), "LDTT", 2023)
    record(person_factory(full_name="Nguyễn Thị Hai"), "LDTT", 2023)  # each filter lists one row to begin with
    with django_assert_max_num_queries(30) as one:
        client.get(url, params)
    for n in range(30):
        record(
            person_factory(
                unit=tree["team_a1"],
                full_name=f"Nguyễn Văn {LETTERS[n % 20]} {LETTERS[n // 20]}",
                is_manager=n % 2 == 0,
            ),
            "LDTT",
            2023,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url, params)


@pytest.mark.parametrize("order", ["award", "-award", "school_year", "-decision_date"])
def test_sorted_list_breaks_ties_by_id(client, personas, records, order):
    """Most records share their rank, year and decision date: the id is the last key of every sort, or the
    order of tied rows (and so each page's rows) is the database's choice between requests."""
    filtered = RecordFilter({"o": order}, queryset=AwardRecord.objects.all())
    assert filtered.qs.query.order_by[-1] == "pk"
    client.force_login(personas["head_a1"])
    url = reverse("awards:unit_history", args=[records["school"].pk])
    key = {"award": "award_type__rank", "school_year": "school_year", "decision_date": "decision_date"}
    field = key[order.lstrip("-")]
    expected = list(
        AwardRecord.objects.filter(pk__in=[r.pk for r in records["all"]])
        .order_by(f"-{field}" if order.startswith("-") else field, "id")
        .values_list("pk", flat=True)
    )
    assert _listed(client, url, o=order) == expected[:25]
