"""manage.py nominations_clean_orphans [--dry-run] [--older-than MINUTES]"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from nominations.orphans import DEFAULT_GRACE, orphan_files_clean


class Command(BaseCommand):
    help = "Xoá các tệp minh chứng còn trong kho lưu trữ nhưng không còn bản ghi (tải lên trong giao dịch bị huỷ)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không xoá.")
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(DEFAULT_GRACE.total_seconds() // 60),
            help="Chỉ xử lý tệp cũ hơn số phút này (mặc định 60), để không đụng tới tệp đang được lưu.",
        )

    def handle(self, *args, dry_run=False, older_than=60, **options):
        if older_than < 0:
            raise CommandError("--older-than phải là số phút không âm.")
        report = orphan_files_clean(grace=datetime.timedelta(minutes=older_than), dry_run=dry_run)
        for name in report.found:
            self.stdout.write(name)
        verb = "Sẽ xoá" if dry_run else "Đã xoá"
        self.stdout.write(
            f"{verb} {len(report.found)} tệp không còn bản ghi; bỏ qua {report.recent} tệp mới hơn {older_than} phút."
        )
