from django import template
from django.utils.html import conditional_escape, format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for paging and sorting)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.inclusion_tag("includes/sort_link.html", takes_context=True)
def sort_link(context, field, label):
    current = context["request"].GET.get("o", "")
    if current == field:
        next_value, arrow = f"-{field}", "▲"
    elif current == f"-{field}":
        next_value, arrow = field, "▼"
    else:
        next_value, arrow = field, ""
    params = context["request"].GET.copy()
    params["o"] = next_value
    params.pop("page", None)
    return {"query": params.urlencode(), "label": label, "arrow": arrow}


@register.filter
def service_years(person, day):
    return person.service_years(day)


EMPTY_VALUE = "—"


@register.filter(needs_autoescape=True)
def dash(value, autoescape=True):
    """Every empty value shown alike: «—» (greyed) for None, "" and an empty list; 0 and False are values."""
    if value is None or value == "" or (isinstance(value, list | tuple) and not value):
        return format_html('<span class="empty-value">{}</span>', EMPTY_VALUE)
    return conditional_escape(value) if autoescape else value
