"""The user's own in-app notifications."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.exports import export_response, wants_export
from core.rules import view_rule
from core.views import paginate
from units.view_rules import OWN_ACCOUNT

from . import exports, selectors, services
from .filters import NotificationFilter


@view_rule(OWN_ACCOUNT)
def notification_list(request):
    notification_filter = NotificationFilter(request.GET, queryset=selectors.notifications_of(request.user))
    if wants_export(request):
        spec, rows = exports.NOTIFICATION_LIST, notification_filter.qs
        return export_response(request, spec=spec, queryset=rows, filterset=notification_filter)
    page = paginate(request, notification_filter.qs)
    return render(request, "notifications/notification_list.html", {"filter": notification_filter, "page": page})


@require_POST
@view_rule(OWN_ACCOUNT)
def notification_read(request):
    wanted = (request.POST.get("id") or "").strip()
    notification = None
    if wanted:
        if not (wanted.isascii() and wanted.isdigit()):
            raise Http404
        notification = get_object_or_404(selectors.notifications_of(request.user), pk=int(wanted))
    services.notification_mark_read(user=request.user, notification=notification)
    if notification is not None and notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect("notifications:list")
