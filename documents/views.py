"""Pages of the documents app: ask for a render, follow its progress (htmx polling), download.

Every view resolves the object through the document kind's own selector first (404 outside the
user's scope), then asks the kind who may act (403)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.exceptions import ServiceError
from core.rules import view_rule
from core.uploads import protected_download
from units.view_rules import DOCUMENT_READ, DOCUMENT_REQUEST

from . import selectors, services
from .enums import DocumentStatus

QUEUE_DOWN_AFTER = 30  # seconds a row may wait for a worker before the page says the service is down
# The render could not be handed to the workers (the broker is down): the request is kept and sent again.
QUEUE_DOWN = (
    "Đã ghi nhận yêu cầu tạo văn bản, nhưng dịch vụ tạo văn bản đang tạm ngừng: văn bản sẽ được tạo tự động "
    "khi dịch vụ hoạt động trở lại (thường trong vài phút). Bạn không cần gửi lại yêu cầu."
)


def _back(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(target)
    return redirect(fallback)


@require_POST
@view_rule(DOCUMENT_REQUEST)
def document_request(request, kind, object_id):
    """Queue the render of `kind` for the object; answer at once with the document's status."""
    kind_obj, obj = selectors.object_get_visible(request.user, kind, object_id)
    options = {key: request.POST.get(key, "") for key in kind_obj.option_fields if key in request.POST}
    try:
        doc = services.document_request(
            kind_code=kind_obj.code,
            obj=obj,
            by=request.user,
            variant=request.POST.get("variant", ""),
            options=options,
            file_format=request.POST.get("format", "pdf"),
        )
    except ServiceError as exc:
        if request.htmx:
            return render(request, "documents/_error.html", {"message": str(exc)}, status=400)
        messages.error(request, str(exc))
        return _back(request, obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "home")
    if request.htmx:
        context = _status_context(doc, stale=False)
        context["queue_down"] = context["queue_down"] or getattr(doc, "queue_failed", False)
        return render(request, "documents/_status.html", context)
    if getattr(doc, "queue_failed", False):
        messages.warning(request, QUEUE_DOWN)
    return redirect("documents:detail", doc.pk)


def _status_context(doc, *, stale: bool) -> dict:
    waited = timezone.now() - doc.updated_at > datetime.timedelta(seconds=QUEUE_DOWN_AFTER)
    return {
        "doc": doc,
        # Still waiting for a worker after a while: the broker or the workers are down (or very busy).
        "queue_down": doc.status == DocumentStatus.QUEUED and waited,
        "queue_down_message": QUEUE_DOWN,
        "busy": doc.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING),
        "ready": doc.status == DocumentStatus.READY,
        "failed": doc.status == DocumentStatus.FAILED,
        "stale": stale,
    }


@view_rule(DOCUMENT_READ)
def document_detail(request, pk):
    """The document's page: status and progress (polled while rendering), download, stale warning, signing."""
    visible = selectors.document_get_visible(request.user, pk)
    doc = visible.doc
    busy = doc.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING)
    stale = not busy and services.document_is_stale(doc)
    context = _status_context(doc, stale=stale)
    if request.htmx:
        return render(request, "documents/_status.html", context)
    context.update(
        {
            "obj": visible.obj,
            "kind": visible.kind,
            "may_request": visible.kind.may_request(request.user, visible.obj),
            "scans": selectors.scans_of(visible.obj),
        }
    )
    return render(request, "documents/detail.html", context)


@view_rule(DOCUMENT_READ)
def document_download(request, pk):
    visible = selectors.document_get_visible(request.user, pk)
    doc = visible.doc
    signed = request.GET.get("signed") == "1"
    field = doc.signed_file if signed else doc.file
    if doc.status != DocumentStatus.READY or not field:
        raise Http404
    stem = visible.kind.filename or visible.kind.code
    suffix = "-da-ky" if signed else ""
    filename = f"{stem}-{doc.object_id}{suffix}.{doc.file_format}"
    content_type = (
        "application/pdf"
        if doc.file_format == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return protected_download(field, filename=filename, content_type=content_type)


def may_request_or_403(user, visible) -> None:
    if not visible.kind.may_request(user, visible.obj):
        raise PermissionDenied
