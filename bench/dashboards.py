"""The dashboards (bảng điều khiển) at province scale: time and SQL queries per level.

On an empty throw-away database (PostgreSQL too), or one an earlier run filled (`--seeded`):

    python -m bench.dashboards --database-url sqlite:////tmp/bench-dashboards.sqlite3
    python -m bench.dashboards --database-url postgresql://portal:portal@127.0.0.1:5432/<empty db>

Grows the demo province with `bench.nominations` (1,500 schools, their people, 3,000 dossiers, about 24,000
nominations), then adds with bulk_create, for each grown person, a Lao động tiên tiến in each of the last
`YEARS` school years (and a CSTĐCS for one in eight), and registrations of two grown schools in three to
every launched campaign of the Sở. Then requests the dashboard of the Sở, of Phòng Bình Lâm and of a school
as their heads. Numbers are for before/after comparisons on the same machine; nothing asserts a time.
"""

import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

YEARS = 5


def _grow_awards(year: int) -> None:
    from awards.engine import award_type_in_force
    from awards.enums import CommendationKind
    from awards.models import AwardRecord
    from bench.nominations import MARK
    from campaigns.enums import CampaignStatus, RegistrationStatus
    from campaigns.models import Campaign, Registration
    from units.enums import UnitKind
    from units.models import Person, Unit

    people = list(Person.objects.filter(unit__name__startswith=MARK).order_by("pk").values_list("pk", flat=True))
    if AwardRecord.objects.filter(person_id__in=people[:1], decision_number="BENCH").exists():
        return
    today = datetime.date.today()
    ldtt, cstdcs = award_type_in_force("LDTT", today), award_type_in_force("CSTDCS", today)
    rows = []
    for school_year in range(year - YEARS + 1, year + 1):
        for i, pk in enumerate(people):
            for award in [ldtt, cstdcs] if i % 8 == 0 else [ldtt]:
                rows.append(
                    AwardRecord(
                        person_id=pk,
                        award_type=award,
                        school_year=school_year,
                        commendation_kind=CommendationKind.MERIT,
                        decision_number="BENCH",
                        decision_date=datetime.date(school_year + 1, 5, 30),
                    )
                )
    AwardRecord.objects.bulk_create(rows, batch_size=5000)
    schools = list(Unit.objects.filter(name__startswith=MARK, kind=UnitKind.SCHOOL).order_by("pk"))
    statuses = [RegistrationStatus.SUBMITTED, RegistrationStatus.DRAFT]
    registrations = [
        Registration(campaign=campaign, unit=school, status=statuses[i % 2])
        for campaign in Campaign.objects.filter(launched_by__kind=UnitKind.DEPARTMENT, status=CampaignStatus.LAUNCHED)
        for i, school in enumerate(schools)
        if i % 3
    ]
    Registration.objects.bulk_create(registrations, batch_size=5000, ignore_conflicts=True)


def report(*, requests: int = 10) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from awards.models import AwardRecord
    from awards.schoolyear import current_school_year
    from bench.nominations import NOMINATIONS, SCHOOLS, _grow
    from bench.run import _measure
    from units.models import Person, Unit

    started = time.perf_counter()
    _grow(SCHOOLS, NOMINATIONS)
    year = current_school_year()
    _grow_awards(year)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"\ndashboards at province scale, {connection.vendor}: {Unit.objects.count()} units, "
        f"{Person.objects.count()} people, {AwardRecord.objects.count()} award records "
        f"(grown in {time.perf_counter() - started:.0f} s); {requests} timed requests per row after 1 warm-up; ms"
    )
    url = reverse("workbench:dashboard")
    pages = [
        ("so.giamdoc", "Sở, năm học hiện tại", url),
        ("so.giamdoc", "Sở, năm học trước", f"{url}?nam={year - 1}"),
        ("pgd-bl.truongphong", "Phòng Bình Lâm", url),
        ("mn-hoasen-bl.hieutruong", "Trường Mầm non Hoa Sen", url),
    ]
    header = f"{'account':<24} {'page':<26} {'queries':>7} {'median':>8} {'p95':>8} {'KB':>7}"
    print(header)
    print("-" * len(header))
    users = get_user_model().objects
    for username, label, page in pages:
        client = Client()
        client.force_login(users.get(username=username))
        row = _measure(client, page, requests)
        print(
            f"{username:<24} {label:<26} {row['queries']:>7} {row['median']:>8.1f} {row['p95']:>8.1f} {row['kb']:>7.1f}"
        )


def main(argv=None) -> int:
    import argparse

    from bench.run import _configure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty throw-away database (or --seeded)")
    parser.add_argument("--seeded", action="store_true", help="the database already holds the migrated demo")
    parser.add_argument("--requests", "-n", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as tmp:
        _configure(Path(tmp) / "unused.sqlite3")
        os.environ["DATABASE_URL"] = args.database_url
        import django

        django.setup()
        from django.core.management import call_command

        if not args.seeded:
            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            call_command("seed_demo", stdout=io.StringIO())
            print(f"migrate and seed_demo: {time.perf_counter() - started:.0f} s")
        report(requests=args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
