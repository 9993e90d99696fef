"""Every write to the award history, evaluations, initiatives and rules.

Services are keyword-only, run in a transaction, validate, and raise
ServiceError with a Vietnamese message. The engine (eligibility, quotas) is
read-only and lives in awards/engine.py; its public functions are re-exported
here for callers that prefer one import.
"""

from ..engine import check_eligibility, check_many, council_vote_rule, quota_usage
from ..models import in_force_q
from .catalog import award_rule_supersede, award_type_for
from .history import (
    award_record_create,
    award_records_bulk_create,
    decision_records_create,
    decision_revoke,
    records_of_decision,
)
from .initiatives import initiative_recognise, initiative_register, initiative_update
from .people import (
    discipline_period_create,
    discipline_period_delete,
    discipline_period_end,
    service_period_create,
    service_period_delete,
    task_evaluation_set,
    task_evaluations_bulk_set,
    task_evaluations_save,
)

__all__ = [
    "award_type_for",
    "award_rule_supersede",
    "award_record_create",
    "award_records_bulk_create",
    "decision_revoke",
    "task_evaluation_set",
    "task_evaluations_bulk_set",
    "task_evaluations_save",
    "decision_records_create",
    "discipline_period_create",
    "discipline_period_end",
    "discipline_period_delete",
    "service_period_create",
    "service_period_delete",
    "initiative_register",
    "initiative_update",
    "initiative_recognise",
    "check_eligibility",
    "check_many",
    "quota_usage",
    "council_vote_rule",
    "in_force_q",
    "records_of_decision",
]
