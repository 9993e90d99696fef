from django import template

from documents import selectors
from documents.enums import DocumentStatus

register = template.Library()


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def documents_panel(context, obj):
    """The documents of `obj` (already visible to the page's user): ask for each kind, follow, download."""
    request = context["request"]
    rows = selectors.panel_rows(request.user, obj)
    for row in rows:
        doc = row.latest
        row.latest_busy = bool(doc) and doc.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING)
        row.latest_ready = bool(doc) and doc.status == DocumentStatus.READY
        row.latest_failed = bool(doc) and doc.status == DocumentStatus.FAILED
    return {"rows": rows, "object_id": obj.pk, "request": request, "csrf_token": context.get("csrf_token")}
