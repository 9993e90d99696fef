"""The signing and scan objects the permission matrix (core/tests/test_permission_matrix.py) asks about.

Given the matrix's READY generated document of the reference school (`ids["generated_document"]`): a scan of
its wet-signed original (target "document_scan", for the scan download), and the POST bodies that act: a
self-signed PKCS#12 with its passphrase for "Ký số" (the school's head signs; every other persona is
refused), a 300 dpi colour scan for the scan upload (another image than the target's, so the allowed upload
adds a row).
"""

import io

from django.contrib.auth import get_user_model
from PIL import Image

from documents import scans
from documents.management.commands.documents_dev_certificate import dev_certificate
from documents.models import GeneratedDocument, ScannedOriginal

PASSWORD = "ma-tran-ky-so"


class ReplayableUpload:
    """A file for the test client's multipart body that reads whole every time (one body, many personas)."""

    def __init__(self, name: str, data: bytes, content_type: str):
        self.name = name
        self.data = data
        self.content_type = content_type

    def read(self, *args) -> bytes:
        return self.data


def _scan(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), color=colour).save(out, "PDF", resolution=300)
    return out.getvalue()


def signing_targets(ids: dict) -> dict[str, int]:
    doc = GeneratedDocument.objects.get(pk=ids["generated_document"])
    scan = ScannedOriginal.objects.filter(document=doc).order_by("pk").first() or scans.scan_attach(
        document=doc,
        by=get_user_model().objects.get(username="admin"),
        data=_scan((180, 40, 40)),
        original_name="ban-quet-ma-tran.pdf",
    )
    return {"document_scan": scan.pk}


def signing_bodies(ids: dict) -> dict[str, dict]:
    p12, _root = dev_certificate(name="Người Ký Ma Trận", password=PASSWORD)
    return {
        "documents:sign": {
            "p12": ReplayableUpload("chu-ky.p12", p12, "application/x-pkcs12"),
            "passphrase": PASSWORD,
        },
        "documents:scan_upload": {"file": ReplayableUpload("ban-quet.pdf", _scan((40, 40, 180)), "application/pdf")},
    }
