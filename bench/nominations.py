"""The Sở reviewer inbox at province scale and a dossier of 200 nominations: time and SQL queries.

Part of `make bench` (after the page timings and the engine, on the same throw-away SQLite database with
the demo province), or alone on an empty throw-away database (PostgreSQL too):

    python -m bench.nominations --database-url postgresql://portal:portal@127.0.0.1:5432/<empty db>
    python -m bench.nominations --database-url sqlite:////tmp/bench-nominations.sqlite3 [--seeded]

Adds, with bulk_create (not the services: minutes instead of hours), `--schools` schools spread over the
demo Phòngs, each with its people, and two year-end dossiers per school sent to its Phòng in every
received state with about `--nominations` nominations in all (the Sở reviewer sees them all in its inbox,
the level below included), plus one dossier of 200 nominations under appraisal at Phòng Bình Lâm. Then
requests the inbox tabs as so.chuyenvien and the dossier page and its bulk review page as
pgd-bl.chuyenvien. Numbers are for before/after comparisons on the same machine; nothing asserts a time.
"""

import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

SCHOOLS = 1500
NOMINATIONS = 25000
BIG_DOSSIER = 200
MARK = "Trường Thử Quy Mô"  # the grown schools' names start with it (a second run finds them)


def _grow(schools: int, nominations: int) -> int:
    """Add the province-scale rows; returns the id of the 200-nomination dossier."""
    from django.utils import timezone

    from awards.engine import award_type_in_force
    from nominations.enums import RECEIVED_STATES, DossierStatus, NominationStatus, RoundKind
    from nominations.models import Dossier, Nomination
    from units.enums import Gender, SchoolLevel, UnitKind
    from units.models import Person, Unit

    existing = Dossier.objects.filter(unit__name=f"{MARK} lớn", nominations__isnull=False).first()
    if existing is not None:
        return existing.pk
    offices = list(Unit.objects.filter(kind=UnitKind.OFFICE).order_by("pk"))
    big_office = Unit.objects.get(kind=UnitKind.OFFICE, name__icontains="Bình Lâm")
    stamp = timezone.now().timestamp()
    rows = [
        Unit(
            name=f"{MARK} {i + 1}",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=offices[i % len(offices)],
            path=f"tmp-{stamp}-{i}",
            depth=offices[i % len(offices)].depth + 1,
        )
        for i in range(schools)
    ] + [
        Unit(
            name=f"{MARK} lớn",
            kind=UnitKind.SCHOOL,
            school_level=SchoolLevel.PRIMARY,
            parent=big_office,
            path=f"tmp-{stamp}-big",
            depth=big_office.depth + 1,
        )
    ]
    Unit.objects.bulk_create(rows, batch_size=1000)
    units = list(Unit.objects.filter(name__startswith=MARK).select_related("parent").order_by("pk"))
    for unit in units:
        unit.path = f"{unit.parent.path}{unit.pk}/"
    Unit.objects.bulk_update(units, ["path"], batch_size=1000)
    big = next(u for u in units if u.name.endswith("lớn"))
    small = [u for u in units if u.pk != big.pk]

    dossiers_per_school = 2
    per_dossier = max(1, nominations // (len(small) * dossiers_per_school))
    people = [
        Person(
            unit=unit,
            full_name=f"Giáo Viên Thử {unit.pk} {j}",
            name_key=f"giao vien thu {unit.pk} {j}",
            gender=Gender.FEMALE if j % 2 else Gender.MALE,
            date_of_birth=datetime.date(1975, 1, 1) + datetime.timedelta(days=(unit.pk * 31 + j) % 9000),
            position="Giáo viên",
        )
        for unit in small
        for j in range(per_dossier)
    ] + [
        Person(
            unit=big,
            full_name=f"Giáo Viên Lớn {j}",
            name_key=f"giao vien lon {j}",
            gender=Gender.FEMALE,
            date_of_birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=j),
            position="Giáo viên",
        )
        for j in range(BIG_DOSSIER)
    ]
    Person.objects.bulk_create(people, batch_size=2000)
    by_unit: dict[int, list[int]] = {}
    for pk, unit_id in Person.objects.filter(unit__in=units).values_list("pk", "unit_id"):
        by_unit.setdefault(unit_id, []).append(pk)

    now = timezone.now()
    states = list(RECEIVED_STATES)
    dossiers = [
        Dossier(
            unit=unit,
            round_kind=RoundKind.YEAR_END,
            school_year=2024 + k,
            receiving_unit=unit.parent,
            status=states[(unit.pk + k) % len(states)],
            sent_at=now - datetime.timedelta(days=(unit.pk * 7 + k * 13) % 60),
            title=f"Tờ trình đề nghị khen thưởng năm học {2024 + k}-{2025 + k}",
        )
        for unit in small
        for k in range(dossiers_per_school)
    ] + [
        Dossier(
            unit=big,
            round_kind=RoundKind.YEAR_END,
            school_year=2025,
            receiving_unit=big_office,
            status=DossierStatus.UNDER_APPRAISAL,
            sent_at=now - datetime.timedelta(days=3),
            title="Hồ sơ 200 đề nghị",
        )
    ]
    Dossier.objects.bulk_create(dossiers, batch_size=2000)
    award = award_type_in_force("LDTT", datetime.date.today())
    statuses = [NominationStatus.PROPOSED, NominationStatus.ACCEPTED, NominationStatus.RETURNED]
    rows = []
    for dossier in Dossier.objects.filter(unit__in=units).order_by("pk"):
        for j, person_id in enumerate(by_unit.get(dossier.unit_id, [])):
            rows.append(
                Nomination(
                    dossier=dossier,
                    person_id=person_id,
                    award_type=award,
                    summary="Hoàn thành xuất sắc nhiệm vụ năm học.",
                    status=statuses[j % len(statuses)] if dossier.unit_id != big.pk else NominationStatus.PROPOSED,
                    verdict="eligible",
                )
            )
    Nomination.objects.bulk_create(rows, batch_size=2000)
    return Dossier.objects.get(unit=big).pk


def report(*, schools: int = SCHOOLS, nominations: int = NOMINATIONS, requests: int = 10) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.run import _measure
    from nominations.models import Dossier, Nomination

    started = time.perf_counter()
    big = _grow(schools, nominations)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have them in production
    print(
        f"\nnominations at province scale, {connection.vendor}: {Dossier.objects.count()} dossiers, "
        f"{Nomination.objects.count()} nominations (grown in {time.perf_counter() - started:.0f} s); "
        f"{requests} timed requests per row after 1 warm-up; times in ms"
    )
    inbox = reverse("nominations:inbox")
    pages = [
        ("so.chuyenvien", "hộp thư: hồ sơ", inbox),
        ("so.chuyenvien", "hồ sơ, trang 20", inbox + "?page=20"),
        ("so.chuyenvien", "hồ sơ quá hạn, theo hạn", inbox + "?han=qua-han&o=han"),
        ("so.chuyenvien", "hồ sơ, tìm đơn vị", inbox + "?don_vi=Quy+M%C3%B4+12"),
        ("so.chuyenvien", "hộp thư: đề nghị", inbox + "?tab=de-nghi"),
        ("so.chuyenvien", "đề nghị, trang 200", inbox + "?tab=de-nghi&page=200"),
        ("so.chuyenvien", "đề nghị trả lại, theo tên", inbox + "?tab=de-nghi&trang_thai_de_nghi=returned&o=ten"),
        ("pgd-bl.chuyenvien", "hồ sơ 200 đề nghị", reverse("nominations:dossier_detail", args=[big])),
        ("pgd-bl.chuyenvien", "thẩm định hàng loạt (200)", reverse("nominations:dossier_bulk_review", args=[big])),
    ]
    header = f"{'account':<20} {'page':<32} {'queries':>7} {'median':>8} {'p95':>8} {'KB':>7}"
    print(header)
    print("-" * len(header))
    users = get_user_model().objects
    clients = {}
    for username, label, url in pages:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(users.get(username=username))
        row = _measure(clients[username], url, requests)
        print(
            f"{username:<20} {label:<32} {row['queries']:>7} {row['median']:>8.1f} {row['p95']:>8.1f} {row['kb']:>7.1f}"
        )


def main(argv=None) -> int:
    import argparse

    from bench.run import _configure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty throw-away database (or --seeded)")
    parser.add_argument("--seeded", action="store_true", help="the database already holds the migrated demo")
    parser.add_argument("--schools", type=int, default=SCHOOLS)
    parser.add_argument("--nominations", type=int, default=NOMINATIONS)
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
        report(schools=args.schools, nominations=args.nominations, requests=args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
