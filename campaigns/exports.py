"""Columns of the "Xuất Excel" of the campaigns app's lists (core.exports).

The registrations themselves keep their own export (`exporting.registration_workbook`); this is the
list pages' table, with their filters.
"""

from core.exports import Column, ExportSpec

from .enums import RegistrationStatus


def _period(campaign) -> str:
    if campaign.school_year:
        return campaign.school_year_label
    start = campaign.period_start.strftime("%d/%m/%Y") if campaign.period_start else ""
    end = campaign.period_end.strftime("%d/%m/%Y") if campaign.period_end else ""
    return f"{start} – {end}" if end else start


def _registration_status(unit) -> str:
    if not unit.registration_id:
        return "Chưa đăng ký"
    return RegistrationStatus(unit.registration_status).label


def _flags(unit) -> str:
    if not unit.flagged_lines:
        return ""
    if unit.unexplained_lines:
        return f"{unit.flagged_lines} dòng ({unit.unexplained_lines} chưa giải trình)"
    return f"{unit.flagged_lines} dòng (đã giải trình)"


CAMPAIGN_LIST = ExportSpec(
    title="Danh sách phong trào thi đua",
    filename="phong-trao-thi-dua",
    sheet_title="Phong trào",
    columns=[
        Column("Tên phong trào", "name", 50),
        Column("Số, ký hiệu văn bản", "document_reference", 20),
        Column("Loại", "get_kind_display", 18),
        Column("Đơn vị phát động", "launched_by.name", 32),
        Column("Năm học / thời gian", _period, 24),
        Column("Ngày ban hành", "issued_on", 14),
        Column("Số đợt", "phase_count", 8),
        Column("Trạng thái", "get_status_display", 16),
    ],
)

COMPACT_LIST = ExportSpec(
    title="Danh sách giao ước thi đua",
    filename="giao-uoc-thi-dua",
    sheet_title="Giao ước",
    columns=[
        Column("Tên giao ước", "title", 50),
        Column("Khối/cụm", "block.name", 32),
        Column("Ngày ký", "signed_on", 14),
        Column("Số đơn vị ký", "unit_count", 12),
    ],
)

REGISTRATION_OVERVIEW = ExportSpec(
    title="Tình hình đăng ký thi đua của các đơn vị",
    filename="tinh-hinh-dang-ky",
    sheet_title="Tình hình đăng ký",
    columns=[
        Column("Đơn vị", "name", 40),
        Column("Đơn vị cấp trên", "parent.name", 32),
        Column("Tình trạng", _registration_status, 22),
        Column("Vi phạm điều kiện", _flags, 28),
    ],
)
