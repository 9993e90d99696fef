"""Account security records: each login attempt of a user, and each time an account was disabled or enabled."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class LoginEvent(models.Model):
    """One login attempt on an existing account (success or failure), shown on «Hoạt động đăng nhập gần đây».

    A failure for a username that matches no account is not kept: it belongs to no one (django-axes still
    counts it for the lock-out). `session_key` lets an administrator end the sessions of a disabled account
    whatever the session engine. Purged after LOGIN_EVENT_RETENTION_DAYS (accounts.purge_login_events).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_events", verbose_name="tài khoản"
    )
    at = models.DateTimeField("thời điểm", db_index=True)
    succeeded = models.BooleanField("thành công")
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=255, blank=True)
    session_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "lần đăng nhập"
        verbose_name_plural = "hoạt động đăng nhập"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="loginevent_user_at")]

    def __str__(self):
        return f"{self.user} – {self.at:%d/%m/%Y %H:%M} – {'thành công' if self.succeeded else 'thất bại'}"


class AccountStatusChange(models.Model):
    """An administrator disabled (or enabled again) an account: audited (audit/registry.py) in the unit whose
    roles page it was done from, so that unit's auditors see who did it and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="status_changes", verbose_name="tài khoản"
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="account_status_changes", verbose_name="đơn vị"
    )
    active = models.BooleanField("hoạt động sau thay đổi")
    sessions_ended = models.PositiveIntegerField("số phiên đã kết thúc", default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="người thực hiện",
    )
    at = models.DateTimeField("thời điểm", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "khoá / mở tài khoản"
        verbose_name_plural = "khoá / mở tài khoản"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{'Mở' if self.active else 'Khoá'} tài khoản {self.user}"
