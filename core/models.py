from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """The one optimistic-lock convention: an integer `version`, carried by every edit form.

    A service locks the row, calls `version_check_and_bump(locked, expected)` and
    saves `version` with the fields it changed; a form loaded before another save
    then carries an older number and is refused with a Vietnamese message.
    Workflow transitions bump it too (`core.workflow.transition`).
    """

    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        abstract = True


def version_check_and_bump(obj: Versioned, expected: int | None) -> None:
    """Refuse a stale form (`expected` differs from the locked row's version), then bump the version.

    `expected=None` means the caller has no form (an import, a script): no check, still a bump.
    The caller must have locked `obj` (`select_for_update`) and must save `version`.
    """
    from .exceptions import ServiceError, StaleObjectError

    try:
        expected = int(expected) if expected is not None else None
    except (TypeError, ValueError):
        # A hand-made POST (our forms always carry the integer): refused, never a 500.
        raise ServiceError("Dữ liệu biểu mẫu không hợp lệ. Vui lòng tải lại trang rồi nhập lại.") from None
    if expected is not None and expected != obj.version:
        raise StaleObjectError()
    obj.version += 1


class TransitionLog(models.Model):
    """History of every workflow transition of every app: who, when, from, to, which action, comment.

    Written by `core.workflow.transition` in the same transaction as the state
    change, so a change without its row (or a row without its change) cannot exist.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField("quy trình", max_length=50)
    action = models.CharField("thao tác", max_length=50)
    from_state = models.CharField("từ trạng thái", max_length=32)
    to_state = models.CharField("sang trạng thái", max_length=32)
    version = models.PositiveIntegerField("phiên bản sau thao tác", null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("lúc", default=timezone.now)
    comment = models.CharField("ý kiến / lý do", max_length=1000, blank=True)

    class Meta:
        verbose_name = "lịch sử chuyển trạng thái"
        verbose_name_plural = "lịch sử chuyển trạng thái"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="transition_log_object")]

    def __str__(self):
        return f"{self.workflow}:{self.object_id} {self.from_state} → {self.to_state}"
