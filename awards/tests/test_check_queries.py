"""The eligibility check page and the history page read the catalog once and each of the person's rows once, by
fixed statements (core.fixedsql), whatever the number of rows; their verdicts are the engine's own."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import engine, selectors
from awards.enums import AuthorityKind, AwardCategory, RecipientKind, TaskRating
from awards.models import AwardType
from awards.schoolyear import current_school_year
from awards.tests.test_history_queries import TABLES, reads_of

# Session, account with roles, unread notifications (every page); the person; the catalog's stamp (the catalog and
# the rules in force, read by the warming request, are kept by the process under it: test_catalog_stamp.py);
# the person's records, ratings, initiatives, discipline and service periods; the units the person heads or
# manages; and for a manager one more, the records of the unit the manager leads. The history page reads the same.
QUERIES = 11


def _reasons(result) -> tuple:
    return (result.award_code, result.verdict, [(r.status, r.text, r.legal_basis) for r in result.reasons])


@pytest.fixture
def versions(db):
    """A code with two versions (renamed and re-ranked on 1/1/2025) and a collective code: the catalog's order by
    rank and code on either side of the change."""
    common = {"category": AwardCategory.TITLE, "authority_kind": AuthorityKind.UNIT_HEAD}
    AwardType.objects.create(
        code="THU",
        name="Danh hiệu thử (cũ)",
        recipient_kind=RecipientKind.INDIVIDUAL,
        effective_from=datetime.date(2020, 1, 1),
        effective_to=datetime.date(2024, 12, 31),
        rank=1,
        **common,
    )
    AwardType.objects.create(
        code="THU",
        name="Danh hiệu thử (mới)",
        recipient_kind=RecipientKind.BOTH,
        effective_from=datetime.date(2025, 1, 1),
        rank=99,
        **common,
    )


@pytest.mark.parametrize("day", [datetime.date(2019, 6, 1), datetime.date(2024, 6, 1), datetime.date(2025, 6, 1)])
def test_catalog_codes_and_choices_equal_the_selectors(versions, day):
    catalog = engine.catalog_on(day)
    assert catalog.codes_for(RecipientKind.INDIVIDUAL) == selectors.individual_codes_in_force(day)
    assert catalog.codes_for(RecipientKind.COLLECTIVE) == selectors.collective_codes_in_force(day)
    for recipient in (RecipientKind.INDIVIDUAL, RecipientKind.COLLECTIVE):
        assert catalog.choices_for(recipient) == selectors.check_award_choices(recipient, on_date=day)


def test_a_catalog_of_another_day_is_refused(db):
    catalog = engine.catalog_on(datetime.date(2024, 6, 1))
    with pytest.raises(ValueError):
        engine.check_codes_many([], 2024, on_date=datetime.date(2024, 6, 2), catalog=catalog)


def check_queries(client, user, person, query: str) -> tuple[list[str], object]:
    client.force_login(user)
    url = reverse("awards:person_check", args=[person.pk]) + query
    client.get(url)  # warm the session alike for every count
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response.context["result"]


@pytest.mark.parametrize("manager", [False, True], ids=["teacher", "manager"])
def test_check_page_queries_constant_and_its_verdict_the_engines(
    client, personas, tree, person_factory, full_history, manager
):
    year = current_school_year()
    few = full_history(person_factory(tree["school_a1"], is_manager=manager), 1)
    many = full_history(person_factory(tree["school_a1"], is_manager=manager), 8)
    query = f"?award=LDTT&year={year - 1}"
    few_queries, _ = check_queries(client, personas["secretary_a1"], few, query)
    many_queries, result = check_queries(client, personas["secretary_a1"], many, query)
    assert len(few_queries) == len(many_queries) == QUERIES + manager
    # Each of the person's tables once (a manager's records twice: the person's, the led unit's).
    expected = {table: 1 for table in TABLES} | {"awards_awardrecord": 1 + manager}
    assert {table: reads_of(many_queries, table) for table in TABLES} == expected
    assert _reasons(result) == _reasons(engine.check_eligibility(many, "LDTT", year - 1))


def test_check_page_on_another_day_is_the_engines(client, personas, tree, person_factory, full_history, rate):
    teacher = full_history(person_factory(tree["school_a1"]), 4)
    year = current_school_year() - 2
    rate(teacher, year, TaskRating.EXCELLENT)
    on_date = datetime.date(year + 1, 7, 1)
    _queries, result = check_queries(
        client, personas["secretary_a1"], teacher, f"?award=CSTDCS&year={year}&on_date={on_date:%d/%m/%Y}"
    )
    assert _reasons(result) == _reasons(engine.check_eligibility(teacher, "CSTDCS", year, on_date=on_date))


@pytest.mark.parametrize("manager", [False, True], ids=["teacher", "manager"])
def test_history_page_query_count_pinned(client, personas, tree, person_factory, full_history, manager):
    person = full_history(person_factory(tree["school_a1"], is_manager=manager), 3)
    client.force_login(personas["secretary_a1"])
    url = reverse("awards:person_history", args=[person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) == QUERIES + manager
