"""Import of past years' awards and evaluations from Excel, all-or-nothing; export of records in the same layout.

A file with any bad row is refused whole, each bad row named with its reason;
importing the same file again creates nothing new. People are matched by name
and date of birth among the people of the unit's subtree that the importing
user may manage (units.rules.people_in_scope); a row without a date of birth
names a collective (a unit of the subtree the user manages). A row naming
someone outside is "not found", like someone who does not exist.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from core.excel import ImportRejected, RowError, build_workbook, parse_date, read_rows
from core.exceptions import ServiceError
from core.text import fold, nfc
from units.models import Person, Unit
from units.rules import Cap, people_acted_on, require, units_acted_on

from .enums import RATING_SHORT, CommendationKind, RecipientKind, RecordSource, TaskRating
from .models import AwardRecord, AwardType
from .schoolyear import current_school_year, parse_school_year, school_year_check, school_year_label
from .services import award_records_bulk_create, task_evaluations_bulk_set
from .services.history import record_dates_check

RECORD_HEADERS = [
    "Họ và tên / Tên tập thể",
    "Ngày sinh",
    "Năm học",
    "Danh hiệu / hình thức",
    "Khen theo",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ban hành",
]
RECORD_WIDTHS = [30, 12, 11, 28, 14, 18, 15, 30]
EVALUATION_HEADERS = ["Họ và tên", "Ngày sinh", "Năm học", "Xếp loại"]
EVALUATION_WIDTHS = [30, 12, 11, 12]

COMMENDATION_KEYS = {fold(label): value for value, label in CommendationKind.choices}
COMMENDATION_KEYS.update({"công trạng": "merit", "đột xuất": "ad_hoc", "chuyên đề": "thematic", "theo đợt": "thematic"})
RATING_KEYS = {fold(short): value for value, short in RATING_SHORT.items()}
RATING_KEYS.update({fold(label): value for value, label in TaskRating.choices})


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _reject(errors: list[RowError]):
    raise ImportRejected(
        f"Tệp có {len(errors)} dòng lỗi nên không có dòng nào được nhập. Hãy sửa các dòng sau rồi nhập lại.", errors
    )


def _award_lookup() -> dict[str, AwardType]:
    """Code, name and short name (case- and spacing-insensitive) of every catalog row -> its latest row."""
    lookup = {}
    for row in AwardType.objects.order_by("effective_from"):
        for key in (row.code, row.name, row.short_name):
            if key:
                lookup[fold(key)] = row
    return lookup


class _People:
    def __init__(self, by, unit: Unit):
        self.by_key: dict = {}
        for person in people_acted_on(by, unit).select_related("unit"):
            self.by_key.setdefault((person.name_key, person.date_of_birth), []).append(person)

    def find(self, name: str, born) -> Person:
        found = self.by_key.get((fold(name), born), [])
        if not found:
            raise ValueError(f"không tìm thấy cá nhân «{nfc(name)}» sinh ngày {born:%d/%m/%Y} trong đơn vị")
        if len(found) > 1:
            raise ValueError(
                f"có {len(found)} cá nhân cùng tên «{nfc(name)}» và ngày sinh; hãy nhập trên trang quản trị"
            )
        return found[0]


class _Units:
    def __init__(self, by, unit: Unit):
        self.by_key: dict = {}
        for candidate in units_acted_on(by, unit):
            for key in {fold(candidate.name), fold(candidate.short_name)} - {""}:
                self.by_key.setdefault(key, []).append(candidate)

    def find(self, name: str) -> Unit:
        found = self.by_key.get(fold(name), [])
        if not found:
            raise ValueError(f"không tìm thấy tập thể «{nfc(name)}» trong đơn vị (cá nhân thì phải có ngày sinh)")
        if len(found) > 1:
            raise ValueError(f"có {len(found)} tập thể cùng tên «{nfc(name)}»")
        return found[0]


def _year(raw) -> int:
    year = parse_school_year(raw)
    if year > current_school_year():
        raise ValueError(f"năm học «{nfc(raw)}» chưa diễn ra")
    return year


def _parse_record(values, awards, people: _People, units: _Units) -> dict:
    name, born, year, award, kind, number, decided, issuer = values
    problems, row = [], {}
    if not nfc(name):
        problems.append("thiếu họ và tên / tên tập thể")
    try:
        born = parse_date(born, "Ngày sinh")
    except ValueError as exc:
        problems.append(str(exc))
        born = "bad"
    try:
        row["school_year"] = _year(year)
    except ValueError as exc:
        problems.append(str(exc))
    award_type = awards.get(fold(award))
    if award_type is None:
        problems.append(f"không có danh hiệu/hình thức «{nfc(award)}» trong danh mục")
    if fold(kind) and fold(kind) not in COMMENDATION_KEYS:
        problems.append(f"cột Khen theo «{nfc(kind)}» phải là công trạng, đột xuất, chuyên đề… hoặc để trống")
    try:
        row["decision_date"] = parse_date(decided, "Ngày quyết định")
    except ValueError as exc:
        problems.append(str(exc))
    if nfc(name) and born != "bad":
        try:
            if born is None:
                row["unit"] = units.find(name)
            else:
                row["person"] = people.find(name, born)
        except ValueError as exc:
            problems.append(str(exc))
    if award_type is not None:
        if "unit" in row and award_type.recipient_kind == RecipientKind.INDIVIDUAL:
            problems.append(f"{award_type.name} chỉ tặng cho cá nhân (cá nhân phải có ngày sinh)")
        if "person" in row and award_type.recipient_kind == RecipientKind.COLLECTIVE:
            problems.append(f"{award_type.name} chỉ tặng cho tập thể (tập thể để trống ngày sinh)")
    if "school_year" in row and "decision_date" in row:
        # The service's own date rules, here too so that every bad row of the file is named at once.
        try:
            record_dates_check(
                person=row.get("person"), school_year=row["school_year"], decision_date=row["decision_date"]
            )
        except ServiceError as exc:
            problems.append(str(exc).rstrip("."))
    if problems:
        raise ValueError("; ".join(problems))
    row.update(
        award_code=award_type.code,
        commendation_kind=COMMENDATION_KEYS.get(fold(kind)) or award_type.commendation_kind,
        decision_number=nfc(number),
        issuer=nfc(issuer),
        source=RecordSource.IMPORTED,
    )
    return row


def _record_key(row: dict) -> tuple:
    person, unit = row.get("person"), row.get("unit")
    return (
        person.pk if person else None,
        unit.pk if unit else None,
        row["award_code"],
        row["school_year"],
        row["decision_number"],
    )


def records_import(*, unit: Unit, upload, by) -> ImportResult:
    """Import past awards of a unit's people and collectives. Raises ImportRejected and saves nothing on any bad row.

    `by` must hold MANAGE_PEOPLE on `unit` (PermissionDenied otherwise).
    A row already present (same recipient, award, school year and decision number) is left as it is.
    """
    require(by, Cap.MANAGE_PEOPLE, unit)
    rows = read_rows(upload, RECORD_HEADERS)
    awards, people, units = _award_lookup(), _People(by, unit), _Units(by, unit)
    parsed, errors, seen = [], [], {}
    for number, values in rows:
        try:
            row = _parse_record(values, awards, people, units)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        key = _record_key(row)
        if key in seen:
            errors.append(RowError(number, f"trùng với dòng {seen[key]}"))
            continue
        seen[key] = number
        parsed.append(row)
    if errors:
        _reject(errors)
    result = ImportResult()
    with transaction.atomic():
        person_ids = {row["person"].pk for row in parsed if "person" in row}
        unit_ids = {row["unit"].pk for row in parsed if "unit" in row}
        existing = {
            (pid, uid, code, year, number)
            for pid, uid, code, year, number in AwardRecord.objects.filter(
                Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids)
            ).values_list("person_id", "unit_id", "award_type__code", "school_year", "decision_number")
        }
        new = [row for row in parsed if _record_key(row) not in existing]
        result.unchanged = len(parsed) - len(new)
        award_records_bulk_create(rows=new, by=by)
        result.created = len(new)
    return result


def _parse_evaluation(values, people: _People) -> tuple:
    name, born, year, rating = values
    problems = []
    if not nfc(name):
        problems.append("thiếu họ và tên")
    try:
        born = parse_date(born, "Ngày sinh")
        if born is None:
            problems.append("thiếu ngày sinh")
    except ValueError as exc:
        problems.append(str(exc))
        born = None
    try:
        year, year_ok = _year(year), True
    except ValueError as exc:
        problems.append(str(exc))
        year_ok = False
    value = RATING_KEYS.get(fold(rating))
    if value is None:
        problems.append(f"xếp loại «{nfc(rating)}» phải là HTXS, HTT, HT hoặc KHT")
    person = None
    if nfc(name) and born:
        try:
            person = people.find(name, born)
        except ValueError as exc:
            problems.append(str(exc))
    if person is not None and year_ok:
        try:
            school_year_check(year, born=person.date_of_birth)
        except ServiceError as exc:
            problems.append(str(exc).rstrip("."))
    if problems:
        raise ValueError("; ".join(problems))
    return person.pk, year, value


def evaluations_import(*, unit: Unit, upload, by) -> ImportResult:
    """Import yearly ratings (HTXS/HTT/HT/KHT) of a unit's people. All-or-nothing; a repeated row updates the rating.

    `by` must hold MANAGE_PEOPLE on `unit`; only people it manages are matched."""
    require(by, Cap.MANAGE_PEOPLE, unit)
    rows = read_rows(upload, EVALUATION_HEADERS)
    people = _People(by, unit)
    parsed, errors, seen = [], [], {}
    for number, values in rows:
        try:
            row = _parse_evaluation(values, people)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        if row[:2] in seen:
            errors.append(RowError(number, f"trùng với dòng {seen[row[:2]]} (cùng người, cùng năm học)"))
            continue
        seen[row[:2]] = number
        parsed.append(row)
    if errors:
        _reject(errors)
    counts = task_evaluations_bulk_set(by=by, unit=unit, rows=parsed, source=RecordSource.IMPORTED)
    return ImportResult(**counts)


def record_export_row(record: AwardRecord) -> list[str]:
    """One record as a row of the import template: importing it again finds the same recipient and record."""
    person = record.person
    return [
        person.full_name if person else record.unit.name,
        f"{person.date_of_birth:%d/%m/%Y}" if person and person.date_of_birth else "",
        school_year_label(record.school_year),
        record.award_type.name,
        record.get_commendation_kind_display(),
        record.decision_number,
        f"{record.decision_date:%d/%m/%Y}" if record.decision_date else "",
        record.issuer,
    ]


def records_export(records: Iterable[AwardRecord]) -> bytes:
    """The records (already filtered and ordered; person, unit and award_type selected) in the import layout.

    Revoked records are exported like the others; importing them again creates nothing (they exist).
    """
    return build_workbook("Khen thưởng", RECORD_HEADERS, (record_export_row(r) for r in records), RECORD_WIDTHS)


def records_template() -> bytes:
    examples = [
        ["Nguyễn Thị Lan", "15/03/1985", "2022-2023", "LĐTT", "", "125/QĐ-UBND", "20/06/2023", "UBND huyện Bình Lâm"],
        ["Nguyễn Thị Lan", "15/03/1985", "2023-2024", "CSTĐCS", "", "210/QĐ-UBND", "18/06/2024", "UBND huyện Bình Lâm"],
        ["Trường Mầm non Hoa Sen", "", "2023-2024", "TTLĐXS", "", "1450/QĐ-UBND", "10/08/2024", "UBND tỉnh Sơn Hà"],
        [
            "Nguyễn Thị Lan",
            "15/03/1985",
            "2023-2024",
            "Giấy khen",
            "đột xuất",
            "12/QĐ-PGDĐT",
            "20/11/2023",
            "Phòng GD&ĐT",
        ],
    ]
    return build_workbook("Khen thưởng", RECORD_HEADERS, examples, RECORD_WIDTHS)


def evaluations_template() -> bytes:
    examples = [
        ["Nguyễn Thị Lan", "15/03/1985", "2023-2024", "HTXS"],
        ["Trần Văn Nam", "02/10/1990", "2023-2024", "HTT"],
    ]
    return build_workbook("Xếp loại", EVALUATION_HEADERS, examples, EVALUATION_WIDTHS)
