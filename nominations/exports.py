"""Columns of the "Xuất Excel" of the nominations app's lists (core.exports).

The decisions list keeps its own exchange export (`exchange.py`); these are the dossier list, the public
notices and the objections.
"""

from django.utils import timezone

from core.exports import Column, ExportSpec
from units.models import Unit

from .enums import DossierStatus, RoundKind
from .models import ObjectionStatus


def _submission(dossier) -> str:
    parts = []
    if dossier.submission_number:
        parts.append(f"Số {dossier.submission_number}")
    if dossier.submission_date:
        parts.append(f"ngày {dossier.submission_date:%d/%m/%Y}")
    return " ".join(parts)


def dossier_filters(filters: dict, unit: Unit | None = None) -> str:
    """The dossier list's filters (a dict from the query string, and the `unit=<id>` the view fetched through
    the user's scope) as the sheet's "Bộ lọc" line."""
    parts = [f"Thuộc đơn vị: {unit.name} và các đơn vị trực thuộc"] if unit is not None else []
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


# --- the reviewer inbox: two tabs, deadlines computed for the day of the export --------------------------


def _deadline(today):
    from .inbox import PENDING_STATES

    def cell(row) -> str:
        dossier = row.dossier if hasattr(row, "dossier_id") else row
        if dossier.status not in PENDING_STATES or row.due_date is None:
            return ""
        due = f"{row.due_date:%d/%m/%Y}"
        return f"Quá hạn {due}" if row.due_date < today else due

    return cell


VERDICTS = {"eligible": "Đủ điều kiện", "not_eligible": "Không đủ điều kiện", "needs_review": "Cần xem xét"}


def inbox_dossier_spec(today) -> ExportSpec:
    return ExportSpec(
        title="Hồ sơ gửi đến thẩm định",
        filename="ho-so-gui-den",
        sheet_title="Hồ sơ gửi đến",
        columns=[
            Column("Đơn vị đề nghị", "unit.name", 36),
            Column("Trích yếu", "title", 36),
            Column("Đợt xét", lambda d: f"{d.get_round_kind_display()} {d.school_year_label}", 24),
            Column("Phong trào", "campaign.name", 30),
            Column("Đơn vị tiếp nhận", "receiving_unit.name", 30),
            Column("Ngày gửi", lambda d: timezone.localdate(d.sent_at) if d.sent_at else "", 12),
            Column("Hạn thẩm định", _deadline(today), 20),
            Column("Số đề nghị", "nomination_count", 10),
            Column("Trạng thái", "get_status_display", 18),
        ],
    )


def inbox_nomination_spec(today) -> ExportSpec:
    return ExportSpec(
        title="Đề nghị gửi đến thẩm định",
        filename="de-nghi-gui-den",
        sheet_title="Đề nghị gửi đến",
        columns=[
            Column("Cá nhân / tập thể", "candidate_name", 30),
            Column("Đơn vị công tác", lambda n: n.person.unit.name if n.person_id else "tập thể", 30),
            Column("Danh hiệu / hình thức", "award_type.name", 30),
            Column("Đơn vị đề nghị", "dossier.unit.name", 30),
            Column("Phong trào", "dossier.campaign.name", 30),
            Column("Hạn thẩm định", _deadline(today), 20),
            Column("Trạng thái hồ sơ", "dossier.get_status_display", 18),
            Column("Trạng thái đề nghị", "get_status_display", 18),
            Column("Kiểm tra điều kiện", lambda n: VERDICTS.get(n.verdict, "Chưa kiểm tra"), 18),
        ],
    )


def inbox_filters_text(filters, *, campaigns: list, awards: list) -> str:
    """The inbox's filters as the sheet's "Bộ lọc" line; a campaign is named only from the user's own choices."""
    from .enums import NominationStatus
    from .inbox import DEADLINE_CHOICES

    parts = []
    if filters.status:
        parts.append(f"Trạng thái: {DossierStatus(filters.status).label}")
    if filters.nomination_status:
        parts.append(f"Trạng thái đề nghị: {NominationStatus(filters.nomination_status).label}")
    if filters.unit_name:
        parts.append(f"Đơn vị: {filters.unit_name}")
    if filters.unit is not None:
        parts.append(f"Thuộc đơn vị: {filters.unit.name} và các đơn vị trực thuộc")
    if filters.campaign:
        parts.append(f"Phong trào: {dict(campaigns).get(filters.campaign, 'không thuộc hộp thư')}")
    if filters.award:
        parts.append(f"Danh hiệu: {dict(awards).get(filters.award, filters.award)}")
    if filters.round_kind:
        parts.append(f"Đợt xét: {RoundKind(filters.round_kind).label}")
    if filters.school_year:
        parts.append(f"Năm học: {filters.school_year}-{filters.school_year + 1}")
    if filters.deadline:
        parts.append(f"Hạn: {dict(DEADLINE_CHOICES)[filters.deadline]}")
    return "; ".join(parts) or "Không lọc"
