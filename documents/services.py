"""Asking for a document and building it: every write of the documents app.

`document_request` (web side) builds the context, hashes it and finds or creates the
`GeneratedDocument` row of those inputs; only a new (or failed) row is queued, after the
transaction commits. `document_build` (worker side) claims the row with a conditional
UPDATE, renders into a temporary file and moves it into place, then marks the row ready.
A worker killed mid-render leaves the row "rendering" with no file; the message comes back
(acks_late) and the next worker takes the row over once its lease has passed.
"""

import datetime
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ServiceError

from . import registry
from .enums import DocumentStatus
from .models import GeneratedDocument
from .rendering import DOCUMENT_CSS, STATIC_PREFIX, html_render, pdf_render, static_path

logger = logging.getLogger(__name__)

ENGINE_VERSION = "1"  # bump to make every stored file stale (a layout change the template hash cannot see)
DEFAULT_LEASE_SECONDS = 30


def requeue_after() -> datetime.timedelta:
    """How long a queued row may wait untouched before its task is taken as lost (DOCUMENT_REQUEUE_AFTER)."""
    return datetime.timedelta(seconds=int(getattr(settings, "DOCUMENT_REQUEUE_AFTER", 120)))


def lease_seconds() -> int:
    """How long a "rendering" row without progress is taken to belong to a live worker (DOCUMENT_RENDER_LEASE)."""
    return int(getattr(settings, "DOCUMENT_RENDER_LEASE", DEFAULT_LEASE_SECONDS))


class PermanentRenderError(Exception):
    """A render that will fail again the same way (a template error, missing data): no retry, reason shown."""


# --- inputs ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _template_fingerprint(template_name: str) -> str:
    """A hash of the template, the shared base and includes and the stylesheet: a deploy that changes the
    layout makes older files stale."""
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for name in (
        template_name,
        "documents/base.html",
        "documents/includes/letterhead.html",
        "documents/includes/sign_area.html",
    ):
        try:
            digest.update(get_template(name).template.source.encode())
        except Exception:  # noqa: BLE001 - a missing include is the template's problem, reported at render
            digest.update(name.encode())
    css = static_path(STATIC_PREFIX + DOCUMENT_CSS)
    if css:
        digest.update(css.read_bytes())
    return digest.hexdigest()


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"document context holds a {type(value).__name__}; builders return plain data")


def inputs_hash(kind: registry.DocumentKind, *, variant: str, options: dict, context: dict, file_format: str) -> str:
    payload = json.dumps(
        {"kind": kind.code, "variant": variant, "options": options, "format": file_format, "context": context},
        sort_keys=True,
        ensure_ascii=False,
        default=_jsonable,
    )
    return hashlib.sha256((payload + _template_fingerprint(kind.template)).encode()).hexdigest()


def _kind_or_error(code: str) -> registry.DocumentKind:
    kind = registry.get(code)
    if kind is None:
        raise ServiceError("Loại văn bản không tồn tại.")
    return kind


def _clean_variant(kind: registry.DocumentKind, variant: str) -> str:
    if not kind.variants:
        return ""
    variant = variant or kind.default_variant()
    if variant not in kind.variant_codes():
        raise ServiceError("Mẫu văn bản không hợp lệ.")
    return variant


def _clean_options(kind: registry.DocumentKind, options: dict | None) -> dict:
    return {key: options[key] for key in kind.option_fields if options and key in options}


@dataclass
class Built:
    context: dict
    inputs_hash: str


def context_build(kind: registry.DocumentKind, obj, *, variant: str, options: dict, file_format: str) -> Built:
    context = kind.build(obj, variant=variant, options=options)
    return Built(context, inputs_hash(kind, variant=variant, options=options, context=context, file_format=file_format))


# --- web side -------------------------------------------------------------------------------------------


def document_request(
    *, kind_code: str, obj, by, variant: str = "", options: dict | None = None, file_format: str = "pdf"
) -> GeneratedDocument:
    """Find or create the document of the object's current inputs and queue its render.

    Refuses (PermissionDenied) a user the kind does not let ask. Same inputs as a ready or queued row: that
    row, nothing queued (a double click renders once). A failed row of the same inputs is queued again.
    Side effects: the row; the render task, queued on commit."""
    kind = _kind_or_error(kind_code)
    if not kind.may_request(by, obj):
        raise PermissionDenied
    return document_ensure(kind=kind, obj=obj, by=by, variant=variant, options=options, file_format=file_format)


def document_ensure(
    *, kind: registry.DocumentKind, obj, by, variant: str = "", options: dict | None = None, file_format: str = "pdf"
) -> GeneratedDocument:
    """`document_request` after its permission check: for a document made of others (the dossier pack), whose
    own check covers its parts. Same side effects."""
    if file_format == "docx" and kind.docx is None:
        raise ServiceError("Văn bản này không có bản Word.")
    if file_format not in ("pdf", "docx"):
        raise ServiceError("Định dạng không hợp lệ.")
    variant = _clean_variant(kind, variant)
    options = _clean_options(kind, options)
    built = context_build(kind, obj, variant=variant, options=options, file_format=file_format)
    content_type = ContentType.objects.get_for_model(obj)
    lookup = dict(
        kind=kind.code,
        variant=variant,
        file_format=file_format,
        content_type=content_type,
        object_id=obj.pk,
        inputs_hash=built.inputs_hash,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                doc, created = GeneratedDocument.objects.get_or_create(
                    **lookup, defaults={"options": options, "requested_by": by}
                )
        except IntegrityError:  # a concurrent request created it
            doc, created = GeneratedDocument.objects.get(**lookup), False
        queue = created
        if not created and doc.status == DocumentStatus.FAILED:
            GeneratedDocument.objects.filter(pk=doc.pk, status=DocumentStatus.FAILED).update(
                status=DocumentStatus.QUEUED, error="", progress=0, requested_by=by, updated_at=timezone.now()
            )
            doc.refresh_from_db()
            queue = True
        elif not created and _lost(doc):
            # Queued (or taken by a dead worker) and untouched for long: its message is gone. The conditional
            # touch lets one of two simultaneous requests send it; a duplicate message would be a no-op anyway.
            queue = bool(_stale_rows().filter(pk=doc.pk).update(updated_at=timezone.now()))
        if queue:
            doc_id = doc.pk

            def send():
                # Runs at the commit (the end of this block when the caller has no transaction of its own): the
                # view then tells the user when the broker was down (`doc.queue_failed`).
                doc.queue_failed = _enqueue(doc_id) is False

            transaction.on_commit(send)
    return doc


def _stale_rows():
    """Rows whose render task is lost: queued and untouched for `requeue_after`, or "rendering" by a worker
    whose lease ran out that long ago (its message should have come back; it did not)."""
    now = timezone.now()
    lost = now - requeue_after()
    dead = lost - datetime.timedelta(seconds=lease_seconds())
    return GeneratedDocument.objects.filter(
        Q(status=DocumentStatus.QUEUED, updated_at__lt=lost) | Q(status=DocumentStatus.RENDERING, updated_at__lt=dead)
    )


def _lost(doc: GeneratedDocument) -> bool:
    if doc.status == DocumentStatus.QUEUED:
        return doc.updated_at < timezone.now() - requeue_after()
    if doc.status == DocumentStatus.RENDERING:
        return doc.updated_at < timezone.now() - requeue_after() - datetime.timedelta(seconds=lease_seconds())
    return False


def _enqueue(doc_id: int) -> bool:
    """Send the render task; False when it could not be sent. Never raises (it runs after the commit, in the
    user's request): a row that could not be sent stays queued, and the next request for it or the beat sweep
    sends it again."""
    from .tasks import render_document

    try:
        render_document.delay(document_id=doc_id)
    except Exception:  # noqa: BLE001 - broker down, or the eager task failed
        logger.warning("Could not queue the render of document %s; it will be sent again", doc_id, exc_info=True)
        return False
    return True


def documents_requeue_stale(*, limit: int = 200) -> int:
    """Send again the render of every row whose task was lost (beat, every 5 minutes). Each row is touched
    by a conditional update first, so two sweeps never send the same row twice. Returns how many were sent."""
    sent = 0
    for doc_id in list(_stale_rows().order_by("updated_at").values_list("pk", flat=True)[:limit]):
        if _stale_rows().filter(pk=doc_id).update(updated_at=timezone.now()):
            _enqueue(doc_id)
            sent += 1
    return sent


def document_latest(kind_code: str, obj, *, variant: str = "", file_format: str = "pdf") -> GeneratedDocument | None:
    content_type = ContentType.objects.get_for_model(obj)
    return (
        GeneratedDocument.objects.filter(
            kind=kind_code, variant=variant, file_format=file_format, content_type=content_type, object_id=obj.pk
        )
        .order_by("-created_at", "-id")
        .first()
    )


def document_is_stale(doc: GeneratedDocument) -> bool:
    """True when the object has changed since the document's inputs were taken."""
    kind = registry.get(doc.kind)
    obj = doc.obj
    if kind is None or obj is None:
        return True
    try:
        built = context_build(kind, obj, variant=doc.variant, options=doc.options, file_format=doc.file_format)
    except ServiceError:  # the object can no longer give this document (a revoked decision's certificates)
        return True
    return built.inputs_hash != doc.inputs_hash


# --- worker side ----------------------------------------------------------------------------------------


def _claim(doc_id: int) -> bool:
    """Take the row for this worker: queued, or rendering with a lease that has run out (a dead worker)."""
    expired = timezone.now() - datetime.timedelta(seconds=lease_seconds())
    return bool(
        GeneratedDocument.objects.filter(pk=doc_id)
        .filter(Q(status=DocumentStatus.QUEUED) | Q(status=DocumentStatus.RENDERING, updated_at__lt=expired))
        .update(status=DocumentStatus.RENDERING, progress=1, attempts=F("attempts") + 1, updated_at=timezone.now())
    )


def _progress(doc_id: int):
    def report(percent: int) -> None:
        GeneratedDocument.objects.filter(pk=doc_id, status=DocumentStatus.RENDERING).update(
            progress=min(percent, 99), updated_at=timezone.now()
        )

    return report


def verification_context(doc: GeneratedDocument) -> dict:
    import segno

    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    url = base + reverse("documents:verify", args=[doc.verification_code])
    # A PNG of 4 px a module, drawn without smoothing (document.css): WeasyPrint draws the SVG of the same code
    # path by path, about 30 ms a document (a fifth of a báo cáo thành tích), the PNG in about 2 ms.
    qr = segno.make(url, error="m").png_data_uri(border=0, scale=4)
    return {"code": doc.verification_code, "url": url, "qr": qr}


def file_write_atomically(relative_name: str, data: bytes) -> str:
    """Write `data` to MEDIA_ROOT/`relative_name` through a temporary file in the same folder, fsync, then
    rename: readers see the old file or the whole new one, and a crash leaves only a *.part file. Another
    storage gets a replace through its API: an S3 bucket (MEDIA_STORAGE=s3, which overwrites) in one PUT, so
    readers see the old object or the new one; one that would pick another name (the in-memory storage of the
    tests) after deleting the old file. Returns the name the storage kept."""
    if not isinstance(default_storage, FileSystemStorage):
        if default_storage.exists(relative_name) and default_storage.get_available_name(relative_name) != relative_name:
            default_storage.delete(relative_name)
        return default_storage.save(relative_name, ContentFile(data))
    final = Path(default_storage.path(relative_name))
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".render-", suffix=".part", dir=final.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return relative_name


class RenderInProgress(Exception):
    """Another worker holds a live lease on the row: try again later."""


class PartsPending(Exception):
    """A document made of other documents (the dossier pack) waits for its parts, rendered by other tasks: the
    row goes back to "queued" with `progress` (the share of parts ready) and the task retries soon. Waiting in
    the task would block a worker that the parts may need (a worker of concurrency 1 would deadlock)."""

    def __init__(self, *, ready: int, total: int):
        super().__init__(f"{ready}/{total} parts ready")
        self.ready, self.total = ready, total

    @property
    def progress(self) -> int:
        return max(1, min(90, 90 * self.ready // max(self.total, 1)))


def document_build(*, document_id: int) -> GeneratedDocument | None:
    """Render one document row (worker side). Returns the row, or None when it is gone.

    A ready row is left alone (the same message delivered twice renders once). Raises RenderInProgress while
    another live worker holds the row, PartsPending (row back to queued) while a pack waits for its parts,
    PermanentRenderError (row marked failed with its reason) when the render cannot succeed, and any other
    exception as transient (the task retries)."""
    doc = GeneratedDocument.objects.filter(pk=document_id).first()
    if doc is None or doc.status == DocumentStatus.READY:
        return doc
    if not _claim(document_id):
        doc.refresh_from_db()
        if doc.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            return doc
        raise RenderInProgress(document_id)
    doc.refresh_from_db()
    kind = registry.get(doc.kind)
    obj = doc.obj
    if kind is None or obj is None:
        return _fail(doc, "Văn bản không còn dữ liệu để tạo (đối tượng đã bị xóa).")
    started = time.perf_counter()
    try:
        built = context_build(kind, obj, variant=doc.variant, options=doc.options, file_format=doc.file_format)
        meta = built.context.get("meta", {})
        if doc.file_format == "docx":
            data, pages, anchors = kind.docx(built.context), 0, {}
        elif kind.render is not None:
            data, pages, anchors = kind.render(doc, built.context, progress=_progress(doc.pk))
        else:
            context = {**built.context, "verification": verification_context(doc)}
            html = html_render(kind.template, context)
            result = pdf_render(html, progress=_progress(doc.pk), expected_pages=int(meta.get("expected_pages", 1)))
            data, pages, anchors = result.pdf, result.pages, result.anchors
    except PartsPending as exc:
        GeneratedDocument.objects.filter(pk=doc.pk, status=DocumentStatus.RENDERING).update(
            status=DocumentStatus.QUEUED, progress=exc.progress, updated_at=timezone.now()
        )
        raise
    except (PermanentRenderError, ServiceError) as exc:  # a builder's refusal will not change on a retry
        return _fail(doc, str(exc))
    name = f"documents/{doc.kind}/{doc.inputs_hash[:20]}-{doc.pk}.{doc.file_format}"
    name = file_write_atomically(name, data)
    fields = dict(
        status=DocumentStatus.READY,
        progress=100,
        error="",
        file=name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=pages,
        anchors=anchors,
        title=str(meta.get("title", ""))[:500],
        issuer=str(meta.get("issuer", ""))[:255],
        number=str(meta.get("number", ""))[:64],
        issued_on=meta.get("date") or None,
        unit_id=meta.get("unit_id"),
        built_at=timezone.now(),
        duration_ms=int((time.perf_counter() - started) * 1000),
        updated_at=timezone.now(),
    )
    if (
        built.inputs_hash != doc.inputs_hash
        and not GeneratedDocument.objects.filter(
            kind=doc.kind,
            variant=doc.variant,
            file_format=doc.file_format,
            content_type_id=doc.content_type_id,
            object_id=doc.object_id,
            inputs_hash=built.inputs_hash,
        ).exists()
    ):
        fields["inputs_hash"] = built.inputs_hash  # the object changed between the request and the render
    GeneratedDocument.objects.filter(pk=doc.pk).update(**fields)
    doc.refresh_from_db()
    return doc


def _fail(doc: GeneratedDocument, reason: str) -> GeneratedDocument:
    GeneratedDocument.objects.filter(pk=doc.pk).update(
        status=DocumentStatus.FAILED, error=reason[:2000], updated_at=timezone.now()
    )
    doc.refresh_from_db()
    return doc


def document_fail_transient(*, document_id: int, reason: str) -> None:
    """After the last retry of a transient error: the row shows the reason and may be asked for again."""
    GeneratedDocument.objects.filter(pk=document_id).exclude(status=DocumentStatus.READY).update(
        status=DocumentStatus.FAILED, error=reason[:2000], updated_at=timezone.now()
    )
