"""Notifications listening to other apps (connected in NotificationsConfig.ready); each receiver calls one service."""

from .services import mail_queue


def on_account_mail(sender, *, to: str, subject: str, body: str, reference: str = "", **kwargs) -> None:
    """An account invitation or password link from units: into the outbox (sent after commit, with retries)."""
    mail_queue(to=to, subject=subject, body=body, reference=reference)
