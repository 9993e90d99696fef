"""Each page's statements alone on PostgreSQL: time, buffers and plan shape (EXPLAIN (ANALYZE, BUFFERS)).

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.sql_pages [--pages home-school,home-office] [--runs 20] [--plans]

Pages are `bench.load`'s GET pages. Each page is requested through django.test.Client (force_login, one warm-up)
under CaptureQueriesContext; its SELECTs are then re-run alone on the driver's cursor `--runs` times (the median
per statement and the median of the page's sum: the floor of the data, as bench.load's), and each is explained
five times with EXPLAIN (ANALYZE, BUFFERS): the median planning and execution times, the shared buffers and the
plan's top nodes. `--plans` prints the whole plan of every statement. On small statements the planning often
costs more than the execution. Read every number beside `cat /proc/loadavg` (printed first).
"""

import argparse
import os
import re
import statistics
import time


def _shape(plan: str, depth: int = 3) -> str:
    """The plan's node names to a small depth, one line: «Limit > Sort > Nested Loop(Index Scan x, Seq Scan y)»."""
    nodes = []
    for line in plan.splitlines():
        match = re.match(r"^(\s*)(?:->\s+)?([A-Z][A-Za-z ]+?)(?: using (\S+))?(?: on (\S+))?(?:\s+\(|$)", line)
        if not match:
            continue
        indent = len(match.group(1))
        level = 0 if indent == 0 else (indent - 2) // 6 + 1
        if level > depth:
            continue
        name = match.group(2).strip()
        target = match.group(3) or match.group(4)
        nodes.append(("  " * level) + name + (f"[{target}]" if target else ""))
    return " | ".join(n.strip() for n in nodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="home-school,home-office,home-dept,home-admin,person-history")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load import USERS, _pages, _user

    settings.ALLOWED_HOSTS = ["*"]
    print(f"load average: {open('/proc/loadavg').read().strip()}")
    users = {key: _user(key) for key in USERS}
    pages = {p.key: (p.user, p.path) for p in _pages(users) if p.method == "GET"}
    for key in args.pages.split(","):
        account, url = pages[key]
        client = Client()
        client.force_login(users[account])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{key}: GET {url} answered {response.status_code}")
        statements = [q["sql"] for q in captured.captured_queries]
        with connection.cursor() as cursor:
            raw = cursor.cursor
            times = {i: [] for i in range(len(statements))}
            sums = []
            for _ in range(args.runs):
                total = 0.0
                for i, sql in enumerate(statements):
                    if not sql.lstrip().lstrip("(").upper().startswith(("SELECT", "WITH")):
                        continue
                    started = time.perf_counter()
                    raw.execute(sql)
                    raw.fetchall()
                    took = (time.perf_counter() - started) * 1000
                    times[i].append(took)
                    total += took
                sums.append(total)
            print(f"\n=== {key} ({url}): {len(statements)} statements, SQL alone {statistics.median(sums):.2f} ms")
            for i, sql in enumerate(statements):
                if not times[i]:
                    print(f"[{i}] (write) {sql[:160]}")
                    continue
                plans, planning, executing = [], [], []
                for _ in range(5):
                    raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plans.append("\n".join(row[0] for row in raw.fetchall()))
                    planning.append(float(re.search(r"Planning Time: ([\d.]+)", plans[-1]).group(1)))
                    executing.append(float(re.search(r"Execution Time: ([\d.]+)", plans[-1]).group(1)))
                plan = plans[-1]
                hit = sum(int(x) for x in re.findall(r"shared hit=(\d+)", plan.splitlines()[0] + "\n"))
                top = next((line for line in plan.splitlines() if "Buffers:" in line), "")
                print(
                    f"[{i}] {statistics.median(times[i]):6.3f} ms  (plan {statistics.median(planning):.3f} "
                    f"exec {statistics.median(executing):.3f})  {top.strip() or hit}"
                )
                print(f"     {sql[:400]}")
                print(f"     shape: {_shape(plan)}")
                if args.plans:
                    print("\n".join("       " + line for line in plan.splitlines()))


if __name__ == "__main__":
    main()
