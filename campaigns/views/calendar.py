"""A unit's calendar of phases and deadlines, and in-app notifications."""

import datetime

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from awards.schoolyear import school_year_bounds, school_year_of
from core.rules import view_rule
from core.views import paginate
from units.rules import roles_of
from units.selectors import unit_get_visible

from .. import selectors, services
from ..filters import NotificationFilter
from ..models import Notification

# --- Calendar and notifications ----------------------------------------------------------


@view_rule("a unit visible to the user (404); phases and deadlines of campaigns the user sees")
def calendar(request):
    user = request.user
    unit_id = request.GET.get("unit") or (request.active_role.unit_id if request.active_role else None)
    unit = unit_get_visible(user, unit_id) if unit_id else None
    try:
        year = int(request.GET.get("year") or school_year_of(datetime.date.today()))
    except ValueError:
        year = school_year_of(datetime.date.today())
    own_units = sorted({r.unit for r in roles_of(user)}, key=lambda u: u.path)
    months = []
    if unit is not None:
        start, end = school_year_bounds(year)
        months = selectors.unit_agenda(user, unit, start=start, end=end)
    return render(
        request,
        "campaigns/calendar.html",
        {"unit": unit, "year": year, "months": months, "own_units": own_units, "today": datetime.date.today()},
    )


@view_rule("the user's own notifications only")
def notification_list(request):
    notification_filter = NotificationFilter(request.GET, queryset=selectors.notifications_of(request.user))
    page = paginate(request, notification_filter.qs)
    return render(request, "campaigns/notification_list.html", {"filter": notification_filter, "page": page})


@require_POST
@view_rule("the user's own notifications only (404 for another user's)")
def notification_read(request):
    wanted = request.POST.get("id")
    notification = None
    if wanted:
        notification = get_object_or_404(Notification.objects.filter(user=request.user), pk=wanted)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification is not None and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("campaigns:notifications")
