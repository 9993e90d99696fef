"""Phát động: a confirmation page before the campaign reaches every unit (no script needed)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from core.rules import view_rule
from units.view_rules import CAMPAIGN_SIGN

from .. import rules, selectors, services
from ..enums import CampaignStatus


@view_rule(CAMPAIGN_SIGN)
def campaign_launch_confirm(request, pk):
    """What launching will do (units reached and told, deadlines, awards), and why it cannot yet.

    The form posts to the workflow endpoint (`campaign_launch`) with `confirmed=1`; the service refuses a
    deadline already past whatever the page showed (`services.launch_problem`).
    """
    campaign = selectors.campaign_get_visible(request.user, pk)
    if not rules.can_launch_campaign(request.user, campaign):
        raise PermissionDenied
    if campaign.status != CampaignStatus.DRAFT:
        messages.info(request, f"Phong trào đang ở trạng thái «{campaign.get_status_display()}»; không cần phát động.")
        return redirect(campaign)
    today = datetime.date.today()
    return render(
        request,
        "campaigns/launch_confirm.html",
        {
            "campaign": campaign,
            "detail": selectors.campaign_detail(campaign, today=today),
            "registrants": selectors.expected_registrants(campaign).count(),
            "passed": {d.pk for d in services.passed_deadlines(campaign, today=today)},
            "problem": services.launch_problem(campaign, today=today),
            "today": today,
        },
    )
