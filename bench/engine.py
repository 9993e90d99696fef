"""check_many for 1,000 candidates of each award in force: seconds and SQL queries (part of `make bench`).

People (or, for collective awards, units) of the demo are repeated up to 1,000 candidates;
the engine loads facts per distinct candidate, so the time is that of 1,000 rows.
"""

import datetime
import statistics
import time

CANDIDATES = 1000
RUNS = 3


def report(*, candidates: int = CANDIDATES, runs: int = RUNS) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from awards import engine
    from awards.enums import RecipientKind
    from awards.models import AwardType, in_force_q
    from awards.schoolyear import current_school_year
    from units.models import Person, Unit

    today = datetime.date.today()
    year = current_school_year(today) - 1
    people = list(Person.objects.filter(is_active=True).order_by("pk")[:candidates])
    units = list(Unit.objects.exclude(kind="team").order_by("pk")[:candidates])
    if not people or not units:
        print("check_many: no demo people or units")
        return

    def fill(rows):
        return (rows * (candidates // len(rows) + 1))[:candidates]

    people, units = fill(people), fill(units)
    print(
        f"\ncheck_many, {candidates} candidates, school year {year}, {connection.vendor}; "
        f"median and best of {runs} runs, median CPU time of this process"
    )
    # Wall time moves with the machine's load; the process's CPU time much less (on SQLite it includes
    # the SQL; on PostgreSQL the server's share is not in it, about 8 ms per award measured with EXPLAIN).
    header = f"{'award':<12} {'recipient':<10} {'queries':>7} {'seconds':>8} {'best':>6} {'cpu s':>7}"
    print(header)
    print("-" * len(header))
    for award in AwardType.objects.filter(in_force_q(today)).order_by("rank", "code"):
        group = units if award.recipient_kind == RecipientKind.COLLECTIVE else people
        engine.check_many(group, award.code, year, on_date=today)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            engine.check_many(group, award.code, year, on_date=today)
        samples, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            engine.check_many(group, award.code, year, on_date=today)
            samples.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        kind = "tập thể" if group is units else "cá nhân"
        wall, used = statistics.median(samples), statistics.median(cpu)
        print(f"{award.code:<12} {kind:<10} {len(queries):>7} {wall:>8.3f} {min(samples):>6.3f} {used:>7.3f}")


def main(argv=None) -> int:
    """`python -m bench.engine --database-url postgresql://…/empty_db`: migrate, seed the demo, report.

    The database must be empty and throw-away (the PostgreSQL run of BENCHMARKS.md); `--seeded` measures
    again on a database an earlier run filled."""
    import argparse
    import io
    import os
    import tempfile
    from pathlib import Path

    from bench.run import _configure

    parser = argparse.ArgumentParser(description="check_many for 1,000 candidates of each award")
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--seeded", action="store_true", help="the database already holds the migrated demo: only measure (reruns)"
    )
    parser.add_argument("--runs", type=int, default=RUNS, help=f"measured runs per award (default {RUNS})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as tmp:
        _configure(Path(tmp) / "unused.sqlite3")
        os.environ["DATABASE_URL"] = args.database_url
        import django

        django.setup()
        from django.core.management import call_command

        if not args.seeded:
            call_command("migrate", verbosity=0, interactive=False)
            call_command("seed_demo", stdout=io.StringIO())
        report(runs=max(1, args.runs))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
