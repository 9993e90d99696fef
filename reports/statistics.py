"""The TĐKT statistical forms (0601.N, 0602.N, 0603.N of TT 02/2023/TT-BNV) of a unit and a calendar year.

Counted over what the user may READ of the unit's subtree (`awards.selectors.record_scope_q`, and the
campaigns whose launching unit the user may READ): a reviewer of a Phòng gets the Phòng and its schools, a
school's head only the school. The forms' rows and columns, and how the portal's data maps onto them, are
data in `tt02.py`. Six queries whatever the number of records or campaigns (none joins award records to
people or units: see `_record_groups`).
"""

import datetime
from collections import Counter

from django.db.models import Count, Q

from awards.models import AwardRecord, AwardType
from awards.selectors import record_scope_q
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from core.excel import Sheet, build_workbook_sheets
from units.models import Unit
from units.rules import Cap, people_in_scope, scope_q, units_in_scope

from . import tt02

EMPTY = "—"


def _campaigns(user, unit: Unit, year: int) -> list[dict]:
    in_year = (
        Q(issued_on__year=year)
        | Q(issued_on__isnull=True, period_start__year=year)
        | Q(issued_on__isnull=True, period_start__isnull=True, launched_at__year=year)
    )
    return list(
        Campaign.objects.filter(scope_q(user, Cap.READ, "launched_by"), launched_by__path__startswith=unit.path)
        .filter(in_year, status__in=(CampaignStatus.LAUNCHED, CampaignStatus.CLOSED))
        .values("kind", "reach", "launched_by__kind", "period_start", "period_end")
    )


def _duration_key(row: dict) -> str:
    start, end = row["period_start"], row["period_end"]
    if not (start and end):
        return "one_year"  # a school year's campaign without dates: one year (tt02.NOTES)
    days = (end - start).days + 1
    if days < 365:
        return "under_1"
    if days <= 366:
        return "one_year"
    years = days / 365.25
    if years < 3:
        return "from_1_to_3"
    if years < 5:
        return "from_3_to_5"
    return "from_5"


def _campaign_keys(row: dict) -> set[str]:
    if row["reach"] == tt02.BLOCK_REACH:
        scope = "scope_block"
    elif row["launched_by__kind"] in tt02.SECTOR_LAUNCHERS:
        scope = "scope_sector"
    else:
        scope = "scope_unit"
    method = "regular" if row["kind"] in tt02.REGULAR_KINDS else "thematic"
    return {"all", scope, _duration_key(row), method}


def form_0601(user, unit: Unit, year: int) -> dict:
    """{row key: {level: count}} of the campaigns launched in `year`."""
    counts: dict[str, Counter] = {}
    for row in _campaigns(user, unit, year):
        level = tt02.LEVEL_OF_LAUNCHER.get(row["launched_by__kind"], tt02.DEFAULT_LEVEL)
        for key in _campaign_keys(row):
            counts.setdefault(key, Counter())[level] += 1
    return counts


def _record_groups(user, unit: Unit, year: int) -> tuple[list[dict], int]:
    """This year's records (by decision date) grouped by what the forms split on, and those without a date.

    Read on the records alone (their own path, AwardRecord.unit_path, and columns), never joined to
    units_person or units_unit: under stale statistics the planner drove that join from the table it believed
    empty (the statistics cancelled at 1 s). Who is a manager, and of which kind of unit, comes from the people
    and units the user reads there, by id: a manager's records are those of the managers' ids (a few thousand
    at the Sở), a sector leader's those of the managers of a unit of `tt02.SECTOR_LEADER_UNITS`."""
    managers = list(people_in_scope(user, unit).filter(is_manager=True).order_by().values_list("pk", "unit_id"))
    sector_units = set(
        units_in_scope(user, unit).filter(kind__in=tt02.SECTOR_LEADER_UNITS).values_list("pk", flat=True)
    )
    leaders = [pk for pk, unit_id in managers if unit_id in sector_units]
    types = {
        pk: (code, authority) for pk, code, authority in AwardType.objects.values_list("pk", "code", "authority_kind")
    }
    records = AwardRecord.objects.in_force().filter(record_scope_q(user), unit_path__startswith=unit.path)
    grouped = (
        records.filter(decision_date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
        .order_by()
        .values_list("award_type_id", "commendation_kind")
        .annotate(
            n=Count("id"),
            people=Count("id", filter=Q(person__isnull=False)),
            managers=Count("id", filter=Q(person_id__in=[pk for pk, _ in managers])),
            leaders=Count("id", filter=Q(person_id__in=leaders)),
        )
    )
    rows = []
    for type_id, method, n, people, in_managers, in_leaders in grouped:
        code, authority = types[type_id]
        groups = (
            (False, False, False, n - people),  # collectives
            (True, False, False, people - in_managers),  # teachers and staff
            (True, True, True, in_leaders),
            (True, True, False, in_managers - in_leaders),
        )
        for individual, manager, sector_leader, count in groups:
            if count:
                rows.append(
                    {
                        "code": code,
                        "authority": authority,
                        "method": method,
                        "individual": individual,
                        "manager": manager,
                        "sector_leader": sector_leader,
                        "n": count,
                    }
                )
    undated = records.filter(decision_date__isnull=True, school_year__in=(year - 1, year)).count()
    return rows, undated


def _record_keys(row: dict) -> set[str]:
    keys = {"all", f"method:{row['method']}"}
    if not row["individual"]:
        keys.add("collective")
        return keys
    keys.add("individual")
    if not row["manager"]:
        keys.add("worker")
    elif row["sector_leader"]:
        keys.add("sector_leader")
    else:
        keys.add("other_leader")
    return keys


def _column_of(row: dict, columns: list[tt02.AwardColumn], other: str | None) -> str | None:
    for column in columns:
        if row["code"] in column.codes:
            return column.label
    if other is not None and row["authority"] in tt02.STATE_AUTHORITIES:
        return other
    return None


def award_form(rows: list[dict], columns: list[tt02.AwardColumn], other: str | None) -> dict:
    """{row key: {(column label, "collective" | "individual"): count}} for one of the award forms."""
    counts: dict[str, Counter] = {}
    for row in rows:
        label = _column_of(row, columns, other)
        if label is None:
            continue
        side = "individual" if row["individual"] else "collective"
        for key in _record_keys(row):
            counts.setdefault(key, Counter())[(label, side)] += row["n"]
    return counts


# --- the workbook ---------------------------------------------------------------------------------------


def _preamble(form: str, title: str, unit: Unit, year: int, receiver: str) -> list[str]:
    return [
        f"Biểu số: {form}",
        tt02.CIRCULAR,
        tt02.DUE,
        f"Đơn vị báo cáo: {unit.name}",
        f"Đơn vị nhận báo cáo: {receiver}",
        title,
        f"Năm {year}",
        "Ghi chú: số liệu do cổng tính, chưa đối chiếu biểu mẫu gốc; xem trang «Ghi chú».",
    ]


def _value(row: tt02.Row, counts: dict, cell_key) -> int | str:
    if not row.key:
        return ""
    if row.key == "unknown":
        return EMPTY
    if row.key == "none":
        return 0
    return counts.get(row.key, Counter())[cell_key]


def _award_sheet(form, title, columns, other, counts, unit, year, receiver, *, with_proposers, first_code):
    cells = []
    for column in columns:
        if column.collective:
            cells.append((f"{column.label}: tập thể", (column.label, "collective")))
        if column.individual:
            cells.append((f"{column.label}: cá nhân", (column.label, "individual")))
    if other is not None:
        cells += [(f"{other}: tập thể", (other, "collective")), (f"{other}: cá nhân", (other, "individual"))]
    lines = []
    for row in tt02.award_rows(first_code, with_proposers=with_proposers):
        values = [_value(row, counts, key) for _, key in cells]
        numbers = [v for v in values if isinstance(v, int)]
        total = sum(numbers) if row.key and row.key != "unknown" else ("" if not row.key else EMPTY)
        lines.append([row.label, row.code, row.unit, total, *values])
    return Sheet(
        form.split("/")[0],
        ["Chỉ tiêu", "Mã số", "Đơn vị tính", "Tổng số", *(header for header, _ in cells)],
        lines,
        [60, 8, 12, 10, *([16] * len(cells))],
        preamble=_preamble(form, title, unit, year, receiver),
    )


def statistics_workbook(*, user, unit: Unit, year: int) -> bytes:
    """Forms 0601.N, 0602.N and 0603.N of `unit` (what `user` may read of its subtree) for `year`, and the notes."""
    receiver = unit.parent.name if unit.parent_id else EMPTY
    campaign_counts = form_0601(user, unit, year)
    lines_0601 = []
    for row in tt02.ROWS_0601:
        values = [_value(row, campaign_counts, level) for level, _ in tt02.LEVELS_0601]
        total = sum(v for v in values if isinstance(v, int)) if row.key else ""
        lines_0601.append([row.label, row.code, total, *values])
    sheet_0601 = Sheet(
        tt02.FORM_0601.split("/")[0],
        ["Chỉ tiêu", "Mã số", "Tổng số", *(label for _, label in tt02.LEVELS_0601)],
        lines_0601,
        [60, 8, 10, 24, 30, 24],
        preamble=[*_preamble(tt02.FORM_0601, tt02.TITLE_0601, unit, year, receiver), "Đơn vị tính: Phong trào"],
    )
    rows, undated = _record_groups(user, unit, year)
    sheet_0602 = _award_sheet(
        tt02.FORM_0602,
        tt02.TITLE_0602,
        tt02.COLUMNS_0602,
        tt02.OTHER_0602,
        award_form(rows, tt02.COLUMNS_0602, tt02.OTHER_0602),
        unit,
        year,
        receiver,
        with_proposers=True,
        first_code=1,
    )
    sheet_0603 = _award_sheet(
        tt02.FORM_0603,
        tt02.TITLE_0603,
        tt02.COLUMNS_0603,
        None,
        award_form(rows, tt02.COLUMNS_0603, None),
        unit,
        year,
        receiver,
        with_proposers=False,
        first_code=1,
    )
    notes = list(tt02.NOTES)
    if undated:
        notes.append(
            f"Có {undated} khen thưởng của năm học {year - 1}-{year} hoặc {year}-{year + 1} chưa ghi ngày "
            "quyết định nên không được tính: hãy bổ sung ngày quyết định."
        )
    sheet_notes = Sheet(
        "Ghi chú",
        ["STT", "Ghi chú (điểm chưa đối chiếu, cách tính)"],
        [[n, text] for n, text in enumerate(notes, start=1)],
        [6, 120],
        preamble=[f"Thống kê thi đua, khen thưởng năm {year} – {unit.name}"],
    )
    return build_workbook_sheets([sheet_0601, sheet_0602, sheet_0603, sheet_notes])
