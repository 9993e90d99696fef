from django.db import models


class CampaignKind(models.TextChoices):
    REGULAR = "regular", "Thi đua thường xuyên"
    PHASED = "phased", "Thi đua theo đợt"
    THEMATIC = "thematic", "Thi đua chuyên đề"
    SPECIAL = "special", "Thi đua đặc biệt"


class PeriodKind(models.TextChoices):
    """What a campaign's period is counted in: a school year (2025-2026) or a calendar year (seed 001: "Năm 2024")."""

    SCHOOL_YEAR = "school_year", "Năm học"
    CALENDAR_YEAR = "calendar_year", "Năm (dương lịch)"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn thảo"
    LAUNCHED = "launched", "Đã phát động"
    CLOSED = "closed", "Đã kết thúc"


class ReachKind(models.TextChoices):
    """Which units a campaign reaches (its launcher always sees it)."""

    SUBTREE = "subtree", "Toàn bộ đơn vị trực thuộc đơn vị phát động"
    UNITS = "units", "Các đơn vị được chọn (và đơn vị trực thuộc)"
    BLOCKS = "blocks", "Các khối/cụm thi đua được chọn"


class ObjectGroup(models.TextChoices):
    COLLECTIVE = "collective", "Tập thể"
    MANAGER = "manager", "Cán bộ quản lý"
    TEACHER = "teacher", "Giáo viên"
    STAFF = "staff", "Nhân viên, người lao động"
    STUDENT = "student", "Học sinh"


INDIVIDUAL_GROUPS = (ObjectGroup.MANAGER, ObjectGroup.TEACHER, ObjectGroup.STAFF, ObjectGroup.STUDENT)


class CapPart(models.TextChoices):
    """Which recipients a campaign's cap counts: all of them, or only collectives or only individuals."""

    TOTAL = "total", "Tập thể, cá nhân"
    COLLECTIVE = "collective", "Tập thể"
    INDIVIDUAL = "individual", "Cá nhân"


class DeadlineAction(models.TextChoices):
    REGISTER = "register", "Gửi đăng ký thi đua"
    PLAN = "plan", "Gửi kế hoạch của đơn vị"
    NOMINATE = "nominate", "Gửi hồ sơ đề nghị khen thưởng"
    REPORT = "report", "Gửi báo cáo kết quả"


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    AWAITING_HEAD = "awaiting_head", "Chờ thủ trưởng duyệt"
    SUBMITTED = "submitted", "Đã gửi cấp trên"
    RETURNED = "returned", "Cấp trên trả lại / mở lại"
