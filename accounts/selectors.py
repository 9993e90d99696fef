import re

from .models import LoginEvent

RECENT_LOGINS = 50


def login_events_of(user, *, limit: int = RECENT_LOGINS):
    """The user's own most recent login attempts (never anyone else's: the view passes request.user)."""
    return LoginEvent.objects.filter(user=user).order_by("-at", "-pk")[:limit]


def totp_enrolled(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("CocCoc", "Cốc Cốc"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def browser_label(user_agent: str) -> str:
    """A user-agent string shortened to «Chrome 131 – Windows»; unknown ones cut to 60 characters."""
    agent = user_agent or ""
    if not agent:
        return "Không rõ"
    browser = next((name for marker, name in _BROWSERS if marker in agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in agent), "")
    if not browser:
        return agent[:60] + ("…" if len(agent) > 60 else "")
    marker = next(m for m, name in _BROWSERS if name == browser)
    version = re.search(re.escape(marker) + r"(\d+)", agent) if marker.endswith("/") else None
    if browser == "Safari":
        version = re.search(r"Version/(\d+)", agent)
    label = f"{browser} {version.group(1)}" if version else browser
    return f"{label} – {system}" if system else label
