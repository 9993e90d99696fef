"""The pages that read award records, at province scale: each page's award-record queries under EXPLAIN ANALYZE.

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.award_records [--stale] [--slow MS]

As `bench.load`'s accounts (the Sở's and a Phòng's reviewer, a school's secretary; django.test.Client with
force_login, the dashboard computed on every visit): each page is asked once, the queries it sends to
`awards_awardrecord` are captured and each is run again under `EXPLAIN (ANALYZE)`; printed: how many, the sum of
their Execution Time, the largest (with `--slow MS`, each slower statement from its FROM). `--stale` first
makes the planner believe units_unit, units_person and awards_awardrecord empty, as after a rolled-back import
(each emptied in a transaction, ANALYZEd, rolled back: pg_class keeps "0 rows"), measures under
`statement_timeout` 30 s, then ANALYZEs them again. Never run it on a database others use. Read it beside
`cat /proc/loadavg`: on a shared machine times are noisy.
"""

import argparse
import json
import os

TABLES = ("awards_awardrecord", "units_person", "units_unit")


def _make_stale(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute("BEGIN")  # the foreign keys are deferred: never checked, the DELETE is rolled back
            # The table's name comes from the fixed TABLES, never from input.
            cursor.execute(f"DELETE FROM {table}")  # nosec B608
            cursor.execute(f"ANALYZE {table}")
            cursor.execute("ROLLBACK")
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(TABLES)])
        print("stale statistics:", dict(cursor.fetchall()))
        cursor.execute("SET statement_timeout = '30s'")


def _explained(connection, sql: str) -> float | str:
    with connection.cursor() as cursor:
        try:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        except Exception as error:  # a statement timeout: say so, go on
            return type(error).__name__
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Execution Time"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stale", action="store_true")
    parser.add_argument("--slow", type=float, default=0, help="print the statements slower than this many ms")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from awards.models import AwardRecord
    from awards.schoolyear import current_school_year
    from bench.load import USERS, _user
    from units.rules import roles_of

    settings.ALLOWED_HOSTS = ["*"]
    settings.DASHBOARD_CACHE_SECONDS = 0
    print(f"load average: {open('/proc/loadavg').read().strip()}")
    connection.ensure_connection()
    if args.stale:
        connection.set_autocommit(True)
        _make_stale(connection)
    year = current_school_year()
    try:
        for key in ("dept", "office", "school"):
            user = _user(key)
            unit = roles_of(user)[0].unit
            person_id = (
                AwardRecord.objects.filter(person__unit=unit).order_by("person_id").values_list("person_id", flat=True)
            ).first() or AwardRecord.objects.filter(person__isnull=False).values_list("person_id", flat=True).first()
            pages = {
                "records list": reverse("awards:unit_history", args=[unit.pk]),
                "records list, one year": reverse("awards:unit_history", args=[unit.pk]) + f"?school_year={year - 1}",
                "records list, managers": reverse("awards:unit_history", args=[unit.pk]) + "?quan_ly=1",
                "records list, staff": reverse("awards:unit_history", args=[unit.pk]) + "?quan_ly=0",
                "records list, a name": reverse("awards:unit_history", args=[unit.pk]) + "?q=nguyen+van",
                "dashboard": reverse("workbench:dashboard"),
                "statistics (xlsx)": reverse("reports:statistics_xlsx", args=[unit.pk]),
                "person history": reverse("awards:person_history", args=[person_id]),
            }
            client = Client()
            client.force_login(user)
            for label, url in pages.items():
                with CaptureQueriesContext(connection) as queries:
                    try:
                        status = client.get(url).status_code
                    except Exception as error:  # a statement timeout: its query is captured all the same
                        status = type(error).__name__
                sqls = [q["sql"] for q in queries.captured_queries if '"awards_awardrecord"' in q["sql"]]
                times = [_explained(connection, sql) for sql in sqls]
                failed = [t for t in times if isinstance(t, str)]
                numbers = [t for t in times if not isinstance(t, str)]
                print(
                    f"{USERS[key][0]:22} {label:24} {status:>3} record queries {len(sqls):2}  "
                    f"EXPLAIN ANALYZE sum {sum(numbers):8.1f} ms  max {max(numbers, default=0):8.1f} ms"
                    + (f"  {len(failed)} {failed[0]}" if failed else "")
                )
                if args.slow:
                    for sql, took in zip(sqls, times, strict=True):
                        if isinstance(took, str) or took > args.slow:
                            shown = took if isinstance(took, str) else f"{took:.1f} ms"
                            print(f"    {shown}: …{sql[sql.find(' FROM ') :][:600]}")
    finally:
        if args.stale:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
                cursor.execute(f"ANALYZE {', '.join(TABLES)}")
            print("statistics analysed again")
    print(f"load average: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
