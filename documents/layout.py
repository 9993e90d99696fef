"""The layout rules every document shares (ND 30/2020, Phụ lục I; LAW.md (e)), as small pure functions.

The templates under `templates/documents/` only place what these return, so a rule
(a zero-padded number, the punctuation of "Căn cứ" lines, the order of the Nơi
nhận list) is written once and tested here.
"""

import datetime
from dataclasses import asdict, dataclass, field

MOTTO_COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Ký hiệu of each document type (ND 30/2020 Phụ lục III).
SYMBOLS = {
    "plan": "KH",
    "submission": "TTr",
    "minutes": "BB",
    "report": "BC",
    "decision": "QĐ",
}

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def number_text(number: int | str | None) -> str:
    """The number of "Số: 05/…": under 10 with a leading zero; a typed number ("50a") kept as typed; none blank."""
    if number in (None, ""):
        return ""
    text = str(number).strip()
    if text.isascii() and text.isdigit() and int(text) < 10:
        return f"{int(text):02d}"
    return text


def number_line(number: int | str | None, symbol: str, issuer_code: str) -> str:
    """ "Số: 05/TTr-PGDĐT"; without a number yet, the blank the văn thư fills in: "Số:     /TTr-PGDĐT"."""
    code = "-".join(part for part in (symbol, issuer_code) if part)
    shown = number_text(number)
    return f"Số: {shown}/{code}" if shown else f"Số:      /{code}"


def number_line_of(reference: str | int | None, symbol: str, issuer_code: str) -> str:
    """The "Số:" line of a number the user may have typed whole: "3/TTr-THA1" keeps its own ký hiệu with the
    number zero-padded ("Số: 03/TTr-THA1"); a bare number ("5") takes `symbol` and `issuer_code`."""
    text = str(reference).strip() if reference not in (None, "") else ""
    if "/" in text:
        number, _, code = text.partition("/")
        shown = number_text(number.strip())
        return f"Số: {shown}/{code.strip()}" if shown else f"Số:      /{code.strip()}"
    return number_line(text or None, symbol, issuer_code)


def date_line(place: str, day: datetime.date | None) -> str:
    """ "Gia Lâm, ngày 05 tháng 02 năm 2025": day under 10 and months 1–2 with a leading zero."""
    prefix = f"{place}, " if place else ""
    if day is None:
        return f"{prefix}ngày      tháng      năm"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{prefix}ngày {day.day:02d} tháng {month} năm {day.year}"


def _strip_end(text: str) -> str:
    return text.strip().rstrip(";.,").strip()


def legal_bases(lines: list[str]) -> list[str]:
    """ "Căn cứ …" lines: each ends ";" and the last "."; punctuation typed by the user is not doubled."""
    cleaned = [_strip_end(line) for line in lines if line and _strip_end(line)]
    out = []
    for i, line in enumerate(cleaned):
        if not line.lower().startswith("căn cứ"):
            line = f"Căn cứ {line}"
        out.append(line + ("." if i == len(cleaned) - 1 else ";"))
    return out


def addressees(names: list[str]) -> list[str]:
    """ "Kính gửi:" recipients: one alone ends "."; several each start "- " and end ";", the last "."."""
    cleaned = [_strip_end(n) for n in names if n and _strip_end(n)]
    if len(cleaned) == 1:
        return [cleaned[0] + "."]
    return [f"- {n}" + ("." if i == len(cleaned) - 1 else ";") for i, n in enumerate(cleaned)]


def receivers(names: list[str], *, keep: str, as_above: bool = False, as_article: str = "") -> list[str]:
    """The "Nơi nhận:" list: "- Như trên;" first when there is a Kính gửi block (or "- Như Điều 3;" for a
    decision), the others each "- …;", the last "- Lưu: VT, <keep>."."""
    out = []
    if as_above:
        out.append("- Như trên;")
    if as_article:
        out.append(f"- Như {as_article};")
    out += [f"- {_strip_end(n)};" for n in names if n and _strip_end(n)]
    out.append(f"- Lưu: VT, {_strip_end(keep)}." if keep else "- Lưu: VT.")
    return out


def roman(n: int) -> str:
    return ROMAN[n - 1] if 1 <= n <= len(ROMAN) else str(n)


@dataclass
class Letterhead:
    """Everything above the title: the issuing body block, the motto block, the number and the date line."""

    parent_body: str  # tên cơ quan chủ quản, caps, not bold ("" for a top body)
    issuer: str  # tên cơ quan ban hành, caps, bold, a short rule under it
    number: str  # "Số: 05/TTr-PGDĐT"
    place_date: str  # "Gia Lâm, ngày 05 tháng 02 năm 2025"
    motto_country: str = MOTTO_COUNTRY
    motto: str = MOTTO

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Signature:
    """The signature block: "KT. HIỆU TRƯỞNG" over "PHÓ HIỆU TRƯỞNG", then the name (no học hàm)."""

    title: str  # the signer's position, caps: "HIỆU TRƯỞNG", "CHỦ TỊCH"
    name: str
    authority: str = ""  # "TM. HỘI ĐỒNG", "KT. HIỆU TRƯỞNG", "Q. …", "TL. …", "TUQ. …" or ""
    lines: list[str] = field(default_factory=list)  # computed: the caps lines above the name

    def __post_init__(self):
        self.title = self.title.strip().upper()
        self.authority = self.authority.strip().upper()
        self.lines = [line for line in (self.authority, self.title) if line]

    def as_dict(self) -> dict:
        return asdict(self)


def letterhead(
    *,
    unit,
    symbol: str,
    number,
    day: datetime.date | None,
    issuer_name: str = "",
    issuer_code: str = "",
    numbered: bool = True,
) -> Letterhead:
    """The letterhead of a document issued by `unit` (its header fields: parent body, document code, locality).
    A council passes its own name as `issuer_name` (and its own series). A document that is not numbered (a
    person's báo cáo thành tích) passes `numbered=False`: no "Số:" line at all (`number` is "")."""
    parent = (unit.parent_body_name or (unit.parent.name if unit.parent_id else "")).upper()
    issuer = (issuer_name or unit.name).upper()
    if issuer_name:
        parent = unit.name.upper()
    code = issuer_code or unit.document_code or unit.short_name or ""
    return Letterhead(
        parent_body=parent,
        issuer=issuer,
        number=number_line(number, symbol, code) if numbered else "",
        place_date=date_line(unit.locality or "", day),
    )
