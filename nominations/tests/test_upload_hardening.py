"""Hostile evidence files and workbooks on the nominations pages: each refused with its Vietnamese message on the
form, nothing stored (no row, no file); downloads go out through the kernel, by nginx when configured."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core import uploads
from core.tests import upload_files as files
from nominations import services
from nominations.models import Attachment, Nomination

pytestmark = pytest.mark.django_db

NAME = "../../etc/passwd\x00.pdf"


@pytest.fixture
def nomination(dossier, teacher, personas):
    return services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành tốt."
    )


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def stored(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file())


HOSTILE = {
    "javascript": (files.HOSTILE_PDFS["open_action_javascript"][0], uploads.PDF_SCRIPT.format(name="passwd.pdf")),
    "embedded_file": (files.HOSTILE_PDFS["embedded_files"][0], uploads.PDF_EMBEDDED.format(name="passwd.pdf")),
    "png_renamed_pdf": (files.PNG, "Tệp «passwd.pdf» có đuôi .pdf nhưng nội dung là PNG"),
    "zip_renamed_pdf": (files.workbook([["a"]]), "Tệp «passwd.pdf» không phải PDF, JPEG hoặc PNG"),
    "encrypted": (files.encrypted_pdf(), "Tệp PDF «passwd.pdf» có mật khẩu hoặc đã mã hoá"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_evidence_file_is_refused_on_the_form_and_nothing_is_stored(media, nomination, personas, case):
    data, message = HOSTILE[case]
    response = signed_in(personas["secretary_a1"]).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]), {"file": SimpleUploadedFile(NAME, data)}
    )
    errors = response.context["form"].errors["file"]
    assert (response.status_code, len(errors), errors[0].startswith(message)) == (200, 1, True)
    assert (Attachment.objects.count(), stored(media)) == (0, [])


def test_the_service_refuses_a_hostile_pdf_without_the_form(media, nomination, personas):
    """Any caller, not only the page: the service runs the same check."""
    data, message = HOSTILE["javascript"]
    with pytest.raises(uploads.UploadRefused, match=re.escape(message)):
        services.attachment_add(
            by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile(NAME, data)
        )
    assert (Attachment.objects.count(), stored(media)) == (0, [])


def test_a_good_file_with_a_hostile_name_is_kept_under_a_generated_name(media, nomination, personas):
    response = signed_in(personas["secretary_a1"]).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]), {"file": SimpleUploadedFile(NAME, files.pdf())}
    )
    attachment = Attachment.objects.get()
    assert (response.status_code, attachment.original_name) == (302, "passwd.pdf")
    assert re.fullmatch(rf"nominations/{nomination.dossier_id}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert stored(media) == [media / attachment.file.name]


@pytest.fixture
def attachment(media, nomination, personas):
    return services.attachment_add(
        by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("Bằng khen.pdf", files.pdf())
    )


def test_with_the_accel_prefix_nginx_sends_the_file_after_the_kernel_said_yes(settings, attachment, personas):
    settings.MEDIA_ACCEL_REDIRECT = "/_media_noi_bo/"
    response = signed_in(personas["head_a1"]).get(reverse("nominations:attachment_download", args=[attachment.pk]))
    assert (
        response.status_code,
        response["X-Accel-Redirect"],
        response.content,
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
    ) == (
        200,
        f"/_media_noi_bo/{attachment.file.name}",
        b"",
        "application/pdf",
        "attachment; filename*=utf-8''B%E1%BA%B1ng%20khen.pdf",
        "nosniff",
        "private, no-store",
    )


@pytest.mark.parametrize("persona", ["secretary_a2", "reviewer_b", "outsider"])
def test_with_the_accel_prefix_outside_the_scope_is_still_404(settings, attachment, personas, persona):
    settings.MEDIA_ACCEL_REDIRECT = "/_media_noi_bo/"
    response = signed_in(personas[persona]).get(reverse("nominations:attachment_download", args=[attachment.pk]))
    assert (response.status_code, response.has_header("X-Accel-Redirect")) == (404, False)


def test_with_the_accel_prefix_a_missing_file_is_404(settings, attachment, personas, media):
    settings.MEDIA_ACCEL_REDIRECT = "/_media_noi_bo/"
    (media / attachment.file.name).unlink()
    response = signed_in(personas["head_a1"]).get(reverse("nominations:attachment_download", args=[attachment.pk]))
    assert (response.status_code, response.has_header("X-Accel-Redirect")) == (404, False)


def test_without_the_prefix_the_file_is_streamed_by_django(attachment, personas):
    response = signed_in(personas["head_a1"]).get(reverse("nominations:attachment_download", args=[attachment.pk]))
    assert (b"".join(response.streaming_content), response.has_header("X-Accel-Redirect")) == (files.pdf(), False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: files.xlsm(files.workbook([["a"]])), uploads.WORKBOOK_MACRO),
        (lambda: files.with_external_link(files.workbook([["a"]])), uploads.WORKBOOK_EXTERNAL),
    ],
)
def test_a_hostile_workbook_is_refused_on_the_import_form(dossier, personas, data, message):
    before = Nomination.objects.count()
    response = signed_in(personas["secretary_a1"]).post(
        reverse("nominations:import_upload", args=[dossier.pk]), {"file": SimpleUploadedFile("ds.xlsx", data())}
    )
    assert (response.status_code, response.context["form"].errors["file"]) == (200, [message])
    assert Nomination.objects.count() == before
