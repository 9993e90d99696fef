from django.db import models


class CampaignKind(models.TextChoices):
    REGULAR = "regular", "Thi đua thường xuyên"
    PHASED = "phased", "Thi đua theo đợt"
    THEMATIC = "thematic", "Thi đua chuyên đề"
    SPECIAL = "special", "Thi đua đặc biệt"


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
