from django.db import models


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RENDERING = "rendering", "Đang tạo"
    READY = "ready", "Đã tạo xong"
    FAILED = "failed", "Lỗi"
