from django.db import models


class AwardCategory(models.TextChoices):
    TITLE = "title", "Danh hiệu thi đua"
    COMMENDATION = "commendation", "Hình thức khen thưởng"


class RecipientKind(models.TextChoices):
    INDIVIDUAL = "individual", "Cá nhân"
    COLLECTIVE = "collective", "Tập thể"
    BOTH = "both", "Cá nhân và tập thể"


class CommendationKind(models.TextChoices):
    MERIT = "merit", "Theo công trạng và thành tích"
    AD_HOC = "ad_hoc", "Đột xuất"
    THEMATIC = "thematic", "Theo đợt hoặc chuyên đề"
    LIFETIME = "lifetime", "Quá trình cống hiến"
    SENIORITY = "seniority", "Niên hạn"
    FOREIGN = "foreign", "Đối ngoại"


class AuthorityKind(models.TextChoices):
    """Who decides an award: the kind of office, not a particular unit."""

    UNIT_HEAD = "unit_head", "Thủ trưởng cơ quan, đơn vị"
    COMMUNE_CHAIR = "commune_chair", "Chủ tịch UBND cấp xã"
    DISTRICT_CHAIR = "district_chair", "Chủ tịch UBND cấp huyện"
    DEPARTMENT_DIRECTOR = "department_director", "Giám đốc Sở"
    PROVINCIAL_CHAIR = "provincial_chair", "Chủ tịch UBND cấp tỉnh"
    MINISTER = "minister", "Bộ trưởng"
    PRIME_MINISTER = "prime_minister", "Thủ tướng Chính phủ"
    PRESIDENT = "president", "Chủ tịch nước"


class TaskRating(models.TextChoices):
    """Yearly evaluation of a civil servant (đánh giá, xếp loại viên chức), best first."""

    EXCELLENT = "excellent", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "good", "Hoàn thành tốt nhiệm vụ"
    COMPLETE = "complete", "Hoàn thành nhiệm vụ"
    NOT_COMPLETE = "not_complete", "Không hoàn thành nhiệm vụ"


# Higher is better; rules compare ratings with these ranks.
RATING_RANK = {TaskRating.EXCELLENT: 4, TaskRating.GOOD: 3, TaskRating.COMPLETE: 2, TaskRating.NOT_COMPLETE: 1}
RATING_SHORT = {
    TaskRating.EXCELLENT: "HTXS",
    TaskRating.GOOD: "HTT",
    TaskRating.COMPLETE: "HT",
    TaskRating.NOT_COMPLETE: "KHT",
}


class RecordSource(models.TextChoices):
    IMPORTED = "imported", "Nhập từ dữ liệu cũ"
    DECIDED_HERE = "decided_here", "Quyết định trên cổng"


class InitiativeKind(models.TextChoices):
    INITIATIVE = "initiative", "Sáng kiến"
    RESEARCH = "research", "Đề tài, đề án khoa học"


class InitiativeStatus(models.TextChoices):
    REGISTERED = "registered", "Đã đăng ký"
    RECOGNISED = "recognised", "Đã công nhận"
    NOT_RECOGNISED = "not_recognised", "Không được công nhận"


class InitiativeScope(models.TextChoices):
    """Phạm vi ảnh hưởng của sáng kiến, narrowest first."""

    BASE = "base", "Cấp cơ sở"
    PROVINCIAL = "provincial", "Cấp Bộ, ngành, tỉnh"
    NATIONAL = "national", "Toàn quốc"


SCOPE_RANK = {InitiativeScope.BASE: 1, InitiativeScope.PROVINCIAL: 2, InitiativeScope.NATIONAL: 3}


class DisciplineKind(models.TextChoices):
    """Hình thức kỷ luật viên chức, lightest first; `pending` is a case still under consideration."""

    PENDING = "pending", "Đang xem xét kỷ luật, thanh tra, điều tra"
    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    DEMOTION = "demotion", "Hạ bậc lương / giáng chức"
    REMOVAL = "removal", "Cách chức"
    DISMISSAL = "dismissal", "Buộc thôi việc"


DISCIPLINE_RANK = {
    DisciplineKind.REPRIMAND: 1,
    DisciplineKind.WARNING: 2,
    DisciplineKind.DEMOTION: 3,
    DisciplineKind.REMOVAL: 4,
    DisciplineKind.DISMISSAL: 5,
}


class ServicePeriodKind(models.TextChoices):
    DISADVANTAGED = "disadvantaged", "Công tác tại vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn"
    BREAK = "break", "Thời gian không công tác trong ngành (không tính thâm niên)"


class RuleKind(models.TextChoices):
    """Names a pure function of awards/rules_engine/; its parameters live in AwardRule.params."""

    SAME_YEAR = "same_year", "Điều kiện trong năm xét"
    CHAIN = "chain", "Chuỗi năm liên tục"
    COLLECTIVE = "collective", "Tập thể tính từ cá nhân"
    HEAD_COLLECTIVE = "head_collective", "Thủ trưởng phụ thuộc danh hiệu của tập thể"
    SERVICE_YEARS = "service_years", "Số năm công tác"
    BLOCKING = "blocking", "Trường hợp không được xét"
    QUOTA = "quota", "Tỷ lệ, hạn mức"
    COUNCIL_VOTE = "council_vote", "Biểu quyết của Hội đồng TĐKT"


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", "Đủ điều kiện"
    NOT_ELIGIBLE = "not_eligible", "Không đủ điều kiện"
    NEEDS_REVIEW = "needs_review", "Cần xem xét"
