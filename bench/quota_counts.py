"""The quota's decided counts (`awards.engine._decided_counts`) of the Sở, a Phòng and a school at province scale.

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.quota_counts [--n 7] [--stale] [--explain]

For the current school year and the one before (checked today), each unit's count is timed `--n` times (the
median and the range of wall-clock ms: the statement runs in PostgreSQL), then with `--explain` its statement
under `EXPLAIN (ANALYZE, BUFFERS)`: the execution time, the scans and whether the records were read from the
covering index alone (awards.0009; "Heap Fetches"). `--stale` first makes the planner believe units_unit,
units_person and awards_awardrecord empty (as `bench.award_records --stale`), measures under
`statement_timeout` 30 s and ANALYZEs them again. Never run it on a database others use. Read it beside
`cat /proc/loadavg`: on a shared machine times are noisy.
"""

import argparse
import datetime
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=7)
    parser.add_argument("--stale", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from awards import engine
    from awards.schoolyear import current_school_year
    from bench.award_records import TABLES, _make_stale
    from units.enums import UnitKind
    from units.models import Unit

    print(f"load average: {open('/proc/loadavg').read().strip()}")
    connection.ensure_connection()
    if args.stale:
        connection.set_autocommit(True)
        _make_stale(connection)
    dept = Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("path").first()
    office = Unit.objects.filter(kind=UnitKind.OFFICE, path__startswith=dept.path).order_by("path").first()
    school = Unit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=office.path).order_by("path").first()
    today = datetime.date.today()
    year = current_school_year()
    try:
        for unit in (dept, office, school):
            for y in (year - 1, year):
                times = []
                for _ in range(args.n):
                    start = time.perf_counter()
                    counts = engine._decided_counts(unit, y, today)
                    times.append((time.perf_counter() - start) * 1000)
                print(
                    f"{unit.kind:<10} {unit.path:<14} {y}: {statistics.median(times):8.1f} ms "
                    f"({min(times):.1f}–{max(times):.1f}), {sum(counts.values())} records counted"
                )
                if args.explain:
                    with CaptureQueriesContext(connection) as captured:
                        engine._decided_counts(unit, y, today)
                    with connection.cursor() as cursor:
                        # The statement the engine just sent, as Django captured it: no input of this script.
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured.captured_queries[-1]["sql"])  # nosec B608
                        plan = [row[0] for row in cursor.fetchall()]
                    for line in plan:
                        if any(word in line for word in (" on awards_awardrecord", "Heap Fetches", "Execution")):
                            print("    " + line.strip()[:150])
    finally:
        if args.stale:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
                for table in TABLES:
                    cursor.execute(f"ANALYZE {table}")  # nosec B608: the fixed TABLES, never input
    print(f"load average: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
