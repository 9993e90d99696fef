"""The rows of the registration overview's table, written in Python (issue 14: the overview of the Sở).

The same markup, byte for byte, that registration_overview.html's loop wrote (campaigns/tests/test_overview_rows.py
renders the old loop beside this function over the same rows). The template engine resolved about ten variables
and four `{% if %}` per row; here every value goes through `html.escape` (what Django's `escape` calls: same
output) after `str()` as the template's rendering does (a missing parent's name shows as "None" there too).
"""

from html import escape

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .enums import RegistrationStatus

# The status link's text, as the template's `{% if %}` chain wrote it (any other status: "Đang soạn").
_STATUS_TEXT = {
    RegistrationStatus.SUBMITTED: "Đã gửi",
    RegistrationStatus.RETURNED: "Đã trả lại",
    RegistrationStatus.AWAITING_HEAD: "Chờ thủ trưởng duyệt",
}
_EMPTY = '<tr><td colspan="4">Không có đơn vị nào.</td></tr>\n'


def _flags(row) -> str:
    if not row.flagged_lines:
        return ""
    out = f'<span class="text-danger">⚠ {row.flagged_lines} dòng</span>'
    if row.unexplained_lines:
        return out + f' <span class="small text-danger">({row.unexplained_lines} chưa giải trình)</span>'
    return out + ' <span class="small text-muted">(đã giải trình)</span>'


def overview_rows_html(rows) -> SafeString:
    """The table body's rows (`OverviewRow`s with `flagged_lines`, `unexplained_lines` and `registration_url`)."""
    if not rows:
        return mark_safe(_EMPTY)  # nosec B308 B703: fixed markup
    parts = []
    for row in rows:
        if row.registration_id:
            text = _STATUS_TEXT.get(row.registration_status, "Đang soạn")
            status = f'<a href="{escape(str(row.registration_url))}">{text}</a>'
        else:
            status = '<span class="text-danger">Chưa đăng ký</span>'
        parent = row.parent_short_name or row.parent_name
        parts.append(
            f'\n<tr><td>{escape(str(row.name))}</td><td class="d-none d-md-table-cell">{escape(str(parent))}</td>\n'
            f'<td>{status}</td>\n<td class="registration-flags">{_flags(row)}</td></tr>\n'
        )
    return mark_safe("".join(parts))  # nosec B308 B703: every value from the database escaped above


# The empty filter form's HTML by language. With none of its fields in the query string the form is the same for
# every user and campaign: no name typed, status «Tất cả», order «Mặc định», and the hidden `unit` field has no
# choice (its one choice is the chosen unit, only when `?unit=` is given). So it is rendered once per process.
_EMPTY_FORMS: dict[str, SafeString] = {}
_FORM_KEYS = ("q", "unit", "state", "o")


def filter_form_html(overview_filter, data) -> SafeString:
    """includes/filter_form.html for the overview's filter; rendered once per process (and language) when `data`
    (the query string) sets none of the form's fields, otherwise for the user's values each time."""
    if any(name in data for name in _FORM_KEYS) or set(overview_filter.form.fields) != set(_FORM_KEYS):
        return render_to_string("includes/filter_form.html", {"filter": overview_filter})
    language = translation.get_language()
    html = _EMPTY_FORMS.get(language)
    if html is None:
        html = _EMPTY_FORMS[language] = render_to_string("includes/filter_form.html", {"filter": overview_filter})
    return html
