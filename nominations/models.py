"""Dossiers (hồ sơ đề nghị khen thưởng), their nominations (đề nghị) and evidence attachments.

Statuses change only through the two workflows of `workflows.py` (core.workflow);
every other write goes through `services.py`. Each row carries the integer
`version` of `core.models.Versioned` (optimistic lock of edit forms and transitions).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, Versioned
from core.text import joined_search_key
from units.models import NAME_FOLLOWERS, PathField
from units.rules import PATH_FIELDS

from .enums import EDITABLE_STATES, DossierStatus, NominationStatus, Procedure, RoundKind
from .paths import (
    CANDIDATE_SOURCES,
    DOSSIER_COPIED,
    DOSSIER_SOURCES,
    DossierQuerySet,
    NominationQuerySet,
    fill_candidate_names,
    fill_copies,
    fill_dossier_paths,
    follow_renames,
    sync_nominations,
)

# Evidence kinds accepted, by the type detected from the content: the stored file's extension.
ATTACHMENT_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _with_search_key(save_kwargs: dict, sources: tuple[str, ...]) -> None:
    """A save limited to `update_fields` that changes a source of the key saves the key too."""
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and set(sources) & set(update_fields):
        save_kwargs["update_fields"] = [*dict.fromkeys([*update_fields, "search_key"])]


class Dossier(Versioned, TimeStampedModel):
    """One hồ sơ đề nghị khen thưởng of a proposing unit, addressed to the unit that appraises it."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name="đơn vị đề nghị", on_delete=models.PROTECT, related_name="dossiers"
    )
    round_kind = models.CharField("đợt xét", max_length=16, choices=RoundKind.choices)
    school_year = models.PositiveSmallIntegerField("năm học (năm bắt đầu)", help_text="2024 là năm học 2024-2025")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="phong trào",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    procedure = models.CharField("thủ tục", max_length=16, choices=Procedure.choices, default=Procedure.NORMAL)
    # The next unit of the route (awards.routing.route) of the dossier's awards; kept up to date by the services.
    receiving_unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị tiếp nhận, thẩm định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    title = models.CharField("trích yếu", max_length=500, blank=True)
    summary = models.TextField("tóm tắt (thủ tục đơn giản)", blank=True)
    submission_number = models.CharField("số tờ trình", max_length=64, blank=True)
    submission_date = models.DateField("ngày tờ trình", null=True, blank=True)
    submission_signer = models.CharField("người ký tờ trình", max_length=255, blank=True)
    # Folded title and tờ trình number (core.text.search_key), derived on save: search without diacritics.
    search_key = models.CharField(max_length=600, editable=False, default="")
    status = models.CharField(
        "trạng thái", max_length=16, choices=DossierStatus.choices, default=DossierStatus.DRAFT, db_index=True
    )
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The proposing and the receiving unit's materialised paths ("" without a receiving unit), kept on the row
    # like Person.unit_path (every save, bulk write, transition and unit move sets them): the permission
    # kernel's subtree filters and the inbox read these indexed columns, with no join to units_unit whose
    # row estimate can go wrong under stale statistics.
    unit_path = PathField(max_length=255, editable=False, default="")
    receiving_unit_path = PathField(max_length=255, editable=False, default="")
    history = HistoricalRecords(excluded_fields=["unit_path", "receiving_unit_path"])

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "hồ sơ đề nghị khen thưởng"
        verbose_name_plural = "hồ sơ đề nghị khen thưởng"
        ordering = ["-school_year", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["receiving_unit", "status"], name="dossier_inbox"),
            # Prefix ranges (LIKE 'p%', `within`) under any collation: the pattern operators (see Unit.path).
            models.Index(
                fields=["unit_path", "status"], name="dossier_unit_path", opclasses=["varchar_pattern_ops", ""]
            ),
            models.Index(
                fields=["receiving_unit_path", "status"],
                name="dossier_receiving_path",
                opclasses=["varchar_pattern_ops", ""],
            ),
        ]

    def __str__(self):
        return f"Hồ sơ đề nghị khen thưởng – {self.unit} – {self.get_round_kind_display()} {self.school_year_label}"

    def save(self, *args, **kwargs):
        self.search_key = joined_search_key(self.title, self.submission_number, length=600)
        _with_search_key(kwargs, ("title", "submission_number"))
        update_fields = kwargs.get("update_fields")
        sources = DOSSIER_SOURCES if update_fields is None else DOSSIER_SOURCES & set(update_fields)
        fks = [fk for fk in ("unit", "receiving_unit") if {fk, f"{fk}_id"} & sources]
        if fks:
            fill_dossier_paths([self], force=True, fks=fks)
        if update_fields is not None and fks:
            kwargs["update_fields"] = [*dict.fromkeys([*update_fields, *(f"{fk}_path" for fk in fks)])]
        adding = self._state.adding
        super().save(*args, **kwargs)
        if sources and not adding:
            sync_nominations([self.pk])

    def get_absolute_url(self):
        return reverse("nominations:dossier_detail", args=[self.pk])

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES


class Nomination(Versioned, TimeStampedModel):
    """One award proposed for one person or one collective (the unit itself or one of its teams)."""

    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="nominations")
    person = models.ForeignKey(
        "units.Person", verbose_name="cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name="tập thể", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    award_type = models.ForeignKey(
        "awards.AwardType", verbose_name="danh hiệu / hình thức đề nghị", on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField("tóm tắt thành tích", blank=True)
    status = models.CharField(
        "trạng thái", max_length=24, choices=NominationStatus.choices, default=NominationStatus.PROPOSED, db_index=True
    )
    # The engine's verdict when the nomination (or another of the same candidate in the dossier) last changed,
    # kept so that lists show it without running the engine once per row.
    verdict = models.CharField("kết quả kiểm tra điều kiện", max_length=16, blank=True)
    reasons = models.JSONField("lý do", default=list, blank=True)
    checked_at = models.DateTimeField("kiểm tra lúc", null=True, blank=True)
    # The nomination of the level below this one rolls up from (same nominee, same award), if any.
    source = models.ForeignKey(
        "self", verbose_name="đề nghị của cấp dưới", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chuyên viên ghi ý kiến vượt điều kiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    overridden_at = models.DateTimeField("ghi ý kiến lúc", null=True, blank=True)
    override_criterion = models.CharField("tiêu chuẩn, căn cứ pháp lý áp dụng", max_length=500, blank=True)
    override_reason = models.TextField("lý do", blank=True)
    # Initiatives (sáng kiến) the nomination relies on, with their recognition (awards.Initiative).
    initiatives = models.ManyToManyField(
        "awards.Initiative", verbose_name="sáng kiến", blank=True, related_name="nominations"
    )
    # Filled by the deciding level's decision (see Decision): the award record it wrote.
    decision = models.ForeignKey(
        "Decision",
        verbose_name="quyết định khen thưởng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    award_record = models.OneToOneField(
        "awards.AwardRecord",
        verbose_name="khen thưởng đã ghi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nomination",
    )
    # Copies of the dossier's proposing and receiving unit paths, its status and when it was sent
    # (`DOSSIER_COPIED`), kept equal by every write of the dossier (Dossier.save, DossierQuerySet, a unit move) in
    # its transaction: the scope, the inbox's counts by status, its filtered lists and its default order read the
    # nomination's own columns (20,000 nominations of a Sở), with no join to the dossiers or units_unit.
    dossier_unit_path = PathField(max_length=255, editable=False, default="")
    receiving_unit_path = PathField(max_length=255, editable=False, default="")
    dossier_status = models.CharField(max_length=16, choices=DossierStatus.choices, editable=False, default="")
    dossier_sent_at = models.DateTimeField(null=True, editable=False)
    # A copy of the candidate's name (the person's full_name, else the collective unit's name), in the column's
    # default collation as the names themselves: the inbox's sort by name reads an index range (nomination_name)
    # instead of looking up every candidate's name before the LIMIT. Kept true by the nomination's writes
    # (save, bulk_create, bulk_update, update: paths.fill_candidate_names) and by every rename of a person or a
    # unit (units.models.NAME_FOLLOWERS: paths.follow_renames).
    candidate_sort = models.CharField(max_length=255, editable=False, default="")
    history = HistoricalRecords(
        excluded_fields=[
            "initiatives",
            "dossier_unit_path",
            "receiving_unit_path",
            "dossier_status",
            "dossier_sent_at",
            "candidate_sort",
        ]
    )

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = "đề nghị khen thưởng"
        verbose_name_plural = "đề nghị khen thưởng"
        ordering = ["dossier", "award_type__rank", "id"]
        indexes = [
            # The inbox's counts by status and its lists filtered on a status: the received dossier states first, so
            # a subtree's rows are read as one range per state (`dossier_status IN (…)` then the path's prefix),
            # not the whole prefix with its drafts filtered out row by row (a Sở: 25,000 entries read, 20,000 kept).
            models.Index(
                fields=["dossier_status", "receiving_unit_path", "status", "dossier_unit_path"],
                name="nomination_received",
                opclasses=["", "varchar_pattern_ops", "", "varchar_pattern_ops"],
            ),
            # Reading down a subtree (the proposing unit's path): search, a head's or a reviewer's scope.
            models.Index(
                fields=["dossier_unit_path", "status"],
                name="nomination_unit_path",
                opclasses=["varchar_pattern_ops", ""],
            ),
            # The inbox's list of one status sorted by the candidate's name (`ORDER BY candidate_sort, id DESC
            # LIMIT 25`): one index range in the page's order.
            models.Index(fields=["status", "candidate_sort", "-id"], name="nomination_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, unit__isnull=True) | Q(person__isnull=True, unit__isnull=False)),
                name="nomination_one_candidate",
            ),
            models.UniqueConstraint(
                fields=["dossier", "person", "award_type"],
                condition=Q(person__isnull=False),
                name="nomination_person_unique",
            ),
            models.UniqueConstraint(
                fields=["dossier", "unit", "award_type"],
                condition=Q(unit__isnull=False),
                name="nomination_unit_unique",
            ),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.candidate_name}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The candidate as read, on `_state` (not a field of the instance): a save refills `candidate_sort` only
        # when it changed (no query otherwise); an instance built without from_db (rowload) refills.
        instance._state.loaded_candidate = (instance.__dict__.get("person_id"), instance.__dict__.get("unit_id"))
        return instance

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"dossier", "dossier_id"} & set(update_fields):
            fill_copies([self], force=update_fields is not None or not self._state.adding)
            if update_fields is not None:
                kwargs["update_fields"] = [*dict.fromkeys([*update_fields, *DOSSIER_COPIED.values()])]
        candidate = (self.person_id, self.unit_id)
        if update_fields is None:
            if self._state.adding or getattr(self._state, "loaded_candidate", None) != candidate:
                fill_candidate_names([self], force=True)
        elif CANDIDATE_SOURCES & set(update_fields):
            fill_candidate_names([self], force=True)
            kwargs["update_fields"] = [*dict.fromkeys([*kwargs["update_fields"], "candidate_sort"])]
        super().save(*args, **kwargs)
        self._state.loaded_candidate = candidate

    def get_absolute_url(self):
        from .links import nomination_url  # the one writer of a nomination's address (links.py)

        return nomination_url(self.dossier_id, self.pk)

    @property
    def candidate(self):
        return self.person or self.unit

    @property
    def candidate_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name

    @property
    def is_collective(self) -> bool:
        return self.unit_id is not None

    @property
    def is_overridden(self) -> bool:
        return self.overridden_by_id is not None

    @property
    def is_revoked(self) -> bool:
        """The award granted was revoked (thu hồi): its record's revocation, or, for a nomination of a lower
        level marked by the decision above it, the decision's. Load `award_record` / `decision` with the
        rows (`nominations.decisions.attach_outcomes`) to keep lists at constant queries."""
        if self.award_record_id is not None:
            return self.award_record.revocation_id is not None
        return self.decision_id is not None and self.decision.revocation_id is not None


def _notice_token() -> str:
    return uuid.uuid4().hex


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A generated name under the dossier's prefix: never the uploader's name, never a path they chose."""
    extension = ATTACHMENT_EXTENSIONS.get(instance.content_type, ".bin")
    return f"nominations/{instance.nomination.dossier_id}/{uuid.uuid4().hex}{extension}"


class Attachment(TimeStampedModel):
    """An evidence file of a nomination, stored through Django's storage API and served by a checked view."""

    nomination = models.ForeignKey(
        Nomination, verbose_name="đề nghị", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("tệp", upload_to=attachment_path, max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=200)
    content_type = models.CharField("loại tệp", max_length=64)
    size = models.PositiveIntegerField("dung lượng (byte)")
    description = models.CharField("mô tả", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"
        ordering = ["nomination", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("nominations:attachment_download", args=[self.pk])


class AchievementReport(Versioned, TimeStampedModel):
    """The báo cáo thành tích of a nomination (LAW.md (d)): pre-filled from the history, then edited.

    `profile` holds section I (sơ lược lý lịch of a person: họ tên, ngày sinh, giới tính, quê quán,
    trú quán, đơn vị, chức vụ, trình độ chuyên môn, học hàm/học vị; đặc điểm, tình hình of a collective)
    as {key: text}. `awards_received` holds section III as rows {year, award, decision, issuer}.
    """

    nomination = models.OneToOneField(
        Nomination, verbose_name="đề nghị", on_delete=models.CASCADE, related_name="report"
    )
    profile = models.JSONField("sơ lược lý lịch / đặc điểm, tình hình", default=dict, blank=True)
    duties = models.TextField("chức năng, nhiệm vụ được giao", blank=True)
    results = models.TextField("thành tích đạt được", blank=True)
    measures = models.TextField("biện pháp, giải pháp, đổi mới", blank=True)
    initiatives_text = models.TextField("sáng kiến, đề tài và công nhận", blank=True)
    compliance = models.TextField("chấp hành chủ trương, chính sách, pháp luật", blank=True)
    awards_received = models.JSONField("các hình thức đã được khen thưởng", default=list, blank=True)
    prefilled_at = models.DateTimeField("điền sẵn lúc", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "báo cáo thành tích"
        verbose_name_plural = "báo cáo thành tích"

    def __str__(self):
        return f"Báo cáo thành tích – {self.nomination}"


class Decision(Versioned, TimeStampedModel):
    """A quyết định khen thưởng recorded by the deciding level; it grants some of the nominations it received.

    Granting writes one `awards.AwardRecord` per nomination (`Nomination.award_record`); a revocation
    (`awards.Revocation`) of the decision's records is linked here and marks its nominations.
    """

    deciding_unit = models.ForeignKey(
        "units.Unit", verbose_name="đơn vị trình quyết định", on_delete=models.PROTECT, related_name="decisions"
    )
    school_year = models.PositiveSmallIntegerField("năm học (năm bắt đầu)")
    number = models.CharField("số quyết định", max_length=64)
    date = models.DateField("ngày quyết định")
    signer = models.CharField("người ký", max_length=255)
    signer_title = models.CharField("chức vụ người ký", max_length=255, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=255)
    excerpt = models.CharField("trích yếu", max_length=500, blank=True)
    # Folded number, issuer and excerpt (core.text.search_key), derived on save: search without diacritics.
    search_key = models.CharField(max_length=900, editable=False, default="")
    revocation = models.ForeignKey(
        "awards.Revocation",
        verbose_name="quyết định thu hồi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deciding_unit", "number", "date"], name="decision_number_unique"),
        ]

    def __str__(self):
        return f"Quyết định số {self.number} ngày {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.search_key = joined_search_key(self.number, self.issuer, self.excerpt, length=900)
        _with_search_key(kwargs, ("number", "issuer", "excerpt"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("nominations:decision_detail", args=[self.pk])


class PublicNotice(TimeStampedModel):
    """A level's proposed list published without login for a set number of days (công khai).

    Shows name, unit and proposed award only (ND 13/2023: personal data kept to the minimum).
    The public address carries `token`, not the id.
    """

    unit = models.ForeignKey(
        "units.Unit", verbose_name="đơn vị công khai", on_delete=models.PROTECT, related_name="public_notices"
    )
    title = models.CharField("tiêu đề", max_length=500)
    token = models.CharField("mã công khai", max_length=32, unique=True, default=_notice_token)
    starts_on = models.DateField("công khai từ ngày")
    ends_on = models.DateField("đến hết ngày")
    nominations = models.ManyToManyField(Nomination, verbose_name="đề nghị công khai", related_name="public_notices")
    withdrawn_at = models.DateTimeField("gỡ xuống lúc", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["nominations"])

    class Meta:
        verbose_name = "thông báo công khai"
        verbose_name_plural = "thông báo công khai"
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "Chưa xử lý"
    RESOLVED = "resolved", "Đã xử lý"
    DISMISSED = "dismissed", "Không có cơ sở"


class Objection(TimeStampedModel):
    """An objection (ý kiến phản ánh) sent from the public page about one nominee; tracked to resolution."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name="thông báo công khai", on_delete=models.CASCADE, related_name="objections"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name="đề nghị", on_delete=models.CASCADE, related_name="objections"
    )
    content = models.TextField("nội dung")
    sender_name = models.CharField("người gửi (không bắt buộc)", max_length=200, blank=True)
    sender_contact = models.CharField("liên hệ (không bắt buộc)", max_length=200, blank=True)
    status = models.CharField(
        "tình trạng", max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN, db_index=True
    )
    resolution = models.TextField("kết quả xử lý", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField("xử lý lúc", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ý kiến phản ánh"
        verbose_name_plural = "ý kiến phản ánh"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Ý kiến về {self.nomination}"


# The kernel filters these columns for subtree reaches (units.rules.scope_q with `model=`), and a unit move
# rewrites them with Person.unit_path (units.services.unit_move).
PATH_FIELDS.update(
    {
        (Dossier, "unit"): "unit_path",
        (Dossier, "receiving_unit"): "receiving_unit_path",
        (Nomination, "dossier__unit"): "dossier_unit_path",
        (Nomination, "dossier__receiving_unit"): "receiving_unit_path",
    }
)
# A person's or a unit's rename rewrites the nominations' copies of the candidate's name (Nomination.candidate_sort).
NAME_FOLLOWERS.append(follow_renames)
