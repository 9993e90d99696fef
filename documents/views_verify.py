"""The public verification page of a generated document (the QR code of every PDF points here)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render

from core.rules import view_rule
from units.view_rules import DOCUMENT_VERIFY

from .enums import DocumentStatus
from .models import GeneratedDocument


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


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
    doc = GeneratedDocument.objects.filter(
        verification_code=_normalise(code), status=DocumentStatus.READY, file_format="pdf"
    ).first()
    if doc is None:
        raise Http404
    return render(request, "documents/verify.html", {"doc": doc})
