"""Campaigns listening to other apps (connected in CampaignsConfig.ready); each receiver calls one service."""

from django.utils import timezone

from .services.deadlines import reminder_mark_sent


def on_mail_sent(sender, *, mail, **kwargs) -> None:
    """A deadline reminder counts as sent when one of its e-mails went out."""
    if mail.reference:
        reminder_mark_sent(reference=mail.reference, on=timezone.localdate(mail.sent_at))
