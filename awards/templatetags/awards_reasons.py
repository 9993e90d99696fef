"""How a verdict's reasons read at a glance: the counts in one line, the reasons themselves folded."""

from html import escape

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from awards.rules_engine import MET, NOT_MET, REVIEW

register = template.Library()

SUMMARY_PARTS = ((NOT_MET, "không đạt"), (REVIEW, "cần xem xét"), (MET, "đạt"))


@register.filter
def reasons_summary(reasons) -> str:
    """'1 không đạt, 2 đạt' for the <summary> of the folded reasons (notes are not counted)."""
    statuses = [getattr(r, "status", None) for r in reasons or ()]
    parts = [f"{statuses.count(status)} {label}" for status, label in SUMMARY_PARTS if status in statuses]
    return ", ".join(parts) if parts else "ghi chú"


# --- the eligibility outlook of a person's history, written in Python ----------------------------------------
# The same bytes as the template loop that included awards/verdict.html and awards/reasons.html for each award
# (about eleven rows, two includes and a dozen variables each: a third of the history page's template time).
# Every text goes through _e (html.escape, what Django's escape calls; a safe string as it is).

_BADGES = {"eligible": "text-bg-success", "not_eligible": "text-bg-danger"}
_REASON_BADGES = {MET: "text-bg-success", NOT_MET: "text-bg-danger", REVIEW: "text-bg-warning"}


def _e(value) -> str:
    return value if isinstance(value, SafeString) else escape(str(value))


def verdict_html(result) -> str:
    """awards/verdict.html for `result` (an EligibilityResult)."""
    badge = _BADGES.get(result.verdict, "text-bg-warning")
    return f'<span class="badge {badge}">{_e(result.verdict_label)}</span>\n'


def reasons_html(reasons) -> str:
    """awards/reasons.html for `reasons`."""
    if not reasons:
        return "\n\n"
    items = []
    for r in reasons:
        basis = f' <small class="text-muted">(Căn cứ: {_e(r.legal_basis)})</small>' if r.legal_basis else ""
        badge = _REASON_BADGES.get(r.status, "text-bg-secondary")
        items.append(
            f'\n<li class="mb-1"><span class="badge {badge}">{_e(r.status_label)}</span> {_e(r.text)}{basis}</li>\n'
        )
    return (
        f'\n<details class="reasons-fold small"><summary>Lý do, căn cứ ({_e(reasons_summary(reasons))})</summary>\n'
        f'<ul class="list-unstyled reasons mb-0 mt-1">\n{"".join(items)}\n</ul></details>\n'
    )


# The catalog page's escaped address per award type, URLconf and script prefix: reverse() matched the pattern again
# for each of the outlook's rows. Emptied on any change of settings (tests' override_settings).
_CATALOG_URLS: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _CATALOG_URLS.clear()


@register.simple_tag
def outlook_rows(outlook) -> str:
    """The rows of a person's outlook table: award (linked to the catalog), verdict, folded reasons."""
    rows = []
    state = (get_urlconf(), get_script_prefix())
    for result in outlook:
        key = (result.award_type.pk, *state)
        url = _CATALOG_URLS.get(key)
        if url is None:
            url = _CATALOG_URLS[key] = _e(reverse("awards:catalog_detail", args=[result.award_type.pk]))
        rows.append(
            f'\n<tr><td><a href="{url}">{_e(result.award_type.name)}</a></td><td>{verdict_html(result)}</td>'
            f"<td>{reasons_html(result.reasons)}</td></tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308, B703: every text inside went through _e
