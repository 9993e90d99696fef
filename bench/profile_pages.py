"""Where a page's CPU goes, in process: cProfile over N requests of each page, aggregated by function and area.

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.profile_pages [--pages bare,home-school,staff-school] [--n 200] [--top 30]

Pages are `bench.load`'s (its accounts and URLs: `home-school`, `staff-school`, `person-history`,
`eligibility`, `search`, `search-school`, …) plus `bare` (base.html logged in, every middleware and context
processor: bench/urls.py). Each page through django.test.Client with force_login, warmed by 3 requests, then:

1. CPU per request without the profiler: `time.process_time()` over N requests in batches of 10, the median
   batch (this process's CPU: Python and templates, not PostgreSQL's), its queries (CaptureQueriesContext) and
   size;
2. N more requests under cProfile, all pages' profiles added together: the functions with the most own time
   (tottime) and the most time below them (cumtime), this process's CPU time (not the wait for PostgreSQL),
   and the own time summed by area (Django's template engine,
   ORM, URL resolver, formats, crispy-forms, the driver, each portal app…). The profiler roughly doubles the
   time; read its figures as shares, the first table as the cost.

Read every number beside `cat /proc/loadavg` (printed first): the machine is shared.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time

# The area of a function's own time, by the first fragment of its file path that matches (most specific first).
AREAS = [
    ("django/template/", "django.template (rendering, tags, filters)"),
    ("django/templatetags/", "django.template (rendering, tags, filters)"),
    ("django/db/models/sql/", "django ORM: compiling SQL"),
    ("django/db/models/", "django ORM: querysets, model instances"),
    ("django/db/backends/", "django DB backend"),
    ("psycopg", "psycopg (driver)"),
    ("django/urls/", "django.urls (reverse, resolve)"),
    ("django/utils/formats", "django formats (l10n)"),
    ("django/utils/numberformat", "django formats (l10n)"),
    ("django/utils/dateformat", "django formats (l10n)"),
    ("django/utils/translation", "django translation"),
    ("django/forms/", "django.forms (fields, widgets, rendering)"),
    ("crispy_forms", "crispy-forms"),
    ("crispy_bootstrap5", "crispy-forms"),
    ("django_filters", "django-filter"),
    ("django/contrib/sessions", "sessions"),
    ("django/contrib/auth", "auth"),
    ("django/contrib/messages", "messages"),
    ("django/middleware/csrf", "csrf"),
    ("django/test/", "test client (not in production)"),
    ("django/core/handlers", "django request handling"),
    ("django/http/", "django request handling"),
    ("django/utils/", "django.utils (other)"),
    ("django/", "django (other)"),
    ("site-packages/", "other libraries"),
    ("/bench/", "bench"),
]


def _area(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C calls, str/dict/re …)"
    for fragment, name in AREAS:
        if fragment in filename:
            return name
    if "/lib/python3" in filename:
        return "python stdlib"
    # The portal's own code: its app (top-level directory) by name.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if filename.startswith(root):
        return "portal: " + os.path.relpath(filename, root).split(os.sep)[0]
    return "other"


def _cpu_ms(client, url: str, n: int) -> float:
    batches = []
    for _ in range(max(1, n // 10)):
        start = time.process_time()
        for _ in range(10):
            client.get(url)
        batches.append((time.process_time() - start) / 10 * 1000)
    return statistics.median(batches)


def _gc_ab(clients: dict, pages: dict, keys: list[str], n: int, threshold: int) -> None:
    """The garbage collector as Python leaves it (A: thresholds 700/10/10, nothing frozen) against
    config/gunicorn_conf.py's tune_gc (B: gc.freeze() of what is loaded, first threshold raised), batches of 10
    requests alternating A and B in this process; per request: CPU ms, collections, ms inside the collector."""
    import gc

    from config.gunicorn_conf import tune_gc

    default = gc.get_threshold()
    timing = {"start": 0.0, "ms": 0.0, "runs": 0}

    def callback(phase, info):
        if phase == "start":
            timing["start"] = time.process_time()
        else:
            timing["ms"] += (time.process_time() - timing["start"]) * 1000
            timing["runs"] += 1

    gc.callbacks.append(callback)
    print(f"\ngc A/B: A = thresholds {default}, nothing frozen; B = gc.freeze() + first threshold {threshold}")
    print(
        f"{'page':<16} {'A ms/req':>9} {'B ms/req':>9} {'B/A':>6} {'A gc/req':>9} {'B gc/req':>9} "
        f"{'A gc ms':>8} {'B gc ms':>8}"
    )
    try:
        for key in keys:
            _account, url = pages[key]
            client = clients[key]
            cpu = {"A": [], "B": []}
            runs = {"A": 0, "B": 0}
            gc_ms = {"A": 0.0, "B": 0.0}
            for _ in range(max(1, n // 10)):
                for mode in ("A", "B"):
                    if mode == "A":
                        gc.unfreeze()
                        gc.set_threshold(*default)
                    else:
                        tune_gc(threshold)
                    timing["ms"], timing["runs"] = 0.0, 0
                    start = time.process_time()
                    for _ in range(10):
                        client.get(url)
                    cpu[mode].append((time.process_time() - start) / 10 * 1000)
                    runs[mode] += timing["runs"]
                    gc_ms[mode] += timing["ms"]
            batches = max(1, n // 10) * 10
            a, b = statistics.median(cpu["A"]), statistics.median(cpu["B"])
            print(
                f"{key:<16} {a:9.2f} {b:9.2f} {b / a:6.2f} {runs['A'] / batches:9.1f} {runs['B'] / batches:9.1f} "
                f"{gc_ms['A'] / batches:8.2f} {gc_ms['B'] / batches:8.2f}",
                flush=True,
            )
    finally:
        gc.callbacks.remove(callback)
        gc.unfreeze()
        gc.set_threshold(*default)


def _by_area(stats: pstats.Stats, requests: int) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _cum, _callers) in stats.stats.items():
        area = _area(filename)
        totals[area] = totals.get(area, 0.0) + tottime
    return sorted(((a, t * 1000 / requests) for a, t in totals.items()), key=lambda x: -x[1])


def _top(stats: pstats.Stats, key: str, top: int, requests: int) -> str:
    out = io.StringIO()
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2 if key == "tottime" else 3])[:top]
    out.write(f"{'own ms/req':>10} {'cum ms/req':>10} {'calls/req':>9}  function\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for (filename, line, name), (_cc, nc, tottime, cumtime, _callers) in rows:
        where = filename.replace(root + "/", "")
        where = where.split("site-packages/")[-1]
        out.write(
            f"{tottime * 1000 / requests:10.3f} {cumtime * 1000 / requests:10.3f} {nc / requests:9.1f}  "
            f"{name} ({where}:{line})\n"
        )
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="bare,home-school,staff-school,person-history,eligibility,search")
    parser.add_argument("--n", type=int, default=200, help="requests per page, timed and then profiled")
    parser.add_argument("--top", type=int, default=30, help="functions listed by own and by cumulative time")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU per request (no cProfile)")
    parser.add_argument("--dump", default="", help="also write the summed profile (pstats) to this file")
    parser.add_argument(
        "--gc-ab",
        type=int,
        default=0,
        metavar="THRESHOLD",
        help="only an A/B of the garbage collector: as Python leaves it against config/gunicorn_conf.py's "
        "(gc.freeze() + this first threshold), interleaved",
    )
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
    settings.ROOT_URLCONF = "bench.urls"
    print(f"load average: {open('/proc/loadavg').read().strip()} · DEBUG={settings.DEBUG}")
    users = {key: _user(key) for key in USERS}
    pages = {p.key: (p.user, p.path) for p in _pages(users) if p.method == "GET"}
    pages["bare"] = ("school", "/__bench/bare/")
    keys = args.pages.split(",")
    unknown = [k for k in keys if k not in pages]
    if unknown:
        raise SystemExit(f"unknown pages {unknown}; known: {','.join(sorted(pages))}")

    clients = {}
    for key in keys:
        account, url = pages[key]
        client = Client()
        client.force_login(users[account])
        for _ in range(3):
            status = client.get(url).status_code
            assert status == 200, f"{key}: GET {url} answered {status}"
        clients[key] = client

    if args.gc_ab:
        _gc_ab(clients, pages, keys, args.n, args.gc_ab)
        return
    print(f"\n{'page':<16} {'CPU ms/req':>10} {'× bare':>7} {'queries':>8} {'KB':>6}")
    bare_ms = None
    for key in keys:
        account, url = pages[key]
        client = clients[key]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        count = len(captured)
        ms = _cpu_ms(client, url, args.n)
        if key == "bare":
            bare_ms = ms
        ratio = f"{ms / bare_ms:7.1f}" if bare_ms else f"{'':>7}"
        print(f"{key:<16} {ms:10.2f} {ratio} {count:8d} {len(response.content) / 1024:6.0f}", flush=True)

    if args.no_profile:
        return
    summed = None
    requests = 0
    for key in keys:
        account, url = pages[key]
        client = clients[key]
        # CPU time, not wall time: a wall-clock profile charges the wait for PostgreSQL to socket reads.
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.n):
            client.get(url)
        profile.disable()
        requests += args.n
        stats = pstats.Stats(profile)
        print(f"\n--- {key}: own time by area, ms per request under the profiler")
        for area, ms in _by_area(stats, args.n)[:12]:
            print(f"{ms:8.3f}  {area}")
        summed = stats if summed is None else summed.add(profile)
    print(f"\n=== all pages ({', '.join(keys)}), {requests} requests: own time by area, ms per request")
    for area, ms in _by_area(summed, requests):
        print(f"{ms:8.3f}  {area}")
    print(f"\n=== top {args.top} by own time")
    print(_top(summed, "tottime", args.top, requests))
    print(f"=== top {args.top} by cumulative time")
    print(_top(summed, "cumtime", args.top, requests))
    if args.dump:
        summed.dump_stats(args.dump)
        print(f"profile written to {args.dump} (python -m pstats {args.dump})")


if __name__ == "__main__":
    main()
