"""Columns of the "Xuất Excel" of the user's own notifications (core.exports)."""

from core.exports import Column, ExportSpec

NOTIFICATION_LIST = ExportSpec(
    title="Thông báo của tôi",
    filename="thong-bao",
    sheet_title="Thông báo",
    columns=[
        Column("Thời gian", "created_at", 18),
        Column("Nội dung", "message", 80),
        Column("Đã đọc lúc", "read_at", 18),
    ],
)
