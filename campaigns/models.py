import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel, Versioned
from units.enums import UnitKind

from .enums import CampaignKind, CampaignStatus, DeadlineAction, ObjectGroup, PeriodKind, ReachKind, RegistrationStatus

# The separators a typed list line may end with; the page and the document add their own (";" or ".").
LINE_END_PUNCTUATION = ";.,"


def school_year_label(year: int | None) -> str:
    return f"{year}-{year + 1}" if year else ""


def strip_line_end(text: str) -> str:
    """A typed list line without the separator it was typed with: "Luật …2022;" → "Luật …2022"."""
    return (text or "").strip().rstrip(LINE_END_PUNCTUATION).strip()


class Campaign(Versioned, TimeStampedModel):
    """Phong trào thi đua, with the metadata of the plan (kế hoạch) that launches it.

    The launching unit (`launched_by`) always sees its campaigns; once launched
    a campaign is visible, read-only, to every unit it reaches (see `reach`).
    """

    name = models.CharField("tên phong trào / trích yếu kế hoạch", max_length=500)
    kind = models.CharField("loại phong trào", max_length=16, choices=CampaignKind.choices, db_index=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    launched_by = models.ForeignKey(
        "units.Unit", verbose_name="đơn vị phát động", on_delete=models.PROTECT, related_name="launched_campaigns"
    )
    reach = models.CharField("phạm vi", max_length=16, choices=ReachKind.choices, default=ReachKind.SUBTREE)
    reach_units = models.ManyToManyField(
        "units.Unit", verbose_name="đơn vị được chọn", blank=True, related_name="reaching_campaigns"
    )
    reach_blocks = models.ManyToManyField(
        "units.EmulationBlock", verbose_name="khối/cụm thi đua", blank=True, related_name="campaigns"
    )
    period_kind = models.CharField(
        "thời gian tính theo", max_length=16, choices=PeriodKind.choices, default=PeriodKind.SCHOOL_YEAR
    )
    school_year = models.PositiveSmallIntegerField(
        "năm học (năm bắt đầu)", null=True, blank=True, db_index=True, help_text="2024 là năm học 2024-2025"
    )
    calendar_year = models.PositiveSmallIntegerField(
        "năm", null=True, blank=True, db_index=True, help_text="Phong trào tính theo năm dương lịch, ví dụ 2024"
    )
    period_start = models.DateField("thời gian thi đua từ ngày", null=True, blank=True)
    period_end = models.DateField("đến ngày", null=True, blank=True)
    document_number = models.CharField("số kế hoạch", max_length=32, blank=True, help_text="Ví dụ: 345 hoặc 50a")
    document_symbol = models.CharField("ký hiệu", max_length=64, blank=True, help_text="Ví dụ: KH-PGDĐT")
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    place = models.CharField("địa danh", max_length=100, blank=True)
    purposes = models.TextField("mục đích", blank=True)
    requirements = models.TextField("yêu cầu", blank=True)
    # Đối tượng thi đua (seed 001, III.1): the groups reached, and the plan's own words for each side.
    object_groups = models.JSONField("nhóm đối tượng", default=list, blank=True)
    objects_collective = models.TextField("đối tượng – tập thể", blank=True)
    objects_individual = models.TextField("đối tượng – cá nhân", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    launched_at = models.DateTimeField("phát động lúc", null=True, blank=True)

    class Meta:
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"
        ordering = ["-school_year", "-issued_on", "-id"]
        indexes = [models.Index(fields=["launched_by", "status"], name="campaign_launcher_status")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def period_label(self) -> str:
        """ "Năm học 2025-2026" or "Năm 2024"; the dates when the plan gives only those."""
        if self.period_kind == PeriodKind.CALENDAR_YEAR and self.calendar_year:
            return f"Năm {self.calendar_year}"
        if self.school_year:
            return f"Năm học {self.school_year_label}"
        if self.period_start:
            end = f" – {self.period_end:%d/%m/%Y}" if self.period_end else ""
            return f"{self.period_start:%d/%m/%Y}{end}"
        return ""

    @property
    def object_group_labels(self) -> list[str]:
        labels = dict(ObjectGroup.choices)
        return [str(labels[g]) for g in ObjectGroup.values if g in (self.object_groups or [])]

    @property
    def has_objects(self) -> bool:
        return bool(self.object_groups or self.objects_collective or self.objects_individual)

    @property
    def document_reference(self) -> str:
        """ "Số: 345/KH-PGDĐT" as printed at the top of the plan."""
        if not (self.document_number or self.document_symbol):
            return ""
        # An unnumbered plan keeps the place of its number, as drafts are printed: "Số: …/KH-SGDĐT".
        return f"Số: {self.document_number or '…'}/{self.document_symbol}"

    @property
    def reference_date(self) -> datetime.date:
        """The day whose law applies to the campaign's awards (catalog rows in force)."""
        if self.period_start:
            return self.period_start
        if self.school_year:
            return datetime.date(self.school_year, 9, 1)
        return self.issued_on or datetime.date.today()

    @property
    def is_launched(self) -> bool:
        return self.status == CampaignStatus.LAUNCHED


class LegalBasis(models.Model):
    """One "Căn cứ …" line of the plan, in order."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    text = models.TextField("căn cứ")

    class Meta:
        verbose_name = "căn cứ"
        verbose_name_plural = "căn cứ"
        ordering = ["campaign", "order", "id"]

    def __str__(self):
        return self.text

    @property
    def bare_text(self) -> str:
        """The line without the separator typed with it (lines saved before the service stripped it too)."""
        return strip_line_end(self.text)


class Criterion(models.Model):
    """Tiêu chí thi đua for one object group (tập thể, CBQL, giáo viên, nhân viên, học sinh)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    group = models.CharField("đối tượng", max_length=16, choices=ObjectGroup.choices)
    text = models.TextField("tiêu chí")

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["campaign", "group", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "group"], name="criterion_campaign_group")]

    def __str__(self):
        return f"{self.get_group_display()}: {self.text[:80]}"


class CampaignAward(models.Model):
    """An award on offer in the campaign, with its cap ("không quá 15 tập thể, cá nhân")."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="awards")
    award_type = models.ForeignKey(
        "awards.AwardType", verbose_name="danh hiệu / hình thức", on_delete=models.PROTECT, related_name="+"
    )
    cap = models.PositiveIntegerField("số lượng tối đa", null=True, blank=True, help_text="Để trống: không giới hạn")
    # A plan may split its cap ("không quá 5 tập thể và 10 cá nhân"): each part is optional, and is
    # checked on its own besides the total.
    cap_collective = models.PositiveIntegerField("số lượng tối đa cho tập thể", null=True, blank=True)
    cap_individual = models.PositiveIntegerField("số lượng tối đa cho cá nhân", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "hình thức khen thưởng của phong trào"
        verbose_name_plural = "hình thức khen thưởng của phong trào"
        ordering = ["campaign", "award_type__rank", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "award_type"], name="campaignaward_unique")]

    def __str__(self):
        return f"{self.award_type}: {self.cap_label}"

    @property
    def cap_label(self) -> str:
        """ "không quá 15 tập thể, cá nhân (tập thể không quá 5; cá nhân không quá 10)"."""
        parts = []
        if self.cap_collective is not None:
            parts.append(f"tập thể không quá {self.cap_collective}")
        if self.cap_individual is not None:
            parts.append(f"cá nhân không quá {self.cap_individual}")
        if self.cap is None:
            return "; ".join(parts) if parts else "không giới hạn số lượng"
        total = f"không quá {self.cap}" + (" tập thể, cá nhân" if parts else "")
        return total + (f" ({'; '.join(parts)})" if parts else "")

    @property
    def caps(self) -> dict[str, int]:
        """The caps set, by part (`enums.CapPart`)."""
        values = {"total": self.cap, "collective": self.cap_collective, "individual": self.cap_individual}
        return {part: value for part, value in values.items() if value is not None}


class Phase(Versioned, TimeStampedModel):
    """Đợt thi đua. A campaign's phases never overlap (checked in services)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField("đợt số")
    name = models.CharField("tên đợt", max_length=255, blank=True)
    theme = models.TextField("chủ đề / nội dung", blank=True)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")

    class Meta:
        verbose_name = "đợt thi đua"
        verbose_name_plural = "đợt thi đua"
        ordering = ["campaign", "start", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="phase_campaign_number")]

    def __str__(self):
        return f"Đợt {self.number}" + (f": {self.name}" if self.name else "")

    def is_current(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class Deadline(TimeStampedModel):
    """Units of a kind (or one unit) must do `action` by `due_date` (e.g. schools → Phòng by 03/02/2023)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    action = models.CharField("việc phải làm", max_length=16, choices=DeadlineAction.choices)
    unit_kind = models.CharField(
        "cấp thực hiện", max_length=32, choices=UnitKind.choices, blank=True, help_text="Ví dụ: Trường học"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name="hoặc một đơn vị", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due_date = models.DateField("hạn chót", db_index=True)
    note = models.CharField(
        "ghi chú", max_length=500, blank=True, help_text="Ví dụ: gửi về Phòng GD&ĐT qua thư điện tử"
    )

    class Meta:
        verbose_name = "hạn chót"
        verbose_name_plural = "hạn chót"
        ordering = ["campaign", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=True) & ~models.Q(unit_kind=""))
                | (models.Q(unit__isnull=False) & models.Q(unit_kind="")),
                name="deadline_kind_xor_unit",
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} – {self.applies_label} – {self.due_date:%d/%m/%Y}"

    @property
    def applies_label(self) -> str:
        return self.unit.name if self.unit_id else self.get_unit_kind_display()

    def applies_to(self, unit) -> bool:
        if self.unit_id:
            return self.unit_id == unit.pk
        return self.unit_kind == unit.kind


class DeadlineExtension(models.Model):
    """The level above reopens a passed deadline for one unit until a new date."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey("units.Unit", verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")
    until = models.DateField("gia hạn đến ngày")
    reason = models.CharField("lý do", max_length=500, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField("mở lại lúc", auto_now_add=True)

    class Meta:
        verbose_name = "gia hạn"
        verbose_name_plural = "gia hạn"
        ordering = ["deadline", "unit", "-granted_at"]

    def __str__(self):
        return f"Gia hạn đến {self.until:%d/%m/%Y}"


class DeadlineCompletion(models.Model):
    """A unit did what a deadline asked (e.g. its registration was submitted). Reminders skip it."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="completions")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "unit"], name="completion_unique")]

    def __str__(self):
        return f"Hoàn thành: {self.deadline_id}/{self.unit_id}"


class Registration(Versioned, TimeStampedModel):
    """Đăng ký thi đua of one unit in one campaign: the unit's collective target, a line per team
    (its own collective target) and a line per person."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="registrations")
    unit = models.ForeignKey(
        "units.Unit", verbose_name="đơn vị", on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.DRAFT, db_index=True
    )
    collective_title = models.ForeignKey(
        "awards.AwardType",
        verbose_name="danh hiệu tập thể đăng ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    collective_commendation = models.ForeignKey(
        "awards.AwardType",
        verbose_name="hình thức khen thưởng tập thể đăng ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField("ghi chú", blank=True)
    # The unit's own collective line, like a person line: why it is kept although it breaks a hard rule,
    # and the hard rules it broke when last saved (see RegistrationLine).
    collective_explanation = models.TextField("giải trình danh hiệu tập thể", blank=True)
    collective_problems = models.TextField("vi phạm điều kiện của dòng tập thể khi lưu", blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "đăng ký thi đua"
        verbose_name_plural = "đăng ký thi đua"
        ordering = ["campaign", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="registration_campaign_unit")]

    def __str__(self):
        return f"Đăng ký thi đua – {self.unit} – {self.campaign}"

    def get_absolute_url(self):
        return reverse("campaigns:registration_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)


class RegistrationLine(models.Model):
    """One row of the LAW.md (d) form: STT, họ tên, chức vụ, danh hiệu đăng ký, hình thức khen thưởng đăng ký."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveSmallIntegerField("STT")
    person = models.ForeignKey("units.Person", verbose_name="cá nhân", on_delete=models.PROTECT, related_name="+")
    position = models.CharField("chức vụ", max_length=100, blank=True)
    title = models.ForeignKey(
        "awards.AwardType",
        verbose_name="danh hiệu đăng ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commendation = models.ForeignKey(
        "awards.AwardType",
        verbose_name="hình thức khen thưởng đăng ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    initiative_title = models.CharField("tên sáng kiến đăng ký", max_length=500, blank=True)
    # Why the unit keeps a line that breaks a hard rule (not eligible, over a quota, …): such a line
    # cannot be sent to the head or upward without one (services/registration_checks.py).
    explanation = models.TextField("giải trình", blank=True)
    # The hard rules the line broke when it was last saved, one per line of text (empty: none): what the
    # overview above flags without running the engine for every registration it lists.
    problems = models.TextField("vi phạm điều kiện khi lưu", blank=True)

    class Meta:
        verbose_name = "dòng đăng ký"
        verbose_name_plural = "dòng đăng ký"
        ordering = ["registration", "order"]
        constraints = [models.UniqueConstraint(fields=["registration", "person"], name="registrationline_person")]

    def __str__(self):
        return f"{self.order}. {self.person_id}"


class RegistrationCollectiveLine(models.Model):
    """One team (tổ, a "tập thể nhỏ") of the registering unit: the collective title and commendation it registers."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="collective_lines")
    order = models.PositiveSmallIntegerField("STT")
    team = models.ForeignKey("units.Unit", verbose_name="tổ", on_delete=models.PROTECT, related_name="+")
    title = models.ForeignKey(
        "awards.AwardType",
        verbose_name="danh hiệu tập thể đăng ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commendation = models.ForeignKey(
        "awards.AwardType",
        verbose_name="hình thức khen thưởng tập thể đăng ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # As on RegistrationLine: a team line that breaks a hard rule is not sent without an explanation.
    explanation = models.TextField("giải trình", blank=True)
    problems = models.TextField("vi phạm điều kiện khi lưu", blank=True)

    class Meta:
        verbose_name = "dòng đăng ký của tổ"
        verbose_name_plural = "dòng đăng ký của tổ"
        ordering = ["registration", "order"]
        constraints = [models.UniqueConstraint(fields=["registration", "team"], name="registrationcollectiveline_team")]

    def __str__(self):
        return f"{self.order}. {self.team_id}"


class Compact(TimeStampedModel):
    """Giao ước thi đua signed between units of an emulation block."""

    block = models.ForeignKey(
        "units.EmulationBlock", verbose_name="khối/cụm thi đua", on_delete=models.PROTECT, related_name="compacts"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="phong trào", null=True, blank=True, on_delete=models.SET_NULL, related_name="compacts"
    )
    title = models.CharField("tên giao ước", max_length=500)
    text = models.TextField("nội dung giao ước")
    signed_on = models.DateField("ngày ký")
    units = models.ManyToManyField("units.Unit", verbose_name="đơn vị ký", related_name="compacts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "giao ước thi đua"
        verbose_name_plural = "giao ước thi đua"
        ordering = ["-signed_on", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:compact_detail", args=[self.pk])


class ReminderLog(models.Model):
    """One reminder for (deadline, unit, due date, days before): makes the beat task idempotent.

    `due_date` is the unit's own due date (a reopening moves it), so a reopened
    unit is reminded again for its new date, once per offset. The row is written
    when the reminder is queued (`queued_on`); `sent_on` stays empty until one of
    its e-mails was accepted by the SMTP server (or at once when nobody reminded
    has an address: the in-app notification is then the reminder).
    """

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(null=True)
    days_before = models.PositiveSmallIntegerField()
    queued_on = models.DateField(null=True)
    sent_on = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "unit", "due_date", "days_before"], name="reminderlog_unique_due"
            )
        ]

    def __str__(self):
        return f"Nhắc {self.days_before} ngày: {self.deadline_id}/{self.unit_id}"
