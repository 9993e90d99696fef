from django import template

from documents import signing
from documents.enums import DocumentStatus
from documents.forms import ScanForm, SignForm

register = template.Library()


@register.inclusion_tag("documents/_signing.html", takes_context=True)
def signing_panel(context, doc, obj, kind, scans):
    """The signed status, the sign form (the issuing unit's head only) and the scans of the wet-signed
    original with their upload form (whoever may request the document). The same predicates as the
    services decide who sees each form."""
    user = context["request"].user
    pdf_ready = doc.status == DocumentStatus.READY and doc.file_format == "pdf"
    may_request = kind.may_request(user, obj)
    return {
        "doc": doc,
        "pdf_ready": pdf_ready,
        "stale": context.get("stale", False),
        "may_sign": pdf_ready and not doc.signed_file and signing.may_sign(user, doc, obj, kind),
        "may_scan": may_request,
        "sign_form": SignForm(),
        "scan_form": ScanForm(),
        "scans": scans,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
