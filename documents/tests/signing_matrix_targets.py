"""The signing and scan objects the permission matrix (core/tests/test_permission_matrix.py) asks about.

Given the matrix's READY generated document of the reference school (`ids["generated_document"]`): a scan of
its wet-signed original (target "document_scan", for the scan download), and the POST bodies that act: a
self-signed PKCS#12 with its passphrase for "Ký số" (the school's head signs; every other persona is
refused), a 300 dpi colour scan for the scan upload (another image than the target's, so the allowed upload
adds a row), the rendered file for the verification page (it matches). The verification page shows the
document's title and issuer to anyone: `signing_public`.
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


def generated_document(dossier_id: int) -> GeneratedDocument:
    """The tờ trình PDF of the matrix's dossier of the reference school, rendered in-process (READY)."""
    from documents import services
    from nominations.models import Dossier

    dossier = Dossier.objects.get(pk=dossier_id)
    doc = services.document_request(
        kind_code="submission", obj=dossier, by=get_user_model().objects.get(username="admin")
    )
    return services.document_build(document_id=doc.pk)


def signing_targets(ids: dict) -> dict:
    """The ready document (unless the matrix has one already), its verification code and a scan of it.
    Clears the cache: the verification page's per-address limit counts the matrix's earlier runs too."""
    from django.core.cache import cache

    cache.clear()
    found = {}
    if "generated_document" not in ids:
        found["generated_document"] = generated_document(ids["dossier"]).pk
    doc = GeneratedDocument.objects.get(pk=found.get("generated_document", ids.get("generated_document")))
    found["verification_code"] = doc.verification_code
    scan = ScannedOriginal.objects.filter(document=doc).order_by("pk").first() or scans.scan_attach(
        document=doc,
        by=get_user_model().objects.get(username="admin"),
        data=_scan((180, 40, 40)),
        original_name="ban-quet-ma-tran.pdf",
    )
    found["document_scan"] = scan.pk
    return found


def signing_bodies(ids: dict) -> dict[str, dict]:
    p12, _root = dev_certificate(name="Người Ký Ma Trận", password=PASSWORD)
    doc = GeneratedDocument.objects.get(pk=ids["generated_document"])
    return {
        "documents:sign": {
            "p12": ReplayableUpload("chu-ky.p12", p12, "application/x-pkcs12"),
            "passphrase": PASSWORD,
        },
        "documents:scan_upload": {"file": ReplayableUpload("ban-quet.pdf", _scan((40, 40, 180)), "application/pdf")},
        "documents:verify": {"file": ReplayableUpload("van-ban.pdf", _file_bytes(doc), "application/pdf")},
    }


def signing_public(ids: dict) -> dict[str, list[str]]:
    """The public verification page shows the document's title and issuer by design (to anyone with its code)."""
    doc = GeneratedDocument.objects.get(pk=ids["generated_document"])
    return {"documents:verify": [doc.title, doc.issuer]}


def _file_bytes(doc) -> bytes:
    with doc.file.open("rb") as handle:
        return handle.read()
