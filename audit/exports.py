"""Columns of the audit trail's «Xuất Excel» (core.exports): the rows of the page, with their filters."""

from core.exports import Column, ExportSpec


def _changes(row) -> str:
    return "; ".join(f"{change.field}: {change.old} → {change.new}" for change in row.changes)


AUDIT_LIST = ExportSpec(
    title="Nhật ký thay đổi",
    filename="nhat-ky-thay-doi",
    columns=[
        Column("Thời gian", "when", 18),
        Column("Người thay đổi", "who", 24),
        Column("Loại dữ liệu", "model", 22),
        Column("Đối tượng", "object", 32),
        Column("Thao tác", "change_label", 12),
        Column("Nội dung thay đổi", _changes, 80),
    ],
)
