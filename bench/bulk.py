"""The Excel import of 10,000 people and the eligibility check of a dossier's 1,000 nominations (issue 14).

    python -m bench.bulk --database-url postgresql://portal:portal@127.0.0.1:5432/<empty db>
    python -m bench.bulk --database-url sqlite:////tmp/bench-bulk.sqlite3 [--seeded] [--people 10000]

Without `--seeded` the database must be empty and throw-away: it is migrated and `seed_demo` fills it.
The import runs inside a transaction that is rolled back afterwards, and the eligibility check's dossier is
deleted after it, so a rerun (`--seeded`) finds the same demo. Numbers are for before/after comparisons
on the same machine; nothing here asserts a time.

- `import_people`: an .xlsx of `n` new people (the «Tải mẫu» template's columns, spread over the school's
  teams) built in memory, imported with `units.importing.people_import` as the school's secretary (the
  service the import view calls, `by=` the user); then the same file again (every row unchanged).
- `eligibility`: a year-end dossier of `n` nominations (each demo person for LĐTT, every other one for
  CSTĐCS too, the schools for TTLĐTT, repeated over more dossier rows until `n`), checked with
  `nominations.checks.verdicts_refresh`, the engine's verdict for every nomination that `ready_to_send`
  («Gửi hồ sơ») and every add or import of nominations run.
"""

import datetime
import io
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PEOPLE = 10000
NOMINATIONS = 1000
SECRETARY = "mn-hoasen-bl.thuky"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu", "Quốc", "Kim"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh"]
GIVEN += ["Long", "Mai", "Nam", "Nga", "Nhung", "Phúc", "Quân", "Quyên", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn"]


@contextmanager
def _measured(result: dict, prefix: str = ""):
    """Wall and CPU seconds and SQL queries of the block into `result` (counted by a wrapper: Django's own
    query log keeps only the last 9,000)."""
    from django.db import connection

    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        start, start_cpu = time.perf_counter(), time.process_time()
        yield
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    result[f"{prefix}seconds"] = round(wall, 3)
    result[f"{prefix}cpu"] = round(cpu, 3)
    result[f"{prefix}queries"] = count


@contextmanager
def _rolled_back():
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def people_workbook(n: int, teams: list[str]) -> bytes:
    """An .xlsx of `n` distinct valid people (no two share a date of birth), written by the writer of the
    «Tải mẫu» template and of «Xuất Excel» (shared strings and the sheet's dimension, as Excel writes them)."""
    from core.excel import build_workbook
    from units.importing import HEADERS, WIDTHS

    born = datetime.date(1965, 1, 1)
    rows = []
    for i in range(n):
        name = f"{SURNAMES[i % 12]} {MIDDLE[(i // 12) % 10]} {GIVEN[(i // 120) % len(GIVEN)]}"
        female = MIDDLE[(i // 12) % 10] == "Thị" or i % 2
        dob = born + datetime.timedelta(days=i)
        start = datetime.date(dob.year + 23, 9, 1)
        rows.append(
            [
                name,
                "Nữ" if female else "Nam",
                f"{dob:%d/%m/%Y}",
                "Giáo viên",
                "x" if i % 50 == 0 else "",
                f"{start:%d/%m/%Y}",
                f"09{i:08d}",
                f"gv{i}@truong.edu.vn",
                teams[i % len(teams)] if teams and i % 3 else "",
            ]
        )
    return build_workbook("Danh sách cán bộ", HEADERS, rows, WIDTHS)


def import_people(n: int = PEOPLE, *, username: str = SECRETARY) -> dict:
    """Import `n` new people into `username`'s school as that user, then the same file again; rolled back."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from units.enums import Role, UnitKind
    from units.importing import people_import
    from units.models import Person, Unit

    user = get_user_model().objects.get(username=username)
    school = Unit.objects.get(roles__user=user, roles__role=Role.SECRETARY, kind=UnitKind.SCHOOL)
    teams = list(Unit.objects.filter(parent=school, kind=UnitKind.TEAM).order_by("pk").values_list("name", flat=True))
    started = time.perf_counter()
    data = people_workbook(n, teams)
    result = {"rows": n, "school": school.name, "teams": len(teams), "kb": round(len(data) / 1024)}
    result["build_seconds"] = round(time.perf_counter() - started, 3)
    before = Person.objects.count()
    with _rolled_back():
        with _measured(result):
            created = people_import(unit=school, upload=SimpleUploadedFile("ds.xlsx", data), by=user)
        result["created"] = created.created
        result["people_after"] = Person.objects.count() - before
        with _measured(result, "again_"):
            again = people_import(unit=school, upload=SimpleUploadedFile("ds.xlsx", data), by=user)
        result["again_unchanged"] = again.unchanged
    return result


def _bench_dossier(n: int):
    """A year-end dossier of `n` nominations of demo people (LĐTT, CSTĐCS) and schools (TTLĐTT); unsaved rows
    beyond the first dossier's are spread over more dossiers (the unique (dossier, candidate, award))."""
    from awards.engine import award_type_in_force
    from awards.schoolyear import current_school_year
    from nominations.enums import DossierStatus, NominationStatus, RoundKind
    from nominations.models import Dossier, Nomination
    from units.enums import UnitKind
    from units.models import Person, Unit

    today = datetime.date.today()
    year = current_school_year(today) - 1
    office = Unit.objects.filter(kind=UnitKind.OFFICE).order_by("pk").first()
    awards = {code: award_type_in_force(code, today) for code in ("LDTT", "CSTDCS", "TTLDTT")}
    people = list(Person.objects.filter(is_active=True).order_by("pk"))
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL).order_by("pk"))
    pairs = [("person", p, "LDTT") for p in people]
    pairs += [("person", p, "CSTDCS") for p in people[::2]]
    pairs += [("unit", s, "TTLDTT") for s in schools]
    dossiers, rows = [], []
    while len(rows) < n:
        dossier = Dossier.objects.create(
            unit=office,
            round_kind=RoundKind.YEAR_END,
            school_year=year,
            receiving_unit=office.parent,
            status=DossierStatus.DRAFT,
            title=f"Hồ sơ đo kiểm {len(dossiers) + 1}",
        )
        dossiers.append(dossier)
        for kind, candidate, code in pairs[: n - len(rows)]:
            rows.append(
                Nomination(
                    dossier=dossier,
                    award_type=awards[code],
                    status=NominationStatus.PROPOSED,
                    summary="Hoàn thành xuất sắc nhiệm vụ năm học.",
                    **{kind: candidate},
                )
            )
    Nomination.objects.bulk_create(rows, batch_size=1000)
    return year, [d.pk for d in dossiers]


def eligibility(n: int = NOMINATIONS, *, runs: int = 3) -> dict:
    """`verdicts_refresh` of `n` nominations (as «Gửi hồ sơ» runs it): the first check, then the median of
    `runs` checks again (as sending the dossier repeats the check made when the nominations were added).

    The dossier is committed and each run is its own transaction, as each «Gửi hồ sơ» is (in one rolled-back
    transaction PostgreSQL would pile up the dead row versions of every run); the dossier is deleted after."""
    import statistics

    from django.db import transaction

    from nominations.checks import verdicts_refresh
    from nominations.models import Dossier, Nomination

    result = {"nominations": n}
    today = datetime.date.today()
    with transaction.atomic():
        year, dossier_ids = _bench_dossier(n)
    try:

        def load():
            return list(
                Nomination.objects.filter(dossier_id__in=dossier_ids)
                .select_related("person", "unit", "award_type", "overridden_by")
                .order_by("pk")
            )

        nominations = load()
        result["candidates"] = len({(n.person_id, n.unit_id) for n in nominations})
        first = load()
        with _measured(result, "first_"), transaction.atomic():
            verdicts_refresh(first, year=year, on_date=today)  # the first check: every verdict is new
        samples = []
        for _ in range(runs):
            one = {}
            fresh = load()
            with _measured(one), transaction.atomic():
                verdicts_refresh(fresh, year=year, on_date=today)
            samples.append(one)
        for key in ("seconds", "cpu", "queries"):
            result[key] = statistics.median(s[key] for s in samples)
        result["best"] = min(s["seconds"] for s in samples)
        checked = Nomination.objects.filter(dossier_id__in=dossier_ids)
        result["verdicts"] = dict(sorted(_count_by(checked.values_list("verdict", flat=True)).items()))
    finally:
        with transaction.atomic():
            Nomination.objects.filter(dossier_id__in=dossier_ids).delete()
            Dossier.objects.filter(pk__in=dossier_ids).delete()
    return result


def _count_by(values) -> dict:
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def report(*, people: int = PEOPLE, nominations: int = NOMINATIONS, runs: int = 3) -> None:
    from django.db import connection

    print(f"\nbulk paths, {connection.vendor}; load average {Path('/proc/loadavg').read_text().split()[:3]}")
    imported = import_people(people)
    print(
        f"import of {imported['rows']} people ({imported['kb']} KB, {imported['teams']} teams) into "
        f"{imported['school']}: {imported['seconds']:.2f} s, CPU {imported['cpu']:.2f} s, "
        f"{imported['queries']} queries, {imported['created']} created; the same file again: "
        f"{imported['again_seconds']:.2f} s, CPU {imported['again_cpu']:.2f} s, {imported['again_queries']} queries, "
        f"{imported['again_unchanged']} unchanged (workbook built in {imported['build_seconds']:.2f} s)"
    )
    checked = eligibility(nominations, runs=runs)
    print(
        f"eligibility of {checked['nominations']} nominations ({checked['candidates']} candidates): median "
        f"{checked['seconds']:.3f} s (best {checked['best']:.3f}), CPU {checked['cpu']:.3f} s, "
        f"{checked['queries']} queries; verdicts {checked['verdicts']}; the first check (every verdict written): "
        f"{checked['first_seconds']:.3f} s, CPU {checked['first_cpu']:.3f} s, {checked['first_queries']} queries"
    )


def main(argv=None) -> int:
    import argparse

    from bench.run import _configure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an empty throw-away database (or --seeded)")
    parser.add_argument("--seeded", action="store_true", help="the database already holds the migrated demo")
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--nominations", type=int, default=NOMINATIONS)
    parser.add_argument("--runs", type=int, default=3, help="measured eligibility runs (median)")
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
        report(people=args.people, nominations=args.nominations, runs=max(1, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
