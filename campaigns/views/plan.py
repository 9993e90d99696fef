"""What a campaign carries: phases, awards with caps, deadlines and their reopening."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ServiceError
from core.rules import view_rule
from units.enums import UnitKind
from units.models import Unit
from units.rules import unit_scope_q
from units.selectors import unit_get_visible
from units.view_rules import CAMPAIGN_FILE, OVERSEE, REGISTRATION_FILE

from .. import rules, selectors, services
from ..forms import (
    CampaignAwardForm,
    DeadlineForm,
    ExtensionForm,
    PhaseForm,
)
from ..models import CampaignAward, Deadline, Phase
from .shared import editable_campaign, expected_version, version_of

# --- Phases, awards, deadlines -----------------------------------------------------------


@view_rule(CAMPAIGN_FILE)
def phase_create(request, pk):
    campaign = editable_campaign(request, pk)
    form = PhaseForm(request.POST or None, initial={"number": campaign.phases.count() + 1})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.phase_create(by=request.user, campaign=campaign, **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã thêm đợt thi đua.")
            return redirect(campaign)
    return render(request, "form.html", {"form": form, "title": f"Thêm đợt – {campaign.name}", "back": campaign})


@view_rule(CAMPAIGN_FILE)
def phase_edit(request, pk):
    phase = get_object_or_404(Phase.objects.filter(campaign__in=selectors.campaigns_visible_to(request.user)), pk=pk)
    campaign = editable_campaign(request, phase.campaign_id)
    initial = {f: getattr(phase, f) for f in ("number", "name", "theme", "start", "end")} | {
        "version": version_of(phase)
    }
    form = PhaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.phase_update(by=request.user, phase=phase, expected_version=expected_version(form), **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu đợt thi đua.")
            return redirect(campaign)
    return render(request, "form.html", {"form": form, "title": f"Sửa {phase}", "back": campaign})


@view_rule(CAMPAIGN_FILE)
def award_add(request, pk):
    campaign = editable_campaign(request, pk)
    form = CampaignAwardForm(request.POST or None, award_types=services.offerable_award_types(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_award_set(by=request.user, campaign=campaign, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu hình thức khen thưởng của phong trào.")
            return redirect(campaign)
    title = f"Khen thưởng của phong trào – {campaign.name}"
    return render(request, "form.html", {"form": form, "title": title, "back": campaign})


@require_POST
@view_rule(CAMPAIGN_FILE)
def award_remove(request, pk):
    award = get_object_or_404(
        CampaignAward.objects.filter(campaign__in=selectors.campaigns_visible_to(request.user)), pk=pk
    )
    campaign = editable_campaign(request, award.campaign_id)
    services.campaign_award_remove(by=request.user, award=award)
    messages.success(request, "Đã bỏ hình thức khen thưởng.")
    return redirect(campaign)


@view_rule(CAMPAIGN_FILE)
def deadline_add(request, pk):
    campaign = editable_campaign(request, pk)
    # Only units the user may read are offered: a Phòng secretary drafting the Phòng's plan sets
    # deadlines by level and never sees the names of the schools below (kernel: secretaries read own unit).
    units = (
        (selectors.reached_units(campaign) | Unit.objects.filter(pk=campaign.launched_by_id))
        .exclude(kind=UnitKind.TEAM)
        .filter(unit_scope_q(request.user))
    )
    form = DeadlineForm(request.POST or None, units=units.order_by("path"))
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_create(by=request.user, campaign=campaign, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã thêm hạn chót.")
            return redirect(campaign)
    return render(request, "form.html", {"form": form, "title": f"Hạn chót – {campaign.name}", "back": campaign})


def _visible_deadline(request, pk) -> Deadline:
    return get_object_or_404(
        Deadline.objects.filter(campaign__in=selectors.campaigns_visible_to(request.user)).select_related(
            "campaign__launched_by", "unit"
        ),
        pk=pk,
    )


@require_POST
@view_rule(CAMPAIGN_FILE)
def deadline_remove(request, pk):
    deadline = _visible_deadline(request, pk)
    campaign = editable_campaign(request, deadline.campaign_id)
    services.deadline_delete(by=request.user, deadline=deadline)
    messages.success(request, "Đã xóa hạn chót.")
    return redirect(campaign)


@view_rule(OVERSEE)
def deadline_extend(request, pk):
    deadline = _visible_deadline(request, pk)
    user = request.user
    candidates = [
        u
        for u in selectors.deadline_applicable_units(deadline).filter(unit_scope_q(user)).order_by("path")
        if rules.can_oversee(user, u)
    ]
    if not candidates:
        raise PermissionDenied
    form = ExtensionForm(
        request.POST or None,
        units=Unit.objects.filter(pk__in=[u.pk for u in candidates]).order_by("path"),
        initial={"unit": request.GET.get("unit")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_extend(deadline=deadline, by=user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã mở lại hạn cho {form.cleaned_data['unit'].name}.")
            return redirect(deadline.campaign)
    return render(request, "form.html", {"form": form, "title": f"Mở lại hạn: {deadline}", "back": deadline.campaign})


@require_POST
@view_rule(REGISTRATION_FILE)
def deadline_complete(request, pk, unit_pk):
    deadline = _visible_deadline(request, pk)
    unit = unit_get_visible(request.user, unit_pk)
    if not rules.can_edit_registration(request.user, unit):
        raise PermissionDenied
    try:
        services.deadline_complete(deadline=deadline, unit=unit, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã ghi nhận: {unit.name} – {deadline.get_action_display()}.")
    return redirect(deadline.campaign)
