"""What the documents of several kinds share: the head who signs for a unit, the legal bases in force.

Values LAW.md marks unverified are parameters (Django settings) with the defaults documented here.
"""

import datetime

from django.conf import settings

from core.text import fold
from units.enums import UnitKind

from .. import layout

# The head's title when the unit record has none (Unit.head_title).
HEAD_TITLES = {
    UnitKind.MINISTRY: "Bộ trưởng",
    UnitKind.PROVINCIAL_AUTHORITY: "Chủ tịch",
    UnitKind.DISTRICT_AUTHORITY: "Chủ tịch",
    UnitKind.COMMUNE_AUTHORITY: "Chủ tịch",
    UnitKind.DEPARTMENT: "Giám đốc",
    UnitKind.OFFICE: "Trưởng phòng",
    UnitKind.SCHOOL: "Hiệu trưởng",
    UnitKind.TEAM: "Tổ trưởng",
}

# "Căn cứ" lines of a tờ trình: (in force from, until (None: open), text). The Law is verified (LAW.md §0
# [V]); which decree applies when is not (ND 98/2023 replaced by ND 152/2025 from 01/07/2025 is [U]), so the
# whole list is the setting DOCUMENT_SUBMISSION_BASES, this being its default.
DEFAULT_SUBMISSION_BASES = (
    (None, None, "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"),
    (
        None,
        datetime.date(2025, 6, 30),
        "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
        "một số điều của Luật Thi đua, khen thưởng",
    ),
    (
        datetime.date(2025, 7, 1),
        None,
        "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết và hướng dẫn thi hành một số điều "
        "của Luật Thi đua, khen thưởng",
    ),
)


def legal_bases_in_force(day: datetime.date) -> list[str]:
    """The "Căn cứ" texts of the law and decree in force on `day` (setting DOCUMENT_SUBMISSION_BASES)."""
    rows = getattr(settings, "DOCUMENT_SUBMISSION_BASES", DEFAULT_SUBMISSION_BASES)
    return [text for start, end, text in rows if (start is None or start <= day) and (end is None or day <= end)]


def head_title(unit) -> str:
    return unit.head_title or HEAD_TITLES.get(unit.kind, "Thủ trưởng đơn vị")


def unit_signature(unit, *, signer: str = "", deputies=()) -> layout.Signature:
    """Who signs a document of `unit`, kept simple:

    - nobody named, or the head named (by name or by title): the head signs under the head's title;
    - a person of the unit named (`deputies`: its people, matched by name): "KT. <head title>" over that
      person's position (or "Phó <head title>") and name;
    - a title typed alone ("Phó Hiệu trưởng"): "KT. <head title>" over it, the name left to write by hand;
    - any other text: taken as a deputy's name, under "Phó <head title>"."""
    title = head_title(unit)
    head_name = unit.head.full_name if unit.head_id else ""
    wanted = fold(signer)
    if not wanted or wanted in (fold(head_name), fold(title)):
        return layout.Signature(title=title, name=head_name)
    deputy_title = f"Phó {title[:1].lower()}{title[1:]}"
    authority = f"KT. {title}"
    for person in deputies:
        if fold(person.full_name) == wanted:
            return layout.Signature(title=person.position or deputy_title, name=person.full_name, authority=authority)
    if wanted.startswith("phó "):
        return layout.Signature(title=signer, name="", authority=authority)
    return layout.Signature(title=deputy_title, name=signer.strip(), authority=authority)


def short_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
