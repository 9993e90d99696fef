"""`python -m bench.audit`: the audit page («Nhật ký thay đổi») at province scale, on SQLite.

Like `bench.run` (a throw-away SQLite file, migrate, `seed_demo`), then adds
`--people` people spread over the demo schools, one task evaluation each and
`--edits` edits of people, all with their history rows (as the services write
them), and times the audit page as the Sở administrator and a school head:
first page, page 3, filtered to people, filtered to one unit. Numbers are for
before/after comparisons on the same machine; nothing here asserts a time.

    python -m bench.audit [--people 60000] [--edits 20000] [--requests 10] [--database-url URL]

With `--database-url` (an empty PostgreSQL database, e.g. a scratch one) the same
data is written there instead of SQLite: the production engine, whose planner
behaves differently on these queries.
"""

import argparse
import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.run import _configure, _measure


def _grow(people: int, edits: int) -> None:
    from awards.enums import TaskRating
    from awards.models import TaskEvaluation
    from core.audit import bulk_create_audited, bulk_update_audited
    from units.enums import Gender, UnitKind
    from units.models import Person, Unit

    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL).order_by("pk"))
    batch = [
        Person(
            unit=schools[i % len(schools)],
            full_name=f"Người Thử {i}",
            name_key=f"nguoi thu {i}",
            gender=Gender.FEMALE if i % 2 else Gender.MALE,
            date_of_birth=datetime.date(1970, 1, 1) + datetime.timedelta(days=i % 9000),
            position="Giáo viên",
        )
        for i in range(people)
    ]
    created = bulk_create_audited(Person, batch, by=None, batch_size=2000)
    if not created or created[0].pk is None:
        created = list(Person.objects.filter(full_name__startswith="Người Thử ").order_by("pk"))
    bulk_create_audited(
        TaskEvaluation,
        [TaskEvaluation(person=p, school_year=2024, rating=TaskRating.GOOD) for p in created],
        by=None,
        batch_size=2000,
    )
    changed = created[:edits]
    for p in changed:
        p.position = "Tổ trưởng"
    bulk_update_audited(Person, changed, ["position"], by=None, batch_size=2000)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60000)
    parser.add_argument("--edits", type=int, default=20000)
    parser.add_argument("--requests", "-n", type=int, default=10)
    parser.add_argument("--database-url", default="", help="an empty database to fill instead of SQLite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-audit-") as tmp:
        _configure(Path(tmp) / "bench.sqlite3")
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from audit.registry import AUDITED_MODELS
        from units.models import Unit, UnitRole

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", stdout=io.StringIO())
        _grow(args.people, args.edits)
        history = sum(entry.history_model.objects.count() for entry in AUDITED_MODELS)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have them in production
        engine = connection.vendor
        print(f"setup {time.perf_counter() - started:.0f} s; {history} history rows; {engine}; DEBUG off")
        url = reverse("audit:list")
        head_role = UnitRole.objects.filter(user__username="mn-hoasen-bl.hieutruong")
        school = Unit.objects.get(pk=head_role.values("unit")[:1])
        pages = [
            ("trang 1", url),
            ("trang 3", url + "?page=3"),
            ("lọc cá nhân", url + "?model=units.person"),
            ("lọc một trường", url + f"?unit={school.pk}"),
        ]
        header = f"{'account':<26} {'page':<16} {'queries':>7} {'median':>8} {'p95':>8}"
        print(header)
        print("-" * len(header))
        for username in ("so.quantri", "mn-hoasen-bl.hieutruong"):
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            for label, page_url in pages:
                row = _measure(client, page_url, args.requests)
                print(f"{username:<26} {label:<16} {row['queries']:>7} {row['median']:>8.1f} {row['p95']:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
