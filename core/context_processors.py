from django.conf import settings


def portal_identity(request):
    """Which portal this is (the Sở's name) and where to ask for help: the login page, header and footer."""
    return {
        "portal_organisation_name": settings.PORTAL_ORGANISATION_NAME,
        "portal_help_line": settings.PORTAL_HELP_LINE,
    }
