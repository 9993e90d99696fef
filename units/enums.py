from django.db import models


class UnitKind(models.TextChoices):
    MINISTRY = "ministry", "Bộ Giáo dục và Đào tạo"
    PROVINCIAL_AUTHORITY = "provincial_authority", "UBND tỉnh/thành phố"
    DEPARTMENT = "department", "Sở Giáo dục và Đào tạo"
    DISTRICT_AUTHORITY = "district_authority", "UBND huyện/quận/thị xã"
    OFFICE = "office", "Phòng Giáo dục và Đào tạo"
    COMMUNE_AUTHORITY = "commune_authority", "UBND xã/phường"
    SCHOOL = "school", "Trường học"
    TEAM = "team", "Tổ chuyên môn/tổ văn phòng"


class SchoolLevel(models.TextChoices):
    PRESCHOOL = "preschool", "Mầm non"
    PRIMARY = "primary", "Tiểu học"
    LOWER_SECONDARY = "lower_secondary", "Trung học cơ sở"
    UPPER_SECONDARY = "upper_secondary", "Trung học phổ thông"
    COMBINED = "combined", "Liên cấp"


class Gender(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class Role(models.TextChoices):
    SECRETARY = "secretary", "Thư ký / cán bộ phụ trách TĐKT"
    HEAD = "head", "Thủ trưởng đơn vị"
    REVIEWER = "reviewer", "Chuyên viên thẩm định"
    COUNCIL_MEMBER = "council_member", "Thành viên Hội đồng TĐKT"
    ADMINISTRATOR = "administrator", "Quản trị"
