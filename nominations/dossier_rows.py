"""The nomination rows of the dossier page, written in Python (issue 14: the dossier of 200 nominations).

The same markup, byte for byte, that the page's template wrote for each row (a card with the candidate, the
status, the verdict, the reviewer's return comment, the summary, the reasons, the override, the problems, the
open objections, the attachments, the links and the workflow buttons), from values the view prepared. Django's
template engine resolved ~25 variables and a dozen tags per row: about half of the page's CPU on 200 rows, and
`format_html` (lazy wrappers around each escape) still a third. Every text from the database goes through
`_e` (the standard library's `html.escape`, what Django's `escape` calls: same output); only the view's own
safe fragments (the verdict badge, the workflow buttons, the status label and the addresses, both escaped once
by the view, `linebreaksbr`'s output) go in as they are. Dates are taken in the current time zone, as the
`date` filter does in a template.
"""

from html import escape

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

_REASON_CLASSES = {"not_met": "text-danger", "review": "text-warning-emphasis"}


def _e(value) -> str:
    """Escaped text (Django's `escape` without its lazy wrapper); a value already safe goes in as it is."""
    if isinstance(value, SafeString):
        return value
    return escape(str(value))


def _linebreaksbr(text: str) -> str:
    """Django's `linebreaksbr` filter on plain text (newlines normalised, escaped, `<br>`), without its
    lazy-text and safe-string wrappers: 200 summaries a page."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def _date(value) -> str:
    return date_filter(template_localtime(value), "d/m/Y") if value else ""


def _reasons(reasons) -> str:
    items = []
    for r in reasons:
        basis = f' <span class="text-muted">({_e(r["legal_basis"])})</span>' if r.get("legal_basis") else ""
        items.append(f'<li class="{_REASON_CLASSES.get(r.get("status"), "")}">{_e(r.get("text", ""))}{basis}</li>')
    return (
        '<details class="small"><summary>Lý do kiểm tra điều kiện</summary><ul class="mb-1">'
        f"{''.join(items)}</ul></details>\n"
    )


def _objections(objections, *, show: bool, notice_url) -> str:
    html = (
        '<div class="small mt-1 notice-objections"><span class="badge text-bg-warning">'
        f"{len(objections)} ý kiến phản ánh chưa xử lý</span>\n"
    )
    if show:
        items = "".join(
            f"<li>{_e(_date(o.created_at))}: {_e(truncatechars(o.content, 300))} "
            f'<a href="{notice_url(o.notice_id)}#phan-anh-{o.pk}">xem</a></li>'
            for o in objections
        )
        html += f'<ul class="mb-1">{items}</ul>'
    return html + "</div>\n"


def _attachments(attachments, download_url) -> str:
    if not attachments:
        return '<span class="text-muted">chưa có</span>'
    return ", ".join(f'<a href="{download_url(a.pk)}">{escape(a.original_name)}</a>' for a in attachments)


def _links(row) -> str:
    button = '<a class="btn btn-outline-secondary btn-sm" href="{}">{}</a>'
    parts = []
    if row["may_edit"]:
        parts.append(button.format(row["edit_url"], "Sửa tóm tắt"))
        parts.append(button.format(row["upload_url"], "Thêm minh chứng"))
    parts.append(button.format(row["report_url"], "Báo cáo thành tích"))
    parts.append(button.format(row["path_url"], "Quá trình xét đề nghị"))
    if row["may_override"]:
        parts.append(
            f'<a class="btn btn-outline-danger btn-sm" href="{row["override_url"]}">Ghi ý kiến vượt điều kiện</a>'
        )
    return "".join(parts)


def _escaped_name(names: dict, obj) -> str:
    """`obj.name` escaped, once per object of the page (the rows share a handful of units and awards)."""
    key = (type(obj), obj.pk)
    text = names.get(key)
    if text is None:
        text = names[key] = escape(obj.name)
    return text


def row_html(number: int, row: dict, *, dossier, show_objections: bool, notice_url, download_url, names=None) -> str:
    """One row's card (escaped HTML; the caller marks the joined rows safe); `row` is the view's dict (n, the
    links and the status label escaped, verdict badge, reasons, problems, objections, return comment, buttons);
    `notice_url` and `download_url` give escaped addresses; `names` the page's escaped unit and award names
    (filled as the rows need them). A database text is a plain `str`: `escape` directly, not `_e`."""
    n = row["n"]
    names = {} if names is None else names
    if n.person_id:
        person = n.person
        where = f", {_escaped_name(names, person.unit)}" if person.unit_id != dossier.unit_id else ""
        who = f' <span class="text-muted small">({escape(person.position)}{where})</span>'
        candidate = escape(person.full_name)
    else:
        who = ' <span class="text-muted small">(tập thể)</span>'
        candidate = _escaped_name(names, n.unit)
    outcome = ' <span class="badge text-bg-danger">Đã thu hồi</span>' if n.is_revoked else ""
    if n.decision_id:
        outcome += (
            f' <span class="small">theo <a href="{row["decision_url"]}">quyết định số {_e(n.decision.number)} '
            f"ngày {_e(_date(n.decision.date))}</a></span>"
        )
    parts = [
        f'<div class="card mb-2" id="de-nghi-{n.pk}"><div class="card-body py-2">\n'
        '<div class="d-flex flex-wrap justify-content-between gap-2"><div>'
        f"<strong>{number}. {candidate}</strong>{who} – {_escaped_name(names, n.award_type)}</div>\n"
        f'<div><span class="badge text-bg-light border">{row["status_html"]}</span>{outcome} '
        f"{row['verdict_badge']}</div></div>\n"
    ]
    if row["return_comment"]:
        parts.append(
            f'<div class="alert alert-warning small py-1 mb-1" id="tra-lai-{n.pk}">'
            f"Cấp trên trả lại để bổ sung: {_e(row['return_comment'])}</div>"
        )
    parts.append("\n")
    if n.summary:
        parts.append(f'<p class="small mb-1">{_linebreaksbr(n.summary)}</p>\n')
    else:
        parts.append('<p class="small text-muted mb-1">Chưa có tóm tắt thành tích.</p>\n')
    if row["reasons"]:
        parts.append(_reasons(row["reasons"]))
    if n.is_overridden:
        by = n.overridden_by
        parts.append(
            f'<p class="small mb-1">Ý kiến vượt điều kiện của {_e(by.get_full_name() or by.username)} '
            f"({_e(_date(n.overridden_at))}): {_e(n.override_criterion)} – {_e(n.override_reason)}</p>\n"
        )
    if row["problems"]:
        problems = "".join(f"<li>{_e(p)}</li>" for p in row["problems"])
        parts.append(f'<ul class="small text-danger mb-1">{problems}</ul>\n')
    if row["open_objections"]:
        parts.append(_objections(row["open_objections"], show=show_objections, notice_url=notice_url))
    parts.append(
        f'<div class="small">Minh chứng: {_attachments(n.attachment_list, download_url)}</div>\n'
        f'<div class="d-flex flex-wrap gap-2 mt-1">{_links(row)}</div>\n{row["actions_html"]}\n</div></div>\n'
    )
    return "".join(parts)


def rows_html(rows, numbers=None, **kwargs) -> SafeString:
    """Every row's card (see `row_html`), numbered by `numbers` (each row's place in the whole dossier: the
    page of cards and the filter keep a nomination's number), from 1 without them."""
    names: dict = {}
    numbered = zip(numbers, rows, strict=True) if numbers is not None else enumerate(rows, 1)
    html = "".join(row_html(number, row, names=names, **kwargs) for number, row in numbered)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703: every text inside went through _e
