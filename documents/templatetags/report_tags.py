"""The school-year form of the unit summary: the documents panel renders the current school year; this form
asks for the summary of another one (the option `school_year` of the "unit_summary" kind)."""

from django import template

from awards.schoolyear import current_school_year, school_year_label
from documents import registry

register = template.Library()

YEARS_BACK = 5  # the current school year and the four before it


@register.inclusion_tag("documents/_unit_summary_form.html", takes_context=True)
def unit_summary_form(context, unit):
    """Nothing unless the page's user may have the summary of `unit` (already visible to them) rendered."""
    kind = registry.get("unit_summary")
    request = context["request"]
    if kind is None or not kind.may_request(request.user, unit):
        return {"show": False}
    current = current_school_year()
    years = [(year, school_year_label(year)) for year in range(current, current - YEARS_BACK, -1)]
    return {"show": True, "unit": unit, "years": years, "request": request, "csrf_token": context.get("csrf_token")}
