"""Store again the hard-rule breaks of the registrations of open campaigns (after an upgrade or a law change).

python manage.py registrations_recheck [--campaign ID]
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.enums import CampaignStatus
from campaigns.models import Registration
from campaigns.services import registration_problems_refresh


class Command(BaseCommand):
    help = "Kiểm tra lại điều kiện các dòng đăng ký của phong trào đang mở và lưu lại vi phạm cho trang tổng hợp."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="chỉ phong trào này (id)")

    def handle(self, *args, campaign=None, **options):
        registrations = Registration.objects.select_related("campaign", "unit", "collective_title")
        if campaign:
            registrations = registrations.filter(campaign_id=campaign)
        else:
            registrations = registrations.filter(campaign__status=CampaignStatus.LAUNCHED)
        checked = changed = 0
        for registration in registrations.order_by("pk").iterator(chunk_size=200):
            with transaction.atomic():
                changed += registration_problems_refresh(registration=registration)
            checked += 1
        self.stdout.write(f"Đã kiểm tra lại {checked} bản đăng ký; {changed} dòng thay đổi.")
