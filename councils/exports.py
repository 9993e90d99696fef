"""Columns of the "Xuất Excel" of the councils list (core.exports)."""

from core.exports import Column, ExportSpec

COUNCIL_LIST = ExportSpec(
    title="Danh sách Hội đồng Thi đua – Khen thưởng",
    filename="hoi-dong-tdkt",
    sheet_title="Hội đồng",
    columns=[
        Column("Hội đồng", "name", 44),
        Column("Đơn vị", "unit.name", 36),
        Column("Nhiệm kỳ từ ngày", "period_start", 14),
        Column("Đến ngày", "period_end", 14),
    ],
)
