"""Helpers shared by the campaigns views."""

import datetime

from django.core.exceptions import PermissionDenied

from .. import rules, selectors


def version_of(obj) -> str:
    return obj.updated_at.isoformat()


def expected_version(form) -> datetime.datetime | None:
    raw = form.cleaned_data.get("version")
    return datetime.datetime.fromisoformat(raw) if raw else None


def editable_campaign(request, pk):
    campaign = selectors.campaign_get_visible(request.user, pk)
    if not rules.can_edit_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign
