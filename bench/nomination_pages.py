"""The nominations pages of bench.load's mix, alone in this process, on a province (`manage.py seed_scale`):
queries, KB, the SQL floor (the page's SELECTs run again on the driver's cursor, median of 7) and the CPU of
this process per request (time.process_time over `--requests` requests through django.test.Client, DEBUG=0).

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        python -m bench.nomination_pages [--requests 20] [page ...]

Pages: dossier (the 200-nomination dossier as pgd-bl.chuyenvien), filtered (the nomination tab filtered, as
so.chuyenvien), inbox-dept, inbox-office. The CPU includes the driver's and the test client's (a few ms):
compare before/after on the same machine and load, never with bench.load's gunicorn numbers directly.
"""

import argparse
import os
import statistics
import sys
import time


def _pages():
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.urls import reverse

    from nominations.models import Dossier

    users = get_user_model().objects
    office, dept = users.get(username="pgd-bl.chuyenvien"), users.get(username="so.chuyenvien")
    dossier = (
        Dossier.objects.annotate(n=Count("nominations"))
        .filter(n__gte=200, receiving_unit__roles__user=office)
        .order_by("n", "pk")
        .first()
    )
    inbox = reverse("nominations:inbox")
    return {
        "dossier": (office, reverse("nominations:dossier_detail", args=[dossier.pk])),
        "filtered": (dept, inbox + "?tab=de-nghi&trang_thai_de_nghi=returned&o=ten"),
        "inbox-dept": (dept, inbox),
        "inbox-office": (office, inbox),
    }


def _measure(user, path, requests: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(path).status_code == 200  # warm-up: templates, the session
    log = []

    def capture(execute, sql, params, many, context):
        log.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        response = client.get(path)
    selects = [q for q in log if q[0].lstrip().upper().startswith(("SELECT", "WITH"))]
    runs = []
    with connection.cursor() as cursor:
        for _ in range(7):
            started = time.perf_counter()
            for sql, params in selects:
                cursor.cursor.execute(sql, params)
                cursor.cursor.fetchall()
            runs.append((time.perf_counter() - started) * 1000)
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    cpu = (time.process_time() - started) / requests * 1000
    return {"queries": len(log), "kb": len(response.content) / 1024, "sql_ms": statistics.median(runs), "cpu_ms": cpu}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    pages = _pages()
    with open("/proc/loadavg") as f:
        print(f"load average before: {' '.join(f.read().split()[:3])}")
    print("| page | queries | KB | SQL floor ms | CPU ms/request |")
    print("|---|---:|---:|---:|---:|")
    for key in args.pages or list(pages):
        user, path = pages[key]
        r = _measure(user, path, args.requests)
        print(f"| {key} | {r['queries']} | {r['kb']:.0f} | {r['sql_ms']:.1f} | {r['cpu_ms']:.1f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
