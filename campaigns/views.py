import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from awards.enums import AwardCategory
from awards.schoolyear import school_year_bounds, school_year_of
from core.excel import XLSX_CONTENT_TYPE, build_workbook
from core.exceptions import ServiceError
from core.rules import view_rule
from core.views import paginate
from units.enums import UnitKind
from units.models import EmulationBlock, Unit
from units.rules import roles_of, unit_scope_q
from units.selectors import blocks_visible_to, unit_get_visible, units_visible_to

from . import rules, selectors, services
from .enums import ObjectGroup, RegistrationStatus
from .filters import CampaignFilter, CompactFilter, NotificationFilter, OverviewFilter
from .forms import (
    CampaignAwardForm,
    CampaignForm,
    CompactForm,
    DeadlineForm,
    ExtensionForm,
    PhaseForm,
    RegistrationForm,
    TransitionForm,
)
from .models import CampaignAward, Deadline, Notification, Phase, Registration


def _version(obj) -> str:
    return obj.updated_at.isoformat()


def _expected(form) -> datetime.datetime | None:
    raw = form.cleaned_data.get("version")
    return datetime.datetime.fromisoformat(raw) if raw else None


def _editable_campaign(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    if not rules.can_edit_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


# --- Campaigns ---------------------------------------------------------------------------


@view_rule("campaigns visible to the user (selector campaigns_visible_to)")
def campaign_list(request):
    campaign_filter = CampaignFilter(request.GET, queryset=selectors.campaign_list(request.user))
    page = paginate(request, campaign_filter.qs)
    return render(
        request,
        "campaigns/campaign_list.html",
        {"filter": campaign_filter, "page": page, "can_create": bool(rules.launchable_unit_ids(request.user))},
    )


@view_rule("campaign visible to the user, else 404")
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
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "detail": detail,
            "criteria_rows": [(g.label, criteria[g.value].text) for g in ObjectGroup if g.value in criteria],
            "can_edit": rules.can_edit_campaign(user, campaign),
            "can_launch": rules.can_launch_campaign(user, campaign) and not campaign.is_launched,
            "own_registration_unit": own_registration_unit,
            "own_registration": own_registration,
            "oversees": any(r.role in rules.OVERSEERS for r in roles_of(user)) or user.is_superuser,
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
                "school_year",
                "period_start",
                "period_end",
                "document_number",
                "document_symbol",
                "issued_on",
                "place",
                "purposes",
                "requirements",
            )
        }
        initial.update(
            launched_by=campaign.launched_by,
            reach_units=list(campaign.reach_units.all()),
            reach_blocks=list(campaign.reach_blocks.all()),
            legal_bases="\n".join(b.text for b in campaign.legal_bases.all()),
            version=_version(campaign),
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
    )


@view_rule("secretary/head/administrator of the launching unit (own roles only)")
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


@view_rule("campaign visible (404); secretary/head/administrator of its launching unit (403)")
def campaign_edit(request, pk):
    campaign = _editable_campaign(request, pk)
    form = _campaign_form(request, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, expected_updated_at=_expected(form), **form.service_kwargs())
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu phong trào.")
            return redirect(campaign)
    return render(request, "form.html", {"form": form, "title": f"Sửa: {campaign.name}", "back": campaign})


@require_POST
@view_rule("campaign visible (404); head/administrator of its launching unit (403)")
def campaign_launch(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    if not rules.can_launch_campaign(request.user, campaign):
        raise PermissionDenied
    try:
        services.campaign_launch(campaign=campaign, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã phát động phong trào tới các đơn vị trong phạm vi.")
    return redirect(campaign)


# --- Phases, awards, deadlines -----------------------------------------------------------


@view_rule("campaign visible (404); may edit the campaign (403)")
def phase_create(request, pk):
    campaign = _editable_campaign(request, pk)
    form = PhaseForm(request.POST or None, initial={"number": campaign.phases.count() + 1})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.phase_create(campaign=campaign, **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã thêm đợt thi đua.")
            return redirect(campaign)
    return render(request, "form.html", {"form": form, "title": f"Thêm đợt – {campaign.name}", "back": campaign})


@view_rule("phase of a visible campaign (404); may edit the campaign (403)")
def phase_edit(request, pk):
    phase = get_object_or_404(Phase.objects.filter(campaign__in=selectors.campaigns_visible_to(request.user)), pk=pk)
    campaign = _editable_campaign(request, phase.campaign_id)
    initial = {f: getattr(phase, f) for f in ("number", "name", "theme", "start", "end")} | {"version": _version(phase)}
    form = PhaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.phase_update(phase=phase, expected_updated_at=_expected(form), **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu đợt thi đua.")
            return redirect(campaign)
    return render(request, "form.html", {"form": form, "title": f"Sửa {phase}", "back": campaign})


@view_rule("campaign visible (404); may edit the campaign (403)")
def award_add(request, pk):
    campaign = _editable_campaign(request, pk)
    form = CampaignAwardForm(request.POST or None, award_types=services.offerable_award_types(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_award_set(campaign=campaign, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu hình thức khen thưởng của phong trào.")
            return redirect(campaign)
    title = f"Khen thưởng của phong trào – {campaign.name}"
    return render(request, "form.html", {"form": form, "title": title, "back": campaign})


@require_POST
@view_rule("award of a visible campaign (404); may edit the campaign (403)")
def award_remove(request, pk):
    award = get_object_or_404(
        CampaignAward.objects.filter(campaign__in=selectors.campaigns_visible_to(request.user)), pk=pk
    )
    campaign = _editable_campaign(request, award.campaign_id)
    services.campaign_award_remove(award=award)
    messages.success(request, "Đã bỏ hình thức khen thưởng.")
    return redirect(campaign)


@view_rule("campaign visible (404); may edit the campaign (403)")
def deadline_add(request, pk):
    campaign = _editable_campaign(request, pk)
    units = (selectors.reached_units(campaign) | Unit.objects.filter(pk=campaign.launched_by_id)).exclude(
        kind=UnitKind.TEAM
    )
    form = DeadlineForm(request.POST or None, units=units.order_by("path"))
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_create(campaign=campaign, **form.cleaned_data)
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
@view_rule("deadline of a visible campaign (404); may edit the campaign (403)")
def deadline_remove(request, pk):
    deadline = _visible_deadline(request, pk)
    campaign = _editable_campaign(request, deadline.campaign_id)
    services.deadline_delete(deadline=deadline)
    messages.success(request, "Đã xóa hạn chót.")
    return redirect(campaign)


@view_rule("deadline of a visible campaign (404); head/reviewer/administrator above the unit (403)")
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
@view_rule("deadline of a visible campaign and unit visible (404); secretary/head of the unit itself (403)")
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


@view_rule("campaign and unit visible (404), unit within reach (404); secretary/head of the unit itself (403)")
def registration_edit(request, pk, unit_pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    unit = unit_get_visible(request.user, unit_pk)
    if not campaign.is_launched or not selectors.may_register(campaign, unit):
        raise Http404
    if not rules.can_edit_registration(request.user, unit):
        raise PermissionDenied
    registration = campaign.registrations.filter(unit=unit).first()
    if registration is not None and not registration.is_editable:
        messages.info(request, "Bản đăng ký đã gửi cấp trên; không thể sửa.")
        return redirect(registration)
    people = selectors.registration_people(unit).select_related("unit")
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
    form = RegistrationForm(
        request.POST or None, initial=initial, people=people, choices=_registration_choices(campaign)
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
        raw_version = data.get("version")
        try:
            saved = services.registration_save(
                campaign=campaign,
                unit=unit,
                by=request.user,
                lines=lines,
                collective_title=data.get("collective_title"),
                collective_commendation=data.get("collective_commendation"),
                note=data.get("note", ""),
                expected_version=int(raw_version) if raw_version else None,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu bản đăng ký thi đua.")
            return redirect(saved)
    return render(request, "campaigns/registration_form.html", {"form": form, "campaign": campaign, "unit": unit})


@view_rule("registration of a unit visible to the user (unit, or the level above), else 404")
def registration_detail(request, pk):
    registration = selectors.registration_get_visible(request.user, pk)
    user, unit = request.user, registration.unit
    return render(
        request,
        "campaigns/registration_detail.html",
        {
            "registration": registration,
            "lines": selectors.registration_lines(registration),
            "targets": services.registration_targets(registration),
            "transitions": registration.transitions.select_related("by"),
            "can_edit": registration.is_editable and rules.can_edit_registration(user, unit),
            "can_submit": registration.is_editable and rules.can_submit_registration(user, unit),
            "can_return": registration.status == RegistrationStatus.SUBMITTED and rules.can_oversee(user, unit),
            "return_form": TransitionForm(initial={"version": registration.version}),
        },
    )


@require_POST
@view_rule("registration visible (404); submit: head of the unit; return: level above (403)")
def registration_transition(request, pk):
    registration = selectors.registration_get_visible(request.user, pk)
    to_status = request.POST.get("to")
    unit = registration.unit
    if to_status == RegistrationStatus.SUBMITTED:
        allowed = rules.can_submit_registration(request.user, unit)
    elif to_status == RegistrationStatus.RETURNED:
        allowed = rules.can_oversee(request.user, unit)
    else:
        raise Http404
    if not allowed:
        raise PermissionDenied
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Dữ liệu không hợp lệ: " + "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect(registration)
    try:
        services.registration_transition(
            registration=registration,
            to_status=to_status,
            by=request.user,
            expected_version=form.cleaned_data.get("version"),
            comment=form.cleaned_data.get("comment", ""),
            reopen_until=form.cleaned_data.get("reopen_until"),
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        done = "Đã gửi bản đăng ký lên cấp trên." if to_status == RegistrationStatus.SUBMITTED else "Đã trả lại."
        messages.success(request, done)
    return redirect(registration)


@view_rule("campaign visible (404); lists only the registrants within the user's units")
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


EXPORT_HEADERS = [
    "STT",
    "Đơn vị",
    "Họ và tên",
    "Chức vụ",
    "Danh hiệu đăng ký",
    "Hình thức khen thưởng đăng ký",
    "Tên sáng kiến",
    "Tình trạng",
]


@view_rule("campaign visible (404); exports only the registrations within the user's units")
def registration_export(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    lines = selectors.registered_lines_for_export(request.user, campaign)
    rows = (
        [
            index,
            line.registration.unit.name,
            line.person.full_name,
            line.position,
            line.title.name if line.title else "",
            line.commendation.name if line.commendation else "",
            line.initiative_title,
            line.registration.get_status_display(),
        ]
        for index, line in enumerate(lines, start=1)
    )
    data = build_workbook("Đăng ký thi đua", EXPORT_HEADERS, rows, widths=[6, 34, 28, 18, 28, 32, 40, 16])
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="dang-ky-thi-dua-{campaign.pk}.xlsx"'
    return response


# --- Compacts ----------------------------------------------------------------------------


@view_rule("compacts of blocks organised by, or signed by, a unit the user sees (selector)")
def compact_list(request):
    compact_filter = CompactFilter(request.GET, queryset=selectors.compacts_visible_to(request.user))
    page = paginate(request, compact_filter.qs)
    can_create = request.user.is_superuser or any(r.role in rules.CAMPAIGN_EDITORS for r in roles_of(request.user))
    return render(
        request, "campaigns/compact_list.html", {"filter": compact_filter, "page": page, "can_create": can_create}
    )


@view_rule("compact visible to the user, else 404")
def compact_detail(request, pk):
    compact = selectors.compact_get_visible(request.user, pk)
    return render(
        request, "campaigns/compact_detail.html", {"compact": compact, "units": compact.units.order_by("path")}
    )


@view_rule("blocks whose organiser the user serves as secretary/head/administrator (403 when none)")
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


# --- Calendar and notifications ----------------------------------------------------------


@view_rule("a unit visible to the user (404); phases and deadlines of campaigns the user sees")
def calendar(request):
    user = request.user
    unit_id = request.GET.get("unit") or (request.active_role.unit_id if request.active_role else None)
    unit = unit_get_visible(user, unit_id) if unit_id else None
    try:
        year = int(request.GET.get("year") or school_year_of(datetime.date.today()))
    except ValueError:
        year = school_year_of(datetime.date.today())
    own_units = sorted({r.unit for r in roles_of(user)}, key=lambda u: u.path)
    months = []
    if unit is not None:
        start, end = school_year_bounds(year)
        months = selectors.unit_agenda(user, unit, start=start, end=end)
    return render(
        request,
        "campaigns/calendar.html",
        {"unit": unit, "year": year, "months": months, "own_units": own_units, "today": datetime.date.today()},
    )


@view_rule("the user's own notifications only")
def notification_list(request):
    notification_filter = NotificationFilter(request.GET, queryset=selectors.notifications_of(request.user))
    page = paginate(request, notification_filter.qs)
    return render(request, "campaigns/notification_list.html", {"filter": notification_filter, "page": page})


@require_POST
@view_rule("the user's own notifications only (404 for another user's)")
def notification_read(request):
    wanted = request.POST.get("id")
    notification = None
    if wanted:
        notification = get_object_or_404(Notification.objects.filter(user=request.user), pk=wanted)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification is not None and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("campaigns:notifications")
