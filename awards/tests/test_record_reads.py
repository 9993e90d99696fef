"""The pages that read award records in a subtree never join them to units_person or units_unit (issue 14 item 4).

Under stale statistics ("0 rows" for units_person) a planner drove such a join from the table it believed empty,
a full index scan of the people for every record (awards/tests/test_stale_statistics.py, PostgreSQL only). These
pin the query shape on any database: the records' queries name neither table, the owners are read by key.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.selectors import records_in_scope
from reports import statistics
from units.rules import roles_of


def _record_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if 'FROM "awards_awardrecord"' in q["sql"]]


def test_records_in_scope_read_the_owners_by_key(personas, tree, person_factory, record):
    teacher = person_factory(unit=tree["team_a1"])
    record(teacher, "LDTT", 2023)
    record(tree["team_a1"], "TTLDTT", 2023)
    reviewer = personas["reviewer_a"]
    roles_of(reviewer)  # read once per request, before the page

    with CaptureQueriesContext(connection) as queries:
        page = list(records_in_scope(reviewer, tree["office_a"])[:25])

    owners = sorted((r.person.full_name, r.person.unit.name) if r.person else ("", r.unit.name) for r in page)
    assert owners == [("", tree["team_a1"].name), (teacher.full_name, tree["team_a1"].name)]
    assert len(queries.captured_queries) == 4  # the page, its people, their units, the collectives
    for sql in _record_queries(queries):
        assert ('"units_person"' in sql, '"units_unit"' in sql) == (False, False), sql


def test_statistics_count_the_records_without_joining_their_owners(personas, tree, person_factory, record):
    manager = person_factory(unit=tree["school_a1"], is_manager=True)
    record(manager, "LDTT", 2023, decision_date=datetime.date(2024, 6, 15))
    record(person_factory(unit=tree["school_a1"]), "LDTT", 2023, decision_date=datetime.date(2024, 6, 15))
    record(tree["team_a1"], "TTLDTT", 2023, decision_date=datetime.date(2024, 6, 15))

    with CaptureQueriesContext(connection) as queries:
        rows, undated = statistics._record_groups(personas["reviewer_a"], tree["office_a"], 2024)

    groups = sorted((r["individual"], r["manager"], r["sector_leader"], r["n"]) for r in rows)
    assert (groups, undated) == ([(False, False, False, 1), (True, False, False, 1), (True, True, False, 1)], 0)
    for sql in _record_queries(queries):
        assert ("JOIN" in sql, '"units_person"' in sql, '"units_unit"' in sql) == (False, False, False), sql
