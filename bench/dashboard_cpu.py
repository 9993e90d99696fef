"""The dashboard of each level against the bare page, in process (issue 14): queries, their SQL time, KB, CPU.

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.dashboard_cpu [--requests 20]

As `bench.load`'s accounts (the Sở's and a Phòng's reviewer, a school's secretary; django.test.Client with
force_login, the bench's URLs for the bare page): one request's queries and their summed SQL time, the page's
size, and `time.process_time()` per request over `--requests` requests (the CPU of this process: Python and
templates, not PostgreSQL's). Read it beside `cat /proc/loadavg`: on a shared machine times are noisy.
"""

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.load import USERS, _user

    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "bench.urls"
    print(f"load average: {open('/proc/loadavg').read().strip()}")
    for key in ("dept", "office", "school"):
        client = Client()
        client.force_login(_user(key))
        for label, url in (("bare page", "/__bench/bare/"), ("dashboard", reverse("workbench:dashboard"))):
            assert client.get(url).status_code == 200, url  # warm
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            captured = list(queries.captured_queries)  # the next request resets the log
            sql_ms = sum(float(q["time"]) for q in captured) * 1000
            start = time.process_time()
            for _ in range(args.requests):
                client.get(url)
            cpu_ms = (time.process_time() - start) / args.requests * 1000
            print(
                f"{USERS[key][0]:24} {label:9} queries {len(captured):3}  SQL {sql_ms:6.0f} ms  "
                f"{len(response.content) // 1024:4} KB  CPU {cpu_ms:6.1f} ms"
            )
    print(f"load average: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
