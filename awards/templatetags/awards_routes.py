"""The "Tuyến trình" panel: the route of each award for a unit on a date (?ngay=dd/mm/yyyy, default today).

The page that includes it has already decided that the user may see `unit`
(a unit of the user's own role, or one the view fetched through the kernel).
"""

from django import template

from ..routing import parse_day, routes_for

register = template.Library()


@register.inclusion_tag("awards/route_panel.html", takes_context=True)
def route_panel(context, unit, code=None, heading="Tuyến trình khen thưởng"):
    request = context["request"]
    day = parse_day(request.GET.get("ngay"))
    routes = routes_for(unit, [code] if code else None, day) if unit is not None else []
    return {"unit": unit, "day": day, "routes": routes, "heading": heading, "single": bool(code)}
