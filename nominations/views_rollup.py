"""Roll-up (tổng hợp trình cấp trên) and the path page of one nomination (quá trình xét đề nghị)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from core.exceptions import ServiceError
from core.rules import view_rule
from units.view_rules import DOSSIER_APPRAISE, NOMINATION_PATH

from . import rollup, selectors


def _grouped(plan):
    """The plan as the page shows it: (next unit, its lines) for what goes up, then what stays."""
    going: dict[int, tuple] = {}
    staying = []
    for line in plan:
        if line.destination == rollup.UP:
            going.setdefault(line.next_unit.pk, (line.next_unit, []))[1].append(line)
        else:
            staying.append(line)
    return list(going.values()), staying


@view_rule(DOSSIER_APPRAISE)
def dossier_rollup(request, pk):
    """GET: which accepted nominations go where, and why (the route); POST: carry the ticked ones up."""
    dossier = selectors.dossier_get_visible(request.user, pk)
    if not rollup.may_roll_up(request.user, dossier):
        raise PermissionDenied
    if request.method == "POST":
        try:
            ids = [int(value) for value in request.POST.getlist("de_nghi")]
        except ValueError:
            messages.error(request, "Dữ liệu không hợp lệ.")
            return redirect("nominations:dossier_rollup", pk=dossier.pk)
        try:
            made = rollup.rollup_forward(by=request.user, dossier=dossier, nomination_ids=ids)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("nominations:dossier_rollup", pk=dossier.pk)
        names = ", ".join(d.receiving_unit.name for d in made)
        messages.success(request, f"Đã tổng hợp trình cấp trên vào {len(made)} hồ sơ của đơn vị (gửi {names}).")
        return redirect(dossier)
    going, staying = _grouped(rollup.rollup_plan(dossier))
    return render(
        request,
        "nominations/rollup_confirm.html",
        {
            "dossier": dossier,
            "going": going,
            "staying": staying,
            "done": rollup.rolled_up(dossier),
            "open": dossier.status in rollup.ROLLUP_DOSSIER_STATES,
        },
    )


@view_rule(NOMINATION_PATH)
def nomination_path(request, pk):
    """From the school's nomination up through every level the user may see (404 if none)."""
    levels = rollup.nomination_path(request.user, pk)
    return render(request, "nominations/path.html", {"levels": levels, "nomination": levels[0].nomination})
