"""Account security pages: recent logins, TOTP enrolment and verification, disabling an account."""

import io
from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from core.rules import view_rule
from units.selectors import unit_get_visible
from units.view_rules import OWN_ACCOUNT, UNIT_ADMINISTER

from . import selectors, services
from .forms import TOTPCodeForm
from .rules import may_set_active


@view_rule(OWN_ACCOUNT)
def login_activity(request):
    events = [
        {"event": event, "browser": selectors.browser_label(event.user_agent)}
        for event in selectors.login_events_of(request.user)
    ]
    context = {"events": events, "limit": selectors.RECENT_LOGINS, "totp": selectors.totp_enrolled(request.user)}
    return render(request, "accounts/login_activity.html", context)


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@view_rule(OWN_ACCOUNT)
def otp_setup(request):
    """Enrol an authenticator app: a QR code (an image, no script) and the key as text, then one code.
    The key stays in the session until the code confirms it: showing the page writes no device."""
    key = services.totp_enrolment_key(session=request.session)
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_confirm(user=request.user, session=request.session, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.pop(services.OTP_PENDING, None)
            messages.success(request, "Đã bật xác thực hai bước. Từ lần đăng nhập sau, cổng sẽ hỏi mã từ ứng dụng.")
            return redirect(_next(request))
        form.add_error("token", "Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng.")
    secret = b32encode(bytes.fromhex(key)).decode()
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": request.session.get(services.OTP_PENDING) == services.OTP_ENROL,
        "next": _next(request, ""),
    }
    return render(request, "accounts/otp_setup.html", context)


@view_rule(OWN_ACCOUNT)
def otp_qr(request):
    """The QR code of the user's own enrolment key (the otpauth:// address), as SVG."""
    key = services.totp_enrolment_key(session=request.session)
    device = services.totp_unsaved_device(user=request.user, key=key)
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, border=2)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@view_rule(OWN_ACCOUNT)
def otp_verify(request):
    """The second step of a login of an account with TOTP: the code from the app."""
    from django_otp import match_token

    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None and device.confirmed:
            otp_login(request, device)
            request.session.pop(services.OTP_PENDING, None)
            return redirect(_next(request))
        form.add_error("token", "Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng.")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request, "")})


@require_POST
@view_rule(UNIT_ADMINISTER)
def account_set_active(request, pk, user_pk):
    """Disable (POST without `active`) or enable (active=1) an account holding a role in the unit."""
    unit = unit_get_visible(request.user, pk)
    user = get_object_or_404(get_user_model().objects.filter(unit_roles__unit=unit).distinct(), pk=user_pk)
    if not may_set_active(request.user, user, unit):
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    change = services.account_set_active(by=request.user, user=user, unit=unit, active=active)
    if active:
        messages.success(request, f"Đã mở lại tài khoản {user.username}.")
    else:
        messages.success(
            request,
            f"Đã khoá tài khoản {user.username} và kết thúc {change.sessions_ended} phiên đăng nhập của tài khoản.",
        )
    return redirect("units:roles", pk=unit.pk)
