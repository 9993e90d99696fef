"""Deadlines: refusing late filings, reopening them for one unit, completions and reminders."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from core.audit import audited
from core.exceptions import ServiceError
from core.text import nfc
from units.enums import Role
from units.models import Unit
from units.rules import Cap, require

from .. import selectors
from ..enums import CampaignStatus, DeadlineAction
from ..models import Campaign, Deadline, DeadlineCompletion, DeadlineExtension, ReminderLog
from .notifications import notify, users_with_roles

DEFAULT_REMINDER_DAYS = (7, 1)


def reminder_days() -> list[int]:
    """Days before a deadline on which reminders go out (setting CAMPAIGN_REMINDER_DAYS, default 7 and 1)."""
    days = getattr(settings, "CAMPAIGN_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    return sorted({int(d) for d in days if int(d) >= 0})


def deadline_ensure_open(*, campaign: Campaign, unit: Unit, action: str, today: datetime.date | None = None) -> None:
    """Raise ServiceError when every applicable deadline for `action` has passed for `unit`.

    A reopening (DeadlineExtension) for the unit moves its due date. Other apps
    (nominations) call this before filing for a campaign.
    """
    today = today or datetime.date.today()
    for deadline in selectors.deadlines_for(campaign, unit, action):
        due = selectors.deadline_effective_due(deadline, unit)
        if today > due:
            raise ServiceError(
                f"Đã quá hạn «{deadline.get_action_display()}» của phong trào «{campaign.name}» "
                f"(hạn chót {due:%d/%m/%Y}). Không thể gửi; đề nghị đơn vị cấp trên mở lại hạn cho đơn vị."
            )


@audited
@transaction.atomic
def deadline_extend(
    *, deadline: Deadline, unit: Unit, until: datetime.date, by, reason: str = "", today: datetime.date | None = None
) -> DeadlineExtension:
    """The level above reopens a deadline for one unit until `until` (recorded: who, when, until when).

    `by` must hold OVERSEE on `unit` (the level above; PermissionDenied otherwise, None is the system).
    Side effect: notifies the unit's head and secretary in-app and by e-mail.
    """
    today = today or datetime.date.today()
    require(by, Cap.OVERSEE, unit)
    if not deadline.applies_to(unit):
        raise ServiceError("Hạn chót này không áp dụng cho đơn vị được chọn.")
    if until < today:
        raise ServiceError("Ngày gia hạn phải từ hôm nay trở đi.")
    if until <= deadline.due_date:
        raise ServiceError(f"Ngày gia hạn phải sau hạn chót ({deadline.due_date:%d/%m/%Y}).")
    extension = DeadlineExtension.objects.create(
        deadline=deadline, unit=unit, until=until, reason=nfc(reason), granted_by=by
    )
    users = users_with_roles([unit.pk], {Role.HEAD, Role.SECRETARY}).get(unit.pk, [])
    notify(
        users=users,
        message=(
            f"Cấp trên đã mở lại hạn «{deadline.get_action_display()}» của phong trào «{deadline.campaign.name}» "
            f"cho {unit.name} đến hết ngày {until:%d/%m/%Y}."
        ),
        url=deadline.campaign.get_absolute_url(),
        email=True,
        subject="Mở lại hạn nộp",
    )
    return extension


@transaction.atomic
def deadline_complete(*, deadline: Deadline, unit: Unit, by, today: datetime.date | None = None) -> DeadlineCompletion:
    """Record that `unit` did what a (non-registration) deadline asked, e.g. sent its plan.

    Refused after the deadline unless reopened. Idempotent: a second call returns the first record.
    """
    if deadline.action == DeadlineAction.REGISTER:
        raise ServiceError("Việc gửi đăng ký thi đua được ghi nhận khi thủ trưởng gửi bản đăng ký.")
    if not deadline.applies_to(unit):
        raise ServiceError("Hạn chót này không áp dụng cho đơn vị được chọn.")
    existing = DeadlineCompletion.objects.filter(deadline=deadline, unit=unit).first()
    if existing:
        return existing
    today = today or datetime.date.today()
    due = selectors.deadline_effective_due(deadline, unit)
    if today > due:
        raise ServiceError(
            f"Đã quá hạn «{deadline.get_action_display()}» (hạn chót {due:%d/%m/%Y}). "
            "Đề nghị đơn vị cấp trên mở lại hạn cho đơn vị."
        )
    return DeadlineCompletion.objects.create(deadline=deadline, unit=unit, completed_by=by)


def record_completions(*, campaign: Campaign, unit: Unit, action: str, by) -> None:
    for deadline in selectors.deadlines_for(campaign, unit, action):
        DeadlineCompletion.objects.get_or_create(deadline=deadline, unit=unit, defaults={"completed_by": by})


def clear_completions(*, campaign: Campaign, unit: Unit, action: str) -> None:
    DeadlineCompletion.objects.filter(deadline__campaign=campaign, deadline__action=action, unit=unit).delete()


@transaction.atomic
def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the units that still have to act, `reminder_days()` days before each deadline.

    Only units without a completion are reminded, and only their heads and
    secretaries. Each (deadline, unit, offset) is recorded in ReminderLog, so a
    second run on the same day (or a late run catching up) queues nothing twice.
    The log is written as queued; it is marked sent (`sent_on`) by
    `reminder_mark_sent` when one of its e-mails has been accepted by the SMTP
    server, or at once when nobody reminded has an address (the in-app
    notification is then the reminder). Returns the number of units reminded.
    Side effects: in-app notifications, and outbox e-mails queued after commit.
    """
    today = today or datetime.date.today()
    days = reminder_days()
    if not days:
        return 0
    window_end = today + datetime.timedelta(days=max(days))
    # A unit whose deadline was reopened is reminded against its own, later date.
    extended = DeadlineExtension.objects.filter(until__gte=today, until__lte=window_end).values("deadline_id")
    deadlines = (
        Deadline.objects.select_for_update(of=("self",))
        .filter(campaign__status=CampaignStatus.LAUNCHED)
        .filter(Q(due_date__gte=today, due_date__lte=window_end) | Q(pk__in=extended))
        .select_related("campaign__launched_by", "unit")
        .order_by("due_date", "pk")
    )
    reminded = 0
    for deadline in deadlines:
        pending = list(selectors.deadline_pending_units(deadline))
        if not pending:
            continue
        extensions: dict[int, datetime.date] = {}
        for unit_id, until in DeadlineExtension.objects.filter(deadline=deadline, unit__in=pending).values_list(
            "unit_id", "until"
        ):
            extensions[unit_id] = max(until, extensions.get(unit_id, until))
        logs: dict[int, set[tuple[int, datetime.date]]] = {}
        for unit_id, offset, logged_due in ReminderLog.objects.filter(deadline=deadline, unit__in=pending).values_list(
            "unit_id", "days_before", "due_date"
        ):
            logs.setdefault(unit_id, set()).add((offset, logged_due))
        due_units, new_logs = [], []
        for unit in pending:
            due = max(deadline.due_date, extensions.get(unit.pk, deadline.due_date))
            left = (due - today).days
            if left < 0 or left > max(days):
                continue
            # Logs are per due date: after a reopening the unit is reminded again for its new date.
            sent = {offset for offset, logged_due in logs.get(unit.pk, set()) if logged_due == due}
            missing = sorted({d for d in days if left <= d} - sent)
            if missing:
                due_units.append((unit, due, left))
                new_logs += [
                    ReminderLog(deadline=deadline, unit=unit, due_date=due, days_before=d, queued_on=today)
                    for d in missing
                ]
        if not due_units:
            continue
        ReminderLog.objects.bulk_create(new_logs)
        recipients = users_with_roles([u.pk for u, _, _ in due_units], {Role.HEAD, Role.SECRETARY})
        campaign = deadline.campaign
        for unit, due, left in due_units:
            when = "hôm nay" if left == 0 else f"còn {left} ngày"
            users = recipients.get(unit.pk, [])
            notify(
                users=users,
                message=(
                    f"Nhắc hạn: {unit.name} cần «{deadline.get_action_display().lower()}» của phong trào "
                    f"«{campaign.name}» trước hết ngày {due:%d/%m/%Y} ({when})."
                ),
                url=campaign.get_absolute_url(),
                email=True,
                subject=f"Nhắc hạn: {deadline.get_action_display()}",
                reference=_reminder_reference(deadline.pk, unit.pk, due),
            )
            if not any(u.email for u in users):
                ReminderLog.objects.filter(deadline=deadline, unit=unit, due_date=due, sent_on__isnull=True).update(
                    sent_on=today
                )
            reminded += 1
    return reminded


_REMINDER_REFERENCE = "campaigns.reminder"


def _reminder_reference(deadline_id: int, unit_id: int, due: datetime.date) -> str:
    return f"{_REMINDER_REFERENCE}:{deadline_id}:{unit_id}:{due.isoformat()}"


def reminder_mark_sent(*, reference: str, on: datetime.date) -> int:
    """Mark the reminders behind an outbox e-mail as sent (called when the mail went out).

    Ignores references that are not reminders. Returns how many reminder logs changed.
    """
    kind, _, rest = reference.partition(":")
    if kind != _REMINDER_REFERENCE:
        return 0
    try:
        deadline_id, unit_id, due = rest.split(":")
        due_date = datetime.date.fromisoformat(due)
        keys = {"deadline_id": int(deadline_id), "unit_id": int(unit_id), "due_date": due_date}
    except ValueError:
        return 0
    return ReminderLog.objects.filter(sent_on__isnull=True, **keys).update(sent_on=on)
