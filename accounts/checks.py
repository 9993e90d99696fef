from django.conf import settings
from django.core.checks import Error, register

from units.enums import Role


@register()
def otp_required_roles_are_roles(app_configs, **kwargs):
    """OTP_REQUIRED_ROLES must name roles of units.enums.Role: a typo would silently require nothing."""
    unknown = sorted(set(getattr(settings, "OTP_REQUIRED_ROLES", []) or []) - set(Role.values))
    if unknown:
        return [
            Error(
                f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
                hint=f"Use some of: {', '.join(Role.values)}",
                id="accounts.E001",
            )
        ]
    return []
