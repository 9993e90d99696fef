"""A person's history page reads each kind of row once, whatever the number of rows and years, and hands
them to the eligibility engine instead of the engine reading them again."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import engine, selectors
from awards.schoolyear import current_school_year

TABLES = ("awards_awardrecord", "awards_taskevaluation", "awards_initiative", "awards_disciplineperiod")
TABLES += ("awards_serviceperiod",)


def history_queries(client, user, person) -> list[str]:
    client.force_login(user)
    url = reverse("awards:person_history", args=[person.pk])
    client.get(url)  # warm the session alike for every count
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def reads_of(queries: list[str], table: str) -> int:
    return sum(1 for sql in queries if re.search(rf'FROM "{table}"[ )]', sql))


def test_history_page_queries_constant_in_records_and_years(client, personas, tree, person_factory, full_history):
    few = person_factory(tree["school_a1"], full_name="Lê Thị Ít")
    full_history(few, 1)
    many = person_factory(tree["school_a1"], full_name="Lê Thị Nhiều")
    full_history(many, 8)
    few_queries = history_queries(client, personas["secretary_a1"], few)
    many_queries = history_queries(client, personas["secretary_a1"], many)
    assert len(many_queries) == len(few_queries)
    # The history reads each kind of row once and the outlook reads none of them again.
    assert {table: reads_of(many_queries, table) for table in TABLES} == {table: 1 for table in TABLES}


def test_outlook_from_the_historys_rows_equals_the_outlook_read_alone(tree, person_factory, full_history):
    teacher = full_history(person_factory(tree["school_a1"], service_start=datetime.date(1995, 9, 5)), 6)
    year = current_school_year()
    today = datetime.date.today()
    codes = selectors.individual_codes_in_force(today)
    history = selectors.person_history(teacher)

    def outlook(**known):
        results = engine.check_codes(teacher, codes, year, on_date=today, **known)
        return [(r.award_code, r.verdict, [(x.status, x.text, x.legal_basis) for x in r.reasons]) for r in results]

    with CaptureQueriesContext(connection) as ctx:
        from_history = outlook(known_records=history["records"], known=history["known"])
    assert from_history == outlook()
    assert {table: reads_of([q["sql"] for q in ctx.captured_queries], table) for table in TABLES} == {
        table: 0 for table in TABLES
    }
    texts = " ".join(text for _code, _verdict, reasons in from_history for _s, text, _b in reasons)
    assert "kỷ luật" in texts.lower()  # the facts given were used: the pending case blocks
