"""The Excel exports at province scale: each list's «Xuất Excel», a unit's summary and the TĐKT statistics.

On a database that `bench.dashboards` filled (the demo province grown to 1,500 schools, their people,
24,000 nominations and five years of award records):

    python -m bench.dashboards --database-url sqlite:////tmp/bench.sqlite3 -n 1
    python -m bench.exports --database-url sqlite:////tmp/bench.sqlite3

Prints, per export and account, the rows written, the SQL queries, the median and slowest time of the
timed requests and the file's size. Nothing asserts a time; the rows stop at EXPORT_MAX_ROWS (20,000).
"""

import io
import os
import sys
import tempfile
from pathlib import Path


def report(*, requests: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from openpyxl import load_workbook

    from awards.schoolyear import current_school_year
    from bench.run import _measure
    from units.models import UnitRole

    # The Sở: the unit its head («so.giamdoc») holds the role on.
    dept = UnitRole.objects.select_related("unit").get(user__username="so.giamdoc").unit
    year = current_school_year()
    rows = [
        ("so.giamdoc", "Đơn vị (cả tỉnh)", reverse("units:list") + "?xuat=xlsx"),
        ("so.giamdoc", "Tra cứu thành tích (cả tỉnh)", reverse("awards:people_search") + "?xuat=xlsx"),
        ("pgd-bl.truongphong", "Tra cứu thành tích (Phòng)", reverse("awards:people_search") + "?xuat=xlsx"),
        ("so.chuyenvien", "Hồ sơ gửi đến (Sở)", reverse("nominations:inbox") + "?xuat=xlsx"),
        ("so.chuyenvien", "Đề nghị gửi đến (Sở)", reverse("nominations:inbox") + "?tab=de-nghi&xuat=xlsx"),
        ("so.giamdoc", "Phong trào", reverse("campaigns:list") + "?xuat=xlsx"),
        (
            "so.giamdoc",
            "Tổng hợp năm học (Sở)",
            reverse("reports:unit_summary_xlsx", args=[dept.pk]) + f"?nam_hoc={year}",
        ),
        (
            "so.giamdoc",
            "Thống kê TĐKT (Sở)",
            reverse("reports:statistics_xlsx", args=[dept.pk]) + f"?nam={timezone.localdate().year - 1}",
        ),
    ]
    print(f"\nexports at province scale, {connection.vendor}; {requests} timed requests per row after 1 warm-up; ms")
    header = f"{'account':<20} {'export':<30} {'rows':>6} {'queries':>7} {'median':>8} {'max':>8} {'KB':>7}"
    print(header)
    print("-" * len(header))
    users = get_user_model().objects
    for username, label, url in rows:
        client = Client()
        client.force_login(users.get(username=username))
        row = _measure(client, url, requests)
        sheet = load_workbook(io.BytesIO(client.get(url).content), read_only=True).worksheets[0]
        written = sheet.max_row
        print(
            f"{username:<20} {label:<30} {written:>6} {row['queries']:>7} {row['median']:>8.0f} "
            f"{row['p95']:>8.0f} {row['kb']:>7.0f}"
        )


def main(argv=None) -> int:
    import argparse

    from bench.run import _configure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database bench.dashboards filled")
    parser.add_argument("--requests", "-n", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as tmp:
        _configure(Path(tmp) / "unused.sqlite3")
        os.environ["DATABASE_URL"] = args.database_url
        import django

        django.setup()
        report(requests=args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
