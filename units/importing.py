"""Staff import and export as Excel, all-or-nothing.

A file with any bad row is refused whole, with each bad row and its reason;
importing the same file twice changes nothing the second time. A person is
matched within the unit's subtree by name and date of birth; new people join
the unit the file was imported into.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.excel import ImportRejected, RowError, build_workbook, parse_date, read_rows
from core.text import fold, format_date, nfc

from .enums import Gender
from .models import Person, Unit
from .selectors import unit_people
from .services import person_create, person_update

HEADERS = [
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Chức vụ",
    "CBQL",
    "Ngày vào ngành",
    "Điện thoại",
    "Thư điện tử",
]
WIDTHS = [28, 10, 12, 22, 8, 15, 14, 28]
GENDERS = {"nam": Gender.MALE, "nữ": Gender.FEMALE, "nu": Gender.FEMALE}
YES = {"x", "có", "co", "1", "true"}
NO = {"", "không", "khong", "0", "false"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _parse_row(values) -> dict:
    name, gender, dob, position, manager, start, phone, email = values
    problems = []
    data = {"full_name": nfc(name), "position": nfc(position), "phone": nfc(phone), "email": nfc(email)}
    if not data["full_name"]:
        problems.append("thiếu họ và tên")
    gender_key = fold(gender)
    if gender_key not in GENDERS:
        problems.append(f"giới tính «{nfc(gender)}» phải là Nam hoặc Nữ")
    else:
        data["gender"] = GENDERS[gender_key]
    for key, raw, label in (("date_of_birth", dob, "ngày sinh"), ("service_start", start, "ngày vào ngành")):
        try:
            data[key] = parse_date(raw, label.capitalize())
        except ValueError as exc:
            problems.append(str(exc))
    if data.get("date_of_birth") is None and not problems:
        problems.append("thiếu ngày sinh")
    manager_key = fold(manager)
    if manager_key in YES:
        data["is_manager"] = True
    elif manager_key in NO:
        data["is_manager"] = False
    else:
        problems.append(f"cột CBQL «{nfc(manager)}» chỉ nhận «x» hoặc để trống")
    if data["phone"] and not data["phone"].replace(" ", "").replace(".", "").lstrip("+").isdigit():
        problems.append(f"số điện thoại «{data['phone']}» không hợp lệ")
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            problems.append(f"thư điện tử «{data['email']}» không hợp lệ")
    if data.get("date_of_birth") and data.get("service_start") and data["service_start"] < data["date_of_birth"]:
        problems.append("ngày vào ngành trước ngày sinh")
    if problems:
        raise ValueError("; ".join(problems))
    return data


def people_import(*, unit: Unit, upload) -> ImportResult:
    """Import a unit's staff from the template. Raises ImportRejected and saves nothing on any bad row."""
    rows = read_rows(upload, HEADERS)
    parsed, errors, seen = [], [], {}
    for number, values in rows:
        try:
            data = _parse_row(values)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        key = (fold(data["full_name"]), data["date_of_birth"])
        if key in seen:
            errors.append(RowError(number, f"trùng với dòng {seen[key]} (cùng họ tên và ngày sinh)"))
            continue
        seen[key] = number
        parsed.append(data)
    if errors:
        raise ImportRejected(
            f"Tệp có {len(errors)} dòng lỗi nên không có dòng nào được nhập. Hãy sửa các dòng sau rồi nhập lại.",
            errors,
        )
    result = ImportResult()
    with transaction.atomic():
        existing = {
            (p.name_key, p.date_of_birth): p
            for p in Person.objects.select_for_update().filter(unit__path__startswith=unit.path)
        }
        for data in parsed:
            person = existing.get((fold(data["full_name"]), data["date_of_birth"]))
            if person is None:
                person_create(unit=unit, **data)
                result.created += 1
                continue
            data["is_active"] = True
            if all(getattr(person, k) == v for k, v in data.items()):
                result.unchanged += 1
            else:
                person_update(person=person, **data)
                result.updated += 1
    return result


def people_template() -> bytes:
    example = ["Nguyễn Thị Lan", "Nữ", "15/03/1985", "Giáo viên", "", "01/09/2008", "0912345678", "lan@example.edu.vn"]
    return build_workbook("Danh sách cán bộ", HEADERS, [example], WIDTHS)


def people_export(*, unit: Unit) -> bytes:
    people = unit_people(unit).select_related("unit")
    rows = (
        [
            p.full_name,
            p.get_gender_display(),
            format_date(p.date_of_birth),
            p.position,
            "x" if p.is_manager else "",
            format_date(p.service_start),
            p.phone,
            p.email,
        ]
        for p in people
    )
    return build_workbook("Danh sách cán bộ", HEADERS, rows, WIDTHS)
