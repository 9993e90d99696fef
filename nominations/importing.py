"""Import the danh sách of a lower unit (seed 004's list: STT, họ tên, ngày sinh, chức vụ, đơn vị, danh hiệu /
hình thức, tóm tắt thành tích) from Excel into a dossier, all-or-nothing.

For a unit not yet on the portal, the level above files for it: whoever holds FILE on the dossier's unit may
import (the school's secretary, head or administrator; a Phòng's or the Sở's administrator, whose FILE reaches
the schools below, opens the school's dossier and imports its list; a Phòng's head or secretary files only
for the Phòng itself and cannot). The people must already be on the portal (units' staff import).

Every row is checked before anything is written and each bad row gets one Vietnamese message with its row
number: a person is matched by name (NFC, case-insensitive, Đ/Ð unified) and birth date among the active
people of the dossier's unit and its teams that the user may FILE for; a row without a birth date is a
collective (the unit or one of its teams, by name); an ambiguous or missing match is an error; the award is
matched by code, name or short name against the catalog in force. Then the nominations are added through
`services.nomination_add` in one transaction, so a refusal there rolls every row back.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from awards.models import AwardType, in_force_q
from campaigns.services import offered_codes
from core.excel import ImportRejected, RowError, build_workbook, parse_date, read_rows
from core.exceptions import ServiceError
from core.text import fold, nfc
from units.enums import UnitKind
from units.models import Unit
from units.rules import Cap, people_acted_on, require

from . import services
from .models import Dossier

HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Chức vụ",
    "Đơn vị công tác",
    "Danh hiệu / hình thức đề nghị",
    "Tóm tắt thành tích",
]
WIDTHS = [6, 28, 12, 20, 30, 30, 60]
REJECTED = "Tệp có {n} dòng lỗi nên không có dòng nào được nhập. Hãy sửa các dòng sau rồi nhập lại."


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0  # rows already in the dossier (same candidate, same award): left as they are


def name_key(value) -> str:
    """The matching key of a name: NFC, case-folded, single spaces, and the Icelandic Ð (U+00D0/U+00F0) that
    old font converters write for Đ/đ read as Đ/đ."""
    return fold(str(value or "").replace("\u00d0", "\u0110").replace("\u00f0", "\u0111"))


def _award_index(today) -> dict[str, AwardType]:
    index = {}
    for award in AwardType.objects.filter(in_force_q(today)).order_by("rank", "code"):
        for label in (award.code, award.name, award.short_name):
            if label:
                index.setdefault(name_key(label), award)
    return index


def _text(value) -> str:
    return nfc("" if value is None else str(value))


def nominations_import(*, by, dossier: Dossier, upload) -> ImportResult:
    """Add the nominations of a list file to an editable dossier; raises ImportRejected (nothing saved) when
    any row is bad. FILE on the dossier's unit (else PermissionDenied). Importing the same file twice adds
    nothing the second time. Side effects: those of `services.nomination_add` for each row."""
    dossier = Dossier.objects.select_related("unit", "campaign").get(pk=dossier.pk)
    require(by, Cap.FILE, dossier.unit)
    if not dossier.is_editable:
        raise ServiceError(f"Hồ sơ đang ở trạng thái «{dossier.get_status_display()}»: không nhập thêm đề nghị được.")
    rows = read_rows(upload, HEADERS)
    unit = dossier.unit
    people = {}
    for person in people_acted_on(by, unit, Cap.FILE).filter(is_active=True).select_related("unit"):
        if person.unit_id == unit.pk or (person.unit.kind == UnitKind.TEAM and person.unit.parent_id == unit.pk):
            people.setdefault((name_key(person.full_name), person.date_of_birth), []).append(person)
    collectives = {name_key(u.name): u for u in Unit.objects.filter(parent=unit, kind=UnitKind.TEAM)}
    collectives[name_key(unit.name)] = unit
    awards = _award_index(timezone.localdate())
    offered = offered_codes(dossier.campaign) if dossier.campaign_id else None
    parsed, errors, seen = [], [], {}
    for number, values in rows:
        _, name, dob, _position, _unit_name, award_label, summary = values
        problems, candidate = [], None
        full_name = _text(name)
        try:
            birth = parse_date(dob, "Ngày sinh")
        except ValueError as exc:
            problems.append(str(exc))
            birth = False
        if not full_name:
            problems.append("thiếu họ và tên")
        elif birth is None:
            candidate = collectives.get(name_key(full_name))
            if candidate is None:
                problems.append(
                    f"không có ngày sinh nên được hiểu là tập thể, nhưng «{full_name}» không phải tên đơn vị "
                    "hoặc tổ của đơn vị; nếu là cá nhân, hãy ghi ngày sinh"
                )
        elif birth:
            found = people.get((name_key(full_name), birth), [])
            if not found:
                problems.append(
                    f"không tìm thấy «{full_name}», sinh ngày {birth:%d/%m/%Y}, trong danh sách cán bộ của đơn vị "
                    "(hãy nhập danh sách cán bộ trước)"
                )
            elif len(found) > 1:
                problems.append(
                    f"có {len(found)} người cùng tên «{full_name}» và ngày sinh {birth:%d/%m/%Y}; "
                    "không xác định được người nào, hãy thêm đề nghị này trên cổng"
                )
            else:
                candidate = found[0]
        label = _text(award_label)
        award = awards.get(name_key(label)) if label else None
        if not label:
            problems.append("thiếu danh hiệu / hình thức đề nghị")
        elif award is None:
            problems.append(f"danh hiệu / hình thức «{label}» không có trong danh mục đang có hiệu lực")
        if not problems:
            try:  # the same check nomination_add makes, here too so that every bad row is named at once
                services._award_for(dossier, award.code, collective=isinstance(candidate, Unit), offered=offered)
            except ServiceError as exc:
                problems.append(str(exc).rstrip("."))
        if not problems:
            key = (type(candidate).__name__, candidate.pk, award.code)
            if key in seen:
                problems.append(f"trùng với dòng {seen[key]} (cùng người hoặc tập thể, cùng danh hiệu / hình thức)")
            else:
                seen[key] = number
        if problems:
            errors.append(RowError(number, "; ".join(problems)))
        else:
            parsed.append((number, candidate, award, _text(summary)))
    if errors:
        raise ImportRejected(REJECTED.format(n=len(errors)), errors)
    result = ImportResult()
    with transaction.atomic():
        before = set(dossier.nominations.values_list("pk", flat=True))
        for number, candidate, award, summary in parsed:
            is_unit = isinstance(candidate, Unit)
            try:
                nomination = services.nomination_add(
                    by=by,
                    dossier=dossier,
                    award_code=award.code,
                    person=None if is_unit else candidate,
                    unit=candidate if is_unit else None,
                    summary=summary,
                )
            except ServiceError as exc:
                errors.append(RowError(number, str(exc).rstrip(".")))
                continue
            if nomination.pk in before:
                result.existing += 1
            else:
                before.add(nomination.pk)
                result.created += 1
        if errors:
            # Raised inside the transaction: every nomination added above is rolled back.
            raise ImportRejected(REJECTED.format(n=len(errors)), errors)
    return result


def nominations_template() -> bytes:
    examples = [
        [1, "Nguyễn Thị Lan", "15/03/1985", "Giáo viên", "Trường Mầm non Ví Dụ", "Lao động tiên tiến",
         "Dòng mẫu: xóa các dòng mẫu trước khi nhập."],
        [2, "Trường Mầm non Ví Dụ", "", "", "", "Tập thể lao động tiên tiến",
         "Dòng không có ngày sinh là đề nghị cho tập thể (đơn vị hoặc tổ)."],
    ]  # fmt: skip
    return build_workbook("Danh sách đề nghị", HEADERS, examples, WIDTHS)
