"""Celery interface of the documents app: thin tasks that take ids and call one service."""

import logging

from celery import shared_task

from .enums import DocumentStatus
from .pack import packs_progress
from .services import (
    PartsPending,
    PermanentRenderError,
    RenderInProgress,
    document_build,
    document_fail_transient,
    lease_seconds,
)

logger = logging.getLogger(__name__)

TRANSIENT_RETRIES = 3
# A pack waiting for its parts asks again after 1, 2, … up to PARTS_WAIT_MAX_COUNTDOWN seconds, at most
# PARTS_WAIT_RETRIES times (about 50 minutes), then fails with a reason and may be asked for again.
PARTS_WAIT_RETRIES = 600
PARTS_WAIT_MAX_COUNTDOWN = 5


@shared_task(
    name="documents.render",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,  # a worker killed mid-render: the message goes back to the queue
    soft_time_limit=240,
    time_limit=300,
    max_retries=TRANSIENT_RETRIES + 20,
    ignore_result=True,
)
def render_document(self, *, document_id: int) -> None:
    try:
        doc = document_build(document_id=document_id)
        if doc is not None and doc.status == DocumentStatus.READY:
            packs_progress(doc)  # a dossier pack waiting for this part shows its new share
    except PartsPending:
        # The pack's parts render on other workers; this worker is free meanwhile (no deadlock at concurrency 1).
        if self.request.retries >= PARTS_WAIT_RETRIES:
            document_fail_transient(
                document_id=document_id,
                reason="Các phần của bộ hồ sơ chưa tạo xong sau thời gian chờ; vui lòng yêu cầu tạo lại.",
            )
            return
        countdown = min(1 + self.request.retries, PARTS_WAIT_MAX_COUNTDOWN)
        raise self.retry(countdown=countdown, max_retries=PARTS_WAIT_RETRIES) from None
    except RenderInProgress:
        # Another worker holds a live lease; if it died, the lease runs out and we take over.
        raise self.retry(countdown=lease_seconds(), max_retries=20) from None
    except PermanentRenderError:  # document_build marked the row failed with its reason
        return
    except Exception as exc:  # noqa: BLE001 - anything else is taken as transient: retry, then say so
        if self.request.retries >= TRANSIENT_RETRIES:
            logger.exception("document %s failed after %s attempts", document_id, self.request.retries + 1)
            document_fail_transient(
                document_id=document_id,
                reason="Không tạo được văn bản sau nhiều lần thử; vui lòng thử lại sau hoặc báo quản trị viên. "
                f"({type(exc).__name__})",
            )
            return
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
