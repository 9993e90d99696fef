"""Account security pages: recent logins, TOTP enrolment and verification, disabling an account."""

import io
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
    totp = selectors.totp_enrolled(request.user)
    context = {
        "events": events,
        "limit": selectors.RECENT_LOGINS,
        "totp": totp,
        "backup_remaining": services.backup_codes_remaining(request.user) if totp else 0,
    }
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
            request.session[services.BACKUP_CODES_SHOWN] = services.backup_codes_generate(user=request.user)
            messages.success(request, "Đã bật xác thực hai bước. Từ lần đăng nhập sau, cổng sẽ hỏi mã từ ứng dụng.")
            return redirect(f"{reverse('accounts:backup_codes')}?{urlencode({'next': _next(request)})}")
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
    """The second step of a login of an account with TOTP: the code from the app, or a backup code."""
    form = TOTPCodeForm(request.POST or None, backup=True)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if form.is_backup_code():
            device = services.backup_code_use(user=request.user, code=token)
        else:
            device = services.totp_device_matching(user=request.user, token=token)
        if device is not None and device.confirmed:
            otp_login(request, device)
            request.session.pop(services.OTP_PENDING, None)
            if form.is_backup_code():
                left = services.backup_codes_remaining(request.user)
                messages.warning(
                    request,
                    f"Bạn vừa đăng nhập bằng một mã dự phòng; mã đó không dùng lại được, còn {left} mã. "
                    "Nếu mất điện thoại, hãy bật lại xác thực hai bước với điện thoại mới và tạo mã dự phòng mới.",
                )
            return redirect(_next(request))
        if form.is_backup_code():
            form.add_error("token", "Mã dự phòng không đúng hoặc đã được dùng.")
        else:
            form.add_error("token", "Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng.")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request, "")})


@view_rule(OWN_ACCOUNT)
def backup_codes(request):
    """The backup codes: new ones shown once (after enrolment or «Tạo mã mới»), otherwise how many remain.
    POST makes a new set (the old codes stop working); only for an account with TOTP on."""
    if not selectors.totp_enrolled(request.user):
        messages.info(request, "Mã dự phòng chỉ dùng khi đã bật xác thực hai bước.")
        return redirect("accounts:otp_setup")
    if request.method == "POST":
        request.session[services.BACKUP_CODES_SHOWN] = services.backup_codes_generate(user=request.user)
        return redirect("accounts:backup_codes")
    codes = request.session.pop(services.BACKUP_CODES_SHOWN, None)
    context = {
        "codes": codes,
        "remaining": services.backup_codes_remaining(request.user),
        "count": services.BACKUP_CODES_COUNT,
        "next": _next(request, ""),
    }
    response = render(request, "accounts/backup_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


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
