"""`manage.py backup`: the database and every stored file in one archive (ops/backup.py, docs/operations.md)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from ops.backup import backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và mọi tệp đã lưu (minh chứng, văn bản) vào một tệp .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            default=".",
            help="Tệp .tar.gz cần ghi, hoặc thư mục để đặt tệp tdkt-backup-<ngày giờ>.tar.gz "
            "(mặc định: thư mục hiện tại).",
        )
        parser.add_argument("--database", default="default", help="Bí danh cơ sở dữ liệu (mặc định: default).")

    def handle(self, *args, output, database, **options):
        started = time.monotonic()
        target = Path(output)
        if output.endswith(("/", "\\")):  # a folder that may not exist yet
            target.mkdir(parents=True, exist_ok=True)
        result = backup_create(output=target, using=database)
        media = result.manifest["media"]
        size = result.path.stat().st_size
        self.stdout.write(
            f"Đã sao lưu vào {result.path} ({size / 1e6:.1f} MB, {time.monotonic() - started:.1f} s): "
            f"cơ sở dữ liệu {result.manifest['database']['vendor']} và {len(media)} tệp."
        )
        if result.missing:
            self.stderr.write(
                f"Cảnh báo: {len(result.missing)} tệp có bản ghi trỏ tới nhưng không còn trong kho tệp "
                f'(ghi trong manifest.json, mục "missing"): ' + ", ".join(result.missing[:5])
            )
