"""Staff import and export as Excel, all-or-nothing.

A file with any bad row is refused whole, with each bad row and its reason;
importing the same file twice changes nothing the second time. A person is
matched by name (folded: without diacritics or case) and date of birth among the people of the unit's school (a
team's school; teams included) that the importing user may manage; new people
join the team named in the «Tổ» column, else the unit the file was imported into; an existing person
named with another team moves there (a transfer, kept in their history); a blank «Tổ» moves nobody.
A «Tổ» that is not a team of the school the user may manage is a bad row. Nothing outside what the user
may MANAGE_PEOPLE is read or written (units.rules.people_in_scope).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.excel import ImportRejected, RowError, build_workbook, parse_date, read_rows
from core.exceptions import ServiceError
from core.text import fold, format_date, nfc

from .enums import Gender, UnitKind
from .models import Unit
from .rules import Cap, can, people_acted_on, people_in_scope, require
from .search_keys import person_search_key
from .services import person_create, person_transfer, person_update, school_of
from .validation import person_name_check, typed_date_check

HEADERS = [
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Chức vụ",
    "CBQL",
    "Ngày vào ngành",
    "Điện thoại",
    "Thư điện tử",
    "Tổ",
]
WIDTHS = [28, 10, 12, 22, 8, 15, 14, 28, 24]
GENDERS = {"nam": Gender.MALE, "nữ": Gender.FEMALE, "nu": Gender.FEMALE}
YES = {"x", "có", "co", "1", "true"}
NO = {"", "không", "khong", "0", "false"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _check(problems: list[str], check, *args, **kwargs) -> None:
    """Run a service check; its refusal becomes one of the row's problems."""
    try:
        check(*args, **kwargs)
    except ServiceError as exc:
        problems.append(str(exc).rstrip("."))


def _parse_row(values, teams: dict[str, Unit]) -> dict:
    """The row's fields for the services, plus "team" (a Unit or None); ValueError names every problem."""
    name, gender, dob, position, manager, start, phone, email, team = values
    problems = []
    data = {"full_name": nfc(name), "position": nfc(position), "phone": nfc(phone), "email": nfc(email)}
    if not data["full_name"]:
        problems.append("thiếu họ và tên")
    else:
        _check(problems, person_name_check, data["full_name"])
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
    # The service's own checks, here too so that every bad row of the file is named at once.
    _check(problems, typed_date_check, data.get("date_of_birth"), label="Ngày sinh")
    _check(problems, typed_date_check, data.get("service_start"), label="Ngày vào ngành")
    if data.get("date_of_birth") and data.get("service_start") and data["service_start"] < data["date_of_birth"]:
        problems.append("ngày vào ngành trước ngày sinh")
    team_name = nfc(team)
    data["team"] = teams.get(fold(team_name)) if team_name else None
    if team_name and data["team"] is None:
        known = ", ".join(sorted(t.name for t in set(teams.values()))) or "trường chưa có tổ nào"
        problems.append(f"tổ «{team_name}» không có trong trường (các tổ: {known})")
    if problems:
        raise ValueError("; ".join(problems))
    return data


def people_import(*, unit: Unit, upload, by) -> ImportResult:
    """Import a unit's staff from the template. Raises ImportRejected and saves nothing on any bad row.

    `by` must hold MANAGE_PEOPLE on `unit` (else PermissionDenied); only people `by` may manage are
    matched and updated. A row a service refuses (a twin the user cannot manage) is a bad row, never a 500.
    """
    require(by, Cap.MANAGE_PEOPLE, unit)
    rows = read_rows(upload, HEADERS)
    teams = _school_teams(by, unit)
    parsed, errors, seen = [], [], {}
    for number, values in rows:
        try:
            data = _parse_row(values, teams)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        key = (person_search_key(data["full_name"]), data["date_of_birth"])
        if key in seen:
            errors.append(RowError(number, f"trùng với dòng {seen[key]} (cùng họ tên và ngày sinh)"))
            continue
        seen[key] = number
        parsed.append((number, data))
    if errors:
        raise ImportRejected(
            f"Tệp có {len(errors)} dòng lỗi nên không có dòng nào được nhập. Hãy sửa các dòng sau rồi nhập lại.",
            errors,
        )
    result = ImportResult()
    with transaction.atomic():
        # A team's file matches the people of its whole school, so a teacher already on the school's
        # list is recognised rather than added twice.
        managed = people_acted_on(by, school_of(unit)).select_for_update()
        # Matched on the folded key: "Duong Thi Quyen" is the "Dương Thị Quyên" born the same day.
        existing = {(p.search_key, p.date_of_birth): p for p in managed}
        for number, data in parsed:
            key = (person_search_key(data["full_name"]), data["date_of_birth"])
            person = existing.get(key)
            team = data.pop("team")
            try:
                if person is None:
                    existing[key] = person_create(by=by, unit=team or unit, **data)
                    result.created += 1
                    continue
                if person.name_key != fold(data["full_name"]):
                    # Same letters, other diacritics: never overwrite a correctly typed name with a guess.
                    problem = f"trùng với {person.full_name} đã có (cùng ngày sinh, chỉ khác dấu); hãy gõ đúng họ tên"
                    errors.append(RowError(number, problem))
                    continue
                data["is_active"] = True
                moves = team is not None and team.pk != person.unit_id
                if not moves and all(getattr(person, k) == v for k, v in data.items()):
                    result.unchanged += 1
                    continue
                if not all(getattr(person, k) == v for k, v in data.items()):
                    person = person_update(by=by, person=person, **data)
                if moves:
                    day, note = datetime.date.today(), "Đổi tổ (nhập từ Excel)"
                    person_transfer(person=person, to_unit=team, effective_date=day, note=note, by=by)
                result.updated += 1
            except ServiceError as exc:
                errors.append(RowError(number, str(exc)))
        if errors:
            # Raised inside the transaction: every row written above is rolled back.
            raise ImportRejected(
                f"Tệp có {len(errors)} dòng lỗi nên không có dòng nào được nhập. Hãy sửa các dòng sau rồi nhập lại.",
                errors,
            )
    return result


def _school_teams(by, unit: Unit) -> dict[str, Unit]:
    """The teams of `unit`'s school whose people `by` manages, by folded name and short name."""
    school = school_of(unit)
    teams = [t for t in Unit.objects.filter(parent=school, kind=UnitKind.TEAM) if can(by, Cap.MANAGE_PEOPLE, t)]
    found = {}
    for team in teams:
        for name in (team.name, team.short_name):
            if name:
                found.setdefault(fold(nfc(name)), team)
    return found


def people_template() -> bytes:
    example = [
        "Nguyễn Thị Lan",
        "Nữ",
        "15/03/1985",
        "Giáo viên",
        "",
        "01/09/2008",
        "0912345678",
        "lan@example.edu.vn",
        "Tổ Ngữ văn",
    ]
    return build_workbook("Danh sách cán bộ", HEADERS, [example], WIDTHS)


def people_export(*, user, unit: Unit) -> bytes:
    """The active staff of `unit`'s subtree that `user` may read (a Phòng secretary: the Phòng's own)."""
    people = people_in_scope(user, unit, active_only=True).select_related("unit").order_by("full_name", "id")
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
            p.unit.name if p.unit.kind == UnitKind.TEAM else "",
        ]
        for p in people
    )
    return build_workbook("Danh sách cán bộ", HEADERS, rows, WIDTHS)
