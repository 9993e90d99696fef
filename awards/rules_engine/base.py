"""Facts and outcomes the rule functions work on. Plain data: no ORM, no queries."""

import datetime
from dataclasses import dataclass, field

from ..enums import Verdict

MET, NOT_MET, REVIEW, NOTE = "met", "not_met", "review", "note"
STATUS_LABELS = {MET: "Đạt", NOT_MET: "Không đạt", REVIEW: "Cần xem xét", NOTE: "Ghi chú"}


@dataclass(frozen=True)
class Reason:
    status: str  # MET | NOT_MET | REVIEW | NOTE
    text: str
    legal_basis: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def verdict_of(reasons: list[Reason]) -> str:
    """Any unmet condition refuses; otherwise anything uncertain asks a reviewer."""
    statuses = {r.status for r in reasons}
    if NOT_MET in statuses:
        return Verdict.NOT_ELIGIBLE
    if REVIEW in statuses:
        return Verdict.NEEDS_REVIEW
    return Verdict.ELIGIBLE


@dataclass(frozen=True)
class RecordFact:
    code: str
    year: int
    merit: bool  # counts toward công trạng prerequisites (not đột xuất / chuyên đề)
    commendation_label: str = ""
    decision_number: str = ""
    decision_date: datetime.date | None = None


@dataclass(frozen=True)
class InitiativeFact:
    year: int
    scope: str
    kind: str
    title: str
    # Earlier awards of the person that counted this initiative (an award whose rules in force read
    # initiatives, given for a year whose achievement period covers the initiative's year).
    used_for: tuple = ()


@dataclass(frozen=True)
class PeriodFact:
    kind: str
    start: datetime.date
    end: datetime.date | None


@dataclass
class LedUnitFact:
    name: str
    records: list[RecordFact] = field(default_factory=list)
    pending: frozenset = frozenset()  # codes the unit is proposed for in the open round of the year
    unit_id: int | None = None


@dataclass
class MemberFact:
    rating: str | None
    codes: frozenset  # merit titles held in the year
    discipline_rank: int = 0  # heaviest sanction in force during the year
    pending: frozenset = frozenset()  # codes proposed for the member in the open round of the year
    person_id: int | None = None
    left_out: tuple = ()  # (RecordFact, why) of the year not counted: đột xuất/chuyên đề or revoked by the date


def _holds(records: list[RecordFact], codes, year: int, *, merit_only: bool = True) -> list[RecordFact]:
    return [r for r in records if r.code in codes and r.year == year and (r.merit or not merit_only)]


@dataclass
class PersonFacts:
    """Everything the rules may read about one person (candidate), loaded in bulk by the engine."""

    name: str
    year: int
    on_date: datetime.date
    award_code: str = ""
    service_start: datetime.date | None = None
    is_manager: bool = False
    records: list[RecordFact] = field(default_factory=list)
    ratings: dict[int, str] = field(default_factory=dict)
    initiatives: list[InitiativeFact] = field(default_factory=list)
    discipline: list[PeriodFact] = field(default_factory=list)
    service_periods: list[PeriodFact] = field(default_factory=list)
    led_units: list[LedUnitFact] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    # Codes the candidate is proposed for in the same, still open, round of the year under review:
    # only these count as "to be decided"; any other title of that year not decided is missing.
    pending: frozenset = frozenset()
    revoked_records: list[RecordFact] = field(default_factory=list)  # revoked by the check date
    is_collective = False

    def holds(self, codes, year: int, *, merit_only: bool = True) -> list[RecordFact]:
        return _holds(self.records, codes, year, merit_only=merit_only)


@dataclass
class CollectiveFacts:
    """A unit (collective) candidate: its own records and its members' results in the year."""

    name: str
    year: int
    on_date: datetime.date
    award_code: str = ""
    records: list[RecordFact] = field(default_factory=list)
    members: list[MemberFact] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    pending: frozenset = frozenset()
    revoked_records: list[RecordFact] = field(default_factory=list)  # revoked by the check date
    is_collective = True
    # Rules written for individuals read these; a collective has none.
    ratings: dict = field(default_factory=dict)
    initiatives: list = field(default_factory=list)
    discipline: list = field(default_factory=list)

    def holds(self, codes, year: int, *, merit_only: bool = True) -> list[RecordFact]:
        return _holds(self.records, codes, year, merit_only=merit_only)


@dataclass(frozen=True)
class VoteFacts:
    total_members: int
    present: int
    approvals: int
