"""Columns of the "Xuất Excel" of the awards app's lists (core.exports)."""

from core.exports import Column, ExportSpec

CATALOG_LIST = ExportSpec(
    title="Danh mục danh hiệu thi đua, hình thức khen thưởng",
    filename="danh-muc-khen-thuong",
    sheet_title="Danh mục",
    columns=[
        Column("Mã", "code", 10),
        Column("Tên", "name", 40),
        Column("Loại", "get_category_display", 18),
        Column("Đối tượng", "get_recipient_kind_display", 14),
        Column("Thẩm quyền", "get_authority_kind_display", 24),
        Column("Hiệu lực từ ngày", "effective_from", 14),
        Column("Hiệu lực đến ngày", lambda t: t.effective_to or "nay", 14),
        Column("Đã đối chiếu văn bản", "is_verified", 12),
        Column("Căn cứ", "legal_basis", 50),
    ],
)

PEOPLE_SEARCH = ExportSpec(
    title="Tra cứu thành tích: danh sách cá nhân",
    filename="tra-cuu-thanh-tich",
    sheet_title="Cá nhân",
    columns=[
        Column("Họ và tên", "full_name", 28),
        Column("Ngày sinh", "date_of_birth", 12),
        Column("Chức vụ", "position", 22),
        Column("Đơn vị", "unit.name", 36),
        Column("Vào ngành", "service_start", 12),
    ],
)


def _authors(initiative) -> str:
    # The selector prefetches only the authors the user may read.
    return ", ".join(a.full_name for a in initiative.authors.all())


INITIATIVE_LIST = ExportSpec(
    title="Danh sách sáng kiến",
    filename="sang-kien",
    sheet_title="Sáng kiến",
    columns=[
        Column("Năm học", lambda i: f"{i.school_year}-{i.school_year + 1}", 12),
        Column("Tên sáng kiến", "title", 50),
        Column("Loại", "get_kind_display", 14),
        Column("Đơn vị", "unit.name", 30),
        Column("Tác giả", _authors, 30),
        Column("Lĩnh vực", "subject", 16),
        Column("Trạng thái", "get_status_display", 16),
        Column("Phạm vi", "get_scope_display", 14),
        Column("Số quyết định công nhận", "decision_number", 18),
        Column("Ngày quyết định", "decision_date", 14),
        Column("Cơ quan công nhận", "issuer", 24),
    ],
)
