"""Registration pages: the form of a unit, its detail and transitions, the overview above, the export."""

import dataclasses
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from awards.enums import AwardCategory
from awards.fit import fitting
from core import workflow
from core.excel import xlsx_response
from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.models import TransitionLog
from core.rules import view_rule
from core.views import PAGE_SIZE, CappedPaginator
from units.selectors import unit_get_visible, valid_pk
from units.view_rules import CAMPAIGN_READ, REGISTRATION_ACT, REGISTRATION_FILE, REGISTRATION_READ

from .. import exports, rules, selectors, services
from ..enums import RegistrationStatus as S
from ..exporting import registration_workbook
from ..filters import OverviewFilter
from ..forms import RegistrationForm
from ..models import Registration
from ..overview_rows import filter_form_html as overview_filter_form_html
from ..overview_rows import overview_rows_html
from ..services.registration_checks import CollectiveDraft

# --- Registrations -----------------------------------------------------------------------


def _registration_choices(campaign, unit):
    """Awards on offer (all in force when the campaign lists none) that fit each kind of line of `unit`."""
    offered = services.offered_codes(campaign)

    def pick(category, collective):
        awards = services.award_choices(campaign, category=category, collective=collective)
        if offered is not None:
            awards = awards.filter(code__in=offered)
        return fitting(awards, collective=collective, unit_kind=unit.kind, school_level=unit.school_level)

    return {
        "title": pick(AwardCategory.TITLE, False),
        "commendation": pick(AwardCategory.COMMENDATION, False),
        "collective_title": pick(AwardCategory.TITLE, True),
        "collective_commendation": pick(AwardCategory.COMMENDATION, True),
    }


def _registration_setup(request, pk, unit_pk):
    """The campaign, unit and registration of a registration form, after the rule's checks (404, then 403)."""
    campaign = selectors.campaign_get_visible(request.user, pk)
    unit = unit_get_visible(request.user, unit_pk)
    if not campaign.is_launched or not selectors.may_register(campaign, unit):
        raise Http404
    if not rules.can_edit_registration(request.user, unit):
        raise PermissionDenied
    registration = campaign.registrations.filter(unit=unit).first()
    return campaign, unit, registration


def _build_form(request, campaign, unit, registration, data):
    people = selectors.registration_people(request.user, unit).select_related("unit")
    groups = selectors.registration_groups(unit, people)
    teams = selectors.registration_teams(unit)
    initial = {}
    if registration is not None:
        initial = {
            "collective_title": registration.collective_title_id,
            "collective_commendation": registration.collective_commendation_id,
            "collective_explanation": registration.collective_explanation,
            "note": registration.note,
            "version": str(registration.version),
        }
        for line in registration.lines.all():
            initial[f"title_{line.person_id}"] = line.title_id
            initial[f"commendation_{line.person_id}"] = line.commendation_id
            initial[f"initiative_{line.person_id}"] = line.initiative_title
            initial[f"explanation_{line.person_id}"] = line.explanation
        for team_line in registration.collective_lines.all():
            initial[f"team_title_{team_line.team_id}"] = team_line.title_id
            initial[f"team_commendation_{team_line.team_id}"] = team_line.commendation_id
            initial[f"team_explanation_{team_line.team_id}"] = team_line.explanation
    return RegistrationForm(
        data, initial=initial, groups=groups, teams=teams, choices=_registration_choices(campaign, unit)
    )


def _drafts(form) -> list:
    """The person lines as the form holds them: cleaned values where valid, else the initial ones."""
    return [_draft(form, person) for person in form.people]


def _collective_award(form, name: str, key: str):
    """A collective award field as the form holds it: cleaned where valid, else the initial one."""
    data = getattr(form, "cleaned_data", None)
    if data is not None and name in data:
        return data[name]
    if not form.is_bound:
        return form.awards[key].get(form.initial.get(name))
    return None


def _collective_text(form, name: str) -> str:
    """A collective explanation as the form holds it: cleaned where valid, else the initial one."""
    data = getattr(form, "cleaned_data", None)
    if data is not None and name in data:
        return data[name] or ""
    if not form.is_bound:
        return form.initial.get(name) or ""
    return ""


def _collectives(form, unit) -> list:
    """The collective lines as the form holds them: the unit itself, then each team."""
    lines = [
        CollectiveDraft(
            unit=unit,
            title=_collective_award(form, "collective_title", "collective_title"),
            commendation=_collective_award(form, "collective_commendation", "collective_commendation"),
            explanation=_collective_text(form, "collective_explanation"),
        )
    ]
    for team in form.teams:
        lines.append(
            CollectiveDraft(
                unit=team,
                title=_collective_award(form, f"team_title_{team.pk}", "collective_title"),
                commendation=_collective_award(form, f"team_commendation_{team.pk}", "collective_commendation"),
                explanation=_collective_text(form, f"team_explanation_{team.pk}"),
            )
        )
    return lines


def _team_rows(form, check) -> list[dict]:
    """The form's team rows, each with its CollectiveCheck."""
    return [{**row, "check": check.collectives.get(row["team"].pk)} for row in form.team_rows()]


def _draft(form, person):
    data = getattr(form, "cleaned_data", None)

    def value(key, default=None):
        name = f"{key}_{person.pk}"
        if data is not None and name in data:
            return data[name]
        if form.is_bound:
            return default
        raw = form.initial.get(name, default)
        if key in ("title", "commendation"):
            return form.awards[key].get(raw) if raw else None
        return raw or default

    return services.LineDraft(
        person=person,
        title=value("title"),
        commendation=value("commendation"),
        initiative_title=value("initiative", "") or "",
        explanation=value("explanation", "") or "",
    )


def _prefilled(request, form, registration_action: str, campaign, unit):
    """POST data with the "Tất cả Lao động tiên tiến" or "Sao chép năm trước" action applied (not saved)."""
    data = request.POST.copy()
    if registration_action == "all_ldtt":
        ldtt = next((a for a in form.awards["title"].values() if a.code == "LDTT"), None)
        if ldtt is None:
            return data, "Phong trào này không có danh hiệu Lao động tiên tiến để chọn."
        filled = 0
        for person in form.people:
            if not data.get(f"title_{person.pk}"):
                data[f"title_{person.pk}"] = str(ldtt.pk)
                filled += 1
        return data, f"Đã chọn Lao động tiên tiến cho {filled} người chưa có danh hiệu. Bấm «Lưu bản đăng ký» để lưu."
    previous = selectors.previous_registration(request.user, unit, campaign)
    if previous is None:
        return data, "Không tìm thấy bản đăng ký đã gửi của năm học trước."
    by_code = {key: {a.code: a for a in awards.values()} for key, awards in form.awards.items()}
    current = {p.pk for p in form.people}
    copied = skipped = 0
    for line in previous.lines.select_related("title", "commendation"):
        if line.person_id not in current:
            continue
        copied += 1
        for key, award in (("title", line.title), ("commendation", line.commendation)):
            fit = by_code[key].get(award.code) if award is not None else None
            if award is not None and fit is None:
                skipped += 1
            data[f"{key}_{line.person_id}"] = str(fit.pk) if fit else ""
        data[f"initiative_{line.person_id}"] = line.initiative_title
    note = f" {skipped} danh hiệu/hình thức không còn phù hợp đã bỏ qua." if skipped else ""
    return data, (f"Đã sao chép đăng ký năm học trước cho {copied} người.{note} Bấm «Lưu bản đăng ký» để lưu.")


def _return_notes(registration) -> tuple[str, dict[int, str]]:
    """The last reason a registration was returned or sent back, and its per-line comments.

    The level above writes a comment for a line in the reason as "Dòng <STT>: …" (up to the
    next "Dòng <STT>:"); it is shown beside that line.
    """
    if registration is None or registration.status not in (S.RETURNED, S.DRAFT):
        return "", {}
    last = (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration), object_id=registration.pk
        )
        .order_by("-at", "-id")
        .first()
    )
    if last is None or last.action not in ("return", "send_back") or not last.comment:
        return "", {}
    by_order = {}
    for match in LINE_COMMENT.finditer(last.comment):
        by_order[int(match.group(1))] = match.group(2).strip()
    orders = dict(registration.lines.values_list("order", "person_id"))
    return last.comment, {orders[order]: text for order, text in by_order.items() if order in orders}


# The reason is stored on one line (NFC, single spaces), so comments are split at each "Dòng <STT>:".
LINE_COMMENT = re.compile(r"\b(?:dòng|stt)\s*(\d+)\s*:\s*(.+?)(?=\s*\b(?:dòng|stt)\s*\d+\s*:|$)", re.IGNORECASE)


@view_rule(REGISTRATION_FILE)
def registration_edit(request, pk, unit_pk):
    campaign, unit, registration = _registration_setup(request, pk, unit_pk)
    if registration is not None and not registration.is_editable:
        messages.info(request, f"Bản đăng ký đang ở trạng thái «{registration.get_status_display()}»; không thể sửa.")
        return redirect(registration)
    form = _build_form(request, campaign, unit, registration, request.POST or None)
    prefill = request.POST.get("prefill") if request.method == "POST" else None
    if prefill in ("all_ldtt", "copy_last_year"):
        data, message = _prefilled(request, form, prefill, campaign, unit)
        messages.info(request, message)
        form = _build_form(request, campaign, unit, registration, data)
        form.is_valid()
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = [
            services.LineInput(
                person=d.person,
                title=d.title,
                commendation=d.commendation,
                initiative_title=d.initiative_title,
                explanation=d.explanation,
            )
            for d in _drafts(form)
        ]
        collective_lines = [
            services.CollectiveLineInput(
                team=team,
                title=data.get(f"team_title_{team.pk}"),
                commendation=data.get(f"team_commendation_{team.pk}"),
                explanation=data.get(f"team_explanation_{team.pk}", ""),
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
                collective_explanation=data.get("collective_explanation", ""),
                note=data.get("note", ""),
                expected_version=int(raw_version) if raw_version else None,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu bản đăng ký thi đua.")
            return redirect(saved)
    check = services.registration_check(
        campaign=campaign, unit=unit, drafts=_drafts(form), collectives=_collectives(form, unit)
    )
    reason, line_comments = _return_notes(registration)
    form.checks, form.comments = check.lines, line_comments
    return render(
        request,
        "campaigns/registration_form.html",
        {
            "form": form,
            "campaign": campaign,
            "unit": unit,
            "check": check,
            "unit_check": check.collectives.get(unit.pk),
            "team_rows": _team_rows(form, check),
            "return_reason": reason,
            "has_previous": selectors.previous_registration(request.user, unit, campaign) is not None,
        },
    )


@view_rule(REGISTRATION_FILE)
def registration_line_check(request, pk, unit_pk):
    """htmx: the verdict and hard-rule marks of one line, and the quota panel, for the form as typed.

    Accepts the whole form (hx-post with hx-include) and `line` (a person id of the form) or `collective`
    (the unit's id or one of its teams'); answers a fragment, never saves. GET answers the same for the
    saved or empty form.
    """
    campaign, unit, registration = _registration_setup(request, pk, unit_pk)
    data = request.POST if request.method == "POST" else None
    form = _build_form(request, campaign, unit, registration, data)
    if data is not None:
        form.is_valid()
    source = request.POST if request.method == "POST" else request.GET
    line = valid_pk(source["line"]) if source.get("line") else None
    collective_pk = valid_pk(source["collective"]) if source.get("collective") else None
    drafts = _drafts(form)
    collectives = _collectives(form, unit)
    check = services.registration_check(campaign=campaign, unit=unit, drafts=drafts, collectives=collectives)
    person = next((d.person for d in drafts if d.person.pk == line), None)
    collective = next((c.unit for c in collectives if c.unit.pk == collective_pk), None)
    if (line is not None and person is None) or (collective_pk is not None and collective is None):
        raise Http404
    return render(
        request,
        "campaigns/registration_line_check.html",
        {
            "line": check.lines.get(line) if person else None,
            "person": person,
            "collective": collective,
            "collective_check": check.collectives.get(collective_pk) if collective else None,
            "check": check,
            "oob": True,
        },
    )


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
    # `?unit=<id>`: only that unit's subtree; a unit the user may not read is a 404, as on the dashboard.
    wanted = request.GET.get("unit", "")
    unit = unit_get_visible(request.user, wanted) if wanted else None
    overview_filter = OverviewFilter(
        request.GET, queryset=selectors.registration_overview(request.user, campaign), unit=unit
    )
    if wants_export(request):
        spec = exports.REGISTRATION_OVERVIEW
        spec = dataclasses.replace(spec, title=f"{spec.title}: {campaign.name}")
        rows = list(overview_filter.qs)
        selectors.registration_overview_flags(rows)
        return export_response(request, spec=spec, queryset=rows, filterset=overview_filter)
    counts = selectors.registration_overview_counts(request.user, campaign, unit=unit)
    paginator = CappedPaginator(
        selectors.registration_overview_rows(overview_filter.qs), PAGE_SIZE, cap=settings.PAGINATION_COUNT_CAP
    )
    # Without a name or status filter the rows are the counted expected registrants: no second COUNT.
    narrowed = not overview_filter.is_valid() or any(overview_filter.form.cleaned_data.get(k) for k in ("q", "state"))
    if not narrowed and paginator.cap > 0:
        paginator.capped = counts["expected"] > paginator.cap
        paginator.count = min(counts["expected"], paginator.cap)
    page = paginator.get_page(request.GET.get("page"))
    # Unfiltered in the default order (the most read form): the slice from a statement compiled once per process.
    ordered = overview_filter.is_valid() and overview_filter.form.cleaned_data.get("o")
    query = page.object_list.query
    kept = None if narrowed or ordered else selectors.registration_overview_page(
        request.user, campaign, unit, query.low_mark, query.high_mark
    )  # fmt: skip
    # The shown rows as OverviewRows: flags and links are set on them.
    page.object_list = kept if kept is not None else [selectors.OverviewRow(**row) for row in page.object_list]
    selectors.registration_overview_flags(page.object_list)
    link = reverse("campaigns:registration_detail", args=[_LINK_PK]).replace(str(_LINK_PK), "{}")  # reversed once
    for row in page.object_list:
        row.registration_url = link.format(row.registration_id) if row.registration_id else ""
    totals = selectors.registration_totals(request.user, campaign, unit=unit)
    not_counted = totals.pop("not_counted")
    return render(
        request,
        "campaigns/registration_overview.html",
        {
            "campaign": campaign,
            "filter": overview_filter,
            "page": page,
            "totals": totals,
            "not_counted": not_counted,
            "counts": counts,
            "chosen_unit": unit,
            "rows_html": overview_rows_html(page.object_list),
            "filter_form": overview_filter_form_html(overview_filter, request.GET),
        },
    )


_LINK_PK = 987654321987


@view_rule(CAMPAIGN_READ)
def registration_export(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    return xlsx_response(registration_workbook(request.user, campaign), f"dang-ky-thi-dua-{campaign.pk}.xlsx")
