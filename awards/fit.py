"""Which awards fit a registration line: the recipient kind and the level that may aim at them.

A pure helper, read by the registration form and the registration service
(campaigns), so that a kindergarten teacher's line is never offered, nor saved
with, "Chiến sĩ thi đua toàn quốc" or "Huân chương Lao động hạng Ba".

The ceiling is long-standing practice, not an article of law: "cấp nào quản lý
thì cấp đó khen thưởng hoặc trình cấp trên khen thưởng" (LAW.md, marked [U]).
A unit's yearly registration aims at what its own level and the levels up to
the province (or the Ministry, for the education sector) decide; titles and
orders of the Prime Minister and the President are proposed through the
nomination route once the chain is met, not registered at the start of a year.
`DEFAULT_CEILING` is that documented default; callers may hand in another.

The person's position is not looked at: the catalog (AwardType, AwardRule) marks
no award as for managers only or for teachers/staff only, and such a rule is
not invented here. Add it to the catalog first if the law is found to say so.
"""

from collections.abc import Mapping

from .enums import AuthorityKind, RecipientKind

# Higher decides more: compared with a level's ceiling below.
AUTHORITY_RANK: dict[str, int] = {
    AuthorityKind.UNIT_HEAD: 1,
    AuthorityKind.COMMUNE_CHAIR: 2,
    AuthorityKind.DISTRICT_CHAIR: 3,
    AuthorityKind.DEPARTMENT_DIRECTOR: 4,
    AuthorityKind.PROVINCIAL_CHAIR: 5,
    AuthorityKind.MINISTER: 5,
    AuthorityKind.PRIME_MINISTER: 6,
    AuthorityKind.PRESIDENT: 7,
}

# The highest authority a registration filed by a unit of this kind may aim at, by unit kind
# ("school", "office", …) or "school:<school_level>" for one school level. [U] default of the portal.
DEFAULT_CEILING: dict[str, int] = {
    "school": 5,
    "team": 5,
    "office": 5,
    "commune_authority": 5,
    "district_authority": 5,
    "department": 7,
    "provincial_authority": 7,
    "ministry": 7,
}

AUTHORITY_LABELS = dict(AuthorityKind.choices)


def ceiling_for(unit_kind: str, school_level: str = "", ceiling: Mapping[str, int] | None = None) -> int:
    table = DEFAULT_CEILING if ceiling is None else ceiling
    if school_level and f"{unit_kind}:{school_level}" in table:
        return table[f"{unit_kind}:{school_level}"]
    return table.get(unit_kind, 5)


def award_fit_problem(
    award,
    *,
    collective: bool,
    unit_kind: str,
    school_level: str = "",
    ceiling: Mapping[str, int] | None = None,
) -> str | None:
    """Why `award` (an AwardType) does not fit a line, in Vietnamese, or None when it fits.

    `collective` says whether the line is for a collective (the unit, a team)
    or a person; `unit_kind` / `school_level` are those of the registering unit.
    """
    wanted = RecipientKind.COLLECTIVE if collective else RecipientKind.INDIVIDUAL
    if award.recipient_kind not in (RecipientKind.BOTH, wanted):
        who = "tập thể" if collective else "cá nhân"
        return f"«{award.name}» không dành cho {who}."
    rank = AUTHORITY_RANK.get(award.authority_kind, 99)
    if rank > ceiling_for(unit_kind, school_level, ceiling):
        authority = AUTHORITY_LABELS.get(award.authority_kind, award.authority_kind)
        return (
            f"«{award.name}» do {authority} quyết định, vượt thẩm quyền xét của cấp đơn vị đăng ký; "
            "chỉ đề nghị theo tuyến trình khi đủ điều kiện, không đăng ký đầu năm."
        )
    return None


def fitting(awards, **kwargs) -> list:
    """The awards of `awards` that fit (same keywords as `award_fit_problem`), in their order."""
    return [a for a in awards if award_fit_problem(a, **kwargs) is None]
