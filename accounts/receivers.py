"""Login signals: a LoginEvent per attempt on an existing account, and the OTP step a login still owes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import services
from .lockout import client_ip


def _agent(request) -> str:
    return (getattr(request, "META", {}) or {}).get("HTTP_USER_AGENT", "") if request is not None else ""


@receiver(user_logged_in, dispatch_uid="accounts.login_succeeded")
def on_logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    session = getattr(request, "session", None)
    services.login_event_record(
        user=user,
        succeeded=True,
        ip_address=client_ip(request),
        user_agent=_agent(request),
        session_key=getattr(session, "session_key", "") or "",
    )
    if session is not None:
        pending = services.otp_pending_for(user)
        if pending:
            session[services.OTP_PENDING] = pending
        else:
            session.pop(services.OTP_PENDING, None)


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    model = get_user_model()
    username = (credentials or {}).get(model.USERNAME_FIELD) or (credentials or {}).get("username")
    if not username or request is None:
        return
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    if user is not None:
        services.login_event_record(
            user=user, succeeded=False, ip_address=client_ip(request), user_agent=_agent(request)
        )
