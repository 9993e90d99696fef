"""Evidence files on a storage with no local files (as an S3 bucket, MEDIA_STORAGE=s3): uploaded through the
page, downloaded through the checked view, deleted and swept for orphans through the storage API; nothing on
disk."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tests import storage
from nominations import orphans, services
from nominations.models import Attachment
from nominations.tests.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_disk(settings, tmp_path):
    return storage.use(settings, tmp_path)


@pytest.fixture
def nomination(no_disk, dossier, teacher, personas):
    return services.nomination_add(
        by=personas["secretary_a1"], dossier=dossier, award_code="LDTT", person=teacher, summary="Tốt."
    )


def test_evidence_upload_and_download_through_the_pages_use_the_storage_only(client, no_disk, nomination, personas):
    data = pdf_bytes(5000)
    client.force_login(personas["secretary_a1"])

    posted = client.post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"file": SimpleUploadedFile("minh-chung.pdf", data), "description": "Giấy khen"},
    )
    attachment = Attachment.objects.get(nomination=nomination)
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("nominations:attachment_download", args=[attachment.pk]))

    assert isinstance(default_storage, storage.NoLocalFilesStorage)
    assert (posted.status_code, response.status_code, b"".join(response.streaming_content)) == (302, 200, data)
    assert (default_storage.size(attachment.file.name), storage.files_on_disk(no_disk)) == (len(data), [])


@pytest.mark.parametrize("persona", ["secretary_a2", "reviewer_b", "outsider"])
def test_evidence_on_the_storage_is_not_found_outside_the_scope(client, nomination, personas, persona):
    attachment = services.attachment_add(
        by=personas["secretary_a1"], nomination=nomination, upload=SimpleUploadedFile("a.pdf", pdf_bytes())
    )
    client.force_login(personas[persona])

    assert client.get(reverse("nominations:attachment_download", args=[attachment.pk])).status_code == 404


def test_deleted_evidence_and_orphans_leave_the_storage(django_capture_on_commit_callbacks, nomination, personas):
    by = personas["secretary_a1"]
    kept = services.attachment_add(by=by, nomination=nomination, upload=SimpleUploadedFile("a.pdf", pdf_bytes(300)))
    gone = services.attachment_add(by=by, nomination=nomination, upload=SimpleUploadedFile("b.pdf", pdf_bytes(400)))
    orphan = default_storage.save(f"nominations/{nomination.dossier_id}/{'e' * 32}.pdf", ContentFile(pdf_bytes()))

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(by=by, attachment=gone)
    report = orphans.orphan_files_clean(grace=datetime.timedelta(0))

    assert report.deleted == [orphan]
    assert default_storage.listdir(f"nominations/{nomination.dossier_id}")[1] == [kept.file.name.rsplit("/", 1)[1]]
