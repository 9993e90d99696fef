import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, Versioned
from units.models import PERSON_PATH_FOLLOWERS, PathField, Person, Unit
from units.rules import PATH_FIELDS

from .enums import (
    AuthorityKind,
    AwardCategory,
    CommendationKind,
    DisciplineKind,
    InitiativeKind,
    InitiativeScope,
    InitiativeStatus,
    RecipientKind,
    RecordSource,
    RuleKind,
    ServicePeriodKind,
    TaskRating,
)


class AwardType(TimeStampedModel):
    """One danh hiệu or hình thức khen thưởng as the law defines it for a period.

    When the law changes, a new row with the same code and a later
    effective_from is added; the rule in force on a date is the row whose
    period contains it.
    """

    code = models.CharField("mã", max_length=32, db_index=True)
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=64, blank=True)
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
    is_verified = models.BooleanField(
        "đã đối chiếu văn bản", default=True, help_text="Bỏ chọn khi nội dung chưa được đối chiếu với văn bản gốc"
    )
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

    def clean(self):
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError("Ngày hết hiệu lực không thể trước ngày có hiệu lực.")
        overlapping = AwardType.objects.filter(code=self.code).exclude(pk=self.pk)
        end = self.effective_to or datetime.date.max
        for other in overlapping:
            if other.effective_from <= end and (
                other.effective_to is None or other.effective_to >= self.effective_from
            ):
                raise ValidationError(
                    f"Khoảng hiệu lực trùng với phiên bản từ ngày {other.effective_from:%d/%m/%Y} của cùng mã; "
                    "hãy đặt ngày hết hiệu lực cho phiên bản cũ trước."
                )

    def get_absolute_url(self):
        return reverse("awards:catalog_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return self.short_name or self.name


def in_force_q(day, prefix: str = "") -> Q:
    """Rows whose [effective_from, effective_to] contains `day`."""
    return Q(**{f"{prefix}effective_from__lte": day}) & (
        Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": day})
    )


WILDCARD = "*"


class AwardRule(TimeStampedModel):
    """One legal rule of an award, as data: `kind` names a pure function, `params` are its values.

    Rules belong to an award *code* (not to one dated AwardType row), so a new
    version of the catalog row does not need its rules copied. The code "*"
    means every award; a rule of an award replaces a "*" rule of the same kind.
    """

    award_code = models.CharField(
        "mã danh hiệu", max_length=32, db_index=True, help_text="«*» áp dụng cho mọi danh hiệu"
    )
    kind = models.CharField("loại quy tắc", max_length=32, choices=RuleKind.choices)
    params = models.JSONField("tham số", default=dict, blank=True)
    description = models.CharField("mô tả", max_length=500, blank=True)
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500, blank=True)
    effective_from = models.DateField("hiệu lực từ ngày")
    effective_to = models.DateField("hiệu lực đến ngày", null=True, blank=True)
    is_verified = models.BooleanField(
        "đã đối chiếu văn bản", default=True, help_text="Bỏ chọn khi giá trị là mặc định chưa được đối chiếu"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quy tắc xét khen thưởng"
        verbose_name_plural = "quy tắc xét khen thưởng"
        ordering = ["award_code", "kind", "-effective_from"]
        indexes = [models.Index(fields=["award_code", "effective_from"], name="awardrule_code_from")]

    def __str__(self):
        return f"{self.award_code} – {self.get_kind_display()}"

    def clean(self):
        from .rules_engine import validate_params

        problems = validate_params(self.kind, self.params)
        if self.award_code != WILDCARD and not AwardType.objects.filter(code=self.award_code).exists():
            problems.append(f"Không có danh hiệu/hình thức mã «{self.award_code}» trong danh mục.")
        if self.effective_to and self.effective_to < self.effective_from:
            problems.append("Ngày hết hiệu lực không thể trước ngày có hiệu lực.")
        if problems:
            raise ValidationError(" ".join(problems))

    def in_force_on(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class Revocation(TimeStampedModel):
    """A decision that cancels (thu hồi, hủy bỏ) earlier award decisions; its records stop counting."""

    decision_number = models.CharField("số quyết định thu hồi", max_length=64)
    decision_date = models.DateField("ngày quyết định thu hồi")
    issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    reason = models.TextField("lý do")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "quyết định thu hồi"
        verbose_name_plural = "quyết định thu hồi"
        ordering = ["-decision_date", "-id"]

    def __str__(self):
        return f"{self.decision_number} ngày {self.decision_date:%d/%m/%Y}"


class AwardRecordQuerySet(models.QuerySet):
    """Keeps `AwardRecord.unit_path` true on the bulk write paths, which call no `save()`."""

    def in_force(self):
        """Records that count: not revoked."""
        return self.filter(revocation__isnull=True)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_owner_paths(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if {"person", "person_id", "unit", "unit_id"} & set(fields):
            fill_owner_paths(objs, force=True)
            fields = [*dict.fromkeys([*fields, "unit_path"])]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        owner = next((kwargs[k] for k in ("person", "person_id", "unit", "unit_id") if kwargs.get(k) is not None), None)
        if owner is not None and "unit_path" not in kwargs:
            model = Person if "person" in kwargs or "person_id" in kwargs else Unit
            if isinstance(owner, models.Model):
                kwargs["unit_path"] = owner.unit_path if model is Person else owner.path
            else:
                kwargs["unit_path"] = model.objects.values_list("unit_path" if model is Person else "path").get(
                    pk=owner
                )[0]
        return super().update(**kwargs)


def fill_owner_paths(records, *, force: bool = False) -> None:
    """Set each record's `unit_path` from its owner: the person's (current) unit path, the collective's path.
    From the owner objects the records hold, else one query for the people and one for the units."""
    people, units = set(), set()
    for record in records:
        if record.unit_path and not force:
            continue
        if record.person_id is not None:
            if AwardRecord.person.is_cached(record) and record.person.unit_path:
                record.unit_path = record.person.unit_path
            else:
                people.add(record.person_id)
        elif record.unit_id is not None:
            if AwardRecord.unit.is_cached(record) and record.unit.path:
                record.unit_path = record.unit.path
            else:
                units.add(record.unit_id)
    person_paths = dict(Person.objects.filter(pk__in=people).values_list("pk", "unit_path")) if people else {}
    unit_paths = dict(Unit.objects.filter(pk__in=units).values_list("pk", "path")) if units else {}
    for record in records:
        if record.person_id in person_paths:
            record.unit_path = person_paths[record.person_id]
        elif record.person_id is None and record.unit_id in unit_paths:
            record.unit_path = unit_paths[record.unit_id]


class AwardRecord(TimeStampedModel):
    """One award actually given to one person or one collective (the award history)."""

    person = models.ForeignKey(
        Person, verbose_name="cá nhân", null=True, blank=True, on_delete=models.CASCADE, related_name="award_records"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="tập thể", null=True, blank=True, on_delete=models.CASCADE, related_name="award_records"
    )
    award_type = models.ForeignKey(
        AwardType, verbose_name="danh hiệu / hình thức", on_delete=models.PROTECT, related_name="records"
    )
    school_year = models.PositiveSmallIntegerField(
        "năm học (năm bắt đầu)", db_index=True, help_text="2024 là năm học 2024-2025"
    )
    commendation_kind = models.CharField("khen thưởng theo", max_length=16, choices=CommendationKind.choices)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    source = models.CharField("nguồn", max_length=16, choices=RecordSource.choices, default=RecordSource.DECIDED_HERE)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    revocation = models.ForeignKey(
        Revocation,
        verbose_name="bị thu hồi bởi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The owner's unit path, like Person.unit_path: the person's current unit's for a person's record, the
    # collective's own for a unit's. Kept on every save, bulk write, transfer and unit move (units.models
    # PATH_FOLLOWERS), so the kernel and the counts filter a subtree on this one indexed column, with no
    # join through people to units_unit whose row estimate can go wrong (stale statistics: nested loops).
    unit_path = PathField(max_length=255, editable=False, default="")

    objects = AwardRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "khen thưởng đã nhận"
        verbose_name_plural = "lịch sử khen thưởng"
        ordering = ["-school_year", "award_type__rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, unit__isnull=True) | Q(person__isnull=True, unit__isnull=False)),
                name="awardrecord_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["person", "award_type", "school_year", "decision_number"],
                condition=Q(person__isnull=False),
                name="awardrecord_person_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "award_type", "school_year", "decision_number"],
                condition=Q(unit__isnull=False),
                name="awardrecord_unit_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "school_year"], name="awardrecord_person_year"),
            models.Index(fields=["unit", "school_year"], name="awardrecord_unit_year"),
            # Collectives' records in force of some years, counted by type: an index-only scan for the
            # dashboards (29,000 of a province's 323,000 records; the heap fetches cost more than the rows).
            models.Index(
                fields=["school_year", "unit", "award_type"],
                condition=Q(unit__isnull=False, revocation__isnull=True),
                name="awardrecord_year_unit_type",
            ),
            models.Index(fields=["decision_number", "decision_date"], name="awardrecord_decision"),
            # A subtree's records (LIKE 'prefix%', the `within` range, the OWN reach's equality) and of some
            # years within it: the lists, their counts, the dashboards, the statistics.
            models.Index(
                fields=["unit_path", "school_year"],
                name="awardrecord_path_year",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
            # A subtree's decided counts of a year (awards.engine._decided_counts: the quotas): an index-only
            # scan of the year's records under the path, every column the count reads included.
            models.Index(
                fields=["school_year", "unit_path"],
                name="awardrecord_year_path_count",
                opclasses=["int2_ops", "varchar_pattern_ops"],
                include=["person", "award_type", "decision_date", "revocation"],
            ),
        ]

    def __str__(self):
        return f"{self.award_type} {self.school_year}-{self.school_year + 1} – {self.recipient}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"person", "person_id", "unit", "unit_id"} & set(update_fields):
            fill_owner_paths([self], force=True)
            if update_fields is not None:
                kwargs["update_fields"] = [*dict.fromkeys([*update_fields, "unit_path"])]
        super().save(*args, **kwargs)

    @property
    def recipient(self):
        return self.person or self.unit

    @property
    def is_revoked(self) -> bool:
        return self.revocation_id is not None

    @property
    def counts_for_merit(self) -> bool:
        """Đột xuất and chuyên đề results never count toward công trạng prerequisites."""
        return self.commendation_kind == CommendationKind.MERIT and not self.is_revoked


class TaskEvaluation(TimeStampedModel):
    """Đánh giá, xếp loại mức độ hoàn thành nhiệm vụ of one person for one school year."""

    person = models.ForeignKey(Person, verbose_name="cá nhân", on_delete=models.CASCADE, related_name="evaluations")
    school_year = models.PositiveSmallIntegerField("năm học (năm bắt đầu)")
    rating = models.CharField("xếp loại", max_length=16, choices=TaskRating.choices)
    source = models.CharField("nguồn", max_length=16, choices=RecordSource.choices, default=RecordSource.DECIDED_HERE)

    class Meta:
        verbose_name = "đánh giá, xếp loại"
        verbose_name_plural = "đánh giá, xếp loại"
        ordering = ["-school_year"]
        constraints = [models.UniqueConstraint(fields=["person", "school_year"], name="evaluation_person_year_unique")]

    def __str__(self):
        return f"{self.person} {self.school_year}: {self.get_rating_display()}"


class DisciplinePeriod(TimeStampedModel):
    """A disciplinary sanction in force (start–end), or a pending case (kind `pending`) that blocks awards."""

    person = models.ForeignKey(
        Person, verbose_name="cá nhân", on_delete=models.CASCADE, related_name="discipline_periods"
    )
    kind = models.CharField("hình thức", max_length=16, choices=DisciplineKind.choices)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True, help_text="Để trống khi chưa kết thúc")
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "kỷ luật / đang xem xét"
        verbose_name_plural = "kỷ luật / đang xem xét"
        ordering = ["-start"]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()} từ {self.start:%d/%m/%Y}"

    @property
    def is_pending(self) -> bool:
        return self.kind == DisciplineKind.PENDING


class ServicePeriod(TimeStampedModel):
    """A period that changes how service years count: in a very disadvantaged area, or outside the sector."""

    person = models.ForeignKey(Person, verbose_name="cá nhân", on_delete=models.CASCADE, related_name="service_periods")
    kind = models.CharField("loại", max_length=16, choices=ServicePeriodKind.choices)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True, help_text="Để trống khi vẫn đang tiếp diễn")
    place = models.CharField("nơi công tác", max_length=255, blank=True)

    class Meta:
        verbose_name = "quá trình công tác đặc biệt"
        verbose_name_plural = "quá trình công tác đặc biệt"
        ordering = ["start"]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()} từ {self.start:%d/%m/%Y}"


class Initiative(Versioned, TimeStampedModel):
    """Sáng kiến / đề tài: registered by name at the start of a school year, recognised later with a scope."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="initiatives")
    school_year = models.PositiveSmallIntegerField("năm học (năm bắt đầu)")
    title = models.CharField("tên sáng kiến", max_length=500)
    kind = models.CharField("loại", max_length=16, choices=InitiativeKind.choices, default=InitiativeKind.INITIATIVE)
    subject = models.CharField("lĩnh vực / môn", max_length=100, blank=True)
    authors = models.ManyToManyField(Person, verbose_name="tác giả", related_name="initiatives")
    status = models.CharField(
        "trạng thái", max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.REGISTERED
    )
    scope = models.CharField("phạm vi công nhận", max_length=16, choices=InitiativeScope.choices, blank=True)
    decision_number = models.CharField("số quyết định công nhận", max_length=64, blank=True)
    decision_date = models.DateField("ngày quyết định công nhận", null=True, blank=True)
    issuer = models.CharField("cơ quan công nhận", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "sáng kiến"
        verbose_name_plural = "sáng kiến"
        ordering = ["-school_year", "title"]
        indexes = [models.Index(fields=["unit", "school_year"], name="initiative_unit_year")]

    def __str__(self):
        return self.title

    @property
    def is_recognised(self) -> bool:
        return self.status == InitiativeStatus.RECOGNISED


class AuthorityRoute(TimeStampedModel):
    """Which unit decides awards of one `authority_kind` for a part of the tree, and through whom (dated).

    `unit` is a scope: the row applies to that unit and every unit below it,
    and the row on the deepest ancestor-or-self of a proposing unit wins, so a
    province needs a row per Phòng or UBND xã and a few on the Sở, not one per
    school. The decider need not be an ancestor: the UBND huyện that decided
    before 01/07/2025 sits beside the education branch. A change is a new row
    (the old one gets `effective_to`); `via` never changes after creation.
    """

    unit = models.ForeignKey(
        Unit, verbose_name="áp dụng cho đơn vị (và cấp dưới)", on_delete=models.PROTECT, related_name="authority_routes"
    )
    authority_kind = models.CharField("thẩm quyền quyết định", max_length=32, choices=AuthorityKind.choices)
    decider = models.ForeignKey(Unit, verbose_name="cơ quan quyết định", on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField("hiệu lực từ ngày")
    effective_to = models.DateField("hiệu lực đến ngày", null=True, blank=True)
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500, blank=True)
    is_verified = models.BooleanField(
        "đã đối chiếu văn bản", default=True, help_text="Bỏ chọn khi tuyến trình chưa được đối chiếu với văn bản gốc"
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tuyến trình khen thưởng"
        verbose_name_plural = "tuyến trình khen thưởng"
        ordering = ["unit__path", "authority_kind", "effective_from"]
        indexes = [models.Index(fields=["unit", "authority_kind"], name="route_unit_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="route_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_authority_kind_display()} – {self.unit} → {self.decider}"

    def in_force_on(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @classmethod
    def overlapping(cls, *, unit_id, authority_kind, effective_from, effective_to, exclude_pk=None):
        """Rows of the same scope and kind whose period meets [effective_from, effective_to]."""
        rows = cls.objects.filter(unit_id=unit_id, authority_kind=authority_kind).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from)
        )
        if effective_to is not None:
            rows = rows.filter(effective_from__lte=effective_to)
        return rows.exclude(pk=exclude_pk) if exclude_pk else rows

    def clean(self):
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError("Ngày hết hiệu lực không thể trước ngày có hiệu lực.")
        if self.unit_id and self.authority_kind and self.effective_from:
            other = self.overlapping(
                unit_id=self.unit_id,
                authority_kind=self.authority_kind,
                effective_from=self.effective_from,
                effective_to=self.effective_to,
                exclude_pk=self.pk,
            ).first()
            if other:
                raise ValidationError(route_overlap_message(other))


def route_overlap_message(other: "AuthorityRoute") -> str:
    until = f"{other.effective_to:%d/%m/%Y}" if other.effective_to else "nay"
    return (
        f"Đơn vị này đã có tuyến trình cho thẩm quyền «{other.get_authority_kind_display()}» hiệu lực từ "
        f"{other.effective_from:%d/%m/%Y} đến {until}; hãy kết thúc hoặc thay thế tuyến trình đó."
    )


class AuthorityRouteStep(models.Model):
    """One unit a nomination passes through on its way to the decider, in order (`position` 1, 2, …)."""

    route = models.ForeignKey(AuthorityRoute, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField("thứ tự")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị chuyển qua", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "đơn vị chuyển qua"
        verbose_name_plural = "đơn vị chuyển qua"
        ordering = ["route", "position"]
        constraints = [models.UniqueConstraint(fields=["route", "position"], name="routestep_position_unique")]

    def __str__(self):
        return f"{self.position}. {self.unit}"


# The kernel filters records in a subtree on their own `unit_path` (units.rules.scope_q with model=AwardRecord and
# the owner's unit, "person__unit": the path is a person's unit's or the collective's own, and the OWN reach
# compares paths too); a unit move rewrites it (units.services.unit_move), a person's transfer with the person's.
PATH_FIELDS[(AwardRecord, "person__unit")] = "unit_path"
PERSON_PATH_FOLLOWERS.append(AwardRecord)
