"""The collectives' outlook (`engine.check_codes` of a unit with the collective codes: `_collective_facts`) of the
Sở, a Phòng and a school at province scale, the path-based reading against the reading before issue 14
(awards/tests/collective_reference.py), interleaved in one process; then the Sở's records page
(`/khen-thuong/don-vi/<Sở id>/`, awards.views.unit_history) through django.test.Client, both ways.

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x \\
        .venv/bin/python -m bench.collective_facts [--n 5] [--no-page]

Each line: the median CPU ms of this process (time.process_time: Python's share, the database's runs elsewhere),
the median wall ms, the queries, the members counted and the largest statement in characters. Read it beside
`cat /proc/loadavg`: on a shared machine times are noisy.
"""

import argparse
import datetime
import os
import re
import statistics
import time


def _timed(run, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu, wall = [], []
    for _ in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = run()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    longest = max((len(q["sql"]) for q in queries.captured_queries), default=0)
    return statistics.median(cpu), statistics.median(wall), len(queries), longest, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--no-page", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from awards import engine, selectors
    from awards.schoolyear import current_school_year
    from awards.tests.collective_reference import collective_facts_before
    from bench.load import _user
    from units.enums import UnitKind
    from units.models import Unit

    settings.ALLOWED_HOSTS = ["*"]
    print(f"load average: {open('/proc/loadavg').read().strip()}")
    dept = Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("path").first()
    office = Unit.objects.filter(kind=UnitKind.OFFICE, path__startswith=dept.path).order_by("path").first()
    school = Unit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=office.path).order_by("path").first()
    today = datetime.date.today()
    year = current_school_year()
    codes = selectors.collective_codes_in_force(today)
    path_based = engine._collective_facts
    ways = {"paths": path_based, "before": collective_facts_before}
    for unit in (dept, office, school):
        verdicts = {}
        for name in ("before", "paths"):  # interleaved: one way, then the other, per unit
            engine._collective_facts = ways[name]
            try:
                cpu, wall, queries, longest, results = _timed(
                    lambda unit=unit: engine.check_codes(unit, codes, year, on_date=today), args.n
                )
                members = len(engine.load_facts([unit], year, today)[0].members)
            finally:
                engine._collective_facts = path_based
            verdicts[name] = [(r.award_code, r.verdict, [(x.status, x.text) for x in r.reasons]) for r in results]
            print(
                f"{unit.kind:<10} {unit.path:<12} {name:<7} check_codes: {cpu:8.1f} ms CPU {wall:8.1f} ms wall "
                f"{queries:3d} queries, {members:6d} members, longest statement {longest:,} chars"
            )
        print(f"{'':<23} same verdicts and reasons: {verdicts['before'] == verdicts['paths']}")
    if args.no_page:
        return
    client = Client()
    client.force_login(_user("dept"))
    url = f"/khen-thuong/don-vi/{dept.pk}/"
    bodies = {}
    for name in ("before", "paths"):
        engine._collective_facts = ways[name]
        try:
            client.get(url)  # warm
            cpu, wall, queries, longest, response = _timed(lambda: client.get(url), args.n)
        finally:
            engine._collective_facts = path_based
        bodies[name] = response.content
        print(
            f"page {url} {name:<7}: {response.status_code} {cpu:8.1f} ms CPU {wall:8.1f} ms wall {queries:3d} queries, "
            f"{len(response.content) // 1024} KB"
        )

    # The page's CSRF token and CSP nonce differ per response: compare without them.
    def plain(body: bytes) -> bytes:
        return re.sub(rb'(csrfmiddlewaretoken" value="|nonce="|csrf-token" content=")[^"]*', rb"\1", body)

    print(f"same HTML (but the CSRF token and nonce): {plain(bodies['before']) == plain(bodies['paths'])}")
    print(f"load average: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
