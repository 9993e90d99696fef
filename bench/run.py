"""`make bench`: how fast are the main pages with the demo province, on SQLite, with nothing running.

Creates a throw-away SQLite database, migrates it, loads `seed_demo`, then requests
each page N times as several demo accounts through django.test.Client (no network,
no server) and prints the median and 95th percentile time and the number of SQL
queries per page. Numbers are for comparing before/after a change on the same
machine; nothing here asserts a time.

    python -m bench.run [--requests 30] [--accounts mn-hoasen-bl.thuky,pgd-bl.chuyenvien]
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_ACCOUNTS = ["mn-hoasen-bl.thuky", "pgd-bl.chuyenvien", "so.chuyenvien", "so.quantri"]


def _configure(db_path: Path) -> None:
    """Environment for a production-like process on a fresh SQLite file; must run before django.setup()."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.pop("REDIS_URL", None)  # Celery eager: nothing has to run
    os.environ["DEBUG"] = "0"  # measure what production renders (cached templates, no debug toolbar)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ["SECURE_COOKIES"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["STATIC_ROOT"] = str(db_path.parent)  # not served here; an existing dir keeps WhiteNoise quiet
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _pages():
    from django.urls import reverse

    people = reverse("units:person_list")
    return [
        ("Trang chủ", reverse("home")),
        ("Đơn vị", reverse("units:list")),
        ("Đơn vị (lọc trường)", reverse("units:list") + "?kind=school&o=name"),
        ("Cá nhân (trang 1)", people),
        ("Cá nhân (lọc)", people + "?q=Th%E1%BB%8B&gender=female&o=-date_of_birth"),
        ("Cá nhân (trang 2)", people + "?page=2"),
        ("Phong trào", reverse("campaigns:list")),
        ("Lịch thi đua", reverse("campaigns:calendar")),
        ("Danh mục khen thưởng", reverse("awards:catalog")),
        ("Tra cứu thành tích", reverse("awards:people_search")),
    ]


def _measure(client, url: str, n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (template loading, first queries)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, expected 200")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # now: the captured list is a view on a log the next request clears
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {
        "queries": query_count,
        "median": statistics.median(samples),
        "p95": p95,
        "kb": len(response.content) / 1024,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", "-n", type=int, default=30, help="timed requests per page and account")
    parser.add_argument("--accounts", default=",".join(DEFAULT_ACCOUNTS), help="comma-separated demo usernames")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as tmp:
        _configure(Path(tmp) / "bench.sqlite3")
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client

        from units.models import Person, Unit

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrated = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        seeded = time.perf_counter()
        print(
            f"SQLite {Path(tmp) / 'bench.sqlite3'}: migrate {migrated - started:.1f} s, "
            f"seed_demo {seeded - migrated:.1f} s ({Unit.objects.count()} units, {Person.objects.count()} people)"
        )
        print(f"{args.requests} timed requests per row after 1 warm-up; times in ms; DEBUG off; django.test.Client\n")

        header = f"{'account':<22} {'page':<22} {'queries':>7} {'median':>8} {'p95':>8} {'KB':>7}"
        print(header)
        print("-" * len(header))
        users = get_user_model().objects
        for username in [a.strip() for a in args.accounts.split(",") if a.strip()]:
            user = users.filter(username=username).first()
            if user is None:
                print(f"{username:<22} (no such demo account)")
                continue
            client = Client()
            client.force_login(user)
            for label, url in _pages():
                row = _measure(client, url, args.requests)
                print(
                    f"{username:<22} {label:<22} {row['queries']:>7} {row['median']:>8.1f} "
                    f"{row['p95']:>8.1f} {row['kb']:>7.1f}"
                )
        from bench.engine import report

        report()
        from bench.nominations import report as nominations_report

        nominations_report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
