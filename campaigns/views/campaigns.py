"""Campaign pages: list, detail, create, edit, launch."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import workflow
from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import paginate
from units.enums import UnitKind
from units.models import Unit
from units.rules import Cap, unit_ids_with
from units.selectors import blocks_visible_to, units_visible_to
from units.view_rules import CAMPAIGN_FILE, CAMPAIGN_READ, CAMPAIGN_SIGN, LIST_IN_SCOPE

from .. import exports, rules, selectors, services
from ..enums import ObjectGroup
from ..filters import CampaignFilter
from ..forms import (
    CampaignForm,
)
from ..models import Registration
from .shared import editable_campaign, expected_version, version_of

# --- Campaigns ---------------------------------------------------------------------------


@view_rule(LIST_IN_SCOPE)
def campaign_list(request):
    campaign_filter = CampaignFilter(request.GET, queryset=selectors.campaign_list(request.user))
    if wants_export(request):
        spec, rows = exports.CAMPAIGN_LIST, campaign_filter.qs
        return export_response(request, spec=spec, queryset=rows, filterset=campaign_filter)
    page = paginate(request, campaign_filter.qs)
    return render(
        request,
        "campaigns/campaign_list.html",
        {"filter": campaign_filter, "page": page, "can_create": bool(rules.launchable_unit_ids(request.user))},
    )


@view_rule(CAMPAIGN_READ)
def campaign_detail(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    detail = selectors.campaign_detail(campaign)
    user = request.user
    active_unit = request.active_role.unit if request.active_role else None
    own_registration_unit = None
    if active_unit and campaign.is_launched and selectors.may_register(campaign, active_unit):
        if rules.can_edit_registration(user, active_unit) or rules.can_submit_registration(user, active_unit):
            own_registration_unit = active_unit
    own_registration = (
        Registration.objects.filter(campaign=campaign, unit=own_registration_unit).first()
        if own_registration_unit
        else None
    )
    criteria = {c.group: c for c in detail.criteria}
    actions = workflow.available_actions(campaign, user)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "detail": detail,
            "criteria_rows": [(g.label, criteria[g.value].text) for g in ObjectGroup if g.value in criteria],
            "can_edit": rules.can_edit_campaign(user, campaign),
            # "Phát động" is a link to its confirmation page (launch_confirm), not a one-click button.
            "actions": [a for a in actions if a.name != "launch"],
            "can_launch": any(a.name == "launch" for a in actions),
            "history": workflow.history(campaign),
            "own_registration_unit": own_registration_unit,
            "own_registration": own_registration,
            "oversees": bool(unit_ids_with(user, Cap.OVERSEE)) or user.is_superuser,
            "today": datetime.date.today(),
        },
    )


def _campaign_form(request, *, campaign=None):
    user = request.user
    launcher_ids = rules.launchable_unit_ids(user)
    launchers = (
        Unit.objects.filter(pk__in=launcher_ids) if not user.is_superuser else Unit.objects.exclude(kind=UnitKind.TEAM)
    )
    base = campaign.launched_by if campaign else None
    units = units_visible_to(user).exclude(kind=UnitKind.TEAM).order_by("path")
    blocks = blocks_visible_to(user).order_by("name")
    if base is not None:
        units = units.filter(path__startswith=base.path)
    initial = {}
    if campaign is not None:
        initial = {
            f: getattr(campaign, f)
            for f in (
                "name",
                "kind",
                "reach",
                "period_kind",
                "school_year",
                "calendar_year",
                "period_start",
                "period_end",
                "document_number",
                "document_symbol",
                "issued_on",
                "place",
                "purposes",
                "requirements",
                "object_groups",
                "objects_collective",
                "objects_individual",
            )
        }
        initial.update(
            launched_by=campaign.launched_by,
            reach_units=list(campaign.reach_units.all()),
            reach_blocks=list(campaign.reach_blocks.all()),
            legal_bases="\n".join(b.text for b in campaign.legal_bases.all()),
            version=version_of(campaign),
            **{f"criteria_{c.group}": c.text for c in campaign.criteria.all()},
        )
    elif request.active_role and request.active_role.unit_id in launcher_ids:
        initial["launched_by"] = request.active_role.unit
    return CampaignForm(
        request.POST or None,
        initial=initial,
        launchers=launchers.order_by("path"),
        units=units,
        blocks=blocks,
        editing=campaign is not None,
        within=base,
    )


@view_rule(CAMPAIGN_FILE)
def campaign_create(request):
    if not rules.launchable_unit_ids(request.user) and not request.user.is_superuser:
        raise PermissionDenied
    form = _campaign_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                launched_by=form.cleaned_data["launched_by"], by=request.user, **form.service_kwargs()
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu bản thảo phong trào. Thêm đợt, khen thưởng, hạn chót rồi phát động.")
            return redirect(campaign)
    return render(request, "form.html", {"form": form, "title": "Phong trào thi đua mới"})


@view_rule(CAMPAIGN_FILE)
def campaign_edit(request, pk):
    campaign = editable_campaign(request, pk)
    form = _campaign_form(request, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                by=request.user, campaign=campaign, expected_version=expected_version(form), **form.service_kwargs()
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu phong trào.")
            return redirect(campaign)
    return render(request, "form.html", {"form": form, "title": f"Sửa: {campaign.name}", "back": campaign})


@require_POST
@view_rule(CAMPAIGN_SIGN)
def campaign_launch(request, pk):
    """The one POST endpoint of the campaign workflow (launch, close): `action` and `version` in the form."""
    campaign = selectors.campaign_get_visible(request.user, pk)
    if request.POST.get("transition") == "launch" and request.POST.get("confirmed") != "1":
        # Launching reaches every unit at once: it is confirmed on its own page first.
        if not rules.can_launch_campaign(request.user, campaign):
            raise PermissionDenied
        return redirect("campaigns:launch_confirm", pk=campaign.pk)
    try:
        done, message = workflow.transition_from_post(request, campaign)
    except workflow.NotAllowedError:
        raise PermissionDenied from None
    (messages.success if done else messages.error)(request, message)
    return redirect(campaign)
