"""`manage.py restore <archive>`: the database and the stored files back from `manage.py backup`."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Phục hồi cơ sở dữ liệu và tệp từ một bản sao lưu của `manage.py backup`, rồi chạy migrate. "
        "Dừng web, worker và beat trước khi phục hồi."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Tệp .tar.gz do `manage.py backup` tạo.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ghi đè cả khi cơ sở dữ liệu đã có tài khoản người dùng (xoá dữ liệu đang có).",
        )
        parser.add_argument("--database", default="default", help="Bí danh cơ sở dữ liệu (mặc định: default).")

    def handle(self, *args, archive, force, database, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        started = time.monotonic()
        result = backup_restore(archive=path, force=force, using=database, stdout=self.stdout)
        manifest = result.manifest
        self.stdout.write(
            f"Đã phục hồi bản sao lưu lúc {manifest['created_at']} (mã nguồn {manifest.get('commit') or 'không rõ'}) "
            f"trong {time.monotonic() - started:.1f} s: cơ sở dữ liệu, {result.files_written} tệp ghi lại, "
            f"{result.files_unchanged} tệp đã có sẵn giống hệt; đã chạy migrate."
        )
