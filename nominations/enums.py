from django.db import models


class RoundKind(models.TextChoices):
    """Which round a dossier belongs to (seeds 001, 002, 004)."""

    YEAR_END = "year_end", "Tổng kết năm học"
    CAMPAIGN = "campaign", "Phong trào thi đua"
    EXEMPLARY = "exemplary", "Điển hình tiên tiến, đột xuất"


class Procedure(models.TextChoices):
    NORMAL = "normal", "Thủ tục thông thường"
    SIMPLIFIED = "simplified", "Thủ tục đơn giản (tờ trình và tóm tắt thành tích)"


class DossierStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    AWAITING_HEAD = "awaiting_head", "Chờ thủ trưởng duyệt"
    SENT = "sent", "Đã gửi cấp trên"
    UNDER_APPRAISAL = "under_appraisal", "Đang thẩm định"
    RETURNED = "returned", "Cấp trên trả lại"
    APPRAISED = "appraised", "Đã thẩm định"
    FORWARDED = "forwarded", "Đã trình cấp trên"
    DECIDED = "decided", "Đã có quyết định"


# A dossier in these states has reached the receiving unit: its reviewers see it in their inbox.
RECEIVED_STATES = (
    DossierStatus.SENT,
    DossierStatus.UNDER_APPRAISAL,
    DossierStatus.RETURNED,
    DossierStatus.APPRAISED,
    DossierStatus.FORWARDED,
    DossierStatus.DECIDED,
)
# The proposing unit may change the dossier and its nominations only in these states.
EDITABLE_STATES = (DossierStatus.DRAFT, DossierStatus.RETURNED)


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề nghị"
    RETURNED = "returned", "Trả lại để bổ sung"
    ACCEPTED = "accepted", "Chấp nhận"
    NOT_ACCEPTED = "not_accepted", "Không chấp nhận"
    PASSED_TO_COUNCIL = "passed_to_council", "Đưa ra Hội đồng TĐKT"
    APPROVED_BY_COUNCIL = "approved_by_council", "Hội đồng TĐKT thông qua"
    FORWARDED = "forwarded", "Đã trình cấp trên"
    AWARDED = "awarded", "Được khen thưởng"
    NOT_AWARDED = "not_awarded", "Không được khen thưởng"


# Nominations still waiting for the receiving level's decision: appraisal cannot be closed while any is.
UNDECIDED_NOMINATION_STATES = (NominationStatus.PROPOSED, NominationStatus.RETURNED)
