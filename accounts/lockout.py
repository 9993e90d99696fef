"""django-axes hooks: the client address (read like the rest of the portal) and the Vietnamese lock-out page.

Settings (config/settings.py, README «Tài khoản và đăng nhập»): AXES_FAILURE_LIMIT failed logins of one
username from one address lock that pair for AXES_COOLOFF_TIME. The pair, not the address alone: a whole
school behind one NAT address must not be locked out by one teacher's typos or by an attacker guessing
one account, and an attacker spraying many usernames is still locked per username.
"""

import ipaddress

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from nominations.notice import client_address


def client_ip(request) -> str | None:
    """The address axes counts under: the same one as the objection limit and the document verification
    (nominations.notice.client_address, TRUSTED_PROXY_COUNT). Not an address (a forged header without a
    proxy in front): REMOTE_ADDR; none at all (a test's force_login): None."""
    meta = getattr(request, "META", {}) or {}
    for candidate in (client_address(meta), meta.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address((candidate or "").strip()))
        except ValueError:
            continue
    return None


def unlock_at(username: str, ip_address: str | None):
    """When the lock of this username and address ends: the last counted failure plus the cool-off."""
    from axes.models import AccessAttempt

    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the login form while locked (HTTP 429), in Vietnamese."""
    from axes.helpers import get_client_username

    username = get_client_username(request, credentials) or ""
    until = timezone.localtime(unlock_at(username, getattr(request, "axes_ip_address", None) or client_ip(request)))
    context = {
        "locked_username": username,
        "until": until,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
