"""Nomination pages: thin views that find the object through a selector (404 outside) and call one service."""

from html import escape

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from awards.engine import quota_usage
from campaigns.models import CampaignAward
from core import workflow
from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.models import TransitionLog
from core.rules import view_rule
from core.uploads import protected_download
from core.views import paginate
from units.rules import Cap, can
from units.selectors import unit_get_visible
from units.view_rules import DOSSIER_ACT, DOSSIER_APPRAISE, DOSSIER_FILE, DOSSIER_READ, LIST_IN_SCOPE

from . import checks, decisions, dossier_page, exports, inbox, links, rollup, selectors, services, workflows
from . import notice as notices
from .dossier_rows import rows_html
from .enums import DossierStatus, NominationStatus, RoundKind
from .forms import (
    AttachmentForm,
    DossierCreateForm,
    DossierEditForm,
    FromRegistrationForm,
    NominationAddForm,
    NominationEditForm,
    OverrideForm,
)
from .report import report_award_codes
from .rowload import Prepared


def _posted(request, *, files=False):
    """A form's data: bound on every POST, even an empty one (which then shows the required fields' errors),
    unbound on GET. `request.POST or None` would show an empty POST the blank form with no message."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def _filters(request) -> dict:
    filters = {}
    status = request.GET.get("trang_thai", "")
    if status in DossierStatus.values:
        filters["status"] = status
    round_kind = request.GET.get("dot", "")
    if round_kind in RoundKind.values:
        filters["round_kind"] = round_kind
    year = request.GET.get("nam_hoc", "")
    if year.isascii() and year.isdigit() and len(year) == 4:
        filters["school_year"] = int(year)
    query = request.GET.get("q", "").strip()
    if query:
        filters["q"] = query[:100]
    return filters


@view_rule(LIST_IN_SCOPE)
def dossier_list(request):
    """Two tabs: the dossiers of the units the user files or signs for, and the inbox of those it appraises for."""
    if request.GET.get("tab") == "den":  # the old address of the inbox tab: the reviewer inbox answers it
        from .views_inbox import inbox_view

        return inbox_view(request)
    tab = "cua-toi"
    filters = _filters(request)
    rows = selectors.dossiers_of_own_units(request.user, filters)
    # `?unit=<id>`: the dashboard's drill-down, dossiers proposed in that unit's subtree (404 outside the user's).
    wanted = request.GET.get("unit", "")
    chosen_unit = unit_get_visible(request.user, wanted) if wanted else None
    if chosen_unit is not None:
        rows = rows.filter(unit_path__startswith=chosen_unit.path)
    if wants_export(request):
        filters_text = exports.dossier_filters(filters, chosen_unit)
        return export_response(request, spec=exports.DOSSIER_LIST, queryset=rows, filters=filters_text)
    return render(
        request,
        "nominations/dossier_list.html",
        {
            "page": paginate(request, rows),
            "tab": tab,
            "filters": filters,
            "statuses": DossierStatus.choices,
            "rounds": RoundKind.choices,
            "inbox_count": inbox.awaiting_count(request.user),
            "may_create": services.may_open_dossier(request.user),
            "chosen_unit": chosen_unit,
        },
    )


@view_rule(DOSSIER_FILE)
def dossier_create(request):
    if not services.may_open_dossier(request.user):
        raise PermissionDenied
    form = DossierCreateForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = services.dossier_create(
                by=request.user,
                unit=data["unit"],
                round_kind=data["round_kind"],
                school_year=data["school_year"],
                campaign=data["campaign"],
                procedure=data["procedure"],
                title=data["title"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã tạo hồ sơ đề nghị khen thưởng.")
            return redirect(dossier)
    return render(request, "form.html", {"form": form, "title": "Tạo hồ sơ đề nghị khen thưởng"})


def _return_comments(nomination_ids) -> dict[int, str]:
    """What the level above asked for when it last returned each nomination (one query, none without ids)."""
    if not nomination_ids:
        return {}
    logs = TransitionLog.objects.filter(workflow="nomination", object_id__in=nomination_ids, to_state="returned")
    return dict(logs.order_by("at", "id").values_list("object_id", "comment"))


# The verdict's badge on a nomination row of the dossier page (the last: not checked yet).
_VERDICT_BADGES = {
    checks.Verdict.ELIGIBLE: format_html('<span class="badge text-bg-success">{}</span>', "Đủ điều kiện"),
    checks.Verdict.NOT_ELIGIBLE: format_html('<span class="badge text-bg-danger">{}</span>', "Không đủ điều kiện"),
    checks.Verdict.NEEDS_REVIEW: format_html('<span class="badge text-bg-warning">{}</span>', "Cần xem xét"),
    "": format_html('<span class="badge text-bg-secondary">{}</span>', "Chưa kiểm tra"),
}
# A nomination's status on its row, escaped once.
_STATUS_HTML = {value: escape(label) for value, label in NominationStatus.choices}
_OVERRIDABLE = (NominationStatus.PROPOSED, NominationStatus.RETURNED)

# The links of each nomination row of the dossier page, by URL name: the row's key is `<key>_url`.
_ROW_URLS = {
    "nomination_edit": "edit",
    "attachment_upload": "upload",
    "report_detail": "report",
    "nomination_path": "path",
    "nomination_override": "override",
    "nomination_transition": "transition",
}


def _url_for_pk(name: str):
    """`reverse(name, args=[pk])` as a function of pk, reversed once and escaped once (an id is digits: the
    escaped address is the escaped head, the id, the escaped tail): 200 rows × five links were 1,000 reverse()
    and escape() calls on the dossier page."""
    sentinel = "2147483647"
    head, tail = (escape(part) for part in reverse(name, args=[int(sentinel)]).split(sentinel))
    return lambda pk: f"{head}{pk}{tail}"


def _with_query(url_for_pk, query: str):
    """`url_for_pk` with an escaped query string after each address."""
    return lambda pk: f"{url_for_pk(pk)}{query}"


class _RowActions:
    """The workflow buttons of a nomination row: includes/workflow_actions.html's markup, rendered once per
    set of actions (the rows of a dossier mostly share one) with placeholders, then the row's address and
    version put in. 200 rows rendered the include 200 times: most of the page's CPU and of its weight."""

    URL, VERSION = "@@url@@", "@@version@@"

    def __init__(self, request, transition_url):
        self.request = request
        self.transition_url = transition_url
        self.shapes: dict[tuple, str] = {}

    def __call__(self, actions, nomination) -> str:
        if not actions:
            return ""
        key = tuple(a.name for a in actions)
        shape = self.shapes.get(key)
        if shape is None:
            html = render_to_string(
                "nominations/row_actions.html",
                {"actions": actions, "url": self.URL, "version": self.VERSION},
                request=self.request,
            )
            # A %-format made once (its own `%` doubled): each row is then one C-level substitution, not a
            # join of joins (a fifth of the rows' Python time went to the generator).
            shape = html.replace("%", "%%").replace(self.URL, "%(url)s").replace(self.VERSION, "%(version)d")
            self.shapes[key] = shape
        # Both values are ours and plain (a path of digits and slashes, an integer): nothing to escape.
        values = {"url": self.transition_url(nomination.pk), "version": int(nomination.version)}
        return SafeString(shape % values)  # nosec B703: see above


# The dossier's transitions with their users (`workflow.history`'s query), compiled once per process and content
# type (its id is in the statement; a database whose content types are made again gets a statement of its own).
_HISTORY_BY_CONTENT_TYPE: dict[int, Prepared] = {}
_HISTORY_PLACEHOLDER = 8_987_654_321_987  # object_id is a PositiveBigIntegerField: no negative placeholder


def _history(obj) -> list[workflow.HistoryRow]:
    """`workflow.history(obj)` (the same rows, labels and order: test_dossier_history.py pins it) from a statement
    compiled once: the queryset's build and compilation were 0.5 ms of the dossier page's CPU."""
    wf = workflow.workflow_for(obj)
    ct_id = ContentType.objects.get_for_model(type(obj)).pk
    prepared = _HISTORY_BY_CONTENT_TYPE.get(ct_id)
    if prepared is None:
        prepared = _HISTORY_BY_CONTENT_TYPE[ct_id] = Prepared(
            lambda pk: (
                TransitionLog.objects.filter(content_type_id=ct_id, object_id=pk)
                .select_related("by")
                .order_by("at", "id")
            ),
            placeholder=_HISTORY_PLACEHOLDER,
        )
    return [
        workflow.HistoryRow(
            at=row.at,
            by=row.by,
            action=wf.action_label(row.action),
            from_state=wf.state_label(row.from_state),
            to_state=wf.state_label(row.to_state),
            comment=row.comment,
        )
        for row in prepared.instances(obj.pk)
    ]


# The campaign's caps by award code (`campaign.awards.filter(cap__isnull=False)`), compiled once.
_CAMPAIGN_CAPS = Prepared(
    lambda campaign_id: (
        CampaignAward.objects.filter(campaign_id=campaign_id, cap__isnull=False)
        .order_by()
        .values_list("award_type__code", "cap")
    )
)


@view_rule(DOSSIER_READ)
def dossier_detail(request, pk):
    dossier = selectors.dossier_page_get(request.user, pk)
    # The index of the whole dossier (ids, statuses, awards), then the cards of one page (dossier_page.py).
    listing = dossier_page.listing(request, dossier)
    # The checklist before sending reads every nomination (summary, report, attachments): then all are loaded
    # and the page's taken from them; otherwise only the page's.
    wants_problems = dossier.is_editable or dossier.status == DossierStatus.AWAITING_HEAD
    if wants_problems:
        everything = selectors.dossier_nominations(dossier, awards=listing.awards)
        by_id = {n.pk: n for n in everything}
        nominations = [by_id[pk] for pk in listing.ids if pk in by_id]
    else:
        nominations = selectors.dossier_nominations(dossier, ids=listing.ids, awards=listing.awards)
        everything = nominations
    decisions.attach_outcomes(nominations)
    counts = {n.pk: len(n.attachment_list) for n in everything}
    may_file = can(request.user, Cap.FILE, dossier.unit)
    may_appraise = dossier.receiving_unit_id is not None and can(request.user, Cap.APPRAISE, dossier.receiving_unit)
    objections = notices.open_objections_by_nomination([n.pk for n in nominations])
    return_comments = _return_comments([n.pk for n in nominations if n.status == NominationStatus.RETURNED])
    url = {name: _url_for_pk(f"nominations:{name}") for name in _ROW_URLS}
    url_decision = _url_for_pk("nominations:decision_detail")
    edit_url, upload_url, override_url = url["nomination_edit"], url["attachment_upload"], url["nomination_override"]
    report_url, path_url = url["report_detail"], url["nomination_path"]
    transition_url = url["nomination_transition"]
    if listing.filter_query:  # the action's redirect brings the reviewer back to the same filter and page
        transition_url = _with_query(transition_url, escape(f"?{listing.filter_query}"))
    actions_html = _RowActions(request, transition_url)
    row_actions = workflows.nomination_actions(nominations, request.user)
    report_codes = report_award_codes()
    procedure = dossier.procedure
    may_edit_any = may_file and dossier.is_editable
    rows = []
    for n in nominations:
        pk, status = n.pk, n.status
        may_edit = may_edit_any or (may_file and status == NominationStatus.RETURNED)
        may_override = may_appraise and status in _OVERRIDABLE and n.verdict == checks.Verdict.NOT_ELIGIBLE
        rows.append(
            {
                "n": n,
                # The addresses escaped (`_url_for_pk`); a link the row does not show is not built.
                "edit_url": edit_url(pk) if may_edit else "",
                "upload_url": upload_url(pk) if may_edit else "",
                "report_url": report_url(pk),
                "path_url": path_url(pk),
                "override_url": override_url(pk) if may_override else "",
                "decision_url": url_decision(n.decision_id) if n.decision_id else "",
                "status_html": _STATUS_HTML.get(status) or escape(status),
                "verdict_badge": _VERDICT_BADGES.get(n.verdict, _VERDICT_BADGES[""]),
                "open_objections": objections.get(pk, []),
                "return_comment": return_comments.get(pk, ""),
                "reasons": checks.reasons_summary(n.reasons) if n.reasons else [],
                "problems": checks.nomination_problems(
                    n, procedure=procedure, attachment_count=counts.get(pk, 0), report_codes=report_codes
                ),
                "actions_html": actions_html(row_actions[pk], n),
                "may_edit": may_edit,
                "may_override": may_override,
            }
        )
    proposed = listing.proposed  # the whole dossier's, from its index
    caps = {}
    if dossier.campaign_id:
        caps = dict(_CAMPAIGN_CAPS.rows(dossier.campaign_id))
    quota = [
        line for line in quota_usage(dossier.unit, dossier.school_year, caps=caps, proposed=proposed) if line.proposed
    ]
    # The text of open objections (notice.py) for those who appraise this dossier or head its unit.
    show_objections = may_appraise or can(request.user, Cap.APPRAISE, dossier.unit)
    notice_url, download_url = _url_for_pk("nominations:notice_detail"), _url_for_pk("nominations:attachment_download")
    cards = rows_html(
        rows,
        [listing.numbers[n.pk] for n in nominations],
        dossier=dossier,
        show_objections=show_objections,
        notice_url=notice_url,
        download_url=download_url,
    )
    response = render(
        request,
        "nominations/dossier_detail.html",
        {
            "dossier": dossier,
            "rows": rows,
            # Each row's card written in Python (dossier_rows.py): the template engine took half the page's CPU.
            # The template holds a mark where they go, put in below (`_put_rows`).
            "rows_html": _ROWS_MARK,
            "listing": listing,
            "page": listing.page,
            "problems": checks.dossier_problems(
                dossier, [n for n in everything if n.status != NominationStatus.NOT_ACCEPTED], counts
            )
            if wants_problems
            else [],
            "quota": quota,
            "actions": workflow.available_actions(dossier, request.user),
            "history": _history(dossier),
            "may_file": may_file and dossier.is_editable,
            "show_objections": show_objections,
            "from_registration": may_file and dossier.is_editable and dossier.campaign_id is not None,
            "may_decide": decisions.may_record_decision(request.user, dossier),
            "may_bulk": may_appraise and dossier.status == DossierStatus.UNDER_APPRAISAL and bool(listing.total),
            "may_roll_up": rollup.may_roll_up(request.user, dossier)
            and dossier.status in rollup.ROLLUP_DOSSIER_STATES
            and any(status in rollup.ROLLUP_SOURCES for status in listing.statuses),
        },
    )
    return _put_rows(response, cards)


# Where the rows' cards go in the dossier page. Not a text any row or dossier can hold: every text from the
# database is escaped, so no `<` of theirs reaches the page.
_ROWS_MARK = SafeString("<!--nominations:dossier-rows-->")
_ROWS_MARK_BYTES = _ROWS_MARK.encode()


def _put_rows(response, cards: str):
    """The page's bytes with the cards in place of the mark: one join of bytes. Through the template, the
    cards (600 KB for 200 rows) were copied by the join and the safe-string wrapper of each enclosing node,
    block and template: a fifth of the page's CPU."""
    head, mark, tail = response.content.partition(_ROWS_MARK_BYTES)
    if mark:
        response.content = b"".join((head, cards.encode(), tail))
    return response


@view_rule(DOSSIER_FILE)
def dossier_edit(request, pk):
    dossier = selectors.dossier_get_visible(request.user, pk)
    if not can(request.user, Cap.FILE, dossier.unit):
        raise PermissionDenied
    initial = {name: getattr(dossier, name) for name in services.DOSSIER_FIELDS}
    form = DossierEditForm(_posted(request), initial={**initial, "version": dossier.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or None
        try:
            services.dossier_update(by=request.user, dossier=dossier, version=version, **data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu thông tin hồ sơ.")
            return redirect(dossier)
    return render(request, "form.html", {"form": form, "title": "Thông tin tờ trình", "back": dossier})


@require_POST
@view_rule(DOSSIER_ACT)
def dossier_transition(request, pk):
    dossier = selectors.dossier_get_visible(request.user, pk)
    try:
        done, message = workflow.transition_from_post(request, dossier)
    except workflow.NotAllowedError:
        raise PermissionDenied from None
    (messages.success if done else messages.error)(request, message)
    return redirect(dossier)


@view_rule(DOSSIER_FILE)
def nomination_add(request, pk):
    dossier = selectors.dossier_get_visible(request.user, pk)
    if not can(request.user, Cap.FILE, dossier.unit):
        raise PermissionDenied
    form = NominationAddForm(_posted(request), user=request.user, dossier=dossier, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nomination_add(
                by=request.user,
                dossier=dossier,
                award_code=data["award"].code,
                person=data["person"],
                unit=data["collective"],
                summary=data["summary"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã thêm đề nghị.")
            return redirect(dossier)
    return render(request, "form.html", {"form": form, "title": "Thêm đề nghị khen thưởng", "back": dossier})


@require_POST
@view_rule(DOSSIER_FILE)
def nominations_from_registration(request, pk):
    dossier = selectors.dossier_get_visible(request.user, pk)
    if not can(request.user, Cap.FILE, dossier.unit):
        raise PermissionDenied
    form = FromRegistrationForm(request.POST)
    codes = [form.data["award"]] if form.is_valid() and form.cleaned_data["award"] else None
    try:
        created = services.nominations_from_registration(by=request.user, dossier=dossier, award_codes=codes)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Đã thêm {len(created)} đề nghị từ danh sách đăng ký thi đua.")
    return redirect(dossier)


@view_rule(DOSSIER_FILE)
def nomination_edit(request, pk):
    nomination = selectors.nomination_get_visible(request.user, pk)
    dossier = nomination.dossier
    if not can(request.user, Cap.FILE, dossier.unit):
        raise PermissionDenied
    form = NominationEditForm(_posted(request), initial={"summary": nomination.summary, "version": nomination.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_update(
                by=request.user,
                nomination=nomination,
                version=form.cleaned_data["version"] or None,
                summary=form.cleaned_data["summary"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu đề nghị.")
            return redirect(nomination)
    title = f"Đề nghị «{nomination.award_type.name}» – {nomination.candidate_name}"
    return render(request, "form.html", {"form": form, "title": title, "back": nomination})


@require_POST
@view_rule(DOSSIER_ACT)
def nomination_transition(request, pk):
    nomination = selectors.nomination_get_visible(request.user, pk)
    try:
        done, message = workflow.transition_from_post(request, nomination)
    except workflow.NotAllowedError:
        raise PermissionDenied from None
    (messages.success if done else messages.error)(request, message)
    # Back to the page of the dossier that holds it, with the filter the reviewer had (dossier_page.py).
    return redirect(links.nomination_url(nomination.dossier_id, nomination.pk, links.filter_query(request.GET)))


@view_rule(DOSSIER_APPRAISE)
def nomination_override(request, pk):
    nomination = selectors.nomination_get_visible(request.user, pk)
    receiving = nomination.dossier.receiving_unit
    if receiving is None or not can(request.user, Cap.APPRAISE, receiving):
        raise PermissionDenied
    form = OverrideForm(
        _posted(request),
        initial={
            "criterion": nomination.override_criterion,
            "reason": nomination.override_reason,
            "version": nomination.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_override(
                by=request.user,
                nomination=nomination,
                version=form.cleaned_data["version"] or None,
                criterion=form.cleaned_data["criterion"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã ghi ý kiến vượt điều kiện.")
            return redirect(nomination)
    title = f"Ý kiến vượt điều kiện: «{nomination.award_type.name}» – {nomination.candidate_name}"
    return render(request, "form.html", {"form": form, "title": title, "back": nomination})


@view_rule(DOSSIER_FILE)
def attachment_upload(request, pk):
    nomination = selectors.nomination_get_visible(request.user, pk)
    if not can(request.user, Cap.FILE, nomination.dossier.unit):
        raise PermissionDenied
    form = AttachmentForm(*_posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                by=request.user,
                nomination=nomination,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ServiceError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, "Đã tải lên minh chứng.")
            return redirect(nomination)
    title = f"Minh chứng: «{nomination.award_type.name}» – {nomination.candidate_name}"
    return render(request, "form.html", {"form": form, "title": title, "back": nomination})


@view_rule(DOSSIER_READ)
def attachment_download(request, pk):
    """The only way to a stored evidence file: visibility checked, served as a download, never sniffed
    (by nginx with X-Accel-Redirect when MEDIA_ACCEL_REDIRECT is set)."""
    attachment = selectors.attachment_get_visible(request.user, pk)
    return protected_download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)
