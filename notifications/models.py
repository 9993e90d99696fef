"""In-app notifications and the e-mail outbox, for every app."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .enums import MailStatus


class Notification(models.Model):
    """An in-app message to one user (reminders, a filing sent or returned, …)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField("nội dung", max_length=1000)
    url = models.CharField(max_length=500, blank=True)
    # A default rather than auto_now_add, so the data migration from campaigns keeps the original times.
    created_at = models.DateTimeField("thời gian", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread")]

    def __str__(self):
        return self.message


class OutgoingMail(models.Model):
    """One e-mail to one address (the outbox).

    Written in the same transaction as the change that causes it, so a mail
    exists exactly when the change committed. The `notifications.send_mail` task
    sends it and marks it sent only after the SMTP server accepted it; the beat
    job `notifications.sweep_outbox` picks up rows whose task was lost (broker
    down at commit) or whose retries ran out of time.
    """

    to = models.EmailField("người nhận")
    subject = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung")
    status = models.CharField("trạng thái", max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    # Who is sending it now: a worker claims the row until this time, so the sweep and a
    # retry never send the same mail twice at once.
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField("thử lại lúc", null=True, blank=True)
    # What the mail is about, for the app that queued it (e.g. "campaigns.reminder:12:34:2024-10-15").
    reference = models.CharField(max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now, db_index=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thư đi"
        verbose_name_plural = "thư đi"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self):
        return f"{self.to}: {self.subject}"
