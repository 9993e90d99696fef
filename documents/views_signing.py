"""Signing a generated PDF and attaching the scan of its wet-signed original (pages of documents.signing and
documents.scans). The document resolves through the kind's own selector first (404 outside the user's
scope), then the same predicate as the service decides who may act (403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.exceptions import ServiceError
from core.rules import view_rule
from core.uploads import protected_download
from units.view_rules import DOCUMENT_READ, DOCUMENT_REQUEST

from . import registry, scans, selectors, signing
from .forms import ScanForm, SignForm
from .models import ScannedOriginal


@require_POST
@view_rule(DOCUMENT_REQUEST)
def document_sign(request, pk):
    """Sign the document with the uploaded PKCS#12 (read in memory, never stored)."""
    visible = selectors.document_get_visible(request.user, pk)
    if not signing.may_sign(request.user, visible.doc, visible.obj, visible.kind):
        raise PermissionDenied
    form = SignForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, signing.ERROR_NO_FILE)
        return redirect("documents:detail", pk)
    try:
        signing.document_sign(
            document=visible.doc,
            by=request.user,
            p12=form.read("p12", signing.p12_max_bytes()),
            passphrase=form.cleaned_data["passphrase"] or "",
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã ký số văn bản.")
    return redirect("documents:detail", pk)


@require_POST
@view_rule(DOCUMENT_REQUEST)
def scan_upload(request, pk):
    """Attach the scan of the wet-signed original (PDF, colour, ≥ 200 dpi); the file is checked by content."""
    visible = selectors.document_get_visible(request.user, pk)
    if not visible.kind.may_request(request.user, visible.obj):
        raise PermissionDenied
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, scans.ERROR_EMPTY)
        return redirect("documents:detail", pk)
    upload = form.cleaned_data["file"]
    try:
        scans.scan_attach(
            document=visible.doc,
            by=request.user,
            data=form.read("file", scans.scan_max_bytes()),
            original_name=upload.name,
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã lưu bản quét văn bản đã ký.")
    return redirect("documents:detail", pk)


@view_rule(DOCUMENT_READ)
def scan_download(request, pk):
    """A stored scan, to whoever sees the object it belongs to (404 otherwise)."""
    scan = ScannedOriginal.objects.filter(pk=pk).select_related("content_type").first()
    if scan is None:
        raise Http404
    kind = registry.get(scan.kind)
    model = scan.content_type.model_class()
    if kind is None or model is None or kind.model._meta.concrete_model is not model._meta.concrete_model:
        raise Http404
    kind.get_visible(request.user, scan.object_id)  # Http404 outside the user's scope
    filename = f"ban-quet-{kind.filename or kind.code}-{scan.object_id}-{scan.pk}.pdf"
    return protected_download(scan.file, filename=filename, content_type="application/pdf")
