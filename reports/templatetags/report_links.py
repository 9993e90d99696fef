"""The Excel summary and statistics forms on a unit's page, next to the PDF summary's form."""

from django import template

from reports import unit_summary
from reports.views import calendar_year_choices, school_year_choices

register = template.Library()


@register.inclusion_tag("reports/_unit_links.html", takes_context=True)
def unit_report_links(context, unit):
    """Nothing unless the page's user may have the summary of `unit` (the same predicate as the PDF)."""
    if not unit_summary.may_request(context["request"].user, unit):
        return {"show": False}
    return {"show": True, "unit": unit, "school_years": school_year_choices(), "years": calendar_year_choices()}


@register.simple_tag(takes_context=True)
def can_report(context) -> bool:
    """Whether the menu shows «Báo cáo, thống kê»: a superuser, or a role on which the summary's predicate
    holds (the roles are cached for the request, so no query)."""
    from units.rules import roles_of

    user = context["request"].user
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(unit_summary.may_request(user, r.unit) for r in roles_of(user))
