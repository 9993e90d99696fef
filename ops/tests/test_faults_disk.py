"""The disk full while an upload or a render is written (docs/operations.md, «Cam kết khi có sự cố»).

A real refusal from the kernel: for the write, this process's RLIMIT_FSIZE is lowered below the file's size,
so write() fails with EFBIG (Python ignores SIGXFSZ), as it fails with ENOSPC on a full disk or EDQUOT over
a quota; the portal treats the three alike (core.errors.STORAGE_FULL_ERRNOS). A small tmpfs or loop mount
(a truly full disk) cannot be mounted in the CI container. The limit is restored right after the write.
"""

import contextlib
import io
import os
import random
import resource
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from documents import services as document_services
from documents.enums import DocumentStatus
from documents.tasks import STORAGE_FULL, TRANSIENT_RETRIES, render_document
from nominations.models import Attachment

LIMIT = 256 * 1024  # bytes a file may reach while the "disk" is full


@contextlib.contextmanager
def disk_full(limit: int = LIMIT):
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "core.storage.AtomicFileSystemStorage"}}
    return settings.MEDIA_ROOT


@pytest.fixture
def nomination(school_nomination):
    return school_nomination


def noise_png(size: int = 480) -> bytes:
    """A real PNG of random pixels (it does not compress): about 690 kB, above LIMIT."""
    rng = random.Random(15)
    image = Image.frombytes("RGB", (size, size), bytes(rng.getrandbits(8) for _ in range(size * size * 3)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_upload_on_a_full_disk_leaves_no_file_no_row_and_says_so_in_vietnamese(media, nomination, personas):
    data = noise_png()
    assert len(data) > LIMIT
    client = Client(raise_request_exception=False)
    client.force_login(personas["secretary_a1"])
    upload = io.BytesIO(data)
    upload.name = "minh-chung.png"

    with disk_full():
        response = client.post(
            reverse("nominations:attachment_upload", args=[nomination.pk]), {"file": upload, "description": "Ảnh"}
        )

    assert response.status_code == 503
    text = response.content.decode()
    assert "Máy chủ đã hết chỗ lưu tệp nên thao tác vừa rồi <strong>chưa được lưu</strong>" in text
    assert not Attachment.objects.filter(nomination=nomination).exists()
    assert files_under(media) == []  # neither a half file under its final name nor the staging file

    # Space again: the same upload goes through, whole.
    upload.seek(0)
    response = client.post(reverse("nominations:attachment_upload", args=[nomination.pk]), {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get(nomination=nomination)
    assert Path(attachment.file.path).read_bytes() == data
    assert files_under(media) == [attachment.file.name]


@pytest.mark.django_db
def test_render_on_a_full_disk_leaves_no_file_and_the_row_says_why(
    media, nomination, personas, monkeypatch, django_capture_on_commit_callbacks
):
    secretary = personas["secretary_a1"]
    monkeypatch.setattr(document_services, "_enqueue", lambda doc_id: True)  # rendered below, by hand
    doc = document_services.document_request(kind_code="submission", obj=nomination.dossier, by=secretary)
    write = document_services.file_write_atomically

    def write_on_a_full_disk(name, data):
        with disk_full(limit=min(LIMIT, len(data) // 2)):
            return write(name, data)

    monkeypatch.setattr(document_services, "file_write_atomically", write_on_a_full_disk)
    # The last of the task's attempts (the earlier ones fail alike and retry): the row then says why.
    render_document.apply(kwargs={"document_id": doc.pk, "errors": TRANSIENT_RETRIES})

    doc.refresh_from_db()
    assert (doc.status, doc.error, doc.file.name) == (DocumentStatus.FAILED, STORAGE_FULL, "")
    assert files_under(media) == []  # no *.part, no final file
    client = Client()
    client.force_login(secretary)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert "Máy chủ hết chỗ lưu tệp nên chưa ghi được văn bản" in page

    # Space again: asked anew, the failed row is queued again and rendered whole.
    monkeypatch.setattr(document_services, "file_write_atomically", write)
    monkeypatch.setattr(
        document_services, "_enqueue", lambda doc_id: render_document.apply(kwargs={"document_id": doc_id})
    )
    with django_capture_on_commit_callbacks(execute=True):
        doc = document_services.document_request(kind_code="submission", obj=nomination.dossier, by=secretary)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY
    assert files_under(media) == [doc.file.name]
    assert Path(doc.file.path).read_bytes().startswith(b"%PDF-")
    assert os.path.getsize(doc.file.path) == doc.size
