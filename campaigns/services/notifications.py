"""Moved to the notifications app (every app notifies); kept so existing imports keep working."""

from notifications.services import (  # noqa: F401
    mail_queue,
    notification_mark_read,
    notify,
    users_with_roles,
)

__all__ = ["mail_queue", "notification_mark_read", "notify", "users_with_roles"]
