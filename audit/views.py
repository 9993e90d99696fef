"""Nhật ký thay đổi: who changed what, merged across the audited models, scoped by the kernel."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core.rules import view_rule
from core.views import PAGE_SIZE
from units.view_rules import AUDIT_READ

from . import selectors
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
    page = selectors.audit_page(user, page=request.GET.get("page"), per_page=PAGE_SIZE, **filters)
    rows = selectors.audit_rows(page.object_list)
    return render(request, "audit/audit_list.html", {"form": form, "page": page, "rows": rows})
