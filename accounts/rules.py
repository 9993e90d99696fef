"""Who may disable or enable an account, and whom TOTP is required of. One predicate, used by view and service."""

from django.conf import settings

from units.models import UnitRole
from units.rules import Cap, can, is_superuser


def may_set_active(by, user, unit) -> bool:
    """An administrator of `unit` (or a superuser) may disable or enable an account that holds a role there,
    provided they also ADMINISTER every other unit where it holds one: a school's administrator cannot lock
    out the Sở's staff who happen to hold a role in the school. Never one's own account, never a superuser's
    unless by a superuser."""
    if user.pk == by.pk or (user.is_superuser and not is_superuser(by)):
        return False
    roles = list(UnitRole.objects.filter(user=user).select_related("unit"))
    if not any(role.unit_id == unit.pk for role in roles):
        return False
    return can(by, Cap.ADMINISTER, unit) and all(can(by, Cap.ADMINISTER, role.unit) for role in roles)


def otp_required_roles() -> set[str]:
    return set(getattr(settings, "OTP_REQUIRED_ROLES", []) or [])


def otp_required(user) -> bool:
    """TOTP required of this account: it holds one of OTP_REQUIRED_ROLES (superusers count as administrators)."""
    roles = otp_required_roles()
    if not roles:
        return False
    if user.is_superuser and "administrator" in roles:
        return True
    return UnitRole.objects.filter(user=user, role__in=roles).exists()
