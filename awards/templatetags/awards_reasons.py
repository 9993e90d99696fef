"""How a verdict's reasons read at a glance: the counts in one line, the reasons themselves folded."""

from django import template

from awards.rules_engine import MET, NOT_MET, REVIEW

register = template.Library()

SUMMARY_PARTS = ((NOT_MET, "không đạt"), (REVIEW, "cần xem xét"), (MET, "đạt"))


@register.filter
def reasons_summary(reasons) -> str:
    """'1 không đạt, 2 đạt' for the <summary> of the folded reasons (notes are not counted)."""
    statuses = [getattr(r, "status", None) for r in reasons or ()]
    parts = [f"{statuses.count(status)} {label}" for status, label in SUMMARY_PARTS if status in statuses]
    return ", ".join(parts) if parts else "ghi chú"
