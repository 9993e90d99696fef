"""`python -m bench.councils`: N council members cast their ballot sheet at the same moment.

Like `bench.run` (a throw-away SQLite file, migrate), then a Phòng with a council of `--members`
members, all present, and `--items` nominations on the agenda; a round is opened and every member
casts their sheet through the vote page (the Django test client, one thread and one database connection
each), all released together by a barrier. Reports the p50 / p95 / max of a cast and checks that no
ballot is lost or doubled: one voter-roll row and one receipt per member, members × items ballot rows;
then each member tries again and must be refused. Nothing here asserts a time.

    python -m bench.councils [--members 30] [--items 3] [--database-url URL]

SQLite serialises writers (a busy database answers after its timeout); the meaningful run is on
PostgreSQL, the production engine: `--database-url postgres://…/an_empty_database`.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.run import _configure


def _setup(members: int, items: int):
    from django.contrib.auth import get_user_model

    from councils import services
    from councils.enums import AttendanceStatus, MemberRole
    from nominations import services as nomination_services
    from nominations.enums import DossierStatus, NominationStatus, RoundKind
    from nominations.models import Dossier, Nomination
    from units.enums import Gender, Role, SchoolLevel, UnitKind
    from units.services import person_create, unit_create, unit_role_grant

    office = unit_create(by=None, name="Phòng GD&ĐT Đo tải", kind=UnitKind.OFFICE)
    school = unit_create(
        by=None, name="Trường Tiểu học Đo tải", kind=UnitKind.SCHOOL, school_level=SchoolLevel.PRIMARY, parent=office
    )
    users = get_user_model().objects
    voters = [users.create_user(f"hoidong-{i:02d}", password=None) for i in range(members)]
    unit_role_grant(by=None, user=voters[0], unit=office, role=Role.HEAD)
    council = services.council_create(
        by=None,
        unit=office,
        name="Hội đồng đo tải",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    seats = [
        services.council_member_add(
            by=None, council=council, user=u, role=MemberRole.CHAIR if i == 0 else MemberRole.MEMBER
        )
        for i, u in enumerate(voters)
    ]
    meeting = services.meeting_create(
        by=None,
        council=council,
        date=datetime.date(2026, 6, 1),
        start_time=datetime.time(8, 0),
        place="Hội trường",
        chair=seats[0],
        secretary=seats[1],
    )
    dossier = nomination_services.dossier_create(by=None, unit=school, round_kind=RoundKind.EXEMPLARY, school_year=2025)
    names = ["An", "Bình", "Chi", "Dung", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]
    ids = []
    for i in range(items):
        person = person_create(
            by=None,
            unit=school,
            full_name=f"Nguyễn Thị {names[i % 10]} {names[i // 10 % 10]}",
            gender=Gender.FEMALE,
            date_of_birth=datetime.date(1985, 1, 1 + i),
            position="Giáo viên",
        )
        nomination = nomination_services.nomination_add(
            by=None, dossier=dossier, award_code="LDTT", person=person, summary="Hoàn thành xuất sắc nhiệm vụ."
        )
        ids.append(nomination.pk)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=office)
    Nomination.objects.filter(pk__in=ids).update(status=NominationStatus.PASSED_TO_COUNCIL)
    services.agenda_add(by=None, meeting=meeting, nomination_ids=ids)
    for seat in seats:
        services.attendance_set(by=None, meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
    round_ = services.round_create(by=None, meeting=meeting)
    return services.round_act(by=voters[0], round_=round_, action="open", version=round_.version), voters


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--database-url", default="", help="an empty database to use instead of SQLite")
    parser.add_argument(
        "--postgres-only", action="store_true", help="skip, with a line saying so, unless --database-url is PostgreSQL"
    )
    args = parser.parse_args(argv)
    if args.postgres_only and not args.database_url.startswith(("postgres://", "postgresql://")):
        # `make bench` without BENCH_DATABASE_URL: on SQLite concurrent writers fail after the busy timeout,
        # so a number would say nothing about production.
        print(
            "councils: skipped – 30 simultaneous casts need PostgreSQL (SQLite serialises writers); run "
            "`make bench BENCH_DATABASE_URL=postgres://user:pass@host/an_empty_database`"
        )
        return 0
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-councils-") as tmp:
        _configure(Path(tmp) / "bench.sqlite3")
        os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections
        from django.test import Client
        from django.urls import reverse

        from councils.models import Ballot, ReceiptCode, VoterRoll

        call_command("migrate", verbosity=0, interactive=False)
        round_, voters = _setup(args.members, args.items)
        item_ids = [int(k) for k in round_.rules["items"]]
        url = reverse("councils:ballot", args=[round_.pk])
        body = {f"item-{i}": "for" for i in item_ids}
        barrier = threading.Barrier(len(voters))
        timings, statuses, lock = [], [], threading.Lock()

        clients = {}
        for user in voters:  # logged in beforehand: the sessions are not part of the cast
            clients[user.pk] = Client(raise_request_exception=False)
            clients[user.pk].force_login(user)

        def cast(user, again=False):
            if not again:
                barrier.wait()
            started = time.perf_counter()
            try:
                response = clients[user.pk].post(url, body)
                outcome = (response.status_code, response.get("Location", ""))
            except Exception as exc:  # noqa: BLE001 - a bench reports every failure instead of stopping
                outcome = (0, type(exc).__name__)
            elapsed = time.perf_counter() - started
            if not again:
                connections.close_all()
            with lock:
                timings.append(elapsed)
                statuses.append(outcome)

        threads = [threading.Thread(target=cast, args=(u,)) for u in voters]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        receipt = reverse("councils:receipt", args=[round_.pk])
        accepted = sum(1 for status, location in statuses if status == 302 and location == receipt)
        rolls, ballots, codes = VoterRoll.objects.count(), Ballot.objects.count(), ReceiptCode.objects.count()
        ordered = sorted(timings)
        p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
        print(
            f"{connection.vendor}; {len(voters)} members × {len(item_ids)} items cast at once: "
            f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
        )
        refused = len(statuses) - accepted
        print(
            f"accepted {accepted}/{len(voters)} (refused or failed {refused}); voter roll {rolls}, receipts {codes}, "
            f"ballot rows {ballots}"
        )
        timings.clear()
        statuses.clear()
        for u in voters:  # a second cast of each member: refused, nothing added
            cast(u, again=True)
        second = (VoterRoll.objects.count(), Ballot.objects.count())
        ok = (accepted, rolls, codes, ballots, second) == (
            len(voters),
            len(voters),
            len(voters),
            len(voters) * len(item_ids),
            (rolls, ballots),
        )
        print("no lost or doubled ballot; second casts refused" if ok else "MISMATCH: lost, doubled or re-cast ballots")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
