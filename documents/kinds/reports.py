"""Reports: the báo cáo thành tích of a nomination and a unit's yearly summary of emulation and commendation.

"achievement_report" prints the nomination's `AchievementReport` in the form LAW.md (d) describes (individual:
I. sơ lược lý lịch, II. thành tích, III. các hình thức đã được khen thưởng; collective: I. đặc điểm, tình hình,
II. thành tích, III. các hình thức khen thưởng đã đạt được). Section III is taken from the award records of the
person or collective (revoked ones left out) merged with the rows the unit typed, one row per (year, award).

"unit_summary" counts, over the unit's subtree, the award records of a school year and of the year before, the
same by cấp học, the nominations by status and the registered titles against those obtained: a handful of
grouped queries, whatever the number of units.
"""

import datetime

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q

from awards.models import AwardRecord, AwardType, Initiative
from awards.schoolyear import current_school_year, parse_school_year, school_year_label
from campaigns.enums import RegistrationStatus
from campaigns.models import Registration, RegistrationCollectiveLine, RegistrationLine
from core.exceptions import ServiceError
from core.text import fold, format_date, nfc
from nominations import report as report_module
from nominations.enums import NominationStatus
from nominations.models import Nomination
from nominations.selectors import nomination_get_visible
from units.enums import SchoolLevel, UnitKind
from units.models import Unit
from units.rules import Cap, can
from units.selectors import unit_get_visible

from .. import layout
from ..numbering import number_peek
from ..registry import DocumentKind, register

# The signer's position when the unit's record has no `head_title`.
HEAD_TITLES = {
    UnitKind.MINISTRY: "Bộ trưởng",
    UnitKind.PROVINCIAL_AUTHORITY: "Chủ tịch",
    UnitKind.DEPARTMENT: "Giám đốc",
    UnitKind.DISTRICT_AUTHORITY: "Chủ tịch",
    UnitKind.OFFICE: "Trưởng phòng",
    UnitKind.COMMUNE_AUTHORITY: "Chủ tịch",
    UnitKind.SCHOOL: "Hiệu trưởng",
    UnitKind.TEAM: "Tổ trưởng",
}


def head_title(unit: Unit | None) -> str:
    if unit is None:
        return "Thủ trưởng đơn vị"
    return unit.head_title or HEAD_TITLES.get(unit.kind, "Thủ trưởng đơn vị")


def head_name(unit: Unit | None) -> str:
    return unit.head.full_name if unit is not None and unit.head_id else ""


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _unit_label(unit: Unit) -> str:
    if unit.kind == UnitKind.TEAM and unit.parent_id:
        return f"{unit.name}, {unit.parent.name}"
    return unit.name


# --- achievement_report -------------------------------------------------------------------------------


def _nomination_for_report(pk: int) -> Nomination:
    return (
        Nomination.objects.select_related(
            "dossier__unit__parent",
            "dossier__unit__head",
            "dossier__receiving_unit__head",
            "person__unit__parent",
            "unit__parent",
            "unit__head",
            "award_type",
            "report",
        )
        .prefetch_related(Prefetch("initiatives", queryset=Initiative.objects.order_by("-school_year", "title")))
        .get(pk=pk)
    )


def _decision_text(number: str, day: datetime.date | None, issuer: str) -> str:
    """ "Số 125/QĐ-UBND ngày 20/06/2023; UBND huyện A" (awards.selectors.person_award_table prints the same)."""
    decision = " ".join(p for p in (f"Số {number}" if number else "", f"ngày {format_date(day)}" if day else "") if p)
    if issuer:
        return f"{decision}; {issuer}" if decision else issuer
    return decision


def _typed_year(text: str) -> int | None:
    try:
        return parse_school_year(text)
    except ValueError:
        return None


def history_rows(nomination: Nomination, report) -> list[dict]:
    """Section III: the award records of the nominee up to the dossier's school year, revoked ones left out,
    then the rows the unit typed that no record (in force or revoked) already gives, oldest first. One query.

    A typed row is the same award as a record when the school year and the award's name agree (case and
    spacing aside): the record's decision wins, and a typed row of a revoked award is not printed."""
    records = AwardRecord.objects.filter(school_year__lte=nomination.dossier.school_year).select_related("award_type")
    if nomination.person_id:
        records = records.filter(person_id=nomination.person_id)
    else:
        records = records.filter(unit_id=nomination.unit_id)
    records = records.order_by("school_year", F("decision_date").asc(nulls_last=True), "award_type__rank", "id")
    rows, known = [], set()
    for record in records:
        known.add((record.school_year, fold(record.award_type.name)))
        if record.revocation_id is not None:
            continue
        rows.append(
            {
                "sort": record.school_year,
                "year": school_year_label(record.school_year),
                "award": record.award_type.name,
                "decision": _decision_text(record.decision_number, record.decision_date, record.issuer),
            }
        )
    for typed in (report.awards_received if report else None) or []:
        award = nfc(typed.get("award", ""))
        year = _typed_year(typed.get("year", ""))
        key = (year, fold(award))
        if not award or key in known:
            continue
        known.add(key)
        decision = nfc(typed.get("decision", ""))
        issuer = nfc(typed.get("issuer", ""))
        rows.append(
            {
                "sort": year if year is not None else 9999,
                "year": school_year_label(year) if year is not None else nfc(typed.get("year", "")),
                "award": award,
                "decision": f"{decision}; {issuer}" if decision and issuer else decision or issuer,
            }
        )
    rows.sort(key=lambda r: r["sort"])  # stable: records keep their order within a year, typed rows follow
    return [{k: v for k, v in r.items() if k != "sort"} for r in rows]


def initiative_lines(nomination: Nomination, report) -> list[str]:
    """The initiatives the nomination relies on, each with its recognition decision, then the lines of the
    report's own text that do not repeat one of them."""
    lines = [report_module.initiative_line(i) for i in nomination.initiatives.all()]
    for line in _paragraphs(report.initiatives_text if report else ""):
        if line not in lines:
            lines.append(line)
    return lines


def _profile(nomination: Nomination, report) -> dict:
    """Section I as the unit wrote it; a field it left empty shows what the person's (or unit's) record says."""
    if nomination.person_id:
        person = nomination.person
        known = {
            "full_name": person.full_name,
            "date_of_birth": format_date(person.date_of_birth),
            "gender": person.get_gender_display(),
            "unit": _unit_label(person.unit),
            "position": person.position,
        }
    else:
        known = {"name": _unit_label(nomination.unit)}
    written = {key: value for key, value in (report.profile if report else {}).items() if value}
    return {**known, **written}


def _section_label(field) -> str:
    return field.label.split(" (")[0]


def _item(number: int, field, report, nomination) -> dict:
    if field.key == "initiatives_text":
        paragraphs = initiative_lines(nomination, report)
    else:
        paragraphs = _paragraphs(getattr(report, field.key, "") if report else "")
    return {"number": number, "label": _section_label(field), "paragraphs": paragraphs}


def achievement_report_build(nomination: Nomination, *, variant: str = "", options: dict | None = None) -> dict:
    nomination = _nomination_for_report(nomination.pk)
    report = report_module.report_of(nomination)
    dossier = nomination.dossier
    proposing = dossier.unit
    award = nomination.award_type
    collective = nomination.is_collective
    profile = _profile(nomination, report)
    fields = [{"label": f.label, "value": profile.get(f.key, "")} for f in report_module.profile_fields(nomination)]
    section_fields = list(report_module.section_fields(nomination))
    if collective:
        # LAW.md (d): a collective's chức năng, nhiệm vụ belongs to I. Đặc điểm, tình hình.
        duties = [f for f in section_fields if f.key == "duties"]
        achievements = [f for f in section_fields if f.key != "duties"]
        sections = [
            {
                "heading": "I. ĐẶC ĐIỂM, TÌNH HÌNH",
                "fields": fields,
                "items": [
                    {
                        "number": 0,
                        "label": _section_label(f),
                        "paragraphs": _paragraphs(getattr(report, f.key, "") if report else ""),
                    }
                    for f in duties
                ],
            },
            {
                "heading": "II. THÀNH TÍCH ĐẠT ĐƯỢC",
                "fields": [],
                "items": [_item(i, f, report, nomination) for i, f in enumerate(achievements, start=1)],
            },
        ]
        history_heading = "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐẠT ĐƯỢC"
        subject = _unit_label(nomination.unit)
    else:
        sections = [
            {"heading": "I. SƠ LƯỢC LÝ LỊCH", "fields": fields, "items": []},
            {
                "heading": "II. THÀNH TÍCH ĐẠT ĐƯỢC",
                "fields": [],
                "items": [_item(i, f, report, nomination) for i, f in enumerate(section_fields, start=1)],
            },
        ]
        history_heading = "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"
        person = nomination.person
        subject = ", ".join(p for p in (person.full_name, person.position, _unit_label(person.unit)) if p)

    if collective:
        number = number_peek(kind="achievement_report", obj=nomination)
        head = layout.letterhead(unit=proposing, symbol=layout.SYMBOLS["report"], number=number, day=None)
        reporter = layout.Signature(title=head_title(nomination.unit), name=head_name(nomination.unit))
    else:
        number = None
        head = layout.letterhead(unit=proposing, symbol="", number=None, day=None, numbered=False)
        reporter = layout.Signature(title="Người báo cáo thành tích", name=nomination.person.full_name)
    if collective and nomination.unit_id == proposing.pk:
        # The collective is the proposing unit itself: its head reports; the level it is proposed to confirms.
        confirmer_unit = dossier.receiving_unit
        confirmation = layout.Signature(
            title=head_title(confirmer_unit) if confirmer_unit else "",
            name=head_name(confirmer_unit),
            authority="Xác nhận của cấp trình khen thưởng",
        )
    else:
        confirmation = layout.Signature(
            title=head_title(proposing), name=head_name(proposing), authority="Xác nhận của thủ trưởng đơn vị"
        )
    # Under each title, what the signer adds (the forms of LAW.md (d)): a seal where the signer has one.
    seal, by_hand = "(Ký, đóng dấu)", "(Ký, ghi rõ họ và tên)"
    reporter_hint = by_hand if not collective or nomination.unit.kind == UnitKind.TEAM else seal
    award_caps = award.name.upper()
    return {
        "letterhead": head.as_dict(),
        "doc_type": "BÁO CÁO THÀNH TÍCH",
        "excerpt": f"ĐỀ NGHỊ TẶNG {award_caps}",
        "subject": subject,
        "addressees": [],
        "bases": [],
        "sections": sections,
        "history_heading": history_heading,
        "history": history_rows(nomination, report),
        "receivers": [],
        "signature": reporter.as_dict(),
        "confirmation": confirmation.as_dict(),
        "signature_hint": reporter_hint,
        "confirmation_hint": seal,
        "collective": collective,
        "meta": {
            "title": f"Báo cáo thành tích đề nghị tặng {award.name} – {nomination.candidate_name}",
            "issuer": proposing.name,
            "number": head.number.removeprefix("Số: ") if number else "",
            "date": None,
            "unit_id": proposing.pk,
            "expected_pages": 2,
        },
    }


def achievement_report_may_request(user, nomination: Nomination) -> bool:
    """The proposing unit's filer, or the appraiser of the unit the dossier is addressed to."""
    dossier = nomination.dossier
    return can(user, Cap.FILE, dossier.unit) or (
        dossier.receiving_unit_id is not None and can(user, Cap.APPRAISE, dossier.receiving_unit)
    )


def achievement_report_docx(context: dict) -> bytes:
    """The same report in Word, for a unit that edits it before signing."""
    from .. import docx as d

    document = d.new_document()
    d.letterhead(document, context["letterhead"])
    d.title(document, context["doc_type"], context["excerpt"])
    d.paragraph(document, context["subject"], bold=True, align="center")
    for section in context["sections"]:
        d.paragraph(document, section["heading"], bold=True)
        for field in section["fields"]:
            d.paragraph(document, f"- {field['label']}: {field['value']}", indent=True)
        for item in section["items"]:
            label = f"{item['number']}. {item['label']}" if item["number"] else item["label"]
            d.paragraph(document, label, bold=True, indent=True)
            for para in item["paragraphs"]:
                d.paragraph(document, para, indent=True, align="justify")
    d.paragraph(document, context["history_heading"], bold=True)
    rows = [[r["year"], r["award"], r["decision"]] for r in context["history"]]
    d.table(document, list(HISTORY_HEADER), rows)
    table = document.add_table(rows=1, cols=2)
    signers = (
        (context["confirmation"], context["confirmation_hint"]),
        (context["signature"], context["signature_hint"]),
    )
    for cell, (sign, hint) in zip(table.rows[0].cells, signers, strict=True):
        d._cell_lines(
            cell,
            [(line, {"bold": True, "size": 14}) for line in sign["lines"]]
            + [(hint, {"italic": True, "size": 13}), ("", {}), ("", {}), ("", {})]
            + [(sign["name"], {"bold": True, "size": 14})],
        )
    return d.to_bytes(document)


HISTORY_HEADER = ("Năm học", "Danh hiệu, hình thức khen thưởng", "Số, ngày quyết định; cơ quan ban hành")

register(
    DocumentKind(
        code="achievement_report",
        label="Báo cáo thành tích",
        model=Nomination,
        template="documents/achievement_report.html",
        build=achievement_report_build,
        get_visible=nomination_get_visible,
        may_request=achievement_report_may_request,
        docx=achievement_report_docx,
        filename="bao-cao-thanh-tich",
        order=60,
    )
)


# --- unit_summary ---------------------------------------------------------------------------------------

OFFICE_LEVEL = "Cơ quan quản lý, đơn vị khác"


def summary_school_year(options: dict | None) -> int:
    """The option "school_year" (2024 or "2024-2025"), default the current school year; ServiceError otherwise."""
    value = (options or {}).get("school_year")
    if value in (None, ""):
        return current_school_year()
    text = str(value).strip()
    try:
        year = parse_school_year(text)
    except ValueError:
        year = None
    if year is None or not text[:4].isdigit():
        raise ServiceError("Năm học không hợp lệ: nhập năm bắt đầu gồm 4 chữ số (ví dụ: 2024 hoặc 2024-2025).")
    return year


def _level_of(kind: str, level: str, parent_level: str) -> str:
    """The cấp học a recipient belongs to: its school's; a team's is its school's; else the office line."""
    if kind == UnitKind.SCHOOL and level:
        return level
    if kind == UnitKind.TEAM and parent_level:
        return parent_level
    return ""


def _rate(achieved: int, registered: int) -> str:
    if not registered:
        return ""
    return f"{achieved * 100 / registered:.1f}".replace(".", ",")


def summary_figures(unit: Unit, year: int) -> dict:
    """Every figure of the summary, over the unit's subtree; a fixed number of grouped queries."""
    # The record's own path (its person's unit's, or the collective's): one index range, no OR across two joins.
    records = AwardRecord.objects.in_force().filter(unit_path__startswith=unit.path)

    # 1. Award records by award and recipient kind, this school year and the one before.
    def counted(y, individual):
        return Count("id", filter=Q(school_year=y, person__isnull=not individual))

    by_award = list(
        records.filter(school_year__in=(year - 1, year))
        .values("award_type__code")
        .annotate(
            name=Max("award_type__name"),
            rank=Min("award_type__rank"),
            prev_individual=counted(year - 1, True),
            prev_collective=counted(year - 1, False),
            individual=counted(year, True),
            collective=counted(year, False),
        )
        .order_by("rank", "award_type__code")
    )
    awards = [
        {
            "award": row["name"],
            "prev_individual": row["prev_individual"],
            "prev_collective": row["prev_collective"],
            "individual": row["individual"],
            "collective": row["collective"],
        }
        for row in by_award
    ]
    keys = ("prev_individual", "prev_collective", "individual", "collective")
    awards_total = {k: sum(r[k] for r in awards) for k in keys}

    # 2. This year's records by cấp học of the recipient's school, with the number of schools of each level.
    by_recipient_unit = records.filter(school_year=year).values(
        "person__unit__kind",
        "person__unit__school_level",
        "person__unit__parent__school_level",
        "unit__kind",
        "unit__school_level",
        "unit__parent__school_level",
    )
    per_level: dict[str, dict] = {}
    for row in by_recipient_unit.annotate(n=Count("id")).order_by():
        individual = row["person__unit__kind"] is not None
        prefix = "person__unit__" if individual else "unit__"
        level = _level_of(row[prefix + "kind"], row[prefix + "school_level"], row[prefix + "parent__school_level"])
        counts = per_level.setdefault(level, {"individual": 0, "collective": 0})
        counts["individual" if individual else "collective"] += row["n"]
    schools = dict(
        Unit.objects.filter(unit.subtree_q(), kind=UnitKind.SCHOOL)
        .values("school_level")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("school_level", "n")
    )
    levels = []
    for code, label in [*SchoolLevel.choices, ("", OFFICE_LEVEL)]:
        counts = per_level.get(code, {"individual": 0, "collective": 0})
        if code and not schools.get(code) and not any(counts.values()):
            continue
        if not code and not any(counts.values()):
            continue
        levels.append({"level": label, "schools": schools.get(code, 0) if code else "", **counts})
    levels_total = {
        "schools": sum(schools.values()),
        "individual": sum(r["individual"] for r in levels),
        "collective": sum(r["collective"] for r in levels),
    }

    # 3. Nominations of the year filed by units of the subtree, by status; a nomination rolled up to a unit
    # of the subtree counts once, as the copy of the higher level.
    rolled_up = Nomination.objects.filter(source=OuterRef("pk"), dossier__unit__path__startswith=unit.path)
    by_status = dict(
        Nomination.objects.filter(dossier__unit__path__startswith=unit.path, dossier__school_year=year)
        .filter(~Exists(rolled_up))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )
    statuses = [{"status": label, "count": by_status.get(code, 0)} for code, label in NominationStatus.choices]

    # 4. Titles and commendations registered (registrations sent upward) against those obtained this year.
    registrations = Registration.objects.filter(
        unit.subtree_q("unit"), campaign__school_year=year, status=RegistrationStatus.SUBMITTED
    )
    registered: dict[str, int] = {}
    for rows, first, second in (
        (registrations, "collective_title__code", "collective_commendation__code"),
        (RegistrationLine.objects.filter(registration__in=registrations), "title__code", "commendation__code"),
        (
            RegistrationCollectiveLine.objects.filter(registration__in=registrations),
            "title__code",
            "commendation__code",
        ),
    ):
        for row in rows.values(first, second).annotate(n=Count("id")).order_by():
            for code in (row[first], row[second]):
                if code:
                    registered[code] = registered.get(code, 0) + row["n"]
    achieved = {row["award_type__code"]: row["individual"] + row["collective"] for row in by_award}
    catalog = {}
    if registered:
        for row in (
            AwardType.objects.filter(code__in=registered).values("code", "name", "rank").order_by("-effective_from")
        ):
            catalog.setdefault(row["code"], row)
    targets = [
        {
            "award": catalog[code]["name"] if code in catalog else code,
            "registered": registered[code],
            "achieved": achieved.get(code, 0),
            "rate": _rate(achieved.get(code, 0), registered[code]),
        }
        for code in sorted(registered, key=lambda c: (catalog.get(c, {}).get("rank", 999), c))
    ]
    return {
        "awards": awards,
        "awards_total": awards_total,
        "levels": levels,
        "levels_total": levels_total,
        "statuses": statuses,
        "statuses_total": sum(by_status.values()),
        "targets": targets,
    }


def unit_summary_build(unit: Unit, *, variant: str = "", options: dict | None = None) -> dict:
    year = summary_school_year(options)
    unit = Unit.objects.select_related("parent", "head").get(pk=unit.pk)
    label = school_year_label(year)
    # One report per unit and school year: the number is kept under a kind that names the year.
    number = number_peek(kind=f"unit_summary-{year}", obj=unit)
    head = layout.letterhead(unit=unit, symbol=layout.SYMBOLS["report"], number=number, day=None)
    addressed = [unit.parent.name] if unit.parent_id else []
    return {
        "letterhead": head.as_dict(),
        "doc_type": "BÁO CÁO",
        "excerpt": f"Tổng hợp kết quả thi đua, khen thưởng năm học {label}",
        "addressees": layout.addressees(addressed),
        "bases": [],
        "unit_name": unit.name,
        "school_year": label,
        "previous_year": school_year_label(year - 1),
        **summary_figures(unit, year),
        "receivers": layout.receivers([], keep="", as_above=bool(addressed)),
        "signature": layout.Signature(title=head_title(unit), name=head_name(unit)).as_dict(),
        "meta": {
            "title": f"Báo cáo tổng hợp kết quả thi đua, khen thưởng năm học {label} – {unit.name}",
            "issuer": unit.name,
            "number": head.number.removeprefix("Số: ") if number else "",
            "date": None,
            "unit_id": unit.pk,
            "expected_pages": 2,
        },
    }


def unit_summary_may_request(user, unit: Unit) -> bool:
    """The unit's head (who signs it), or the reviewer or head above who oversees or appraises it."""
    return any(can(user, cap, unit) for cap in (Cap.SIGN, Cap.OVERSEE, Cap.APPRAISE))


register(
    DocumentKind(
        code="unit_summary",
        label="Báo cáo tổng hợp kết quả thi đua, khen thưởng năm học",
        model=Unit,
        template="documents/unit_summary.html",
        build=unit_summary_build,
        get_visible=unit_get_visible,
        may_request=unit_summary_may_request,
        filename="bao-cao-tong-hop",
        order=90,
        option_fields=("school_year",),
    )
)
