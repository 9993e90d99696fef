import datetime

import pytest

from awards.enums import TaskRating
from awards.models import TaskEvaluation
from core.tests import upload_files
from nominations import services
from nominations.enums import RoundKind

YEAR = 2025  # the school year 2025-2026 under review


def pdf_bytes(size: int = 1000, fill: str = "0") -> bytes:
    """A real one-page PDF (evidence must open with pypdf) of exactly `size` bytes, padded with `fill`; the
    smallest such PDF when `size` is below it."""
    return upload_files.pdf(size=size, fill=fill)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


@pytest.fixture
def dossier(tree, personas):
    """School A1's year-end dossier of 2025-2026, opened by its secretary."""
    return services.dossier_create(
        by=personas["secretary_a1"], unit=tree["school_a1"], round_kind=RoundKind.YEAR_END, school_year=YEAR
    )


@pytest.fixture
def teacher(person_factory, tree):
    """A teacher of school A1 rated «hoàn thành xuất sắc» the year under review (eligible for LĐTT)."""
    person = person_factory(tree["school_a1"], full_name="Trần Thị Giáo Viên")
    TaskEvaluation.objects.create(person=person, school_year=YEAR, rating=TaskRating.EXCELLENT)
    return person


def fill_submission(dossier, by):
    return services.dossier_update(
        by=by,
        dossier=dossier,
        version=None,
        submission_number="12/TTr-THA1",
        submission_date=datetime.date(2026, 5, 25),
        submission_signer="Hiệu trưởng",
    )


def complete_report(nomination, by):
    """Pre-fill the achievement report from the history, then write the sections the history cannot give."""
    from nominations import report

    filled = report.report_refresh(by=by, nomination=nomination, version=None).report
    return report.report_update(
        by=by,
        nomination=nomination,
        version=None,
        profile={},
        awards_received=filled.awards_received,
        duties="Giảng dạy và chủ nhiệm lớp.",
        results=filled.results or "Hoàn thành xuất sắc nhiệm vụ.",
        **({"measures": "Đổi mới phương pháp dạy học."} if nomination.is_collective else {}),
    )
