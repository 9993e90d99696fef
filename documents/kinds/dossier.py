"""The tờ trình of a dossier (normal and simplified procedure) and the danh sách attached to it.

Tờ trình: ND 30/2020 Mẫu 1.4 (văn bản có tên loại), TT 20/2025/TT-BNV form 1.1: issued by the proposing unit,
"Kính gửi:" the receiving unit, "Căn cứ" the Law, the decree in force and the campaign's plan, the counts per
award (collectives and individuals apart), "(có danh sách kèm theo)", Nơi nhận "- Như trên;" … "- Lưu: VT, …",
signed by the unit's head (or "KT." by the person named on the dossier: `common.unit_signature`).

Danh sách: seed 004's list on A4 landscape (TT, Họ và tên, Đơn vị công tác, Thâm niên, Tóm tắt thành tích,
Số điện thoại, email), collectives apart, a group row per award.

Both builders read the dossier and its nominations in a constant number of queries, whatever the rows.
The number: `submission_number` typed on the dossier, else the one allocated by "Cấp số tờ trình"
(`submission_number_allocate`), else the blank the văn thư fills in.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.exceptions import ServiceError
from core.text import fold
from nominations.enums import RECEIVED_STATES, Procedure, RoundKind
from nominations.models import Dossier, Nomination
from nominations.selectors import dossier_get_visible
from units.enums import UnitKind
from units.models import Person
from units.rules import Cap, can

from .. import docx, layout, numbering
from ..registry import DocumentKind, Variant, register
from .common import legal_bases_in_force, short_date, unit_signature

SYMBOL = layout.SYMBOLS["submission"]
KEEP = "TĐKT"
NORMAL, SIMPLIFIED = Procedure.NORMAL.value, Procedure.SIMPLIFIED.value


def may_request(user, dossier) -> bool:
    """Who files or signs for the proposing unit; once received, who appraises it at the receiving unit."""
    if can(user, Cap.FILE, dossier.unit) or can(user, Cap.SIGN, dossier.unit):
        return True
    return (
        dossier.receiving_unit_id is not None
        and dossier.status in RECEIVED_STATES
        and can(user, Cap.APPRAISE, dossier.receiving_unit)
    )


# --- reading the dossier ----------------------------------------------------------------------------------


def _dossier(dossier) -> Dossier:
    return Dossier.objects.select_related("unit__parent", "unit__head", "receiving_unit", "campaign__launched_by").get(
        pk=dossier.pk
    )


def _nominations(dossier) -> list[Nomination]:
    return list(
        Nomination.objects.filter(dossier_id=dossier.pk)
        .select_related("person__unit", "unit__parent", "award_type")
        .order_by("award_type__rank", "award_type__code", "id")
    )


def _issuer_code(unit) -> str:
    return unit.document_code or unit.short_name or ""


def number_line(dossier) -> str:
    """ "Số: 05/TTr-THA1": the number typed on the dossier, else the allocated one, else the blank."""
    code = _issuer_code(dossier.unit)
    if dossier.submission_number.strip():
        return layout.number_line_of(dossier.submission_number, SYMBOL, code)
    return layout.number_line(numbering.number_peek(kind="submission", obj=dossier), SYMBOL, code)


def _number_of(line: str) -> str:
    """ "05/TTr-THA1" of "Số: 05/TTr-THA1"; "" while the number is blank."""
    text = line.removeprefix("Số:").strip()
    return "" if text.startswith("/") else text


def _receiver_name(dossier) -> str:
    if dossier.receiving_unit_id:
        return dossier.receiving_unit.name
    return dossier.unit.parent.name if dossier.unit.parent_id else ""


def _lower_first(text: str) -> str:
    """ "Đề nghị …" → "đề nghị …" inside a sentence; an acronym ("UBND …") is left alone."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def excerpt(dossier, variant: str) -> str:
    """The trích yếu: the dossier's title as "Về việc …", else one by round."""
    title = dossier.title.strip()
    if title:
        if fold(title).startswith(("về việc", "v/v")):
            return title
        return f"Về việc {_lower_first(title)}"
    if variant == SIMPLIFIED:
        return "Về việc đề nghị khen thưởng theo thủ tục đơn giản"
    if dossier.round_kind == RoundKind.CAMPAIGN and dossier.campaign_id:
        return f"Về việc đề nghị khen thưởng trong phong trào thi đua {dossier.campaign.name}"
    if dossier.round_kind == RoundKind.EXEMPLARY:
        return "Về việc đề nghị khen thưởng điển hình tiên tiến, thành tích đột xuất"
    return f"Về việc đề nghị khen thưởng năm học {dossier.school_year_label}"


def plan_reference(campaign) -> str:
    """ "Kế hoạch số 345/KH-PGDĐT ngày 05/02/2025 của Phòng GD&ĐT A về …" (the parts the campaign has)."""
    text = "Kế hoạch"
    if campaign.document_number.strip():
        symbol = campaign.document_symbol.strip() or "-".join(
            p for p in (layout.SYMBOLS["plan"], _issuer_code(campaign.launched_by)) if p
        )
        text += f" số {layout.number_text(campaign.document_number)}/{symbol}"
    if campaign.issued_on:
        text += f" ngày {short_date(campaign.issued_on)}"
    return f"{text} của {campaign.launched_by.name} về {_lower_first(campaign.name)}"


def _reference_day(dossier) -> datetime.date:
    """The day the law and the years of service are taken on: the tờ trình's date, else the school year's end."""
    return dossier.submission_date or datetime.date(dossier.school_year + 1, 5, 31)


def _signature(dossier) -> dict:
    signer = dossier.submission_signer.strip()
    deputies = ()
    if signer:
        deputies = Person.objects.filter(unit_id=dossier.unit_id, name_key=fold(signer))
    return unit_signature(dossier.unit, signer=signer, deputies=list(deputies)).as_dict()


def _letterhead(dossier, line: str) -> dict:
    head = layout.letterhead(unit=dossier.unit, symbol=SYMBOL, number=None, day=dossier.submission_date)
    head.number = line
    return head.as_dict()


def award_counts(nominations) -> dict:
    """{"collective": [(award name, n)], "individual": [...], totals}: in the order of the catalog's ranks."""
    out = {"collective": {}, "individual": {}}
    for n in nominations:
        side = out["collective" if n.unit_id else "individual"]
        side[n.award_type.name] = side.get(n.award_type.name, 0) + 1
    return {
        "collective": list(out["collective"].items()),
        "individual": list(out["individual"].items()),
        "collective_total": sum(out["collective"].values()),
        "individual_total": sum(out["individual"].values()),
    }


def _count(n: int, noun: str) -> str:
    return f"{layout.number_text(n)} {noun}"


def _count_lines(pairs, noun: str) -> list[str]:
    lines = [f"- {name}: {_count(n, noun)}" for name, n in pairs]
    return [line + ("." if i == len(lines) - 1 else ";") for i, line in enumerate(lines)]


def _who(counts) -> str:
    parts = []
    if counts["collective_total"]:
        parts.append(_count(counts["collective_total"], "tập thể"))
    if counts["individual_total"]:
        parts.append(_count(counts["individual_total"], "cá nhân"))
    return " và ".join(parts) or "các tập thể, cá nhân"


def _round_phrase(dossier) -> str:
    if dossier.round_kind == RoundKind.CAMPAIGN and dossier.campaign_id:
        return f"trong phong trào thi đua {dossier.campaign.name}"
    if dossier.round_kind == RoundKind.EXEMPLARY:
        return "xuất sắc, đột xuất, là điển hình tiên tiến"
    return f"trong năm học {dossier.school_year_label}"


# --- tờ trình ---------------------------------------------------------------------------------------------


def submission_build(obj, *, variant: str, options: dict) -> dict:
    dossier = _dossier(obj)
    nominations = _nominations(dossier)
    counts = award_counts(nominations)
    line = number_line(dossier)
    unit, receiver = dossier.unit, _receiver_name(dossier)
    bases = legal_bases_in_force(_reference_day(dossier))
    if variant != SIMPLIFIED and dossier.campaign_id:
        bases.append(plan_reference(dossier.campaign))
    groups = []
    if variant == SIMPLIFIED:
        intro = (
            f"{unit.name} kính đề nghị {receiver} xem xét, khen thưởng theo thủ tục đơn giản cho {_who(counts)} "
            f"đã có thành tích {_round_phrase(dossier)}."
        )
        awards = counts["collective"] + counts["individual"]
        award_line = "; ".join(
            f"{name}: {_count(n, 'tập thể' if i < len(counts['collective']) else 'cá nhân')}"
            for i, (name, n) in enumerate(awards)
        )
        summary = [p.strip() for p in dossier.summary.splitlines() if p.strip()]
        body_lines = ([f"Hình thức đề nghị: {award_line}."] if award_line else []) + (
            ["Tóm tắt thành tích:", *summary] if summary else []
        )
        note = "(có danh sách và bản tóm tắt thành tích kèm theo)"
    else:
        intro = (
            f"Căn cứ thành tích đạt được và kết quả bình xét thi đua, khen thưởng của đơn vị, {unit.name} "
            f"kính đề nghị {receiver} xem xét, khen thưởng cho {_who(counts)} đã có thành tích "
            f"{_round_phrase(dossier)}, cụ thể như sau:"
        )
        number = 0
        for key, noun, label in (("collective", "tập thể", "Tập thể"), ("individual", "cá nhân", "Cá nhân")):
            if counts[key]:
                number += 1
                groups.append(
                    {
                        "heading": f"{number}. {label}: {_count(counts[f'{key}_total'], noun)}",
                        "lines": _count_lines(counts[key], noun),
                    }
                )
        body_lines = []
        note = "(có danh sách kèm theo)"
    text_excerpt = excerpt(dossier, variant)
    return {
        "letterhead": _letterhead(dossier, line),
        "doc_type": "Tờ trình",
        "excerpt": text_excerpt,
        "addressees": layout.addressees([receiver]),
        "bases": layout.legal_bases(bases),
        "intro": intro,
        "groups": groups,
        "body_lines": body_lines,
        "attachment_note": note,
        "closing": f"{unit.name} kính trình {receiver} xem xét, quyết định./.",
        "receivers": layout.receivers([], keep=KEEP, as_above=True),
        "signature": _signature(dossier),
        "meta": {
            "title": f"Tờ trình {_lower_first(text_excerpt)}",
            "issuer": unit.name,
            "number": _number_of(line),
            "date": dossier.submission_date.isoformat() if dossier.submission_date else None,
            "unit_id": unit.pk,
            "expected_pages": 1 + len(body_lines) // 20,
        },
    }


def submission_docx(context: dict) -> bytes:
    document = docx.new_document()
    docx.letterhead(document, context["letterhead"])
    docx.title(document, context["doc_type"], context["excerpt"])
    docx.addressees(document, context["addressees"])
    docx.bases(document, context["bases"])
    docx.paragraph(document, context["intro"], indent=True, align="justify")
    for group in context["groups"]:
        docx.paragraph(document, group["heading"], bold=True, indent=True)
        for line in group["lines"]:
            docx.paragraph(document, line, indent=True, align="justify")
    for line in context["body_lines"]:
        docx.paragraph(document, line, indent=True, align="justify")
    docx.paragraph(document, context["attachment_note"], italic=True, indent=True)
    docx.paragraph(document, context["closing"], indent=True, align="justify")
    docx.sign_area(document, context["receivers"], context["signature"])
    return docx.to_bytes(document)


register(
    DocumentKind(
        code="submission",
        label="Tờ trình đề nghị khen thưởng",
        model=Dossier,
        template="documents/submission.html",
        build=submission_build,
        get_visible=dossier_get_visible,
        may_request=may_request,
        variants=(
            Variant(NORMAL, "thủ tục thông thường"),
            Variant(SIMPLIFIED, "thủ tục đơn giản"),
        ),
        docx=submission_docx,
        filename="to-trinh",
        order=10,
    )
)


# --- danh sách kèm theo tờ trình ---------------------------------------------------------------------------

LIST_HEADER = ["TT", "Họ và tên", "Đơn vị công tác", "Thâm niên", "Tóm tắt thành tích", "Số điện thoại, email"]


def _contact(phone: str, email: str) -> list[str]:
    return [line for line in (f"ĐT: {phone}" if phone else "", f"Email: {email}" if email else "") if line]


def _list_rows(nominations, day: datetime.date) -> list[dict]:
    """Section rows (A. TẬP THỂ, B. CÁ NHÂN), a group row per award with its count, then the nominees."""
    rows = []
    sections = (
        ("A. TẬP THỂ", "tập thể", [n for n in nominations if n.unit_id]),
        ("B. CÁ NHÂN", "cá nhân", [n for n in nominations if n.person_id]),
    )
    for title, noun, members in sections:
        if not members:
            continue
        rows.append({"kind": "section", "text": title})
        number, award = 0, None
        for n in members:
            if n.award_type_id != award:
                award = n.award_type_id
                count = sum(1 for m in members if m.award_type_id == award)
                rows.append({"kind": "group", "text": f"{n.award_type.name} ({_count(count, noun)})"})
            number += 1
            if n.unit_id:
                unit = n.unit
                work = unit.parent.name if unit.parent_id and unit.kind == UnitKind.TEAM else ""
                row = {"name": unit.name, "work": work, "years": "", "contact": _contact(unit.phone, unit.email)}
            else:
                person = n.person
                years = f"{person.service_years(day)} năm" if person.service_start else ""
                work = ", ".join(p for p in (person.position, person.unit.name) if p)
                row = {"name": person.full_name, "work": work, "years": years}
                row["contact"] = _contact(person.phone, person.email)
            rows.append({"kind": "row", "tt": number, "summary": n.summary, **row})
    return rows


def list_reference(dossier, line: str) -> str:
    """ "(Kèm theo Tờ trình số 05/TTr-THA1 ngày 05/02/2025 của Trường Tiểu học A1)"."""
    number = line.removeprefix("Số:").strip()
    number = number if not number.startswith("/") else f"     {number}"
    day = short_date(dossier.submission_date) or "     /     /     "
    return f"(Kèm theo Tờ trình số {number} ngày {day} của {dossier.unit.name})"


def submission_list_build(obj, *, variant: str, options: dict) -> dict:
    dossier = _dossier(obj)
    nominations = _nominations(dossier)
    line = number_line(dossier)
    rows = _list_rows(nominations, _reference_day(dossier))
    head = layout.letterhead(unit=dossier.unit, symbol=SYMBOL, number=None, day=None)
    head.number, head.place_date = "", ""
    counts = award_counts(nominations)
    return {
        "letterhead": head.as_dict(),
        "doc_type": "Danh sách đề nghị khen thưởng",
        "excerpt": "",
        "reference": list_reference(dossier, line),
        "header": LIST_HEADER,
        "rows": rows,
        "totals": f"Tổng số: {_who(counts)}." if nominations else "Chưa có đề nghị nào.",
        "addressees": [],
        "bases": [],
        "receivers": [],
        "signature": _signature(dossier),
        "meta": {
            "title": f"Danh sách kèm theo tờ trình – {dossier.unit.name}",
            "issuer": dossier.unit.name,
            "number": _number_of(line),
            "date": dossier.submission_date.isoformat() if dossier.submission_date else None,
            "unit_id": dossier.unit_id,
            "expected_pages": 1 + len(rows) // 8,
        },
    }


def submission_list_docx(context: dict) -> bytes:
    document = docx.new_document(landscape=True)
    docx.letterhead(document, context["letterhead"])
    docx.title(document, context["doc_type"])
    docx.paragraph(document, context["reference"], italic=True, align="center")
    body = []
    spans = []
    for row in context["rows"]:
        if row["kind"] == "row":
            body.append([row["tt"], row["name"], row["work"], row["years"], row["summary"], "\n".join(row["contact"])])
        else:
            spans.append(len(body) + 1)  # +1: the header row
            body.append([row["text"]] + [""] * (len(context["header"]) - 1))
    table = docx.table(document, context["header"], body)
    for index in spans:
        cells = table.rows[index].cells
        merged = cells[0].merge(cells[-1])
        for run in merged.paragraphs[0].runs:
            run.bold = True
    docx.paragraph(document, context["totals"], italic=True)
    docx.sign_area(document, [], context["signature"])
    return docx.to_bytes(document)


register(
    DocumentKind(
        code="submission_list",
        label="Danh sách kèm theo tờ trình",
        model=Dossier,
        template="documents/submission_list.html",
        build=submission_list_build,
        get_visible=dossier_get_visible,
        may_request=may_request,
        docx=submission_list_docx,
        filename="danh-sach-kem-theo-to-trinh",
        order=20,
    )
)


# --- "Cấp số tờ trình" ------------------------------------------------------------------------------------


@transaction.atomic
def submission_number_allocate(*, by, dossier: Dossier) -> Dossier:
    """Give the dossier's tờ trình the next number of its unit's series of the year (FILE or SIGN on the unit).

    A dossier that already has a number keeps it (nothing allocated); the date is set to today when empty.
    Refuses a dossier that can no longer be edited. Side effects: the number row of the series
    (`numbering.number_for`), the dossier's submission_number / submission_date through
    `nominations.services.dossier_update` (its history row)."""
    from nominations.services import dossier_update

    locked = Dossier.objects.select_for_update(of=("self",)).select_related("unit").get(pk=dossier.pk)
    if by is not None and not (can(by, Cap.FILE, locked.unit) or can(by, Cap.SIGN, locked.unit)):
        raise PermissionDenied
    if locked.submission_number.strip():
        return locked
    if not locked.is_editable:
        raise ServiceError(f"Hồ sơ đang ở trạng thái «{locked.get_status_display()}», không cấp số được.")
    day = locked.submission_date or timezone.localdate()
    number = numbering.number_for(kind="submission", obj=locked, unit=locked.unit, year=day.year)
    text = _number_of(layout.number_line(number, SYMBOL, _issuer_code(locked.unit)))
    changes = {"submission_number": text}
    if locked.submission_date is None:
        changes["submission_date"] = day
    return dossier_update(by=by, dossier=locked, version=None, **changes)
