"""The kế hoạch that launches a campaign (campaigns.Campaign): ND 30/2020 Mẫu 1.4, like the seeds' plans.

Issued by the launching unit under the campaign's own number ("Số: 345/KH-PGDĐT", the typed symbol kept),
dated `issued_on` at `place`; "Căn cứ" the campaign's legal bases; sections in Roman numerals for the purposes
and requirements, the scope and period, the criteria per group, the titles and awards on offer with their caps,
the phases and the deadlines; Nơi nhận the units it reaches (more than `RECEIVERS_LISTED`: "- Các đơn vị trực
thuộc;"), the level above "(để báo cáo)" and "- Lưu: VT, TĐKT."; signed by the launching unit's head.
A constant number of queries whatever the number of phases, awards, deadlines or units reached.
"""

from campaigns.enums import ObjectGroup, PeriodKind, ReachKind
from campaigns.models import Campaign, strip_line_end
from campaigns.selectors import campaign_get_visible
from units.enums import UnitKind
from units.models import EmulationBlock, Unit
from units.rules import Cap, can

from .. import docx, layout
from ..registry import DocumentKind, register
from .common import short_date, unit_signature

RECEIVERS_LISTED = 10  # more units reached than this: one line "- Các đơn vị trực thuộc;"
KEEP = "TĐKT"


def may_request(user, campaign) -> bool:
    """Who drafts (FILE) or launches (SIGN) the campaign for its launching unit."""
    return can(user, Cap.FILE, campaign.launched_by) or can(user, Cap.SIGN, campaign.launched_by)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _period(start, end) -> str:
    if start and end:
        return f"từ ngày {short_date(start)} đến ngày {short_date(end)}"
    if start:
        return f"từ ngày {short_date(start)}"
    return f"đến ngày {short_date(end)}" if end else ""


def receivers(campaign: Campaign) -> list[str]:
    """The Nơi nhận lines before "- Lưu": the level above to report to, then the units reached (bounded)."""
    launcher = campaign.launched_by
    names = [f"{launcher.parent.name} (để báo cáo)"] if launcher.parent_id else []
    if campaign.reach == ReachKind.BLOCKS:
        blocks = list(EmulationBlock.objects.filter(campaigns=campaign).order_by("name")[: RECEIVERS_LISTED + 1])
        if len(blocks) > RECEIVERS_LISTED:
            return [*names, "Các đơn vị trong các khối, cụm thi đua"]
        return [*names, *(f"Các đơn vị {block.name}" for block in blocks)]
    if campaign.reach == ReachKind.UNITS:
        units = Unit.objects.filter(reaching_campaigns=campaign)
    else:
        units = Unit.objects.filter(parent=launcher)
    units = list(units.exclude(kind=UnitKind.TEAM).order_by("path")[: RECEIVERS_LISTED + 1])
    if len(units) > RECEIVERS_LISTED:
        return [*names, "Các đơn vị trực thuộc"]
    return [*names, *(unit.name for unit in units)]


def _sections(campaign: Campaign, *, criteria, awards, phases, deadlines) -> list[dict]:
    sections = []

    def add(title: str, items: list[dict]) -> None:
        items = [item for item in items if item["lines"] or item.get("heading")]
        if items:
            sections.append({"title": f"{layout.roman(len(sections) + 1)}. {title}", "items": items})

    purposes, requirements = _lines(campaign.purposes), _lines(campaign.requirements)
    add(
        "MỤC ĐÍCH, YÊU CẦU",
        [
            *([{"heading": "1. Mục đích", "lines": purposes}] if purposes else []),
            *([{"heading": f"{2 if purposes else 1}. Yêu cầu", "lines": requirements}] if requirements else []),
        ],
    )
    scope = [f"- Đơn vị phát động: {campaign.launched_by.name};", f"- Phạm vi: {campaign.get_reach_display()};"]
    for noun, text in (("tập thể", campaign.objects_collective), ("cá nhân", campaign.objects_individual)):
        if strip_line_end(text):
            scope.append(f"- Đối tượng – {noun}: {strip_line_end(' '.join(_lines(text)))};")
    if campaign.object_groups:
        scope.append(f"- Nhóm đối tượng: {', '.join(campaign.object_group_labels)};")
    if campaign.period_kind == PeriodKind.CALENDAR_YEAR and campaign.calendar_year:
        scope.append(f"- Năm: {campaign.calendar_year};")
    elif campaign.school_year:
        scope.append(f"- Năm học: {campaign.school_year_label};")
    period = _period(campaign.period_start, campaign.period_end)
    if period:
        scope.append(f"- Thời gian thi đua: {period};")
    scope[-1] = scope[-1][:-1] + "."
    add("ĐỐI TƯỢNG, PHẠM VI VÀ THỜI GIAN THI ĐUA", [{"lines": scope}])
    labels = dict(ObjectGroup.choices)
    add(
        "TIÊU CHÍ THI ĐUA",
        [
            {"heading": f"{i}. Đối với {labels.get(c.group, c.group).lower()}", "lines": _lines(c.text)}
            for i, c in enumerate(criteria, start=1)
        ],
    )
    offered = []
    for award in awards:
        line = f"- {award.award_type.name}: {award.cap_label}"
        offered.append(line + (f" ({award.note})" if award.note.strip() else ""))
    add("DANH HIỆU THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG", [{"lines": _end_list(offered)}])
    add(
        "CÁC ĐỢT THI ĐUA",
        [
            {
                "heading": f"Đợt {p.number}" + (f": {p.name}" if p.name else "") + f" ({_period(p.start, p.end)})",
                "lines": _lines(p.theme),
            }
            for p in phases
        ],
    )
    due = []
    for d in deadlines:
        line = f"- {d.applies_label}: {d.get_action_display().lower()}, hạn chót ngày {short_date(d.due_date)}"
        due.append(line + (f" ({d.note})" if d.note.strip() else ""))
    add("TỔ CHỨC THỰC HIỆN VÀ THỜI HẠN", [{"lines": _end_list(due)}])
    return sections


def _end_list(lines: list[str]) -> list[str]:
    return [line + ("." if i == len(lines) - 1 else ";") for i, line in enumerate(lines)]


def plan_build(obj, *, variant: str, options: dict) -> dict:
    campaign = Campaign.objects.select_related("launched_by__parent", "launched_by__head").get(pk=obj.pk)
    launcher = campaign.launched_by
    code = launcher.document_code or launcher.short_name or ""
    symbol = campaign.document_symbol.strip()
    if symbol:
        line = layout.number_line(campaign.document_number, symbol, "")
    else:
        line = layout.number_line(campaign.document_number, layout.SYMBOLS["plan"], code)
    head = layout.letterhead(unit=launcher, symbol=layout.SYMBOLS["plan"], number=None, day=campaign.issued_on)
    head.number = line
    head.place_date = layout.date_line(campaign.place.strip() or launcher.locality, campaign.issued_on)
    sections = _sections(
        campaign,
        criteria=list(campaign.criteria.all()),
        awards=list(campaign.awards.select_related("award_type")),
        phases=list(campaign.phases.all()),
        deadlines=list(campaign.deadlines.select_related("unit")),
    )
    number = line.removeprefix("Số:").strip()
    return {
        "letterhead": head.as_dict(),
        "doc_type": "Kế hoạch",
        "excerpt": campaign.name,
        "addressees": [],
        "bases": layout.legal_bases([basis.text for basis in campaign.legal_bases.all()]),
        "sections": sections,
        "receivers": layout.receivers(receivers(campaign), keep=KEEP),
        "signature": unit_signature(launcher).as_dict(),
        "meta": {
            "title": f"Kế hoạch {campaign.name}",
            "issuer": launcher.name,
            "number": "" if number.startswith("/") else number,
            "date": campaign.issued_on.isoformat() if campaign.issued_on else None,
            "unit_id": launcher.pk,
            "expected_pages": 1 + sum(len(item["lines"]) + 1 for s in sections for item in s["items"]) // 25,
        },
    }


def plan_docx(context: dict) -> bytes:
    document = docx.new_document()
    docx.letterhead(document, context["letterhead"])
    docx.title(document, context["doc_type"], context["excerpt"])
    docx.bases(document, context["bases"])
    for section in context["sections"]:
        docx.paragraph(document, section["title"], bold=True, indent=True)
        for item in section["items"]:
            if item.get("heading"):
                docx.paragraph(document, item["heading"], bold=True, indent=True)
            for line in item["lines"]:
                docx.paragraph(document, line, indent=True, align="justify")
    docx.sign_area(document, context["receivers"], context["signature"])
    return docx.to_bytes(document)


register(
    DocumentKind(
        code="plan",
        label="Kế hoạch phát động phong trào thi đua",
        model=Campaign,
        template="documents/plan.html",
        build=plan_build,
        get_visible=campaign_get_visible,
        may_request=may_request,
        docx=plan_docx,
        filename="ke-hoach",
        order=10,
    )
)
