"""Pure functions of the ballot: quorum, recusal, results of an agenda item. No queries, no floats.

Shares are `fractions.Fraction`s and every comparison is made on integers (``for × b ≥ a × denominator``),
so "exactly 2/3" and "9 of 10 at 90 %" are decided exactly, never by a rounding of 0.6667.
"""

from dataclasses import asdict, dataclass
from fractions import Fraction

from .enums import Denominator

# The award catalog keeps shares as decimals (0.6667 for 2/3); the nearest fraction with a denominator of at
# most 100 is the intended one (2/3, 7/10, 9/10, 1/2).
MAX_SHARE_DENOMINATOR = 100
# Fewer members than this entitled to vote on a nomination: the chair is warned (issue 10).
MIN_VOTERS_WARNING = 3


def share(value) -> Fraction:
    """A share from the catalog (0.6667, "2/3", 0.9) as the fraction it means."""
    return Fraction(str(value)).limit_denominator(MAX_SHARE_DENOMINATOR)


def share_label(fraction: Fraction) -> str:
    percent = fraction * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{fraction.numerator}/{fraction.denominator}"


def quorum_met(*, present: int, total: int, quorum: Fraction) -> bool:
    """At least `quorum` of all members attend in person (exactly 2/3 is enough)."""
    return total > 0 and present * quorum.denominator >= quorum.numerator * total


def share_reached(count: int, denominator: int, approval: Fraction, strict: bool) -> bool:
    if denominator <= 0:
        return False
    left, right = count * approval.denominator, approval.numerator * denominator
    return left > right if strict else left >= right


def key_unit_id(path: str, council_path: str) -> int | None:
    """The unit that stands for `path` in the council: the child of the council's unit on that path (a school
    in a Phòng's council, a team in a school's council); None for the council's own unit or outside it."""
    if not path.startswith(council_path) or path == council_path:
        return None
    rest = path[len(council_path) :].strip("/").split("/")
    return int(rest[0])


def recusal_reason(
    *,
    member_person_id: int | None,
    member_unit_path: str | None,
    nominee_person_id: int | None,
    nominee_unit_path: str,
    council_path: str,
) -> str | None:
    """Why a member may not vote on a nomination, or None.

    A member never votes on themselves, nor on a nominee of their own unit: the unit directly below the
    council's unit that holds both (their school in a Phòng's council, their team in a school's council).
    A member who belongs to the council's unit itself (the head, the Phòng's staff) is recused only on
    themselves and on a collective nomination of the council's own unit.
    """
    if member_person_id is not None and member_person_id == nominee_person_id:
        return "Thành viên là người được đề nghị."
    if member_unit_path is None:
        return None
    if nominee_person_id is None and member_unit_path.startswith(nominee_unit_path):
        return "Thành viên thuộc tập thể được đề nghị."
    member_key = key_unit_id(member_unit_path, council_path)
    if member_key is not None and member_key == key_unit_id(nominee_unit_path, council_path):
        return "Người được đề nghị thuộc đơn vị của thành viên."
    return None


@dataclass(frozen=True)
class ItemResult:
    issued: int
    returned: int
    valid: int
    invalid: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    denominator: int
    denominator_kind: str
    approval: str
    strict: bool
    share_for: str  # "9/10", shown as a percentage by the page
    passed: bool

    def as_dict(self) -> dict:
        return asdict(self)


def item_result(
    *,
    approval: Fraction,
    strict: bool,
    denominator_kind: str,
    total_members: int,
    voting_members: int,
    recused: int,
    electronic_issued: int,
    electronic: dict[str, int],
    paper: dict[str, int] | None = None,
) -> ItemResult:
    """Counts of one agenda item: electronic sheets plus confirmed paper / written totals.

    `total_members`: all members of the council (frozen at the opening); `voting_members`: those present or
    sending a written ballot. Recused members leave the denominator: they cannot vote, and counting them
    would turn a recusal into a "no".
    """
    paper = paper or {}
    votes_for = electronic.get("for", 0) + paper.get("for", 0)
    votes_against = electronic.get("against", 0) + paper.get("against", 0)
    votes_abstain = electronic.get("abstain", 0) + paper.get("abstain", 0)
    invalid = paper.get("invalid", 0)
    valid = votes_for + votes_against + votes_abstain
    returned = valid + invalid
    issued = electronic_issued + paper.get("issued", 0)
    base = total_members if denominator_kind == Denominator.TOTAL else voting_members
    denominator = max(base - recused, 0)
    share_for = Fraction(votes_for, denominator) if denominator else Fraction(0)
    return ItemResult(
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        denominator=denominator,
        denominator_kind=denominator_kind,
        approval=f"{approval.numerator}/{approval.denominator}",
        strict=strict,
        share_for=f"{share_for.numerator}/{share_for.denominator}",
        passed=share_reached(votes_for, denominator, approval, strict),
    )
