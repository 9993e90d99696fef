"""Registration pages: the form of a unit, its detail and transitions, the overview above, the export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from awards.enums import AwardCategory
from core import workflow
from core.excel import xlsx_response
from core.exceptions import ServiceError
from core.rules import view_rule
from core.views import paginate
from units.selectors import unit_get_visible
from units.view_rules import CAMPAIGN_READ, REGISTRATION_ACT, REGISTRATION_FILE, REGISTRATION_READ

from .. import rules, selectors, services
from ..exporting import registration_workbook
from ..filters import OverviewFilter
from ..forms import (
    RegistrationForm,
)

# --- Registrations -----------------------------------------------------------------------


def _registration_choices(campaign):
    def pick(category, collective):
        return services.award_choices(campaign, category=category, collective=collective)

    return {
        "title": pick(AwardCategory.TITLE, False),
        "commendation": pick(AwardCategory.COMMENDATION, False),
        "collective_title": pick(AwardCategory.TITLE, True),
        "collective_commendation": pick(AwardCategory.COMMENDATION, True),
    }


@view_rule(REGISTRATION_FILE)
def registration_edit(request, pk, unit_pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    unit = unit_get_visible(request.user, unit_pk)
    if not campaign.is_launched or not selectors.may_register(campaign, unit):
        raise Http404
    if not rules.can_edit_registration(request.user, unit):
        raise PermissionDenied
    registration = campaign.registrations.filter(unit=unit).first()
    if registration is not None and not registration.is_editable:
        messages.info(request, f"Bản đăng ký đang ở trạng thái «{registration.get_status_display()}»; không thể sửa.")
        return redirect(registration)
    people = selectors.registration_people(unit).select_related("unit")
    teams = selectors.registration_teams(unit)
    initial = {}
    if registration is not None:
        initial = {
            "collective_title": registration.collective_title_id,
            "collective_commendation": registration.collective_commendation_id,
            "note": registration.note,
            "version": str(registration.version),
        }
        for line in registration.lines.all():
            initial[f"title_{line.person_id}"] = line.title_id
            initial[f"commendation_{line.person_id}"] = line.commendation_id
            initial[f"initiative_{line.person_id}"] = line.initiative_title
        for team_line in registration.collective_lines.all():
            initial[f"team_title_{team_line.team_id}"] = team_line.title_id
            initial[f"team_commendation_{team_line.team_id}"] = team_line.commendation_id
    form = RegistrationForm(
        request.POST or None, initial=initial, people=people, teams=teams, choices=_registration_choices(campaign)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = [
            services.LineInput(
                person=p,
                title=data.get(f"title_{p.pk}"),
                commendation=data.get(f"commendation_{p.pk}"),
                initiative_title=data.get(f"initiative_{p.pk}", ""),
            )
            for p in form.people
        ]
        collective_lines = [
            services.CollectiveLineInput(
                team=team,
                title=data.get(f"team_title_{team.pk}"),
                commendation=data.get(f"team_commendation_{team.pk}"),
            )
            for team in form.teams
        ]
        raw_version = data.get("version")
        try:
            saved = services.registration_save(
                campaign=campaign,
                unit=unit,
                by=request.user,
                lines=lines,
                collective_title=data.get("collective_title"),
                collective_commendation=data.get("collective_commendation"),
                collective_lines=collective_lines,
                note=data.get("note", ""),
                expected_version=int(raw_version) if raw_version else None,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu bản đăng ký thi đua.")
            return redirect(saved)
    return render(request, "campaigns/registration_form.html", {"form": form, "campaign": campaign, "unit": unit})


@view_rule(REGISTRATION_READ)
def registration_detail(request, pk):
    registration = selectors.registration_get_visible(request.user, pk)
    user, unit = request.user, registration.unit
    return render(
        request,
        "campaigns/registration_detail.html",
        {
            "registration": registration,
            "lines": selectors.registration_lines(registration),
            "team_lines": selectors.registration_collective_lines(registration),
            "targets": services.registration_targets(registration),
            "history": workflow.history(registration),
            "can_edit": registration.is_editable and rules.can_edit_registration(user, unit),
            "actions": workflow.available_actions(registration, user),
        },
    )


@require_POST
@view_rule(REGISTRATION_ACT)
def registration_transition(request, pk):
    registration = selectors.registration_get_visible(request.user, pk)
    try:
        done, message = workflow.transition_from_post(request, registration)
    except workflow.NotAllowedError:
        raise PermissionDenied from None
    (messages.success if done else messages.error)(request, message)
    return redirect(registration)


@view_rule(CAMPAIGN_READ)
def registration_overview(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    overview_filter = OverviewFilter(request.GET, queryset=selectors.registration_overview(request.user, campaign))
    page = paginate(request, overview_filter.qs)
    totals = selectors.registration_totals(request.user, campaign)
    counts = selectors.registration_overview_counts(request.user, campaign)
    return render(
        request,
        "campaigns/registration_overview.html",
        {"campaign": campaign, "filter": overview_filter, "page": page, "totals": totals, "counts": counts},
    )


@view_rule(CAMPAIGN_READ)
def registration_export(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    return xlsx_response(registration_workbook(request.user, campaign), f"dang-ky-thi-dua-{campaign.pk}.xlsx")
