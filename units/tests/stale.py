"""What the stale-statistics tests share (issue 14 item 4): units/, nominations/ and awards/tests/test_stale_statistics.py.

Each builds the situation the same way: rows are loaded in bulk, deleted, the tables ANALYZEd while they hold no
live rows on many pages ("0 rows on N pages", as after a bulk delete or a rolled-back import), then loaded again
without ANALYZE, so the planner believes them empty (a table analysed when it had no pages at all is estimated
from its size instead). Each page must then answer within a statement timeout of 1 s, enforced by PostgreSQL
itself: no wall-clock assert.
"""

import datetime
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError, connection, transaction

from units.enums import Gender, SchoolLevel, UnitKind
from units.models import Person, Unit

TIMEOUT = "1s"
OLD, NEW = "Cũ", "Mới"


def load_schools(parent: Unit, mark: str, schools: int, per_school: int) -> tuple[list[Unit], list[Person]]:
    """`schools` primary schools under `parent` named «Trường <mark> <i>», each with `per_school` people named
    «Nguyễn Văn <mark> <school pk> <j>», in bulk (no save() per row): the schools in pk order, the people school
    by school."""
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
            for i in range(schools)
        ],
        batch_size=1000,
    )
    units = list(Unit.objects.filter(name__startswith=f"Trường {mark} ").order_by("pk"))
    for unit in units:
        unit.path = f"{parent.path}{unit.pk}/"
    Unit.objects.bulk_update(units, ["path"], batch_size=1000)
    people = Person.objects.bulk_create(
        [
            Person(
                unit=unit,
                full_name=f"Nguyễn Văn {mark} {unit.pk} {j}",
                name_key=f"nguyen van {mark} {unit.pk} {j}",
                search_key=f"nguyen van {mark} {unit.pk} {j}",
                gender=Gender.MALE,
            )
            for unit in units
            for j in range(per_school)
        ],
        batch_size=2000,
    )
    return units, people


def remove_schools(mark: str) -> None:
    """Delete what `load_schools(…, mark, …)` created (the callers delete first the rows that protect them)."""
    Person.objects.filter(full_name__contains=f" {mark} ").delete()
    Unit.objects.filter(name__startswith=f"Trường {mark} ").delete()


def estimate(table: str) -> tuple[float, bool]:
    """(rows the planner believes `table` holds, whether it has pages) from pg_class."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples, relpages FROM pg_class WHERE relname = %s", [table])
        reltuples, relpages = cursor.fetchone()
    return reltuples, relpages > 0


def load_with_stale_statistics(
    tables: list[str], load: Callable[[str], Any], remove: Callable[[str], None], *, believed_empty: list[str]
) -> Any:
    """`load(OLD)`, `remove(OLD)`, ANALYZE `tables`, then `load(NEW)` (returned). Asserts the planner then
    believes each of `believed_empty` empty while it holds pages (the test would prove nothing otherwise)."""
    load(OLD)
    remove(OLD)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")
    loaded = load(NEW)
    estimates = {table: estimate(table) for table in believed_empty}
    assert estimates == dict.fromkeys(believed_empty, (0, True))
    return loaded


@contextmanager
def statement_timeout(value: str = TIMEOUT):
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = %s", [value])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            # The teardown's deferred foreign-key checks of the deleted rows are not a page.
            cursor.execute("RESET statement_timeout")


def page_statuses(client, pages: dict[str, tuple]) -> dict[str, int | str]:
    """name → status code of each page (name: (user, url)) asked under `statement_timeout`, or the first line
    of PostgreSQL's message when it cancelled a statement (each page in its own savepoint, so a cancelled one
    rolls back to there and the next pages are still asked)."""
    statuses = {}
    with statement_timeout():
        for name, (user, url) in pages.items():
            client.force_login(user)
            try:
                with transaction.atomic():
                    statuses[name] = client.get(url).status_code
            except OperationalError as error:
                statuses[name] = str(error).splitlines()[0]
    return statuses
