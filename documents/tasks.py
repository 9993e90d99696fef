"""Celery interface of the documents app: thin tasks that take ids and call one service."""

import logging

from celery import shared_task

from core.errors import storage_full

from .enums import DocumentStatus
from .pack import packs_progress
from .services import (
    PartsPending,
    PermanentRenderError,
    RenderInProgress,
    document_build,
    document_fail_transient,
    documents_requeue_stale,
    lease_seconds,
)

logger = logging.getLogger(__name__)

TRANSIENT_RETRIES = 3
# A pack waiting for its parts (or a row another worker holds) asks again after 1, 2, … up to
# WAIT_MAX_COUNTDOWN seconds, at most WAIT_RETRIES times (about 50 minutes), then fails with a reason and may
# be asked for again. Waits and errors are counted apart: a long wait leaves the errors their three retries.
WAIT_RETRIES = 600
# The disk (or the quota) was full when the file was written: nothing was kept (file_write_atomically).
STORAGE_FULL = (
    "Máy chủ hết chỗ lưu tệp nên chưa ghi được văn bản (không có tệp nào bị ghi dở). "
    "Vui lòng báo quản trị viên giải phóng dung lượng, rồi bấm tạo lại."
)
WAIT_MAX_COUNTDOWN = 5


@shared_task(
    name="documents.render",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,  # a worker killed mid-render: the message goes back to the queue
    soft_time_limit=240,
    time_limit=300,
    max_retries=None,  # bounded below, per cause
    ignore_result=True,
)
def render_document(self, *, document_id: int, errors: int = 0, waits: int = 0) -> None:
    def again(*, countdown: int, exc=None, **counts):
        kwargs = {"document_id": document_id, "errors": errors, "waits": waits, **counts}
        return self.retry(kwargs=kwargs, countdown=countdown, exc=exc, max_retries=None)

    try:
        doc = document_build(document_id=document_id)
        if doc is not None and doc.status == DocumentStatus.READY:
            packs_progress(doc)  # a dossier pack waiting for this part shows its new share
    except PartsPending:
        # The pack's parts render on other workers; this worker is free meanwhile (no deadlock at concurrency 1).
        if waits >= WAIT_RETRIES:
            document_fail_transient(
                document_id=document_id,
                reason="Các phần của bộ hồ sơ chưa tạo xong sau thời gian chờ; vui lòng yêu cầu tạo lại.",
            )
            return
        raise again(countdown=min(1 + waits, WAIT_MAX_COUNTDOWN), waits=waits + 1) from None
    except RenderInProgress:
        # Another worker holds a live lease; if it died, the lease runs out and we take over.
        if waits >= WAIT_RETRIES:
            return  # that worker has held it for hours: it finishes or fails the row itself
        raise again(countdown=lease_seconds(), waits=waits + 1) from None
    except PermanentRenderError:  # document_build marked the row failed with its reason
        return
    except Exception as exc:  # noqa: BLE001 - anything else is taken as transient: retry, then say so
        if errors >= TRANSIENT_RETRIES:
            logger.exception("document %s failed after %s attempts", document_id, errors + 1)
            reason = (
                STORAGE_FULL
                if storage_full(exc)
                else "Không tạo được văn bản sau nhiều lần thử; vui lòng thử lại sau hoặc báo quản trị viên. "
                f"({type(exc).__name__})"
            )
            document_fail_transient(document_id=document_id, reason=reason)
            return
        raise again(countdown=2 ** (errors + 1), exc=exc, errors=errors + 1) from exc


@shared_task(name="documents.requeue_stale", ignore_result=True)
def requeue_stale() -> int:
    """Beat: send again the renders whose task was lost (services.documents_requeue_stale)."""
    return documents_requeue_stale()
