"""Columns of the "Xuất Excel" of the units app's lists (core.exports)."""

from core.exports import Column, ExportSpec


def _school_year(year) -> str:
    return f"{year}-{year + 1}" if year else ""


UNIT_LIST = ExportSpec(
    title="Danh sách đơn vị",
    filename="danh-sach-don-vi",
    columns=[
        Column("Tên đơn vị", "name", 40),
        Column("Loại", "get_kind_display", 16),
        Column("Cấp học", "get_school_level_display", 16),
        Column("Đơn vị cấp trên", "parent.name", 36),
        Column("Số cán bộ", "people_count", 12),
    ],
)

BLOCK_LIST = ExportSpec(
    title="Danh sách khối thi đua",
    filename="khoi-thi-dua",
    columns=[
        Column("Tên khối thi đua", "name", 40),
        Column("Đơn vị tổ chức", "owner.name", 36),
        Column("Năm học", lambda b: _school_year(b.school_year), 12),
        Column("Số đơn vị", "member_count", 12),
    ],
)
