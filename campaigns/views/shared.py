"""Helpers shared by the campaigns views."""

from django.core.exceptions import PermissionDenied

from .. import rules, selectors


def version_of(obj) -> int:
    """The integer `version` a form carries (core.models.Versioned)."""
    return obj.version


def expected_version(form) -> int | None:
    """The version the form was loaded with; a tampered value counts as stale (0 never matches)."""
    raw = form.cleaned_data.get("version")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return 0


def editable_campaign(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    if not rules.can_edit_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign
