"""The public verification page of a generated document (the QR code of every PDF points here).

No login; rate-limited per client address (DOCUMENT_VERIFY_RATE_LIMIT lookups and uploads an hour, 429 over
it). An unknown code is a 404. A PDF uploaded on the page is hashed and compared with the rendered and the
signed file, and is not kept."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render

from core.rules import view_rule
from units.view_rules import DOCUMENT_VERIFY

from . import verification
from .enums import DocumentStatus
from .forms import VerifyUploadForm
from .models import GeneratedDocument


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _too_many(request):
    return render(request, "documents/verify_limited.html", {"limit": verification.rate_limit()}, status=429)


@login_not_required
@view_rule(DOCUMENT_VERIFY)
def verify_lookup(request):
    code = _normalise(request.GET.get("ma", ""))
    if code:
        return redirect("documents:verify", code)
    return render(request, "documents/verify_lookup.html")


@login_not_required
@view_rule(DOCUMENT_VERIFY)
def verify(request, code):
    if verification.rate_limit_exceeded(request.META):
        return _too_many(request)
    doc = GeneratedDocument.objects.filter(
        verification_code=_normalise(code)[:16], status=DocumentStatus.READY, file_format="pdf"
    ).first()
    if doc is None:
        raise Http404
    context = {"doc": doc, "form": VerifyUploadForm(), "result": None}
    status = 200
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        context["form"] = form
        try:
            match = verification.upload_compare(doc, request.FILES.get("file") if form.is_valid() else None)
        except verification.UploadRefused as exc:
            context["error"] = str(exc)
            status = 400
        else:
            context["result"] = {"code": match, "message": verification.MESSAGES[match]}
    return render(request, "documents/verify.html", context, status=status)
