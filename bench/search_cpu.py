"""The search page (tìm kiếm không dấu) of the Sở's reviewer and a school's secretary against the bare page,
in process (issue 14).

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.search_cpu [--queries "nguyen thi,thi,hoang xuyen"] [--accounts dept,school]

As `bench.load`'s accounts (django.test.Client with force_login, the bench's URLs for the bare page): one
request's queries; their SELECTs re-run alone on the same connection (best of three, summed: the floor of the
data), the slowest named; the page's size; `time.process_time()` per request, the median of seven batches of
10, each followed by a batch of the bare page (the CPU of this process: Python and templates, not
PostgreSQL's). Read it beside `cat /proc/loadavg`.
"""

import argparse
import os
import statistics
import time


def _cpu_ms(client, url: str, params: dict | None = None) -> float:
    start = time.process_time()
    for _ in range(10):
        client.get(url, params or {})
    return (time.process_time() - start) / 10 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default="nguyen thi,thi,hoang xuyen")
    parser.add_argument("--accounts", default="dept,school")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.load import _user

    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "bench.urls"
    url = reverse("search:results")
    print(f"load average {open('/proc/loadavg').read().split()[:3]}")
    for query in args.queries.split(","):
        for key in args.accounts.split(","):
            user = _user(key)
            client = Client()
            client.force_login(user)
            params = {"q": query}
            for _ in range(3):
                assert client.get(url, params).status_code == 200
                client.get("/__bench/bare/")
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, params)
            count = len(captured)  # now: the captured list is a view on a log the next request clears
            selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
            timed = []
            with connection.cursor() as cursor:
                for sql in selects:
                    best = float("inf")
                    for _ in range(3):
                        start = time.perf_counter()
                        cursor.execute(sql)
                        cursor.fetchall()
                        best = min(best, time.perf_counter() - start)
                    timed.append((best * 1000, sql))
            pages, bares = [], []
            for _ in range(7):
                pages.append(_cpu_ms(client, url, params))
                bares.append(_cpu_ms(client, "/__bench/bare/"))
            cpu, bare = statistics.median(pages), statistics.median(bares)
            slowest_ms, slowest = max(timed)
            table = slowest.split(" FROM ", 1)[1].split(" ", 1)[0] if " FROM " in slowest else "?"
            print(
                f"{query!r} as {user.username}: {count} queries, SQL floor {sum(t for t, _ in timed):.1f} ms "
                f"(slowest {slowest_ms:.1f} ms on {table}), {len(response.content) / 1024:.0f} KB, "
                f"CPU {cpu:.1f} ms (bare {bare:.1f}, ×{cpu / bare:.1f}), load {open('/proc/loadavg').read().split()[0]}"
            )


if __name__ == "__main__":
    main()
