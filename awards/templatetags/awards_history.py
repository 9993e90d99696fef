"""The year rows of a person's history (awards/person_history.html), written in Python.

The same bytes as the template loop they replace (awards/tests/test_history_rows.py keeps that loop and compares):
a row per school year with its rating, its merit, revoked and other awards and its initiatives, four nested loops
and a dozen variables and filters per year, the largest part of the page's own template time. Every text goes
through _e (html.escape, what Django's autoescape calls; a safe string as it is)."""

from django import template
from django.utils.safestring import mark_safe

from .awards_reasons import _e

register = template.Library()

EMPTY = '<tr><td colspan="5">Chưa có dữ liệu khen thưởng, xếp loại.</td></tr>\n'


def _day(day) -> str:
    """`{{ day|date:"d/m/Y" }}` of a date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _merit(r) -> str:
    note = ""
    if r.decision_number:
        when = f" ngày {_day(r.decision_date)}" if r.decision_date else ""
        issuer = f", {_e(r.issuer)}" if r.issuer else ""
        note = f' <small class="text-muted">(QĐ {_e(r.decision_number)}{when}{issuer})</small>'
    return f"<div>{_e(r.award_type.name)}{note}</div>"


def _revoked(r) -> str:
    number = _e(r.revocation.decision_number) if r.revocation is not None else ""
    return (
        f'<div class="text-decoration-line-through text-muted" title="Đã thu hồi">{_e(r.award_type.name)} '
        f"(đã thu hồi theo QĐ {number})</div>"
    )


def _other(r) -> str:
    return (
        f'<div>{_e(r.award_type.name)} <small class="text-muted">({_e(r.get_commendation_kind_display())}; '
        "không tính cho khen theo công trạng)</small></div>"
    )


def _initiative(i) -> str:
    scope = f", {_e(i.get_scope_display())}" if i.scope else ""
    return f'<div>{_e(i.title)} <small class="text-muted">({_e(i.get_status_display())}{scope})</small></div>'


@register.simple_tag
def history_rows(rows) -> str:
    """The <tr> of each year of `rows` (selectors.person_history's "rows"), or the empty table's row."""
    if not rows:
        return mark_safe(EMPTY)  # noqa: S308  # nosec B308, B703: a constant
    out = []
    for row in rows:
        year = row["year"]
        evaluation = row["evaluation"]
        rating = evaluation.get_rating_display() if evaluation is not None else ""
        out.append(
            f"\n<tr><td>{year}-{year + 1}</td>\n<td>{_e(rating) if rating else '—'}</td>\n"
            f"<td>{''.join(_merit(r) for r in row['merit'])}\n{''.join(_revoked(r) for r in row['revoked'])}</td>\n"
            f"<td>{''.join(_other(r) for r in row['other'])}</td>\n"
            f"<td>{''.join(_initiative(i) for i in row['initiatives'])}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308  # nosec B308, B703: every text inside went through _e
