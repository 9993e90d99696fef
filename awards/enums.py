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
