"""Pages of the route table (Tuyến trình khen thưởng): a unit's routes, and declaring, ending, superseding a row.

Reading follows the unit (404 outside what the user may read); declaring and
changing a row needs ADMINISTER on the row's unit (403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from core.exceptions import ServiceError
from core.rules import view_rule
from core.views import paginate
from units import selectors as unit_selectors
from units.rules import Cap, can
from units.view_rules import UNIT_ADMINISTER, UNIT_READ

from . import selectors
from .forms import AuthorityRouteEndForm, AuthorityRouteForm, AuthorityRouteSupersedeForm
from .routing import parse_day, routes_for
from .services.routes import authority_route_create, authority_route_end, authority_route_supersede


def _can_administer(user, unit) -> bool:
    return can(user, Cap.ADMINISTER, unit)


def _list_url(unit) -> str:
    return reverse("awards:route_list", args=[unit.pk])


@view_rule(UNIT_READ)  # edit buttons only for administrators of each row's unit
def route_list(request, pk):
    unit = unit_selectors.unit_get_visible(request.user, pk)
    day = parse_day(request.GET.get("ngay"))
    page = paginate(request, selectors.authority_routes_for_unit(request.user, unit))
    return render(
        request,
        "awards/route_list.html",
        {
            "unit": unit,
            "day": day,
            "routes": routes_for(unit, None, day),
            "page": page,
            "administered": {row.pk for row in page if _can_administer(request.user, row.unit)},
            "can_create": _can_administer(request.user, unit),
            "history": selectors.authority_route_history(request.user, unit),
        },
    )


@view_rule(UNIT_ADMINISTER)
def route_create(request, pk):
    unit = unit_selectors.unit_get_visible(request.user, pk)
    if not _can_administer(request.user, unit):
        raise PermissionDenied
    form = AuthorityRouteForm(request.POST or None, units=selectors.route_unit_choices(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            authority_route_create(
                unit=unit,
                authority_kind=data["authority_kind"],
                decider=data["decider"],
                via=form.via,
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                legal_basis=data["legal_basis"],
                is_verified=data["is_verified"],
                note=data["note"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã khai báo tuyến trình.")
            return redirect(_list_url(unit))
    return render(
        request, "form.html", {"form": form, "title": f"Khai báo tuyến trình khen thưởng – {unit.name}", "back": unit}
    )


def _administered_route(request, pk):
    row = selectors.authority_route_get_visible(request.user, pk)
    if not _can_administer(request.user, row.unit):
        raise PermissionDenied
    return row


@view_rule(UNIT_ADMINISTER)  # on the route row's unit
def route_end(request, pk):
    row = _administered_route(request, pk)
    form = AuthorityRouteEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            authority_route_end(route=row, effective_to=form.cleaned_data["effective_to"], by=request.user)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã kết thúc tuyến trình.")
            return redirect(_list_url(row.unit))
    return render(request, "form.html", {"form": form, "title": f"Kết thúc tuyến trình – {row}", "back": row.unit})


@view_rule(UNIT_ADMINISTER)  # on the route row's unit
def route_supersede(request, pk):
    row = _administered_route(request, pk)
    steps = [step.unit for step in row.steps.select_related("unit").order_by("position")]
    initial = {"decider": row.decider, "legal_basis": row.legal_basis, "is_verified": row.is_verified}
    initial.update({f"via_{index}": unit for index, unit in enumerate(steps[:3], start=1)})
    form = AuthorityRouteSupersedeForm(
        request.POST or None, initial=initial, units=selectors.route_unit_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            authority_route_supersede(
                route=row,
                effective_from=data["effective_from"],
                decider=data["decider"],
                via=form.via,
                legal_basis=data["legal_basis"],
                is_verified=data["is_verified"],
                note=data["note"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã thay thế tuyến trình từ ngày hiệu lực mới.")
            return redirect(_list_url(row.unit))
    return render(request, "form.html", {"form": form, "title": f"Thay thế tuyến trình – {row}", "back": row.unit})
