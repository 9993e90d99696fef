"""The reviewer inbox (two tabs: dossiers, nominations) and the staged bulk review of a dossier's nominations."""

from functools import partial
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from core.exceptions import ServiceError
from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import PAGE_SIZE
from units.selectors import unit_get_visible
from units.view_rules import DOSSIER_APPRAISE, LIST_IN_SCOPE

from . import bulk, exports, inbox, inbox_rows, selectors
from .enums import RECEIVED_STATES, DossierStatus, NominationStatus, RoundKind
from .workflows import NOMINATION_WORKFLOW, may_appraise

NOMINATIONS_TAB, DOSSIERS_TAB = "de-nghi", "ho-so"


@view_rule(LIST_IN_SCOPE)
def inbox_view(request):
    """Dossiers (or nominations) addressed to the units the user appraises for and the units below them."""
    today = timezone.localdate()
    tab = NOMINATIONS_TAB if request.GET.get("tab") == NOMINATIONS_TAB else DOSSIERS_TAB
    sorts = inbox.NOMINATION_SORTS if tab == NOMINATIONS_TAB else inbox.DOSSIER_SORTS
    user = request.user
    # `?unit=<id>`: dossiers proposed in that unit's subtree; a unit the user may not read is a 404.
    wanted = request.GET.get("unit", "")
    unit = unit_get_visible(user, wanted) if wanted else None
    filters = inbox.filters_from(request.GET, sorts=sorts, unit=unit)
    awards, award_names = inbox.award_catalog()
    if tab == NOMINATIONS_TAB:
        campaigns = inbox.campaign_choices(user)
        counts, rows = inbox.nomination_tab(user, filters, today=today)
        status_tabs = [(value, label, counts.get(value, 0)) for value, label in NominationStatus.choices]
        status_param, current_status = "trang_thai_de_nghi", filters.nomination_status
    else:
        # Unfiltered, the counts' dossiers are the campaign choices' dossiers: one query gives both.
        counts, campaign_ids, dossier_ids = inbox.dossier_tab(user, filters, today=today)
        campaigns = inbox.campaign_choices(user) if campaign_ids is None else inbox.campaigns_named(campaign_ids)
        status_tabs = [(value, label, counts.get(value, 0)) for value, label in DossierStatus.choices]
        status_tabs = [t for t in status_tabs if t[0] in RECEIVED_STATES]
        status_param, current_status = "trang_thai", filters.status
    if wants_export(request):
        return _inbox_export(request, tab, filters, today, campaigns=campaigns, awards=awards)
    campaign_names = dict(campaigns)
    if tab == NOMINATIONS_TAB:
        ids = rows
        fetch = partial(inbox.nomination_page_rows, campaigns=campaign_names, awards=award_names)
    else:
        ids = dossier_ids
        fetch = partial(inbox.dossier_page_rows, campaigns=campaign_names)
    page = _paginate_ids(
        request,
        ids,
        count=counts.get(current_status, 0) if current_status else sum(counts.values()),
        fetch=fetch,
    )
    inbox.mark_due(page, today)
    _mark_may_act(user, page.object_list)
    statuses = [(v, label) for v, label in DossierStatus.choices if v in RECEIVED_STATES]
    return render(
        request,
        "nominations/inbox.html",
        {
            "page": page,
            "tab": tab,
            "filters": filters,
            "status_tabs": status_tabs,
            "status_param": status_param,
            "current_status": current_status,
            "total": sum(counts.values()),
            "statuses": statuses,
            "campaigns": campaigns,
            # The filter bar written in Python (inbox_rows): the template's loops cost a fifth of the page.
            "status_tabs_html": inbox_rows.status_tabs_html(request.GET, status_tabs, status_param, current_status),
            "options": {
                "statuses": inbox_rows.options_html(statuses, filters.status),
                "campaigns": inbox_rows.options_html(campaigns, filters.campaign),
                "awards": inbox_rows.options_html(awards, filters.award),
                "rounds": inbox_rows.options_html(RoundKind.choices, filters.round_kind),
                "deadlines": inbox_rows.options_html(inbox.DEADLINE_CHOICES, filters.deadline),
            },
            "sort_links": inbox_rows.sort_links_html(
                request.GET,
                inbox_rows.NOMINATION_SORT_LINKS if tab == NOMINATIONS_TAB else inbox_rows.DOSSIER_SORT_LINKS,
            ),
            "rows_html": (
                inbox_rows.nomination_rows_html(page.object_list)
                if tab == NOMINATIONS_TAB
                else inbox_rows.dossier_rows_html(page.object_list)
            ),
            "appraisal_days": inbox.appraisal_days(),
            "has_inbox": inbox.has_inbox(user),
            "chosen_unit": unit,
        },
    )


def _inbox_export(request, tab, filters, today, *, campaigns, awards):
    """The tab's rows with its filters (the same scoped queryset as the page), as .xlsx."""
    if tab == NOMINATIONS_TAB:
        rows = inbox.inbox_nominations(request.user, filters, today=today)
        spec = exports.inbox_nomination_spec(today)
    else:
        rows = inbox.inbox_dossiers(request.user, filters, today=today)
        spec = exports.inbox_dossier_spec(today)
    text = exports.inbox_filters_text(filters, campaigns=campaigns, awards=awards)
    return export_response(request, spec=spec, queryset=rows, filters=text)


def _mark_may_act(user, rows) -> None:
    """`may_act` on each row: may the user appraise for its dossier's receiving unit (read-only where the user
    only sees from above, a Sở looking at what reached its Phòng). One `may_appraise` per receiving unit of the
    page, on the unit the rows carry (id, kind, parent, path: what the kernel's `can` reads), no query."""
    decided: dict = {}
    for row in rows:
        key = row.receiving_unit_id
        if key not in decided:
            unit = _receiving_unit(row)
            decided[key] = may_appraise(user, SimpleNamespace(receiving_unit_id=key, receiving_unit=unit))
        row.may_act = decided[key]


def _receiving_unit(row) -> SimpleNamespace | None:
    """What the kernel's `can` reads of the receiving unit (its id, kind, parent and path), without a model
    instance (a Unit's __init__ cost more than the check)."""
    if row.receiving_unit_id is None:
        return None
    if hasattr(row, "receiving_kind"):  # a dossier's row
        kind, parent_id, path = row.receiving_kind, row.receiving_parent_id, row.receiving_path
    else:  # a nomination's: (id, name, kind, parent_id, path)
        _pk, _name, kind, parent_id, path = row.receiving_unit
    return SimpleNamespace(pk=row.receiving_unit_id, kind=kind, parent_id=parent_id, path=path)


def _paginate_ids(request, rows, *, count: int, fetch):
    """Page through the ids only (`rows`: ids, or the few columns of the row's own table), then read the page's
    rows by them with their related names and annotations (`fetch`, which keeps the order): a far page (OFFSET
    thousands) no longer builds every skipped row. `count` comes from the counts per status (same filters), so
    the paginator does not count the rows a second time."""
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = count  # a cached_property: set, it is not computed
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = fetch(list(page.object_list))
    return page


def _staged(request, nominations) -> list[bulk.StagedDecision]:
    """The rows of the POSTed form that carry an action (others are left as they are)."""
    items = []
    for n in nominations:
        action = request.POST.get(f"action-{n.pk}", "")
        if not action:
            continue
        version = request.POST.get(f"version-{n.pk}", "")
        items.append(
            bulk.StagedDecision(
                nomination_id=n.pk,
                action=action,
                comment=request.POST.get(f"comment-{n.pk}", "").strip()[:1000],
                version=int(version) if version.isascii() and version.isdigit() else None,
            )
        )
    return items


@view_rule(DOSSIER_APPRAISE)
def dossier_bulk_review(request, pk):
    """Stage an action per nomination, review the staged list, apply it all at once (one POST)."""
    dossier = selectors.dossier_get_visible(request.user, pk)
    if not may_appraise(request.user, dossier):
        raise PermissionDenied
    nominations = selectors.dossier_nominations(dossier)
    step = request.POST.get("buoc", "") if request.method == "POST" else ""
    items = _staged(request, nominations) if request.method == "POST" else []
    errors: dict = {}
    reviewing = False
    if step in ("xem-lai", "ap-dung"):
        errors = bulk.nominations_bulk_check(dossier=dossier, nominations=nominations, items=items)
        reviewing = not errors and step == "xem-lai"
    if step == "ap-dung" and not errors:
        try:
            result = bulk.nominations_bulk_transition(dossier=dossier, by=request.user, items=items)
        except bulk.BulkRefused as exc:
            errors = exc.errors
            messages.error(request, str(exc))
        except ServiceError as exc:
            errors = {"": str(exc)}
        else:
            if result.applied:
                messages.success(request, f"Đã áp dụng thao tác cho {len(result.applied)} đề nghị.")
            else:
                messages.info(request, "Các thao tác này đã được áp dụng trước đó; không có gì thay đổi.")
            return redirect(dossier)
    staged = {item.nomination_id: item for item in items}
    rows = []
    for n in nominations:
        item = staged.get(n.pk)
        offered = [
            (action, bulk.bulk_action_label(action))
            for action in bulk.BULK_ACTIONS
            if n.status in NOMINATION_WORKFLOW.get(action).sources
        ]
        rows.append(
            {
                "n": n,
                "offered": offered,
                "action": item.action if item else "",
                "action_label": bulk.bulk_action_label(item.action) if item else "",
                "comment": item.comment if item else "",
                "version": item.version if item and item.version is not None else n.version,
                "error": errors.get(n.pk, ""),
            }
        )
    return render(
        request,
        "nominations/inbox_bulk.html",
        {
            "dossier": dossier,
            "rows": [r for r in rows if r["action"]] if reviewing else rows,
            "reviewing": reviewing,
            "general_error": errors.get("", ""),
            "open": dossier.status == DossierStatus.UNDER_APPRAISAL,
        },
    )
