"""Generated documents (PDF and DOCX) and the number series of the issuers.

A `GeneratedDocument` is the artifact row of one render: which kind, of which
object, from which inputs (a hash of the context the template saw), its status
and its file. Same inputs, no new render; a changed object gives a new hash and
the older row is shown as stale. Files are written to a temporary name and moved
into place, so a killed worker leaves no half file.
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel

from .enums import DocumentStatus

VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # Crockford-like base32 without 0/O, 1/I
VERIFICATION_LENGTH = 12


def verification_code_new() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_LENGTH))


class NumberSeries(models.Model):
    """One numbering series (sổ đăng ký văn bản): per issuing unit, per calendar year; a council has its own
    (ND 30/2020 Phụ lục I: the number restarts every year; a Hội đồng using the agency's seal numbers apart)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="đơn vị")
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="hội đồng"
    )
    year = models.PositiveSmallIntegerField("năm")
    last_number = models.PositiveIntegerField("số cuối đã cấp", default=0)

    class Meta:
        verbose_name = "sổ số văn bản"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(council__isnull=True), name="number_series_unit_year"
            ),
            models.UniqueConstraint(fields=["council", "year"], name="number_series_council_year"),
        ]

    def __str__(self):
        return f"{self.council_id or self.unit_id}/{self.year}: {self.last_number}"


class DocumentNumber(models.Model):
    """The number given to one document of one object (a biên bản of a meeting, …) when the object has no
    number field of its own: asked again, the same number comes back."""

    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="numbers")
    kind = models.CharField("loại văn bản", max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField("số")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "số văn bản"
        constraints = [
            models.UniqueConstraint(fields=["kind", "content_type", "object_id"], name="document_number_once"),
            models.UniqueConstraint(fields=["series", "number"], name="document_number_unique_in_series"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.object_id}: {self.number}"


def document_path(instance, filename: str) -> str:
    # Named by the content hash of the inputs: a second render of the same inputs lands on the same name.
    return f"documents/{instance.kind}/{filename}"


class GeneratedDocument(TimeStampedModel):
    kind = models.CharField("loại văn bản", max_length=40, db_index=True)
    variant = models.CharField("mẫu", max_length=40, blank=True, default="")
    file_format = models.CharField("định dạng", max_length=8, default="pdf")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    options = models.JSONField("tùy chọn", default=dict, blank=True)
    inputs_hash = models.CharField("mã dữ liệu đầu vào", max_length=64)
    status = models.CharField(
        "trạng thái", max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    attempts = models.PositiveSmallIntegerField("số lần tạo", default=0)
    error = models.TextField("lỗi", blank=True)
    file = models.FileField("tệp", upload_to=document_path, max_length=255, blank=True)
    file_sha256 = models.CharField("SHA-256 của tệp", max_length=64, blank=True)
    size = models.PositiveIntegerField("dung lượng (byte)", default=0)
    pages = models.PositiveIntegerField("số trang", default=0)
    anchors = models.JSONField("vị trí neo (chữ ký)", default=dict, blank=True)
    title = models.CharField("tên văn bản", max_length=500, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    number = models.CharField("số, ký hiệu", max_length=64, blank=True)
    issued_on = models.DateField("ngày văn bản", null=True, blank=True)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="đơn vị"
    )
    verification_code = models.CharField(
        "mã xác thực", max_length=16, unique=True, default=verification_code_new, editable=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    built_at = models.DateTimeField("tạo xong lúc", null=True, blank=True)
    # A document made of others (the dossier pack): the part rows it waits for and merges (documents.pack).
    parts = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="packs", verbose_name="các phần")
    duration_ms = models.PositiveIntegerField("thời gian tạo (ms)", default=0)
    # Signing (PAdES, pyHanko) and the wet-signed scan: documents.signing.
    signed_file = models.FileField("tệp đã ký số", upload_to=document_path, max_length=255, blank=True)
    signed_sha256 = models.CharField("SHA-256 của tệp đã ký", max_length=64, blank=True)
    signed_at = models.DateTimeField("ký lúc", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField("người ký", max_length=255, blank=True)

    class Meta:
        verbose_name = "văn bản đã tạo"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "kind"], name="gendoc_object_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "variant", "file_format", "content_type", "object_id", "inputs_hash"],
                name="gendoc_same_inputs_once",
            )
        ]

    def __str__(self):
        return f"{self.kind} #{self.object_id} ({self.get_status_display()})"


class ScannedOriginal(TimeStampedModel):
    """The scan of a wet-signed original (PDF, colour, ≥ 200 dpi: ND 30/2020), attached to what it signs."""

    document = models.ForeignKey(
        GeneratedDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="scans"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("loại văn bản", max_length=40)
    file = models.FileField("tệp", upload_to="documents/scans/", max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=200)
    size = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    min_dpi = models.PositiveIntegerField("độ phân giải thấp nhất (dpi)", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "bản quét văn bản đã ký"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="scan_object")]
