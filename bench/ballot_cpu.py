"""CPU of a ballot cast (POST of a full sheet), in process: `python -m bench.ballot_cpu [--n 60] [--queries]`.

Against a copy of the province data (as `bench.profile_pages`): bench.load's `Ballots` seats fresh members of the
bench council of the Sở in a newly opened round, each with a session, and each member POSTs the sheet bench.load
posts (every item "for") once through django.test.Client, as the load run does. Reported: this process's CPU
(`time.process_time()`, Python and templates, not PostgreSQL's) per cast, the median of batches of 10, and the
queries of one cast (`--queries` prints them). Every answer must be the redirect to the receipt (a first cast).
Nothing here asserts a time; read the numbers beside the load average printed first.

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.ballot_cpu --n 60
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="casts timed (fresh members, one cast each)")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one cast")
    parser.add_argument("--profile", type=int, default=0, metavar="TOP", help="then profile --n casts: top functions")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load import Ballots

    settings.ALLOWED_HOSTS = ["*"]
    print(f"load average: {open('/proc/loadavg').read().strip()} · DEBUG={settings.DEBUG}")
    ballots = Ballots()
    batches = max(1, args.n // 10)
    ballots.prepare(batches * 10 + 4)
    data = dict(part.split("=", 1) for part in ballots.body.split("&"))

    def cast() -> None:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = ballots.take()
        response = client.post(ballots.path, data)
        if response.status_code != 302 or response["Location"] != ballots.receipt:
            raise SystemExit(f"a cast answered {response.status_code} {response.get('Location', '')}")

    for _ in range(3):  # warm-up: templates, fixed statements
        cast()
    with CaptureQueriesContext(connection) as captured:
        cast()
    queries = list(captured.captured_queries)  # (the next request's request_started clears the log)
    cpu = []
    for _ in range(batches):
        start = time.process_time()
        for _ in range(10):
            cast()
        cpu.append((time.process_time() - start) / 10 * 1000)
    print(f"ballot cast: {statistics.median(cpu):.2f} ms CPU per cast (median of {batches} batches of 10), ", end="")
    print(f"{len(queries)} queries, {len(data)} items on the sheet")
    if args.profile:
        import cProfile
        import pstats

        ballots.prepare(args.n)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            cast()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
    if args.queries:
        for q in queries:
            print(f"-- {q['sql'][:400]}")


if __name__ == "__main__":
    main()
