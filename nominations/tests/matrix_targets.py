"""The nominations objects the permission matrix (core/tests/test_permission_matrix.py) asks about.

A draft year-end dossier of the reference school with one nomination (a teacher of one of its teams) and
one evidence file, made through the services as the school's system would; reused when already there.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from nominations import services
from nominations.enums import RoundKind
from nominations.models import Attachment, Nomination
from units.models import Person


def nomination_targets(school, admin) -> dict[str, int]:
    teacher = Person.objects.filter(unit__parent=school, position="Giáo viên", user=None).order_by("pk").first()
    dossier = services.dossier_create(by=admin, unit=school, round_kind=RoundKind.YEAR_END, school_year=2025)
    nomination = Nomination.objects.filter(dossier=dossier).order_by("pk").first() or services.nomination_add(
        by=admin, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc nhiệm vụ."
    )
    attachment = Attachment.objects.filter(nomination=nomination).order_by("pk").first() or services.attachment_add(
        by=admin,
        nomination=nomination,
        upload=SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.7\n" + b"0" * 64),
    )
    return {"dossier": dossier.pk, "nomination": nomination.pk, "attachment": attachment.pk}
