"""Rules as data: AwardRule.kind names a pure function here, AwardRule.params are its values."""

from .base import MET, NOT_MET, NOTE, REVIEW, Reason, verdict_of
from .functions import DEFAULTS, ELIGIBILITY_KINDS, REGISTRY, quota_allowed, validate_params

__all__ = [
    "MET",
    "NOT_MET",
    "NOTE",
    "REVIEW",
    "Reason",
    "verdict_of",
    "DEFAULTS",
    "ELIGIBILITY_KINDS",
    "REGISTRY",
    "quota_allowed",
    "validate_params",
]
