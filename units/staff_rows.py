"""The staff list's table rows and its empty filter form, written once in Python (issue 14: the staff list).

The same markup, byte for byte, that person_list.html's loop and includes/filter_form.html wrote
(units/tests/test_staff_rows_html.py renders the old template beside these on the same rows). The template engine
resolved about twenty variables, two `date` and three `dash` filters per row: about a third of the page's CPU past
the bare page's. Here the person's address is reversed once per page with a placeholder id, every text from the
database goes through `html.escape` (what Django's `escape` calls: same output), dates as `date:"d/m/Y"` writes a
date.
"""

from html import escape

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.portal import EMPTY_VALUE

from .models import Person
from .pickers import TEXT_SUFFIX

_PLACEHOLDER = 2147483647  # an id no row has: the person's address is reversed once, then the id put in
_EMPTY = f'<span class="empty-value">{escape(EMPTY_VALUE)}</span>'
_NO_ROWS = '<tr><td colspan="7">Không có cá nhân nào.</td></tr>\n'


def _dash(value) -> str:
    """`value|dash` of a text: the greyed «—» for None and "", else the text escaped."""
    return _EMPTY if value is None or value == "" else escape(str(value))


def _date(value) -> str:
    """`value|date:"d/m/Y"|dash` of a date (the list's columns are dates, never datetimes)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else _EMPTY


def staff_rows_html(rows) -> SafeString:
    """The `<tr>`s of the staff list for its page of `values()` rows (`units.views.STAFF_LIST_COLUMNS`)."""
    if not rows:
        return mark_safe(_NO_ROWS)  # nosec B308, B703: a constant
    before, _, after = reverse("units:person_detail", args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    before, after = escape(before), escape(after)
    genders = {value: str(label) for value, label in Person._meta.get_field("gender").flatchoices}
    parts = []
    for p in rows:
        manager = ' <span class="badge text-bg-info">CBQL</span>' if p["is_manager"] else ""
        gender = genders.get(p["gender"], p["gender"])
        state = "Đang công tác" if p["is_active"] else "Nghỉ"
        parts.append(
            f'\n<tr><td><a href="{before}{p["pk"]}{after}">{escape(p["full_name"])}</a>{manager}</td>'
            f'<td class="d-none d-md-table-cell">{_dash(gender)}</td><td>{_date(p["date_of_birth"])}</td>'
            f'<td class="d-none d-md-table-cell">{_dash(p["position"])}</td>'
            f"<td>{escape(p['unit__short_name'] or p['unit__name'])}</td>"
            f'<td class="d-none d-lg-table-cell">{_date(p["service_start"])}</td>'
            f'<td class="d-none d-lg-table-cell">{state}</td></tr>\n'
        )
    return mark_safe("".join(parts))  # nosec B308, B703: every text through escape, the rest ours


# The empty filter form's HTML by language: the same for every user (the unit picker lists nothing chosen and
# searches its fixed scope; the unit queryset is read only for chosen ids), so it is rendered once per process.
_EMPTY_FORMS: dict[str, SafeString] = {}


def filter_form_html(person_filter, data) -> SafeString:
    """includes/filter_form.html for the staff list's filter; rendered once per process when `data` (the query
    string) sets none of the form's fields."""
    form = person_filter.form
    names = set(form.fields) | {f"{name}{TEXT_SUFFIX}" for name in form.fields}  # and the pickers' text boxes
    if any(name in data for name in names):
        return render_to_string("includes/filter_form.html", {"filter": person_filter})
    language = translation.get_language()
    html = _EMPTY_FORMS.get(language)
    if html is None:
        html = _EMPTY_FORMS[language] = render_to_string("includes/filter_form.html", {"filter": person_filter})
    return html
