"""The rows of the reviewer inbox's two tables, written in Python (issue 14: the inboxes and the filtered list).

The same markup, byte for byte, that inbox.html's loops wrote (nominations/tests/test_inbox_rows.py renders the old
loops beside these functions on the same rows). The template engine resolved about fifteen variables, a `{% url %}`
and the `date` filter per row: about half of the page's CPU past the bare page's. Here the dossier's address is
reversed once per page with a placeholder id, every text from the database goes through `html.escape` (what
Django's `escape` calls: same output), and dates are taken in the current time zone as the `date` filter does.
"""

import datetime
from html import escape
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from core.templatetags.portal import sort_state

from .enums import DossierStatus, NominationStatus, RoundKind
from .links import nomination_suffix

_ROUNDS = dict(RoundKind.choices)
_DOSSIER_STATES = dict(DossierStatus.choices)
_NOMINATION_STATES = dict(NominationStatus.choices)
_VERDICTS = {
    "eligible": '<span class="badge text-bg-success">Đủ điều kiện</span>',
    "not_eligible": '<span class="badge text-bg-danger">Không đủ điều kiện</span>',
    "needs_review": '<span class="badge text-bg-warning">Cần xem xét</span>',
}
_UNCHECKED = '<span class="badge text-bg-secondary">Chưa kiểm tra</span>'
_OVERRIDDEN = ' <span class="badge text-bg-info">Có ý kiến vượt điều kiện</span>'
_FOLLOW_ONLY = '<div class="small text-muted">chỉ theo dõi</div>'
_PLACEHOLDER = 2147483647  # an id no row has: the dossier's address is reversed once, then the id put in


def _e(value) -> str:
    return "" if value is None else escape(str(value))


def _date(value) -> str:
    """The template's `value|date:"d/m/Y"`: a datetime in the current time zone, "" for None."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = template_localtime(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _due(row) -> str:
    if row.is_overdue:
        return f'<span class="badge text-bg-danger" data-overdue>Quá hạn {_date(row.due_date)}</span>'
    if row.is_due_soon:
        return f'<span class="badge text-bg-warning">Hạn {_date(row.due_date)}</span>'
    if row.is_pending:
        return _date(row.due_date)
    return ""


def _dossier_url():
    """The dossier page's address as (before the id, after it), escaped as `{% url %}` writes it."""
    before, after = reverse("nominations:dossier_detail", args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
    return escape(before), escape(after)


def dossier_rows_html(rows) -> SafeString:
    """The dossier tab's `<tr>`s (`inbox.dossier_page_rows` with `may_act` and `inbox.mark_due`'s marks)."""
    if not rows:
        return mark_safe('<tr><td colspan="7">Không có hồ sơ nào.</td></tr>\n')  # nosec B308: a constant
    before, after = _dossier_url()
    parts = []
    for d in rows:
        title = f'<div class="small text-muted">{_e(d.title)}</div>' if d.title else ""
        campaign = f'<div class="small text-muted">{_e(d.campaign_name)}</div>' if d.campaign_name else ""
        follow = "" if d.may_act else _FOLLOW_ONLY
        parts.append(
            f'\n<tr data-dossier="{d.pk}">\n'
            f'  <td><a href="{before}{d.pk}{after}">{_e(d.unit_name)}</a>{title}</td>\n'
            f"  <td>{_e(_ROUNDS.get(d.round_kind, d.round_kind))} {d.school_year}-{d.school_year + 1}{campaign}</td>\n"
            f'  <td class="d-none d-md-table-cell">{_e(d.receiving_unit_name)}{follow}</td>\n'
            f"  <td>{_date(d.sent_at)}</td>\n"
            f"  <td>{_due(d)}</td>\n"
            f'  <td class="text-end">{d.nomination_count}</td>\n'
            f'  <td><span class="badge text-bg-secondary">{_e(_DOSSIER_STATES.get(d.status, d.status))}</span></td>\n'
            "</tr>\n"
        )
    return mark_safe("".join(parts))  # nosec B308, B703: every text through _e (escape), the rest ours


def nomination_rows_html(rows) -> SafeString:
    """The nomination tab's `<tr>`s (`inbox.nomination_page_rows` with `may_act` and `inbox.mark_due`'s marks)."""
    if not rows:
        return mark_safe('<tr><td colspan="7">Không có đề nghị nào.</td></tr>\n')  # nosec B308: a constant
    before, after = _dossier_url()
    parts = []
    for n in rows:
        if not n.has_person:
            below = '<div class="small text-muted">tập thể</div>'
        elif n.person_unit_id != n.dossier_unit_id:
            below = f'<div class="small text-muted">{_e(n.person_unit_name)}</div>'
        else:
            below = ""
        campaign = f'<div class="small text-muted">{_e(n.campaign_name)}</div>' if n.campaign_name else ""
        follow = "" if n.may_act else '<div class="text-muted">chỉ theo dõi</div>'
        verdict = _VERDICTS.get(n.verdict, _UNCHECKED) + (_OVERRIDDEN if n.overridden_by_id is not None else "")
        parts.append(
            f'\n<tr data-nomination="{n.pk}">\n'
            f'  <td><a href="{before}{n.dossier_id}{after}{nomination_suffix(n.pk)}">'
            f"{_e(n.candidate_name)}</a>{below}</td>\n"
            f"  <td>{_e(n.award_name)}</td>\n"
            f"  <td>{_e(n.dossier_unit_name)}{campaign}</td>\n"
            f"  <td>{_due(n)}</td>\n"
            f'  <td class="small">{_e(_DOSSIER_STATES.get(n.dossier_status, n.dossier_status))}{follow}</td>\n'
            f'  <td><span class="badge text-bg-light border">{_e(_NOMINATION_STATES.get(n.status, n.status))}'
            "</span></td>\n"
            f"  <td>{verdict}</td>\n"
            "</tr>\n"
        )
    return mark_safe("".join(parts))  # nosec B308, B703: every text through _e (escape), the rest ours


# --- the filter bar: the status tabs, the filter form's <option>s and the column headers' sort links ---------------
# Written in Python with the bytes inbox.html's loops and `{% sort_link %}` wrote (nominations/tests/test_inbox_rows.py
# renders the old template fragments beside these): the loops resolved a variable and compared a filter per
# option, about a fifth of the nomination tab's CPU.


def options_html(choices, selected) -> SafeString:
    """`{% for value, label in choices %}<option value="{{ value }}"{% if selected == value %} selected{% endif %}>
    {{ label }}</option>{% endfor %}`."""
    return mark_safe(  # nosec B308, B703: every value and label through _e (escape), the rest ours
        "".join(
            f'<option value="{_e(value)}"{" selected" if selected == value else ""}>{_e(label)}</option>'
            for value, label in choices
        )
    )


def _query(items: dict, **changes) -> str:
    """`{% query_with %}`'s query string, escaped as the template writes it: `items` the request's GET as
    {key: [values]} (`dict(GET.lists())`, read once per page), a change of None drops the key."""
    items = dict(items)
    for key, value in changes.items():
        if value is None:
            items.pop(key, None)
        else:
            items[key] = [value]
    return _e(urlencode([(key, value) for key, values in items.items() for value in values]))


def status_tabs_html(params, status_tabs, status_param: str, current_status: str) -> SafeString:
    """The status pills after «Tất cả»: a tab with rows, or the current one (`params`: the request's GET)."""
    items = dict(params.lists())
    parts = []
    for value, label, count in status_tabs:
        if not (count or current_status == value):
            continue
        query = _query(items, page=None, **{status_param: value})
        active = " active" if current_status == value else ""
        parts.append(
            f'\n  <li class="nav-item"><a class="nav-link py-1{active}" data-status="{_e(value)}" '
            f'href="?{query}">{_e(label)} '
            f'<span class="badge text-bg-secondary">{count}</span></a></li>\n  '
        )
    return mark_safe("".join(parts))  # nosec B308, B703: every text through _e (escape), the rest ours


def sort_links_html(params, fields) -> dict[str, SafeString]:
    """{field: `{% sort_link field label %}`'s markup} for (field, label) in `fields` (`params`: the request's GET)."""
    current = params.get("o", "")
    items = dict(params.lists())
    links = {}
    for field, label in fields:
        next_value, arrow = sort_state(current, field)
        query = _query(items, o=next_value, page=None)
        links[field] = mark_safe(  # nosec B308, B703: every text through _e (escape), the rest ours
            f'<a class="sort-link" href="?{query}">{_e(label)} {arrow}</a>\n'
        )
    return links


DOSSIER_SORT_LINKS = (
    ("don_vi", "Đơn vị đề nghị"),
    ("gui", "Ngày gửi"),
    ("han", "Hạn thẩm định"),
    ("so_de_nghi", "Số đề nghị"),
    ("trang_thai", "Trạng thái"),
)
NOMINATION_SORT_LINKS = (
    ("ten", "Cá nhân / tập thể"),
    ("danh_hieu", "Danh hiệu / hình thức"),
    ("don_vi", "Đơn vị đề nghị"),
    ("han", "Hạn thẩm định"),
    ("trang_thai", "Trạng thái đề nghị"),
)
