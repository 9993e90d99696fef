"""The achievement report (báo cáo thành tích) of a nomination and the initiatives it relies on.

Which awards need the full report is data (`REPORT_AWARD_CODES`, with its legal basis), read through
`report_award_codes()` so that a deployment can change it in settings; a dossier under the simplified
procedure needs only the summary (LAW.md (d), seed 003). The sections follow LAW.md (d): I. sơ lược lý
lịch (a person) or đặc điểm, tình hình (a collective), II. thành tích, III. các hình thức đã được khen thưởng.

The report is pre-filled from the history (the person's record, in-force award records with their
decisions, recognised initiatives; a collective's staff on the last day of the school year), then edited
by the proposing unit while the nomination is open to it. "Làm mới từ dữ liệu" fills only empty fields;
a field that would change is listed and overwritten only when the user confirms.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from awards.engine import members_on, membership_day
from awards.enums import InitiativeStatus
from awards.models import AwardRecord, Initiative
from core.exceptions import ServiceError
from core.models import version_check_and_bump
from core.text import format_date, nfc
from units.enums import UnitKind
from units.models import Person, Unit
from units.rules import Cap, require

from .enums import NominationStatus, Procedure
from .models import AchievementReport, Nomination

# [U] Awards whose dossier carries the full báo cáo thành tích under the normal procedure: the CSTĐ titles,
# TTLĐXS and the Cờ thi đua, Bằng khen and Huân chương. Taken from the ND 91/2017-era forms (Mẫu 01 tập thể,
# Mẫu 02 cá nhân) and TT 20/2025/TT-BNV's list (1.2 to 1.4); the form numbers of TT 01/2024 / TT 15/2025 were
# not retrieved (LAW.md (d)). LĐTT, TTLĐTT, Giấy khen and the Kỷ niệm chương travel on the list and the
# summary. A documented default: override with the setting NOMINATION_REPORT_AWARD_CODES (a list of codes).
REPORT_AWARD_CODES = frozenset(
    {
        "CSTDCS",
        "CSTD_BO",
        "CSTD_TINH",
        "CSTD_TQ",
        "TTLDXS",
        "CO_CP",
        "CO_BO",
        "CO_TINH",
        "BK_BO",
        "BK_TINH",
        "BK_TTG",
        "HCLD3",
    }
)
REPORT_LEGAL_BASIS = (
    "Nghị định 98/2023/NĐ-CP (hồ sơ đề nghị khen thưởng); mẫu báo cáo thành tích theo Thông tư 01/2024/TT-BNV "
    "(được thay bởi Thông tư 15/2025/TT-BNV) – danh sách mặc định của cổng, chưa đối chiếu văn bản"
)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False


# Section I, stored in AchievementReport.profile as {key: text}.
PERSON_PROFILE = (
    Field("full_name", "Họ và tên", True),
    Field("date_of_birth", "Ngày sinh", True),
    Field("gender", "Giới tính", True),
    Field("hometown", "Quê quán"),
    Field("residence", "Trú quán"),
    Field("unit", "Đơn vị công tác", True),
    Field("position", "Chức vụ", True),
    Field("qualification", "Trình độ chuyên môn"),
    Field("academic_title", "Học hàm, học vị"),
)
COLLECTIVE_PROFILE = (
    Field("name", "Tên tập thể", True),
    Field("founding", "Quá trình thành lập"),
    Field("structure", "Cơ cấu tổ chức"),
    Field("staff", "Số cán bộ, giáo viên, nhân viên", True),
    Field("facilities", "Cơ sở vật chất"),
)
# Sections II and III: model fields. `awards_received` is a list of rows {year, award, decision, issuer}.
PERSON_SECTIONS = (
    Field("duties", "Chức năng, nhiệm vụ được giao", True),
    Field("results", "Thành tích đạt được (kết quả, số liệu)", True),
    Field("initiatives_text", "Sáng kiến, đề tài và quyết định công nhận"),
    Field("compliance", "Chấp hành chủ trương, chính sách, pháp luật"),
)
COLLECTIVE_SECTIONS = (
    Field("duties", "Chức năng, nhiệm vụ", True),
    Field("results", "Kết quả thực hiện nhiệm vụ", True),
    Field("measures", "Biện pháp, giải pháp, đổi mới; phong trào thi đua", True),
    Field("initiatives_text", "Sáng kiến, đề tài và quyết định công nhận"),
    Field("compliance", "Công tác Đảng, đoàn thể; chấp hành chủ trương, chính sách"),
)
TEXT_FIELDS = ("duties", "results", "measures", "initiatives_text", "compliance")
AWARD_COLUMNS = ("year", "award", "decision", "issuer")


def report_award_codes() -> frozenset:
    """The setting NOMINATION_REPORT_AWARD_CODES, default REPORT_AWARD_CODES."""
    codes = getattr(settings, "NOMINATION_REPORT_AWARD_CODES", None)
    return frozenset(codes) if codes is not None else REPORT_AWARD_CODES


def report_required(nomination: Nomination, procedure: str, codes: frozenset | None = None) -> bool:
    """Whether the nomination must carry the full report: a listed award under the normal procedure. `codes`:
    `report_award_codes()` read once by a caller that asks for many nominations (a missing setting is an
    exception caught inside `settings`, per call)."""
    return procedure == Procedure.NORMAL and nomination.award_type.code in (codes or report_award_codes())


def profile_fields(nomination: Nomination):
    return COLLECTIVE_PROFILE if nomination.is_collective else PERSON_PROFILE


def section_fields(nomination: Nomination):
    return COLLECTIVE_SECTIONS if nomination.is_collective else PERSON_SECTIONS


def report_of(nomination: Nomination) -> AchievementReport | None:
    """The nomination's report, or None; no query when the caller selected `report` with the nomination."""
    try:
        return nomination.report
    except AchievementReport.DoesNotExist:
        return None


def report_missing(nomination: Nomination, *, procedure: str, codes: frozenset | None = None) -> list[str]:
    """The required sections the report still lacks (empty: complete or not required). No query when the
    report was selected with the nomination."""
    if not report_required(nomination, procedure, codes):
        return []
    report = report_of(nomination)
    if report is None:
        return ["chưa có báo cáo thành tích"]
    missing = [f.label.lower() for f in profile_fields(nomination) if f.required and not report.profile.get(f.key)]
    missing += [
        f.label.split(" (")[0].lower()
        for f in section_fields(nomination)
        if f.required and not getattr(report, f.key).strip()
    ]
    return [f"báo cáo thành tích chưa có: {', '.join(missing)}"] if missing else []


def report_editable(nomination: Nomination) -> bool:
    """The proposing unit may change the report while the dossier is editable or the nomination was returned."""
    return nomination.dossier.is_editable or nomination.status == NominationStatus.RETURNED


# --- pre-fill from the history -------------------------------------------------------------------


def _decision_text(number: str, date: datetime.date | None) -> str:
    text = f"Số {number}" if number else ""
    if date:
        text += f" ngày {format_date(date)}"
    return text.strip()


def _awards_received(nomination: Nomination) -> list[dict]:
    records = AwardRecord.objects.in_force().filter(school_year__lte=nomination.dossier.school_year)
    records = records.filter(person=nomination.person) if nomination.person_id else records.filter(unit=nomination.unit)
    return [
        {
            "year": f"{r.school_year}-{r.school_year + 1}",
            "award": r.award_type.name,
            "decision": _decision_text(r.decision_number, r.decision_date),
            "issuer": r.issuer,
        }
        for r in records.select_related("award_type").order_by("school_year", "award_type__rank", "id")
    ]


def initiative_choices(nomination: Nomination):
    """The initiatives a nomination may rely on: those the person authored, or those of the collective (the
    unit and its teams); recognised or not (an unrecognised one is shown as such)."""
    if nomination.person_id:
        rows = Initiative.objects.filter(authors=nomination.person)
    else:
        unit = nomination.unit
        rows = Initiative.objects.filter(Q(unit=unit) | Q(unit__parent=unit, unit__kind=UnitKind.TEAM))
    return rows.filter(school_year__lte=nomination.dossier.school_year).order_by("-school_year", "title").distinct()


def initiative_line(i: Initiative) -> str:
    line = f"- «{i.title}» ({i.get_kind_display()}, năm học {i.school_year}-{i.school_year + 1})"
    if i.status != InitiativeStatus.RECOGNISED:
        return line + f": {i.get_status_display().lower()}."
    recognised = f"công nhận {i.get_scope_display().lower()}" if i.scope else "đã công nhận"
    decision = _decision_text(i.decision_number, i.decision_date)
    if decision:
        recognised += f" theo Quyết định {decision[0].lower()}{decision[1:]}"
    if i.issuer:
        recognised += f" của {i.issuer}"
    return f"{line}: {recognised}."


def _initiatives_text(nomination: Nomination) -> str:
    linked = list(nomination.initiatives.order_by("-school_year", "title"))
    if not linked:
        linked = list(initiative_choices(nomination).filter(status=InitiativeStatus.RECOGNISED))
    return "\n".join(initiative_line(i) for i in linked)


def _unit_label(unit: Unit) -> str:
    if unit.kind == UnitKind.TEAM and unit.parent_id:
        return f"{unit.name}, {unit.parent.name}"
    return unit.name


def _staff_text(unit: Unit, year: int) -> str:
    unit_ids = [unit.pk, *Unit.objects.filter(parent=unit, kind=UnitKind.TEAM).values_list("pk", flat=True)]
    member_ids = [pid for pid, _ in members_on(unit_ids, membership_day(year, timezone.localdate()))]
    managers = Person.objects.filter(pk__in=member_ids, is_manager=True).count()
    return (
        f"Tổng số {len(member_ids)} cán bộ, giáo viên, nhân viên (trong đó {managers} cán bộ quản lý) "
        f"năm học {year}-{year + 1}."
    )


def prefill_values(nomination: Nomination) -> dict:
    """What the history says for each field the report pre-fills: profile keys and section fields."""
    values: dict = {}
    if nomination.person_id:
        person = Person.objects.select_related("unit__parent").get(pk=nomination.person_id)
        values["profile"] = {
            "full_name": person.full_name,
            "date_of_birth": format_date(person.date_of_birth),
            "gender": person.get_gender_display(),
            "unit": _unit_label(person.unit),
            "position": person.position,
        }
    else:
        unit = Unit.objects.select_related("parent").get(pk=nomination.unit_id)
        values["profile"] = {"name": _unit_label(unit), "staff": _staff_text(unit, nomination.dossier.school_year)}
    values["results"] = nomination.summary
    values["initiatives_text"] = _initiatives_text(nomination)
    values["awards_received"] = _awards_received(nomination)
    return values


# --- services ------------------------------------------------------------------------------------


def _lock(nomination: Nomination, by) -> Nomination:
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("dossier__unit", "person", "unit", "award_type")
        .get(pk=nomination.pk)
    )
    require(by, Cap.FILE, locked.dossier.unit)
    if not report_editable(locked):
        raise ServiceError("Đề nghị đã gửi cấp trên; chỉ sửa báo cáo thành tích khi hồ sơ hoặc đề nghị bị trả lại.")
    return locked


def _report_for_update(nomination: Nomination) -> AchievementReport:
    """The locked report, or a new unsaved one (the nomination row is locked, so no other writer creates it);
    saved once by the caller, so a first write leaves one history row."""
    report = AchievementReport.objects.select_for_update().filter(nomination=nomination).first()
    return report or AchievementReport(nomination=nomination)


@dataclass
class RefreshResult:
    report: AchievementReport
    filled: list[str]  # labels of the fields filled
    conflicts: list[str]  # labels of the fields whose text differs from the history, left unchanged


def _labels(nomination) -> dict[str, str]:
    labels = {f"profile.{f.key}": f.label for f in profile_fields(nomination)}
    labels.update({f.key: f.label for f in section_fields(nomination)})
    labels["awards_received"] = "Các hình thức đã được khen thưởng"
    return labels


@transaction.atomic
def report_refresh(*, by, nomination: Nomination, version: int | None, overwrite: bool = False) -> RefreshResult:
    """Fill the report from the history ("Làm mới từ dữ liệu"); creates the report on first use.

    An empty field is filled; a field whose text differs from the history is left as it is and named in
    `conflicts`, unless `overwrite` (the user confirmed). Refuses a stale form (the report's version). Side
    effects: `prefilled_at`, `updated_by`, the report's history row.
    """
    locked = _lock(nomination, by)
    report = _report_for_update(locked)
    version_check_and_bump(report, version)
    labels = _labels(locked)
    filled, conflicts = [], []
    profile = dict(report.profile)
    values = prefill_values(locked)
    for key, value in values.pop("profile").items():
        if not value or profile.get(key) == value:
            continue
        if not profile.get(key) or overwrite:
            profile[key] = value
            filled.append(labels[f"profile.{key}"])
        else:
            conflicts.append(labels[f"profile.{key}"])
    report.profile = profile
    for key, value in values.items():
        current = getattr(report, key)
        if not value or current == value:
            continue
        if not current or overwrite:
            setattr(report, key, value)
            filled.append(labels[key])
        else:
            conflicts.append(labels[key])
    report.prefilled_at = timezone.now()
    report.updated_by = by
    report.save()
    return RefreshResult(report, filled, conflicts)


def parse_awards_received(text: str) -> list[dict]:
    """One row per line "Năm | Danh hiệu, hình thức | Số, ngày quyết định | Cơ quan ban hành"; ServiceError
    naming the line when a line has no award."""
    rows = []
    for number, line in enumerate(nfc_lines(text), start=1):
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (len(AWARD_COLUMNS) - len(parts))
        if len(parts) > len(AWARD_COLUMNS):
            raise ServiceError(f"Dòng {number} của bảng khen thưởng có quá 4 cột (ngăn cách bằng «|»).")
        if not parts[1]:
            raise ServiceError(f"Dòng {number} của bảng khen thưởng chưa có danh hiệu, hình thức (cột thứ hai).")
        rows.append(dict(zip(AWARD_COLUMNS, parts, strict=True)))
    return rows


def nfc_lines(text: str) -> list[str]:
    return [nfc(line) for line in (text or "").splitlines() if nfc(line)]


def awards_received_text(rows: list[dict]) -> str:
    return "\n".join(" | ".join(str(r.get(c, "")) for c in AWARD_COLUMNS) for r in rows)


@transaction.atomic
def report_update(
    *,
    by,
    nomination: Nomination,
    version: int | None,
    profile: dict,
    awards_received: list[dict],
    initiative_ids=None,
    **sections,
) -> AchievementReport:
    """Save the report's sections and, with `initiative_ids`, the initiatives the nomination relies on
    (only among `initiative_choices`; another id is refused unnamed). FILE on the proposing unit while the
    nomination is open to it; refuses a stale form. Side effects: the report's history row; the links.
    """
    locked = _lock(nomination, by)
    unknown = set(sections) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    allowed_keys = {f.key for f in profile_fields(locked)}
    if set(profile) - allowed_keys:
        raise TypeError(f"unknown profile keys: {sorted(set(profile) - allowed_keys)}")
    chosen = None
    if initiative_ids is not None:
        ids = {int(i) for i in initiative_ids}
        chosen = list(initiative_choices(locked).filter(pk__in=ids))
        if len(chosen) != len(ids):
            raise ServiceError("Có sáng kiến không thuộc người hoặc tập thể được đề nghị, hoặc không tìm thấy.")
    report = _report_for_update(locked)
    version_check_and_bump(report, version)
    report.profile = {**report.profile, **{k: nfc(v) for k, v in profile.items()}}
    for key, value in sections.items():
        setattr(report, key, "\n".join(line.rstrip() for line in (value or "").strip().splitlines()))
    report.awards_received = [{c: nfc(r.get(c, "")) for c in AWARD_COLUMNS} for r in awards_received]
    report.updated_by = by
    report.save()
    if chosen is not None:
        locked.initiatives.set(chosen)
    return report
