from django import template

from documents import selectors
from documents.enums import DocumentStatus

register = template.Library()

# The inputs of a kind's `option_fields` in the panel's PDF form: label, input type (the builder validates).
OPTION_INPUTS = {
    "offset_x_mm": ("Lệch ngang (mm, −30 đến 30)", "number"),
    "offset_y_mm": ("Lệch dọc (mm, −30 đến 30)", "number"),
    "blank": ("Chỉ in phần thay đổi (phôi in sẵn)", "checkbox"),
}


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
        row.option_inputs = [
            {
                "name": name,
                "label": OPTION_INPUTS.get(name, (name, "text"))[0],
                "type": OPTION_INPUTS.get(name, (name, "text"))[1],
            }
            for name in row.kind.option_fields
        ]
    return {"rows": rows, "object_id": obj.pk, "request": request, "csrf_token": context.get("csrf_token")}
