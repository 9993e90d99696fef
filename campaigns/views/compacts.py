"""Emulation compacts (giao ước thi đua)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import paginate
from units.models import EmulationBlock, Unit
from units.rules import Cap, unit_ids_with
from units.selectors import blocks_visible_to
from units.view_rules import COMPACT_FILE, COMPACT_READ, LIST_IN_SCOPE

from .. import exports, rules, selectors, services
from ..filters import CompactFilter
from ..forms import (
    CompactForm,
)

# --- Compacts ----------------------------------------------------------------------------


@view_rule(LIST_IN_SCOPE)
def compact_list(request):
    compact_filter = CompactFilter(request.GET, queryset=selectors.compacts_visible_to(request.user))
    if wants_export(request):
        return export_response(request, spec=exports.COMPACT_LIST, queryset=compact_filter.qs, filterset=compact_filter)
    page = paginate(request, compact_filter.qs)
    can_create = request.user.is_superuser or bool(unit_ids_with(request.user, Cap.FILE))
    return render(
        request, "campaigns/compact_list.html", {"filter": compact_filter, "page": page, "can_create": can_create}
    )


@view_rule(COMPACT_READ)
def compact_detail(request, pk):
    compact = selectors.compact_get_visible(request.user, pk)
    return render(
        request, "campaigns/compact_detail.html", {"compact": compact, "units": compact.units.order_by("path")}
    )


@view_rule(COMPACT_FILE)
def compact_create(request):
    user = request.user
    blocks = [b for b in blocks_visible_to(user) if rules.can_manage_compact(user, b)]
    if not blocks:
        raise PermissionDenied
    block_ids = [b.pk for b in blocks]
    form = CompactForm(
        request.POST or None,
        blocks=EmulationBlock.objects.filter(pk__in=block_ids).order_by("name"),
        units=Unit.objects.filter(blocks__in=block_ids).distinct().order_by("path"),
        campaigns=selectors.campaigns_visible_to(user).order_by("-school_year", "name"),
        initial={"signed_on": datetime.date.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            compact = services.compact_create(by=user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu giao ước thi đua.")
            return redirect(compact)
    return render(request, "form.html", {"form": form, "title": "Giao ước thi đua mới"})
