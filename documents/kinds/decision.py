"""Quyết định khen thưởng (ND 30/2020 Mẫu 1.2, with its attached list) and the Giấy khen of each awardee.

Both print the decision as recorded (`nominations.Decision`: number, date, issuer, signer) and its granted
lines (`exchange.decision_list_rows`, the same rows as the Excel and JSON exports). Only a reader of the
whole decision (READ or APPRAISE on the deciding unit) sees these documents: a school that sees a decision
only for its own people's lines gets a 404, as the list would name others. A revoked decision prints as
revoked; its certificates are refused.
"""

import datetime
import re

from django.http import Http404

from awards.enums import AwardCategory
from awards.schoolyear import school_year_label
from core.exceptions import ServiceError
from nominations.decisions import DecisionLine, decision_get_visible, reads_whole_decision
from nominations.exchange import decision_list_rows
from nominations.models import Decision, Nomination
from units.enums import Gender
from units.rules import Cap, can

from .. import docx as d
from .. import layout
from ..registry import DocumentKind, register

SYMBOL = layout.SYMBOLS["decision"]
# "- Lưu: VT, TĐKT.": the drafting section of a decision on awards (the unit's TĐKT desk), a portal default.
KEEP = "TĐKT"
OFFSET_LIMIT_MM = 30
GROUPS = (("tap_the", "Tập thể"), ("ca_nhan", "Cá nhân"))


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


# --- what both documents read ----------------------------------------------------------------------


def _decision(decision: Decision) -> Decision:
    return Decision.objects.select_related("deciding_unit__parent", "revocation").get(pk=decision.pk)


def _granted(decision: Decision) -> list[Nomination]:
    """The nominations the decision granted, in the order of its page (award rank, name); one query."""
    return list(
        Nomination.objects.filter(
            decision=decision, dossier__receiving_unit=decision.deciding_unit, award_record__isnull=False
        )
        .select_related("person__unit", "unit__parent", "award_type", "award_record", "dossier__unit")
        .order_by("award_type__rank", "person__full_name", "unit__name", "pk")
    )


def _same_body(decision: Decision) -> bool:
    return decision.issuer.strip().casefold() == decision.deciding_unit.name.strip().casefold()


def _letterhead(decision: Decision) -> dict:
    """The issuer of the decision: the deciding unit's letterhead when it issued it, else the issuer as typed
    (a UBND deciding on the unit's proposal) with the deciding unit's locality."""
    unit = decision.deciding_unit
    code = unit.document_code or unit.short_name or ""
    if _same_body(decision):
        head = layout.letterhead(unit=unit, symbol=SYMBOL, number=None, day=decision.date)
    else:
        head = layout.Letterhead(
            parent_body="",
            issuer=decision.issuer.upper(),
            number="",
            place_date=layout.date_line(unit.locality or "", decision.date),
        )
    head.number = layout.number_line_of(decision.number, SYMBOL, code)
    return head.as_dict()


def _head_title(decision: Decision) -> str:
    """The position in whose name the decision is made ("Trưởng phòng"): the signer's, a deputy's head's, or
    the unit head's title."""
    title = (decision.signer_title or "").strip()
    if title.lower().startswith("phó ") and len(title) > 4:
        return title[4:]
    return title or (decision.deciding_unit.head_title if _same_body(decision) else "")


def _signature(title: str, name: str) -> dict:
    """A deputy ("Phó Trưởng phòng") signs "KT." for the head: "KT. TRƯỞNG PHÒNG" over "PHÓ TRƯỞNG PHÒNG"."""
    title = (title or "").strip()
    authority = f"KT. {title[4:]}" if title.lower().startswith("phó ") and len(title) > 4 else ""
    return layout.Signature(title=title, name=name, authority=authority).as_dict()


def _authority(head_title: str, issuer: str) -> str:
    """THẨM QUYỀN BAN HÀNH: "TRƯỞNG PHÒNG GD&ĐT A" (not "TRƯỞNG PHÒNG PHÒNG …"), "HIỆU TRƯỞNG TRƯỜNG …"."""
    title_words, issuer_words = head_title.split(), issuer.split()
    if title_words and issuer_words and title_words[-1].casefold() == issuer_words[0].casefold():
        issuer_words = issuer_words[1:]
    return " ".join(title_words + issuer_words).upper()


def _excerpt(decision: Decision) -> str:
    text = (decision.excerpt or "").strip() or f"khen thưởng năm học {school_year_label(decision.school_year)}"
    if text.casefold().startswith("về việc"):
        return text
    return f"Về việc {text[0].lower()}{text[1:]}"


def _bases(nominations: list[Nomination]) -> list[str]:
    """The legal bases of the awards granted (the catalog's `legal_basis` of each row, "; "-separated), once each."""
    seen: list[str] = []
    for n in nominations:
        for part in re.split(r";\s*", n.award_type.legal_basis or ""):
            part = part.strip().rstrip(".")
            if part and part not in seen:
                seen.append(part)
    return layout.legal_bases(seen)


def _count_text(collectives: int, individuals: int) -> str:
    parts = []
    if collectives:
        parts.append(f"{collectives} tập thể")
    if individuals:
        parts.append(f"{individuals} cá nhân")
    return " và ".join(parts)


def _award_phrase(name: str, category: str) -> str:
    return f"danh hiệu “{name}”" if category == AwardCategory.TITLE else name


def _article_one(nominations: list[Nomination], year: str) -> list[str]:
    """Điều 1: one award "Tặng … cho N tập thể và M cá nhân …"; several: the total, then one line per award."""
    by_award: dict[str, dict] = {}
    for n in nominations:
        entry = by_award.setdefault(
            n.award_type.name, {"category": n.award_type.category, "collectives": 0, "individuals": 0}
        )
        entry["individuals" if n.person_id else "collectives"] += 1
    collectives = sum(e["collectives"] for e in by_award.values())
    individuals = sum(e["individuals"] for e in by_award.values())
    counted = _count_text(collectives, individuals)
    if len(by_award) == 1:
        ((name, entry),) = by_award.items()
        return [
            f"Tặng {_award_phrase(name, entry['category'])} năm học {year} cho {counted} "
            "có tên trong danh sách kèm theo."
        ]
    lines = [
        f"Tặng danh hiệu thi đua, hình thức khen thưởng năm học {year} cho {counted} có tên trong "
        "danh sách kèm theo, gồm:"
    ]
    items = list(by_award.items())
    for i, (name, entry) in enumerate(items):
        phrase = _award_phrase(name, entry["category"])
        lines.append(
            f"- {phrase[0].upper()}{phrase[1:]}: {_count_text(entry['collectives'], entry['individuals'])}"
            + ("." if i == len(items) - 1 else ";")
        )
    return lines


def _rows(nominations: list[Nomination]) -> list[dict]:
    lines = [DecisionLine(nomination=n, granted=True) for n in nominations]
    out = []
    for n, row in zip(nominations, decision_list_rows(lines), strict=True):
        person = n.person
        where = ", ".join(part for part in (row["chuc_vu"], row["don_vi"]) if part)
        out.append(
            {
                "kind": row["doi_tuong"],
                "name": row["ho_ten"],
                "honorific": {Gender.MALE: "Ông", Gender.FEMALE: "Bà"}.get(person.gender, "") if person else "",
                "where": where,
                "position": row["chuc_vu"],
                "unit": row["don_vi"],
                "award": row["danh_hieu"] or row["hinh_thuc"],
                "is_title": bool(row["danh_hieu"]),
                "revoked": row["da_thu_hoi"],
            }
        )
    return out


def _groups(rows: list[dict]) -> list[dict]:
    groups = []
    for code, label in GROUPS:
        members = [r for r in rows if r["kind"] == code]
        if members:
            groups.append(
                {
                    "label": f"{layout.roman(len(groups) + 1)}. {label}",
                    "rows": [{**r, "index": i} for i, r in enumerate(members, start=1)],
                }
            )
    return groups


def _revoked_text(decision: Decision) -> str:
    rev = decision.revocation
    if rev is None:
        return ""
    by = f" của {rev.issuer}" if rev.issuer else ""
    return (
        f"QUYẾT ĐỊNH NÀY ĐÃ BỊ THU HỒI theo Quyết định số {rev.decision_number} ngày {_day(rev.decision_date)}{by}: "
        f"{rev.reason.strip().rstrip('.')}. Bản in này không có giá trị thi hành."
    )


def _common(decision: Decision, nominations: list[Nomination]) -> dict:
    unit = decision.deciding_unit
    head = _letterhead(decision)
    head_title = _head_title(decision)
    signature = _signature(decision.signer_title, decision.signer)
    return {
        "letterhead": head,
        "signature": signature,
        "authority": _authority(head_title, decision.issuer),
        "meta": {
            "title": f"Quyết định số {decision.number} ngày {_day(decision.date)}",
            "issuer": decision.issuer,
            "number": head["number"].removeprefix("Số:").strip(),
            "date": decision.date.isoformat(),
            "unit_id": unit.pk,
            "expected_pages": 2 + len(nominations) // 25,
        },
    }


# --- the quyết định ---------------------------------------------------------------------------------


def decision_build(decision: Decision, *, variant: str = "", options: dict | None = None) -> dict:
    """The quyết định and its list: plain data, five queries whatever the number of lines."""
    decision = _decision(decision)
    nominations = _granted(decision)
    year = school_year_label(decision.school_year)
    rows = _rows(nominations)
    proposing = sorted({n.dossier.unit.name for n in nominations})
    if _same_body(decision):
        proposal = f"Theo đề nghị của {', '.join(proposing)}." if proposing else ""
    else:
        proposal = f"Theo đề nghị của {decision.deciding_unit.name}."
    units = f"Thủ trưởng các đơn vị: {', '.join(proposing)}" if proposing else "Thủ trưởng các đơn vị có liên quan"
    receivers = layout.receivers(
        [] if _same_body(decision) else [decision.deciding_unit.name], keep=KEEP, as_article="Điều 3"
    )
    common = _common(decision, nominations)
    individuals = sum(1 for r in rows if r["kind"] == "ca_nhan")
    collectives = len(rows) - individuals
    list_name = {
        (True, True): "Tập thể, cá nhân được khen thưởng",
        (True, False): "Tập thể được khen thưởng",
        (False, True): "Cá nhân được khen thưởng",
    }.get((collectives > 0, individuals > 0), "Tập thể, cá nhân được khen thưởng")
    return {
        **common,
        "title": common["meta"]["title"],
        "doc_type": "Quyết định",
        "excerpt": _excerpt(decision),
        "addressees": [],
        "bases": _bases(nominations),
        "proposal": proposal,
        "articles": [
            {"head": "Điều 1.", "lines": _article_one(nominations, year)},
            {
                "head": "Điều 2.",
                "lines": [
                    "Tiền thưởng kèm theo danh hiệu thi đua, hình thức khen thưởng tại Điều 1 được thực hiện theo "
                    "quy định hiện hành về thi đua, khen thưởng."
                ],
            },
            {
                "head": "Điều 3.",
                "lines": [
                    f"Quyết định này có hiệu lực kể từ ngày ký. {units} và các tập thể, cá nhân có tên tại Điều 1 "
                    "chịu trách nhiệm thi hành Quyết định này."
                ],
            },
        ],
        "receivers": receivers,
        "revoked": _revoked_text(decision),
        "appendix": {
            "title": "Danh sách",
            "name": list_name,
            "ref": f"(Kèm theo Quyết định số {common['meta']['number']} ngày {_day(decision.date)} "
            f"của {decision.issuer})",
            "groups": _groups(rows),
        },
    }


def may_request_decision(user, decision: Decision) -> bool:
    """The level that records the decision (APPRAISE on the deciding unit) or signs for it (SIGN)."""
    unit = decision.deciding_unit
    return can(user, Cap.APPRAISE, unit) or can(user, Cap.SIGN, unit)


def decision_for_document(user, pk) -> Decision:
    """The decision if the user reads all of it (404 otherwise, also to a school that sees its own lines)."""
    decision = decision_get_visible(user, pk)
    if not reads_whole_decision(user, decision):
        raise Http404
    return decision


def decision_docx(context: dict) -> bytes:
    document = d.new_document()
    d.letterhead(document, context["letterhead"])
    if context["revoked"]:
        d.paragraph(document, context["revoked"], bold=True, align="center")
    d.title(document, context["doc_type"], context["excerpt"])
    d.paragraph(document, context["authority"], bold=True, align="center")
    d.bases(document, context["bases"])
    if context["proposal"]:
        d.paragraph(document, context["proposal"], italic=True, indent=True, align="justify")
    d.paragraph(document, "QUYẾT ĐỊNH:", bold=True, align="center")
    for article in context["articles"]:
        for i, line in enumerate(article["lines"]):
            p = d.paragraph(document, indent=True, align="justify")
            if i == 0:
                p.add_run(article["head"] + " ").bold = True
            p.add_run(line)
    d.sign_area(document, context["receivers"], context["signature"])
    appendix = context["appendix"]
    document.add_page_break()
    d.paragraph(document, appendix["title"], bold=True, align="center", caps=True)
    d.paragraph(document, appendix["name"], bold=True, align="center", caps=True)
    d.paragraph(document, appendix["ref"], italic=True, align="center")
    rows = []
    for group in appendix["groups"]:
        rows.append([group["label"], "", "", ""])
        rows += [
            [r["index"], r["name"] + (" (đã thu hồi)" if r["revoked"] else ""), r["where"], r["award"]]
            for r in group["rows"]
        ]
    d.table(document, ["TT", "Họ và tên / tập thể", "Chức vụ, đơn vị", "Danh hiệu / hình thức khen thưởng"], rows)
    return d.to_bytes(document)


# --- the giấy khen ----------------------------------------------------------------------------------


def _offset(options: dict, key: str) -> float:
    raw = str(options.get(key, "") or "").strip().replace(",", ".")
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or value != value or not -OFFSET_LIMIT_MM <= value <= OFFSET_LIMIT_MM:
        raise ServiceError(
            f"Độ lệch khi in phải là một số từ -{OFFSET_LIMIT_MM} đến {OFFSET_LIMIT_MM} mm (đã nhập: {raw[:20]})."
        )
    return round(value, 1)


def certificate_build(decision: Decision, *, variant: str = "", options: dict | None = None) -> dict:
    """One Giấy khen per awardee still holding the award: plain data, five queries whatever their number.

    `options`: offset_x_mm and offset_y_mm (−30…30, shift everything to fit a printer) and blank ("1": only
    the variable text, for pre-printed blanks). Refuses (ServiceError) a bad offset or a revoked decision."""
    options = options or {}
    offset_x, offset_y = _offset(options, "offset_x_mm"), _offset(options, "offset_y_mm")
    blank = str(options.get("blank", "")).strip() == "1"
    decision = _decision(decision)
    if decision.revocation_id is not None:
        raise ServiceError("Quyết định đã bị thu hồi: không in giấy khen.")
    nominations = _granted(decision)
    year = school_year_label(decision.school_year)
    common = _common(decision, nominations)
    sheets = []
    for row in _rows(nominations):
        if row["revoked"]:
            continue
        if row["is_title"]:
            heading, award = "Giấy chứng nhận", f"Đạt danh hiệu “{row['award']}” năm học {year}"
        else:
            heading, award = row["award"], f"Đã có thành tích xuất sắc trong năm học {year}"
        sheets.append(
            {
                "heading": heading,
                "name": f"{row['honorific']} {row['name']}".strip(),
                "where": row["where"],
                "award": award,
            }
        )
    if not sheets:
        raise ServiceError("Quyết định không còn ai được khen thưởng để in giấy khen.")
    return {
        **common,
        "title": f"Giấy khen – {common['meta']['title']}",
        "doc_type": "Giấy khen",
        "excerpt": "",
        "addressees": [],
        "bases": [],
        "receivers": [],
        "blank": blank,
        "offset_x": f"{offset_x:.1f}",
        "offset_y": f"{offset_y:.1f}",
        "decision_line": f"Quyết định số {common['meta']['number']}, ngày {_day(decision.date)}",
        "place_date": common["letterhead"]["place_date"],
        "certificates": sheets,
        "meta": {**common["meta"], "expected_pages": len(sheets)},
    }


register(
    DocumentKind(
        code="decision",
        label="Quyết định khen thưởng",
        model=Decision,
        template="documents/decision.html",
        build=decision_build,
        get_visible=decision_for_document,
        may_request=may_request_decision,
        docx=decision_docx,
        filename="quyet-dinh-khen-thuong",
        order=60,
    )
)
register(
    DocumentKind(
        code="certificate",
        label="Giấy khen (mỗi người một trang)",
        model=Decision,
        template="documents/certificate.html",
        build=certificate_build,
        get_visible=decision_for_document,
        may_request=may_request_decision,
        filename="giay-khen",
        order=61,
        option_fields=("offset_x_mm", "offset_y_mm", "blank"),
    )
)
