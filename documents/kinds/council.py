"""Biên bản họp bình xét of a council meeting (ND 30/2020 Mẫu 1.9; LAW.md (d) "Council biên bản contents").

The data comes from `councils.minutes.minutes_data` (aggregates only: no line of the document links a
member to a choice, docs/ballot_secrecy.md). The council issues it with its own number series
(`numbering`, council=…): the number is read here, never allocated (allocation is an explicit action).
"""

from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import transaction

from councils.enums import Denominator, MemberRole
from councils.minutes import minutes_data
from councils.models import Meeting
from councils.rules import may_run_meetings
from councils.selectors import meeting_for
from councils.tally import quorum_met
from units.rules import Cap, can

from .. import docx as d
from .. import layout
from ..numbering import number_for, number_peek
from ..registry import DocumentKind, register

KIND = "minutes"
# Ký hiệu of a council's documents after "BB-" (ND 30/2020 leaves agency abbreviations to the agency head):
# a portal default, the same for every council.
COUNCIL_CODE = "HĐTĐKT"
DENOMINATOR_TEXT = {
    Denominator.TOTAL: "tổng số thành viên Hội đồng",
    Denominator.PRESENT: "số thành viên có mặt và gửi phiếu bằng văn bản",
}


def _clock(value) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d}" if value else "…… giờ ……"


def _day(value) -> str:
    return f"{value:%d/%m/%Y}"


def _member_line(member: dict) -> str:
    title = f", {member['title']}" if member["title"] else ""
    return f"{member['name']}{title} – {member['role']}"


def _absent_line(member: dict) -> str:
    notes = []
    if member["reason"]:
        notes.append(f"lý do: {member['reason']}")
    if member["written_ballot"]:
        notes.append("gửi phiếu bằng văn bản")
    return _member_line(member) + (f" ({'; '.join(notes)})" if notes else "")


def _result_row(index: int, result: dict) -> dict:
    return {
        "index": index,
        "nominee": result["nominee"],
        "award": result["award"],
        "issued": result["issued"],
        "returned": result["returned"],
        "valid": result["valid"],
        "votes_for": result["votes_for"],
        "share": f"{result['votes_for']}/{result['denominator']} ({result['share_percent']})",
        "conclusion": result["conclusion"],
        "note": result["note"],
    }


def minutes_build(meeting: Meeting, *, variant: str = "", options: dict | None = None) -> dict:
    """The biên bản's context: plain data, a fixed number of queries whatever the council and agenda."""
    meeting = Meeting.objects.select_related("council__unit__parent", "chair", "secretary").get(pk=meeting.pk)
    council, unit = meeting.council, meeting.council.unit
    data = minutes_data(meeting)
    number = number_peek(kind=KIND, obj=meeting)
    head = layout.letterhead(
        unit=unit,
        symbol=layout.SYMBOLS["minutes"],
        number=number,
        day=meeting.date,
        issuer_name=council.name,
        issuer_code=COUNCIL_CODE,
    )
    present = len(data["present"])
    quorum = Fraction(council.quorum_numerator, council.quorum_denominator)
    quorum_ok = quorum_met(present=present, total=data["member_count"], quorum=quorum)
    rounds = []
    for r in data["rounds"]:
        results = [_result_row(i, res) for i, res in enumerate(r["results"], start=1)]
        kinds = {res["denominator_kind"] for res in r["results"]}
        rounds.append(
            {
                "number": r["number"],
                "heading": f"Kết quả bỏ phiếu vòng {r['number']}"
                + (f" (bỏ phiếu lại sau vòng {r['revote_of']})" if r["revote_of"] else ""),
                "status": r["status"],
                "results": results,
                "notes": [f"{row['nominee']}: {row['note']}" for row in results if row["note"]],
                "denominator": "; ".join(DENOMINATOR_TEXT.get(k, k) for k in sorted(kinds)),
                "ballots_sha256": r["ballots_sha256"],
            }
        )
    final = data["final"]
    passed = [f for f in final if f["outcome"] == "passed"]
    chair_title = "Chủ tịch Hội đồng" if meeting.chair.role == MemberRole.CHAIR else "Chủ tọa"
    secretary = layout.Signature(title="Thư ký", name=data["secretary"]).as_dict()
    chair = layout.Signature(title=chair_title, name=data["chair"]).as_dict()
    number_shown = head.number.removeprefix("Số:").strip() if number else ""
    return {
        "title": f"Biên bản họp bình xét ngày {_day(meeting.date)}",
        "letterhead": head.as_dict(),
        "doc_type": "Biên bản",
        "excerpt": f"Họp {council.name} bình xét thi đua, khen thưởng",
        "addressees": [],
        "bases": [],
        "receivers": [],
        "signature": chair,
        "signatures": {"left": secretary, "right": chair},
        "council": data["council"],
        "start": f"{_clock(data['start_time'])}, ngày {_day(meeting.date)}",
        "end": f"{_clock(data['end_time'])}, ngày {_day(meeting.date)}",
        "place": data["place"],
        "member_count": data["member_count"],
        "present_count": present,
        "absent_count": len(data["absent"]),
        "quorum": f"{council.quorum_numerator}/{council.quorum_denominator}",
        "quorum_ok": quorum_ok,
        "present": [_member_line(m) for m in data["present"]],
        "absent": [_absent_line(m) for m in data["absent"]],
        "chair": data["chair"],
        "secretary": data["secretary"],
        "counting_committee": data["counting_committee"],
        "agenda": [
            {
                "index": i,
                "nominee": a["nominee"],
                "award": a["award"],
                "proposing_unit": a["proposing_unit"],
                "recusals": [f"{r['name']} ({r['reason'].rstrip('.').lower()})" for r in a["recusals"]],
            }
            for i, a in enumerate(data["agenda"], start=1)
        ],
        "rounds": rounds,
        "final": [
            {
                "index": i,
                "nominee": f["nominee"],
                "award": f["award"],
                "share": f"{f['votes_for']}/{f['denominator']} ({f['share_percent']})",
                "round": f["round"],
                "conclusion": f["conclusion"],
            }
            for i, f in enumerate(final, start=1)
        ],
        "conclusion": (
            f"Căn cứ kết quả bỏ phiếu kín, Hội đồng thống nhất {len(passed)}/{len(final)} đề nghị đạt"
            + (": " + "; ".join(f"{f['nominee']} – {f['award']}" for f in passed) + "." if passed else ".")
        ),
        "meta": {
            "title": f"Biên bản họp bình xét ngày {_day(meeting.date)} – {council.name}",
            "issuer": council.name,
            "number": number_shown,
            "date": meeting.date.isoformat(),
            "unit_id": unit.pk,
            "expected_pages": 2 + (len(data["agenda"]) * max(len(rounds), 1)) // 15,
        },
    }


def may_request_minutes(user, meeting: Meeting) -> bool:
    """The council's chair or secretary, those who set it up (SIGN or ADMINISTER), or APPRAISE on its unit."""
    council = meeting.council
    return may_run_meetings(user, council) or can(user, Cap.APPRAISE, council.unit)


def minutes_docx(context: dict) -> bytes:
    document = d.new_document()
    d.letterhead(document, context["letterhead"])
    d.title(document, context["doc_type"], context["excerpt"])
    for label, value in (
        ("Thời gian bắt đầu", context["start"]),
        ("Địa điểm", context["place"]),
        ("Chủ trì (chủ tọa)", context["chair"]),
        ("Thư ký", context["secretary"]),
    ):
        d.paragraph(document, f"{label}: {value}.", indent=True, align="justify")
    d.paragraph(
        document,
        f"Thành phần tham dự: tổng số thành viên Hội đồng {context['member_count']}; có mặt "
        f"{context['present_count']}; vắng mặt {context['absent_count']}.",
        indent=True,
        align="justify",
    )
    for line in context["present"]:
        d.paragraph(document, f"- {line};", indent=True)
    if context["absent"]:
        d.paragraph(document, "Vắng mặt:", indent=True)
        for line in context["absent"]:
            d.paragraph(document, f"- {line};", indent=True)
    committee = ", ".join(context["counting_committee"]) or "không có"
    d.paragraph(document, f"Ban kiểm phiếu: {committee}.", indent=True, align="justify")
    d.paragraph(document, "Nội dung:", bold=True, indent=True)
    d.paragraph(document, "1. Danh sách đề nghị đưa ra Hội đồng bình xét", bold=True, indent=True)
    d.table(
        document,
        ["TT", "Họ và tên / tập thể", "Danh hiệu, hình thức đề nghị", "Đơn vị đề nghị"],
        [[a["index"], a["nominee"], a["award"], a["proposing_unit"]] for a in context["agenda"]],
    )
    for section, r in enumerate(context["rounds"], start=2):
        d.paragraph(document, f"{section}. {r['heading']}", bold=True, indent=True)
        d.table(
            document,
            ["TT", "Họ và tên / tập thể", "Danh hiệu", "Phát ra", "Thu về", "Hợp lệ", "Đồng ý", "Tỷ lệ", "Kết quả"],
            [
                [x[k] for k in ("index", "nominee", "award", "issued", "returned", "valid", "votes_for", "share")]
                + [x["conclusion"]]
                for x in r["results"]
            ],
            size=11,
        )
        d.paragraph(document, f"Tỷ lệ đồng ý tính trên {r['denominator']}.", italic=True, indent=True)
        for note in r["notes"]:
            d.paragraph(document, f"Ghi chú: {note}", italic=True, indent=True)
        d.paragraph(document, f"Mã kiểm tra phiếu (SHA-256): {r['ballots_sha256']}", size=10, indent=True)
    d.paragraph(document, f"{len(context['rounds']) + 2}. Kết luận", bold=True, indent=True)
    d.paragraph(document, context["conclusion"], indent=True, align="justify")
    d.paragraph(document, f"Cuộc họp kết thúc vào {context['end']}.", indent=True, align="justify")
    d.signatures_two(document, context["signatures"]["left"], context["signatures"]["right"])
    return d.to_bytes(document)


register(
    DocumentKind(
        code=KIND,
        label="Biên bản họp bình xét",
        model=Meeting,
        template="documents/minutes.html",
        build=minutes_build,
        get_visible=meeting_for,
        may_request=may_request_minutes,
        docx=minutes_docx,
        filename="bien-ban-hop-binh-xet",
        order=30,
    )
)


@transaction.atomic
def minutes_number_allocate(*, by, meeting: Meeting) -> int:
    """Give the meeting's biên bản the next number of its council's series for the meeting's year ("Cấp số biên
    bản", an explicit action: building the document never allocates). Those who may ask for the biên bản may
    number it (`may_request_minutes`, else PermissionDenied). A biên bản already numbered keeps its number.
    Side effects: the council's series row and the number row (`numbering.number_for`)."""
    if by is not None and not may_request_minutes(by, meeting):
        raise PermissionDenied
    council = meeting.council
    return number_for(kind=KIND, obj=meeting, unit=council.unit, year=meeting.date.year, council=council)


def minutes_number_text(meeting: Meeting) -> str:
    """ "01/BB-HĐTĐKT" once numbered, else ""."""
    number = number_peek(kind=KIND, obj=meeting)
    if number is None:
        return ""
    return layout.number_line(number, layout.SYMBOLS["minutes"], COUNCIL_CODE).removeprefix("Số:").strip()
