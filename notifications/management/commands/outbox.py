"""`manage.py outbox`: the state of the e-mail outbox; after an SMTP outage, retry what failed."""

import datetime

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from notifications import services
from notifications.enums import MailStatus
from notifications.models import OutgoingMail


class Command(BaseCommand):
    help = (
        "Show the e-mail outbox; --retry-failed gives failed mails new attempts; --send-now queues every pending one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed", action="store_true", help="thư gửi không được → chờ gửi, đếm lại số lần thử"
        )
        parser.add_argument("--send-now", action="store_true", help="đưa ngay mọi thư đang chờ vào hàng đợi")

    def handle(self, *args, retry_failed=False, send_now=False, **options):
        if retry_failed:
            self.stdout.write(f"Thư được thử lại: {services.outbox_retry_failed()}")
        if send_now:
            # "now" far enough ahead that every pending row nobody is sending counts as due.
            queued = services.outbox_sweep(now=timezone.now() + services.SWEEP_DELAY + datetime.timedelta(days=1))
            self.stdout.write(f"Thư đã đưa vào hàng đợi: {queued}")
        counts = dict(OutgoingMail.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in MailStatus:
            self.stdout.write(f"{status.label}: {counts.get(status.value, 0)}")
        last = OutgoingMail.objects.filter(status=MailStatus.PENDING).exclude(last_error="").first()
        if last is not None:
            self.stdout.write(f"Lỗi gần nhất ({last.to}): {last.last_error}")
