"""The OTP gate: a user who logged in with a password but owes a TOTP code (or an enrolment that their role
requires) reaches only the pages that settle it, and logout.

It reads a flag the login put in the session (accounts.receivers), so an account without TOTP costs no
query per request.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .services import OTP_ENROL, OTP_PENDING, OTP_VERIFY

ALLOWED = {
    OTP_VERIFY: {"accounts:otp_verify", "logout"},
    OTP_ENROL: {"accounts:otp_setup", "accounts:otp_qr", "logout"},
}
TARGET = {OTP_VERIFY: "accounts:otp_verify", OTP_ENROL: "accounts:otp_setup"}


class OTPGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "session", None)
        pending = session.get(OTP_PENDING) if session is not None else None
        if not pending or pending not in ALLOWED or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALLOWED[pending]:
            return None
        return redirect(f"{reverse(TARGET[pending])}?{urlencode({'next': request.get_full_path()})}")
