"""Every write of the accounts app: login events, disabling an account, ending sessions, TOTP enrolment,
backup codes."""

import datetime
import hashlib
import hmac
import secrets
from importlib import import_module

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import AccountStatusChange, LoginEvent
from .rules import may_set_active, otp_required

# The session flag the OTP gate (accounts.middleware) reads: set at login, cleared once the code is given.
OTP_PENDING = "accounts_otp_pending"
OTP_VERIFY, OTP_ENROL = "verify", "enrol"


def login_event_record(
    *, user, succeeded: bool, ip_address: str | None, user_agent: str, session_key: str = ""
) -> LoginEvent:
    return LoginEvent.objects.create(
        user=user,
        at=timezone.now(),
        succeeded=succeeded,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:255],
        session_key=session_key or "",
    )


def login_events_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the login events older than LOGIN_EVENT_RETENTION_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.LOGIN_EVENT_RETENTION_DAYS)
    deleted, _ = LoginEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def account_sessions_end(*, user) -> int:
    """Delete from the session store every session the user opened by logging in (their keys are on the
    login events, so this works with any SESSION_ENGINE). Returns how many were still there."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = set(
        LoginEvent.objects.filter(user=user, succeeded=True)
        .exclude(session_key="")
        .values_list("session_key", flat=True)
    )
    ended = 0
    for key in keys:
        session = store(session_key=key)
        if session.exists(key):
            session.delete(key)
            ended += 1
    return ended


def account_set_active(*, by, user, unit, active: bool) -> AccountStatusChange:
    """Disable (or enable) an account at once.

    Side effects: `user.is_active` saved; on disabling, every session of the account deleted (the next
    request of any of its browsers goes to the login page; Django also refuses an inactive user's session);
    an AccountStatusChange row with its history row (the audit trail of `unit`)."""
    if not may_set_active(by, user, unit):
        raise PermissionDenied
    with transaction.atomic():
        if user.is_active != active:
            user.is_active = active
            user.save(update_fields=["is_active"])
        ended = 0 if active else account_sessions_end(user=user)
        return AccountStatusChange.objects.create(user=user, unit=unit, active=active, sessions_ended=ended, by=by)


def otp_pending_for(user) -> str:
    """What the OTP gate asks of a user who just logged in with a password: the code of a confirmed device,
    enrolment when a role of OTP_REQUIRED_ROLES requires it, else nothing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return OTP_VERIFY
    if otp_required(user):
        return OTP_ENROL
    return ""


ENROLMENT_KEY = "accounts_totp_key"


def totp_enrolment_key(*, session) -> str:
    """The key being enrolled, kept in the session (not the database) until a code confirms it."""
    from django_otp.util import random_hex

    if not session.get(ENROLMENT_KEY):
        session[ENROLMENT_KEY] = random_hex(20)
    return session[ENROLMENT_KEY]


def totp_unsaved_device(*, user, key: str):
    """A TOTP device of the key, not saved: its `config_url` is what the QR code carries."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice(user=user, key=key, name="Ứng dụng xác thực", confirmed=False)


def totp_confirm(*, user, session, token: str):
    """Confirm the enrolment of the session's key with a code computed by the app: the saved, confirmed
    device when the code matches (any older device of the user is replaced), else None.

    Side effects: the TOTPDevice row; the enrolment key leaves the session."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = session.get(ENROLMENT_KEY)
    if not key:
        return None
    device = totp_unsaved_device(user=user, key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not (token.isdigit() and totp.verify(int(token), tolerance=device.tolerance)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.last_t = totp.t()  # the code just used may not log in again
        device.drift = 0
        device.save()
    session.pop(ENROLMENT_KEY, None)
    return device


def totp_device_matching(*, user, token: str):
    """The user's confirmed TOTP device when `token` is its current code (django-otp's drift, throttling and
    refusal of a code used twice), else None. Only the app's device: a wrong code must not count against
    the backup codes' throttle, as django_otp.match_token over every device would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and device.verify_token(token):
        return device
    return None


# --- backup codes: one-time codes for a lost phone (django-otp's static plugin) -----------------------------

BACKUP_CODES_COUNT = 10
BACKUP_DEVICE_NAME = "Mã dự phòng"
# Letters and digits a person reads back without confusion (no 0/o, 1/l/i).
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10  # about 49 bits each; shown as two groups of five
BACKUP_CODES_SHOWN = "accounts_backup_codes"  # session key: the new codes, shown once


def backup_code_normalise(text: str) -> str:
    """What a person types (spaces, a dash, capitals) to the stored form's input."""
    return "".join(ch for ch in text.lower() if ch not in " -\t")


def backup_code_digest(user, code: str) -> str:
    """The stored form of a backup code: an HMAC keyed by SECRET_KEY and the user, so a copy of the database
    alone does not reveal the codes and a code of one account is nothing on another. 16 hex digits fit
    django-otp's StaticToken column; 64 bits are far beyond guessing under its throttling."""
    message = f"{user.pk}:{backup_code_normalise(code)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def backup_codes_device(user):
    """The user's confirmed backup-code device, or None."""
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME, confirmed=True).first()


def backup_codes_remaining(user) -> int:
    device = backup_codes_device(user)
    return device.token_set.count() if device is not None else 0


def backup_codes_generate(*, user) -> list[str]:
    """Replace the user's backup codes with BACKUP_CODES_COUNT new ones and return them (the only time they
    exist in clear: the page shows them once).

    Side effects: the StaticDevice and its StaticToken rows (digests only); the old codes stop working."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    codes = []
    while len(codes) < BACKUP_CODES_COUNT:
        raw = "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        code = f"{raw[:5]}-{raw[5:]}"
        if code not in codes:
            codes.append(code)
    with transaction.atomic():
        StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=backup_code_digest(user, c)) for c in codes)
    return codes


def backup_code_use(*, user, code: str):
    """Spend one backup code: the device when it matched (the code is deleted, it never works again), else
    None. Wrong codes count towards django-otp's throttling of the device."""
    device = backup_codes_device(user)
    if device is None:
        return None
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        if device.verify_token(backup_code_digest(user, code)):
            return device
    return None
