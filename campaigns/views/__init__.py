"""Campaigns views."""

from .calendar import (  # noqa: F401
    calendar,
)
from .campaigns import (  # noqa: F401
    campaign_create,
    campaign_detail,
    campaign_edit,
    campaign_launch,
    campaign_list,
)
from .compacts import (  # noqa: F401
    compact_create,
    compact_detail,
    compact_list,
)
from .launch import (  # noqa: F401
    campaign_launch_confirm,
)
from .plan import (  # noqa: F401
    award_add,
    award_remove,
    deadline_add,
    deadline_complete,
    deadline_extend,
    deadline_remove,
    phase_create,
    phase_edit,
)
from .registrations import (  # noqa: F401
    registration_detail,
    registration_edit,
    registration_export,
    registration_line_check,
    registration_overview,
    registration_transition,
)
