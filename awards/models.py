from django.db import models
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel

from .enums import AuthorityKind, AwardCategory, CommendationKind, RecipientKind


class AwardType(TimeStampedModel):
    """One danh hiệu or hình thức khen thưởng as the law defines it for a period.

    When the law changes, a new row with the same code and a later
    effective_from is added; the rule in force on a date is the row whose
    period contains it.
    """

    code = models.CharField("mã", max_length=32, db_index=True)
    name = models.CharField("tên", max_length=255)
    category = models.CharField("loại", max_length=16, choices=AwardCategory.choices)
    recipient_kind = models.CharField("đối tượng", max_length=16, choices=RecipientKind.choices)
    commendation_kind = models.CharField(
        "hình thức theo", max_length=16, choices=CommendationKind.choices, default=CommendationKind.MERIT
    )
    authority_kind = models.CharField("thẩm quyền quyết định", max_length=32, choices=AuthorityKind.choices)
    criteria = models.TextField("tiêu chuẩn", blank=True)
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500, blank=True)
    effective_from = models.DateField("hiệu lực từ ngày")
    effective_to = models.DateField("hiệu lực đến ngày", null=True, blank=True)
    rank = models.PositiveSmallIntegerField("thứ tự", default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "danh hiệu / hình thức khen thưởng"
        verbose_name_plural = "danh mục danh hiệu và khen thưởng"
        ordering = ["rank", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="awardtype_code_from_unique"),
        ]

    def __str__(self):
        return self.name

    def in_force_on(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)
