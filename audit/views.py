"""Nhật ký thay đổi: who changed what, merged across the audited models, scoped by the kernel."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import PAGE_SIZE
from units.view_rules import AUDIT_READ

from . import exports, selectors
from .forms import AuditFilterForm


@view_rule(AUDIT_READ)
def audit_list(request):
    user = request.user
    if not selectors.may_audit(user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, units=selectors.audit_units(user))
    filters = {}
    if form.is_bound and form.is_valid():  # an invalid filter value shows the list without it
        data = form.cleaned_data
        filters = {
            "model_key": data["model"] or "",
            "username": data["user"] or "",
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "unit": data["unit"],
        }
    if wants_export(request):
        # The newest EXPORT_MAX_ROWS changes of the same filters (the trail is never counted, so the sheet says
        # when there were more).
        found = selectors.audit_page(user, page=1, per_page=settings.EXPORT_MAX_ROWS, **filters)
        text = _filters_text(form) + (
            f" (chỉ {settings.EXPORT_MAX_ROWS:,} thay đổi mới nhất: hãy lọc hẹp hơn)".replace(",", ".")
            if found.has_next
            else ""
        )
        rows = selectors.audit_rows(found.object_list)
        return export_response(request, spec=exports.AUDIT_LIST, queryset=rows, filters=text)
    page = selectors.audit_page(user, page=request.GET.get("page"), per_page=PAGE_SIZE, **filters)
    rows = selectors.audit_rows(page.object_list)
    return render(request, "audit/audit_list.html", {"form": form, "page": page, "rows": rows})


def _filters_text(form) -> str:
    """The filters the export applied, "Label: value; …", or "Không lọc"."""
    if not (form.is_bound and form.is_valid()):
        return "Không lọc"
    shown = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        elif hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        shown.append(f"{field.label}: {value}")
    return "; ".join(shown) or "Không lọc"
