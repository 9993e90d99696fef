"""Property of the ballot (councils/services.py ballot_cast, councils/box.py, councils/tally.py).

On the five-seat council of councils/tests/conftest.py, with random standing rules (quorum, approval share,
strict or not, denominator, abstention allowed or not), random attendance and random casts (members,
absentees and an outsider; full sheets, sheets missing or adding an item, recused items, unknown choices,
abstentions, second casts):
- the round opens exactly when the quorum is met; a refused opening changes nothing;
- a cast is accepted exactly when it should be; a refused one (a second cast included) changes no row and
  says why in Vietnamese;
- the tally of each item equals the accepted casts' choices on it, and «đạt ngưỡng» is the rule frozen at
  the opening applied with exact fractions;
- no row links a voter to a choice: the roll and the cast records name members and no item or choice,
  the ballots name a choice and no member, and the receipt codes name neither.
"""

from collections import Counter
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from hypothesis import event, given
from hypothesis import strategies as st

from conftest import make_user
from core.exceptions import ServiceError
from core.tests.hypothesis_profiles import examples
from core.tests.properties import is_vietnamese, rolled_back
from councils import services
from councils.enums import AttendanceStatus, Choice, Denominator, RoundStatus
from councils.models import Ballot, CastRecord, ReceiptCode, Round, VoterRoll
from councils.tests.conftest import mark

SEATS = ["chair", "sec", "p_a1", "p_a2", "staff"]
RULES = st.fixed_dictionaries(
    {
        "quorum": st.sampled_from(["1/2", "2/3", "3/5", "1/5", "100%"]),
        "approval": st.sampled_from(["1/2", "2/3", "0,9", "70%", "1/5"]),
        "strict": st.booleans(),
        "denominator": st.sampled_from(list(Denominator.values)),
        "allow_abstention": st.booleans(),
    }
)
PRESENT_MOSTLY = [AttendanceStatus.PRESENT] * 6 + [AttendanceStatus.ABSENT, AttendanceStatus.WRITTEN]
ATTENDANCE = st.fixed_dictionaries({seat: st.sampled_from(PRESENT_MOSTLY) for seat in SEATS})
CAST = st.fixed_dictionaries(
    {
        "who": st.sampled_from([*SEATS, *SEATS, "outsider"]),
        "sheet": st.sampled_from(["exact"] * 6 + ["missing", "extra", "all_items"]),
        "choices": st.lists(
            st.sampled_from([Choice.FOR] * 3 + [Choice.AGAINST] * 2 + [Choice.ABSTAIN, "maybe"]), min_size=3, max_size=3
        ),
    }
)


def _rows():
    return (
        Ballot.objects.count(),
        VoterRoll.objects.count(),
        CastRecord.objects.count(),
        ReceiptCode.objects.count(),
    )


def _sheet(cast, sheet_ids: list[int], all_ids: list[int]) -> dict:
    kind = cast["sheet"]
    ids = {"exact": sheet_ids, "missing": sheet_ids[1:], "extra": [*sheet_ids, -1], "all_items": all_ids}[kind]
    return {item_id: cast["choices"][i % 3] for i, item_id in enumerate(ids)}


def _threshold(votes_for: int, denominator: int, approval: Fraction, strict: bool) -> bool:
    if denominator <= 0:
        return False
    share = Fraction(votes_for, denominator)
    return share > approval if strict else share >= approval


@examples(1.0)
@given(rules=RULES, attendance=ATTENDANCE, casts=st.lists(CAST, max_size=10))
def test_ballot_counts_accepted_casts_only_and_keeps_no_link(board, rules, attendance, casts):
    users, seats, chair = board["users"], board["seats"], board["users"]["chair"]
    item_ids = [item.pk for item in board["items"]]
    with rolled_back():
        outsider = make_user("nguoi-ngoai-hoi-dong")
        services.council_rules_update(by=chair, council=board["council"], rules_basis="", **rules)
        for seat, status in attendance.items():
            mark(board, seat, status=status, reason="Công tác" if status != AttendanceStatus.PRESENT else "")
        round_ = services.round_create(by=chair, meeting=board["meeting"])
        present = [s for s, status in attendance.items() if status == AttendanceStatus.PRESENT]
        quorum = Fraction(rules["quorum"].replace("%", "")) / (100 if "%" in rules["quorum"] else 1)
        before = (_rows(), Round.objects.get(pk=round_.pk).status)
        try:
            round_ = services.round_act(by=chair, round_=round_, action="open", version=round_.version)
        except ServiceError as refused:
            assert len(present) < quorum * len(SEATS)
            assert (_rows(), Round.objects.get(pk=round_.pk).status) == before
            assert is_vietnamese(refused), str(refused)
            event("quorum not met: opening refused")
            return
        assert len(present) >= quorum * len(SEATS)
        allowed = set(Choice.values) if rules["allow_abstention"] else {Choice.FOR, Choice.AGAINST}
        accepted: dict[str, dict] = {}
        for cast in casts:
            user = outsider if cast["who"] == "outsider" else users[cast["who"]]
            seat = seats.get(cast["who"])
            # The sheet as the rules frozen at the opening say: every item the member is not recused on.
            frozen_items = round_.rules["items"]
            sheet_ids = (
                sorted(int(k) for k, r in frozen_items.items() if seat.pk not in r["recused"]) if seat else item_ids
            )
            choices = _sheet(cast, sheet_ids, item_ids)
            should = (
                seat is not None
                and cast["who"] in present
                and cast["who"] not in accepted
                and set(choices) == set(sheet_ids)
                and all(choice in allowed for choice in choices.values())
            )
            rows = _rows()
            try:
                code = services.ballot_cast(by=user, round_=round_, choices=choices)
            except PermissionDenied:
                assert (should, cast["who"], _rows()) == (False, "outsider", rows)
                continue
            except ServiceError as refused:
                assert (should, _rows()) == (False, rows), cast
                assert is_vietnamese(refused), str(refused)
                continue
            assert should, cast
            accepted[cast["who"]] = choices
            assert _rows() == (rows[0] + len(choices), rows[1] + 1, rows[2] + 1, rows[3] + 1)
            assert ReceiptCode.objects.filter(round=round_, code=code).count() == 1
        # No row of any of the four tables carries both a member and a choice (or an item).
        assert [set(r) & {"choice", "item_id"} for r in VoterRoll.objects.values()] == [set()] * len(accepted)
        assert [set(r) & {"choice", "item_id"} for r in CastRecord.objects.values()] == [set()] * len(accepted)
        assert all("member_id" not in r and "user_id" not in r for r in Ballot.objects.values())
        assert all(set(r) == {"id", "round_id", "code"} for r in ReceiptCode.objects.values())

        event(f"accepted casts: {len(accepted)}")
        round_ = services.round_act(by=chair, round_=round_, action="close", version=round_.version)
        assert round_.status == RoundStatus.CLOSED
        frozen = round_.rules
        for item_id in item_ids:
            result = round_.results[str(item_id)]
            tally = Counter(choices[item_id] for choices in accepted.values() if item_id in choices)
            assert (result["votes_for"], result["votes_against"], result["votes_abstain"]) == (
                tally[Choice.FOR],
                tally[Choice.AGAINST],
                tally[Choice.ABSTAIN],
            )
            rule = frozen["items"][str(item_id)]
            base = frozen["total_members"] if rule["denominator"] == Denominator.TOTAL else frozen["voting_members"]
            denominator = max(base - len(rule["recused"]), 0)
            assert result["denominator"] == denominator
            assert result["passed"] == _threshold(
                tally[Choice.FOR], denominator, Fraction(rule["approval"]), rule["strict"]
            )
