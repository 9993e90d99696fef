from django import template

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
