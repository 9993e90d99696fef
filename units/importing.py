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
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import bulk_create_audited, bulk_update_audited
from core.db import analyze
from core.excel import ImportRejected, RowError, build_workbook, parse_date, read_rows
from core.exceptions import ServiceError
from core.text import fold, format_date, nfc

from .enums import Gender, UnitKind
from .models import Person, PersonTransfer, Unit
from .rules import Cap, can, people_acted_on, people_in_scope, require
from .search_keys import person_search_key
from .services import person_update, school_of
from .validation import person_name_check, person_text_check, typed_date_check

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
BATCH = 1000  # rows per INSERT / UPDATE: the import of a 10,000-row file is a handful of statements
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
    _check(problems, person_text_check, data)
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
    school = school_of(unit)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=school.pk).first()  # person_create's lock: one writer per school
        # A team's file matches the people of its whole school, so a teacher already on the school's
        # list is recognised rather than added twice.
        managed = people_acted_on(by, school).select_for_update()
        # Matched on the folded key: "Duong Thi Quyen" is the "Dương Thị Quyên" born the same day.
        existing = {(p.search_key, p.date_of_birth): p for p in managed}
        # Every key on the school's list, people `by` may not manage included: person_create refuses a twin.
        listed = set(
            Person.objects.filter(Q(unit=school) | Q(unit__parent=school, unit__kind=UnitKind.TEAM)).values_list(
                "search_key", "date_of_birth"
            )
        )
        plan = _Plan()
        for number, data in parsed:
            try:
                _plan_row(plan, number, data, existing, listed, unit=unit, school=school, by=by)
            except ServiceError as exc:
                errors.append(RowError(number, str(exc)))
        if errors:
            raise ImportRejected(
                f"Tệp có {len(errors)} dòng lỗi nên không có dòng nào được nhập. Hãy sửa các dòng sau rồi nhập lại.",
                errors,
            )
        _apply(plan, by=by)
        # Rows that carry a name change to a linked account go through the service (it renames the account).
        for number, person, data in plan.renamed:
            try:
                person_update(by=by, person=person, **data)
            except ServiceError as exc:
                errors.append(RowError(number, str(exc)))
        if errors:
            # Raised inside the transaction: every row written above is rolled back.
            raise ImportRejected(
                f"Tệp có {len(errors)} dòng lỗi nên không có dòng nào được nhập. Hãy sửa các dòng sau rồi nhập lại.",
                errors,
            )
        # Fresh planner statistics once the rows are visible (thousands of new rows on a table estimated small).
        transaction.on_commit(lambda: analyze(Person, Person.history.model, PersonTransfer))
    result.created = len(plan.created)
    result.updated = len({id(p) for p in plan.changed} | {id(p) for _, p, _ in plan.renamed})
    result.unchanged = plan.unchanged
    return result


@dataclass
class _Plan:
    """What an import writes, gathered row by row and written in bulk (a constant number of queries)."""

    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # people whose fields (or team) change, in place
    fields: set = field(default_factory=set)
    transfers: list = field(default_factory=list)
    renamed: list = field(default_factory=list)  # (row number, person, data), a linked account: person_update
    unchanged: int = 0


def _plan_row(
    plan: _Plan, number: int, data: dict, existing: dict, listed: set, *, unit: Unit, school: Unit, by
) -> None:
    """Add one parsed row to `plan`, with the checks person_create, person_update and person_transfer make;
    ServiceError names the row's problem."""
    key = (person_search_key(data["full_name"]), data["date_of_birth"])
    person = existing.get(key)
    team = data.pop("team")
    if person is None:
        target = team or unit
        require(by, Cap.MANAGE_PEOPLE, target)
        if key in listed:
            # person_create's refusal, word for word: names only what the file says and the school.
            born = f" sinh ngày {data['date_of_birth']:%d/%m/%Y}" if data["date_of_birth"] else ""
            raise ServiceError(
                f"Đã có {data['full_name']}{born} trong {school.name} (họ tên so sánh không kể dấu và chữ hoa); "
                "không tạo trùng."
            )
        person = Person(unit=target, **data)
        person.name_key = fold(person.full_name)
        person.search_key = key[0]
        existing[key] = person
        listed.add(key)
        plan.created.append(person)
        return
    if person.name_key != fold(data["full_name"]):
        # Same letters, other diacritics: never overwrite a correctly typed name with a guess.
        raise ServiceError(f"trùng với {person.full_name} đã có (cùng ngày sinh, chỉ khác dấu); hãy gõ đúng họ tên")
    data["is_active"] = True
    moves = team is not None and team.pk != person.unit_id
    changed = [k for k, v in data.items() if getattr(person, k) != v]
    if not moves and not changed:
        plan.unchanged += 1
        return
    # `person` is one of people_acted_on(by, …, MANAGE_PEOPLE): person_update's own check holds.
    if "full_name" in changed and person.user_id:
        plan.renamed.append((number, person, {k: data[k] for k in changed}))
        if not moves:
            return
    elif changed:
        for key_ in changed:
            setattr(person, key_, data[key_])
        if "full_name" in changed:
            person.name_key = fold(person.full_name)
            person.search_key = person_search_key(person.full_name)
            plan.fields |= {"name_key", "search_key"}
        person.version += 1  # person_update's bump (no form: nothing to compare)
        plan.fields |= {*changed, "version"}
    if moves:
        require(by, Cap.MANAGE_PEOPLE, team)
        plan.transfers.append(
            PersonTransfer(
                person=person,
                from_unit_id=person.unit_id,
                to_unit=team,
                effective_date=datetime.date.today(),
                note="Đổi tổ (nhập từ Excel)",
                created_by=by,
            )
        )
        person.unit = team
        plan.fields.add("unit")
    plan.changed.append(person)


def _apply(plan: _Plan, *, by) -> None:
    """Write the plan: one bulk INSERT of the new people and one bulk UPDATE of the changed ones, each with
    its history rows naming `by`, and the transfers."""
    now = timezone.now()
    if plan.created:
        bulk_create_audited(Person, plan.created, by=by, batch_size=BATCH)
    bulk_changed = [p for p in plan.changed if p.pk]
    if bulk_changed and plan.fields:
        for person in bulk_changed:
            person.updated_at = now  # auto_now is not applied by bulk_update
        bulk_update_audited(Person, bulk_changed, sorted(plan.fields | {"updated_at"}), by=by, batch_size=BATCH)
    if plan.transfers:
        PersonTransfer.objects.bulk_create(plan.transfers, batch_size=BATCH)


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
