from fractions import Fraction

import pytest

from councils import tally


@pytest.mark.parametrize(
    ("present", "total", "met"),
    [(6, 9, True), (5, 9, False), (2, 3, True), (7, 10, True), (6, 10, False), (0, 0, False)],
)
def test_quorum_exactly_two_thirds(present, total, met):
    assert tally.quorum_met(present=present, total=total, quorum=tally.share(0.6667)) is met


def test_share_reads_catalog_decimals_as_fractions():
    assert [tally.share(v) for v in (0.6667, 0.9, 0.7, 0.5, "2/3")] == [
        Fraction(2, 3),
        Fraction(9, 10),
        Fraction(7, 10),
        Fraction(1, 2),
        Fraction(2, 3),
    ]


@pytest.mark.parametrize(
    ("count", "denominator", "approval", "strict", "passed"),
    [
        (9, 10, Fraction(9, 10), False, True),  # 90 % of total with 9 of 10
        (8, 10, Fraction(9, 10), False, False),
        (26, 29, Fraction(9, 10), False, False),  # 89.66 %: no rounding up
        (27, 30, Fraction(9, 10), False, True),
        (5, 10, Fraction(1, 2), True, False),  # "quá nửa": a tie does not pass
        (6, 10, Fraction(1, 2), True, True),
        (2, 3, Fraction(2, 3), False, True),  # exactly 2/3, which 0.6667 would refuse
        (7, 10, Fraction(7, 10), False, True),
        (3, 0, Fraction(1, 2), False, False),
    ],
)
def test_share_reached_edges(count, denominator, approval, strict, passed):
    assert tally.share_reached(count, denominator, approval, strict) is passed


def test_item_result_adds_paper_to_electronic_and_removes_recused_from_denominator():
    result = tally.item_result(
        approval=Fraction(9, 10),
        strict=False,
        denominator_kind="total",
        total_members=11,
        voting_members=10,
        recused=1,
        electronic_issued=7,
        electronic={"for": 6, "against": 1},
        paper={"issued": 3, "for": 3, "against": 0, "abstain": 0, "invalid": 0},
    )
    assert (result.issued, result.returned, result.valid, result.votes_for, result.denominator, result.passed) == (
        10,
        10,
        10,
        9,
        10,
        True,
    )


def test_item_result_present_denominator():
    result = tally.item_result(
        approval=Fraction(1, 2),
        strict=True,
        denominator_kind="present",
        total_members=9,
        voting_members=6,
        recused=0,
        electronic_issued=6,
        electronic={"for": 4, "against": 2},
    )
    assert (result.denominator, result.share_for, result.passed) == (6, "2/3", True)


def test_recusal_from_the_unit_tree():
    council = "/1/2/"
    # Phòng's council: the principal of school 5 on a teacher of its team 9, and on a teacher of school 6.
    assert (
        tally.recusal_reason(
            member_person_id=1,
            member_unit_path="/1/2/5/",
            nominee_person_id=2,
            nominee_unit_path="/1/2/5/9/",
            council_path=council,
        )
        == "Người được đề nghị thuộc đơn vị của thành viên."
    )
    assert (
        tally.recusal_reason(
            member_person_id=1,
            member_unit_path="/1/2/5/",
            nominee_person_id=2,
            nominee_unit_path="/1/2/6/",
            council_path=council,
        )
        is None
    )
    # A member of the council's own unit votes on everyone but themselves.
    assert (
        tally.recusal_reason(
            member_person_id=1,
            member_unit_path="/1/2/",
            nominee_person_id=2,
            nominee_unit_path="/1/2/5/",
            council_path=council,
        )
        is None
    )
    assert (
        tally.recusal_reason(
            member_person_id=1,
            member_unit_path="/1/2/",
            nominee_person_id=1,
            nominee_unit_path="/1/2/",
            council_path=council,
        )
        == "Thành viên là người được đề nghị."
    )
    # A collective nomination of the member's school.
    assert (
        tally.recusal_reason(
            member_person_id=1,
            member_unit_path="/1/2/5/9/",
            nominee_person_id=None,
            nominee_unit_path="/1/2/5/",
            council_path=council,
        )
        == "Thành viên thuộc tập thể được đề nghị."
    )
