"""In-app notifications, with an optional e-mail copy sent after commit."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from units.models import UnitRole

from ..models import Notification


def notify(*, users, message: str, url: str = "", email: bool = False, subject: str = "") -> list[Notification]:
    """Create one in-app notification per user (duplicates removed).

    Side effect: when `email` is set, one message per user who has an address is
    sent after the transaction commits (console backend in development).
    """
    unique = list({u.pk: u for u in users}.values())
    rows = Notification.objects.bulk_create([Notification(user=u, message=message[:1000], url=url) for u in unique])
    if email:
        addresses = sorted({u.email for u in unique if u.email})
        if addresses:
            datatuples = [
                (subject or "Cổng thi đua – khen thưởng", message, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses
            ]
            transaction.on_commit(lambda: send_mass_mail(datatuples, fail_silently=False))
    return rows


def users_with_roles(unit_ids, roles) -> dict[int, list]:
    """unit id → users holding one of `roles` on that unit itself (one query)."""
    result: dict[int, list] = {}
    for role in UnitRole.objects.filter(unit_id__in=list(unit_ids), role__in=list(roles)).select_related("user"):
        if role.user.is_active:
            result.setdefault(role.unit_id, []).append(role.user)
    return result


@transaction.atomic
def notification_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one notification (or all of the user's unread ones) as read. Returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
