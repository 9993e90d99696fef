from django.db import models


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chủ tịch"
    VICE_CHAIR = "vice_chair", "Phó Chủ tịch"
    SECRETARY = "secretary", "Thư ký"
    MEMBER = "member", "Ủy viên"


class Denominator(models.TextChoices):
    TOTAL = "total", "Tổng số thành viên Hội đồng"
    PRESENT = "present", "Số thành viên có mặt"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Đã lên lịch"
    HELD = "held", "Đang họp"
    ENDED = "ended", "Đã kết thúc"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Có mặt"
    ABSENT = "absent", "Vắng mặt"
    WRITTEN = "written", "Vắng mặt, gửi phiếu bằng văn bản"


class RoundStatus(models.TextChoices):
    CREATED = "created", "Mới tạo"
    OPEN = "open", "Đang bỏ phiếu"
    CLOSED = "closed", "Đã kết thúc bỏ phiếu"
    PUBLISHED = "published", "Đã công bố kết quả"


class Choice(models.TextChoices):
    FOR = "for", "Đồng ý"
    AGAINST = "against", "Không đồng ý"
    ABSTAIN = "abstain", "Không biểu quyết"
