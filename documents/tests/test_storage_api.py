"""Documents on a storage with no local files (as an S3 bucket, MEDIA_STORAGE=s3): render, sign, attach a scan,
and download all three through the portal's views, which still check the user's scope; nothing on disk."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from core.tests import storage
from documents import services, signing
from documents.models import ScannedOriginal
from documents.tests.helpers import render
from documents.tests.signing_fixtures import *  # noqa: F403 - the fixtures signing_kind, dev_p12
from documents.tests.signing_fixtures import KIND_CODE, PASSWORD

pytestmark = pytest.mark.django_db


def scan_pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), color=(200, 30, 30)).save(out, "PDF", resolution=300)
    return out.getvalue()


def download(client, user, url) -> tuple[int, bytes]:
    client.force_login(user)
    response = client.get(url)
    return response.status_code, (b"".join(response.streaming_content) if response.status_code == 200 else b"")


def test_render_sign_scan_and_downloads_go_through_the_storage_api_only(
    signing_kind, dev_p12, settings, tmp_path, client, personas, tree
):
    media = storage.use(settings, tmp_path)
    head = personas["head_a1"]
    doc = render(KIND_CODE, tree["school_a1"], head)
    signed = signing.document_sign(document=doc, by=head, p12=dev_p12[0], passphrase=PASSWORD)
    client.force_login(personas["secretary_a1"])
    scanned = scan_pdf()  # once: Pillow stamps the creation time into the PDF
    upload = io.BytesIO(scanned)
    upload.name = "ban-quet.pdf"
    assert client.post(reverse("documents:scan_upload", args=[doc.pk]), {"file": upload}).status_code == 302
    scan = ScannedOriginal.objects.get(document=doc)

    with default_storage.open(doc.file.name) as handle:
        rendered = handle.read()
    with default_storage.open(signed.signed_file.name) as handle:
        signed_bytes = handle.read()
    observed = {
        "rendered": download(client, head, reverse("documents:download", args=[doc.pk])),
        "signed": download(client, head, reverse("documents:download", args=[doc.pk]) + "?signed=1"),
        "scan": download(client, head, reverse("documents:scan_download", args=[scan.pk])),
    }

    assert isinstance(default_storage, storage.NoLocalFilesStorage)
    assert rendered.startswith(b"%PDF") and signed_bytes.startswith(b"%PDF") and signed_bytes != rendered
    assert observed == {"rendered": (200, rendered), "signed": (200, signed_bytes), "scan": (200, scanned)}
    assert storage.files_on_disk(media) == []


@pytest.mark.parametrize("persona", ["secretary_a2", "outsider"])
def test_downloads_from_the_storage_stay_inside_the_scope(
    signing_kind, dev_p12, settings, tmp_path, client, personas, tree, persona
):
    storage.use(settings, tmp_path)
    doc = render(KIND_CODE, tree["school_a1"], personas["head_a1"])
    signing.document_sign(document=doc, by=personas["head_a1"], p12=dev_p12[0], passphrase=PASSWORD)
    url = reverse("documents:download", args=[doc.pk])

    assert {
        "rendered": download(client, personas[persona], url)[0],
        "signed": download(client, personas[persona], url + "?signed=1")[0],
    } == {"rendered": 404, "signed": 404}


def test_a_storage_that_overwrites_gets_the_new_bytes_under_the_same_name_without_a_delete(settings, tmp_path):
    """S3 (file_overwrite) replaces an object in one PUT: readers never see the name missing."""
    media = storage.use(settings, tmp_path, "core.tests.storage.OverwritingNoLocalFilesStorage")
    name = "documents/check/abc-1.pdf"

    first = services.file_write_atomically(name, b"%PDF-old")
    second = services.file_write_atomically(name, b"%PDF-new")

    with default_storage.open(name) as handle:
        assert (first, second, handle.read()) == (name, name, b"%PDF-new")
    assert storage.files_on_disk(media) == []


def test_a_storage_that_renames_gets_the_old_file_deleted_and_keeps_the_name(settings, tmp_path):
    storage.use(settings, tmp_path)
    name = "documents/check/abc-1.pdf"

    services.file_write_atomically(name, b"%PDF-old")
    kept = services.file_write_atomically(name, b"%PDF-new")

    with default_storage.open(name) as handle:
        assert (kept, handle.read(), default_storage.listdir("documents/check")) == (
            name,
            b"%PDF-new",
            ([], ["abc-1.pdf"]),
        )
