"""The eligibility and quota engine (public API of the awards app).

Other apps call only these functions; they hand in candidates and campaign
caps rather than the engine reaching for them.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from units.models import Person, Unit

from .enums import Verdict


@dataclass(frozen=True)
class Reason:
    status: str  # "met" | "not_met" | "review" | "note"
    text: str
    legal_basis: str = ""


@dataclass
class EligibilityResult:
    candidate: Person | Unit
    award_code: str
    year: int
    verdict: str
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class QuotaLine:
    award_code: str
    award_name: str
    used: int
    proposed: int
    allowed: int | None
    reasons: list[Reason] = field(default_factory=list)


def check_eligibility(
    candidate: Person | Unit, award_type_code: str, year: int, *, on_date: datetime.date | None = None
) -> EligibilityResult:
    """Is `candidate` (a Person or a Unit) eligible for the award `award_type_code` in school year `year`?

    `year` is the school year's start (2024 = 2024-2025). The catalog row and the
    rules applied are those in force on `on_date` (default: today). Returns the
    verdict (Verdict.ELIGIBLE / NOT_ELIGIBLE / NEEDS_REVIEW) and the reasons, in
    Vietnamese, each with its legal basis. Read-only.
    """
    raise NotImplementedError


def check_many(
    candidates: Iterable[Person | Unit], award_type_code: str, year: int, *, on_date: datetime.date | None = None
) -> list[EligibilityResult]:
    """check_eligibility for many candidates in a constant number of queries; results keep the input order."""
    raise NotImplementedError


def quota_usage(
    unit: Unit,
    year: int,
    *,
    caps: Mapping[str, int] | None = None,
    proposed: Mapping[str, int] | None = None,
    on_date: datetime.date | None = None,
) -> list[QuotaLine]:
    """Used / allowed per award for `unit` (its subtree) in school year `year`.

    `caps` are limits handed in by a campaign ({"BK_TINH": 15}); the smaller of a
    cap and the legal quota applies. `proposed` counts nominations not yet decided.
    """
    raise NotImplementedError


__all__ = ["Verdict", "Reason", "EligibilityResult", "QuotaLine", "check_eligibility", "check_many", "quota_usage"]
