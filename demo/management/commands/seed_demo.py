from django.core.management.base import BaseCommand
from django.db import transaction

from demo.seeders import DEMO_ACCOUNTS_TO_PRINT, seed_all


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (một tỉnh, 3 Phòng GD&ĐT, khoảng 30 trường, 600 cá nhân). Chạy lại không thay đổi gì."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = seed_all()
        if created:
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu."))
        else:
            self.stdout.write("Dữ liệu mẫu đã có; không thay đổi gì.")
        for line in DEMO_ACCOUNTS_TO_PRINT:
            self.stdout.write(line)
