"""Every write of the campaigns app. One module per concept; import from here."""

from .campaigns import (
    award_choices,
    campaign_award_remove,
    campaign_award_set,
    campaign_close,
    campaign_create,
    campaign_launch,
    campaign_update,
    deadline_create,
    deadline_delete,
    offerable_award_types,
    phase_create,
    phase_update,
)
from .compacts import compact_create
from .deadlines import deadline_complete, deadline_ensure_open, deadline_extend, reminder_days, reminders_send
from .notifications import notification_mark_read, notify
from .registration_checks import (
    LineDraft,
    RegistrationCheck,
    registration_check,
    registration_problems_refresh,
    registration_send_problem,
)
from .registrations import (
    CollectiveLineInput,
    LineInput,
    format_percent,
    offered_codes,
    registration_caps_check,
    registration_save,
    registration_targets,
    registration_transition,
)

__all__ = [
    "CollectiveLineInput",
    "LineDraft",
    "LineInput",
    "RegistrationCheck",
    "offered_codes",
    "registration_check",
    "registration_problems_refresh",
    "registration_send_problem",
    "award_choices",
    "campaign_award_remove",
    "campaign_award_set",
    "campaign_close",
    "campaign_create",
    "campaign_launch",
    "campaign_update",
    "compact_create",
    "deadline_complete",
    "deadline_create",
    "deadline_delete",
    "deadline_ensure_open",
    "deadline_extend",
    "format_percent",
    "notification_mark_read",
    "notify",
    "offerable_award_types",
    "phase_create",
    "phase_update",
    "registration_caps_check",
    "registration_save",
    "registration_targets",
    "registration_transition",
    "reminder_days",
    "reminders_send",
]
