"""The homes of the four roles and the Sở's registration overview against the bare page, in process (issue 14).

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.homes_cpu [--pages home-school,regov]

As `bench.load`'s accounts and campaign (django.test.Client with force_login, the bench's URLs for the bare
page): one request's queries; their SELECTs re-run alone on the same connection (best of three, summed: the
floor of the data); the page's size; `time.process_time()` per request, the lowest mean of four batches of 10
(the CPU of this process: Python and templates, not PostgreSQL's). Read it beside `cat /proc/loadavg`.
"""

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="bare,home-school,home-office,home-dept,home-admin,regov")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.load import _user
    from campaigns.models import Campaign
    from units.enums import UnitKind

    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "bench.urls"
    campaign = (
        Campaign.objects.filter(launched_by__kind=UnitKind.DEPARTMENT)
        .annotate(n=Count("registrations"))
        .order_by("-n")
        .first()
    )
    pages = {
        "bare": ("school", "/__bench/bare/"),
        "home-school": ("school", "/"),
        "home-office": ("office", "/"),
        "home-dept": ("dept", "/"),
        "home-admin": ("admin", "/"),
        "regov": ("dept", reverse("campaigns:registration_overview", args=[campaign.pk])),
    }
    print(f"load average: {open('/proc/loadavg').read().strip()}")
    for key in args.pages.split(","):
        account, url = pages[key]
        client = Client()
        client.force_login(_user(account))
        for _ in range(3):
            assert client.get(url).status_code == 200, url  # warm
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        queries = list(context.captured_queries)  # the next request resets the log
        sql_ms = 0.0
        with connection.cursor() as cursor:
            for query in queries:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                best = float("inf")
                for _ in range(3):
                    start = time.perf_counter()
                    cursor.execute(query["sql"])
                    cursor.fetchall()
                    best = min(best, time.perf_counter() - start)
                sql_ms += best * 1000
        batches = []
        for _ in range(4):
            start = time.process_time()
            for _ in range(10):
                client.get(url)
            batches.append((time.process_time() - start) / 10 * 1000)
        print(
            f"{key}: queries {len(queries)} · SQL {sql_ms:.1f} ms · CPU {min(batches):.1f} ms · "
            f"{len(response.content) / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main()
