"""Columns of the "Xuất Excel" of the nominations app's lists (core.exports).

The decisions list keeps its own exchange export (`exchange.py`); these are the dossier list, the public
notices and the objections.
"""

from django.utils import timezone

from core.exports import Column, ExportSpec

from .enums import DossierStatus, RoundKind
from .models import ObjectionStatus


def _submission(dossier) -> str:
    parts = []
    if dossier.submission_number:
        parts.append(f"Số {dossier.submission_number}")
    if dossier.submission_date:
        parts.append(f"ngày {dossier.submission_date:%d/%m/%Y}")
    return " ".join(parts)


def dossier_filters(filters: dict) -> str:
    """The dossier list's filters (a dict from the query string) as the sheet's "Bộ lọc" line."""
    parts = []
    if filters.get("q"):
        parts.append(f"Trích yếu, số tờ trình: {filters['q']}")
    if filters.get("status"):
        parts.append(f"Trạng thái: {DossierStatus(filters['status']).label}")
    if filters.get("round_kind"):
        parts.append(f"Đợt xét: {RoundKind(filters['round_kind']).label}")
    if filters.get("school_year"):
        parts.append(f"Năm học: {filters['school_year']}-{filters['school_year'] + 1}")
    return "; ".join(parts) or "Không lọc"


def unit_filter_text(filters: dict) -> str:
    # The unit's id came from the query string: the sheet does not name it (it may lie outside scope).
    return "Một đơn vị đã chọn" if filters.get("unit") else "Không lọc"


def objection_filters(filters: dict) -> str:
    parts = [f"Tình trạng: {ObjectionStatus(filters['status']).label}"] if filters.get("status") else []
    if filters.get("unit"):
        parts.append(unit_filter_text(filters))
    return "; ".join(parts) or "Không lọc"


DOSSIER_LIST = ExportSpec(
    title="Hồ sơ đề nghị khen thưởng của đơn vị",
    filename="ho-so-de-nghi",
    sheet_title="Hồ sơ đề nghị",
    columns=[
        Column("Đơn vị đề nghị", "unit.name", 36),
        Column("Trích yếu", "title", 40),
        Column("Đợt xét", "get_round_kind_display", 18),
        Column("Phong trào", "campaign.name", 30),
        Column("Năm học", "school_year_label", 12),
        Column("Đơn vị tiếp nhận", "receiving_unit.name", 30),
        Column("Tờ trình", _submission, 22),
        Column("Số đề nghị", "nomination_count", 10),
        Column("Trạng thái", "get_status_display", 18),
    ],
)

NOTICE_LIST = ExportSpec(
    title="Công khai danh sách đề nghị khen thưởng",
    filename="cong-khai",
    sheet_title="Công khai",
    columns=[
        Column("Tiêu đề", "title", 44),
        Column("Đơn vị công khai", "unit.name", 32),
        Column("Từ ngày", "starts_on", 12),
        Column("Đến ngày", "ends_on", 12),
        Column("Số đề nghị", "nomination_count", 10),
        Column("Phản ánh chưa xử lý", "open_count", 10),
        Column("Đã gỡ ngày", lambda n: timezone.localdate(n.withdrawn_at) if n.withdrawn_at else "", 12),
    ],
)

OBJECTION_LIST = ExportSpec(
    title="Ý kiến phản ánh về danh sách công khai",
    filename="y-kien-phan-anh",
    sheet_title="Phản ánh",
    columns=[
        Column("Ngày gửi", "created_at", 16),
        Column("Thông báo", "notice.title", 36),
        Column("Đơn vị công khai", "notice.unit.name", 30),
        Column("Về đề nghị", lambda o: f"{o.nomination.candidate_name} – {o.nomination.award_type.name}", 40),
        Column("Nội dung", "content", 50),
        Column("Tình trạng", "get_status_display", 14),
        Column("Kết quả xử lý", "resolution", 40),
    ],
)
