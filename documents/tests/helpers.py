"""Test helpers: render a document kind synchronously and read its text back (pypdf, exact strings)."""

import io
import subprocess
import tempfile
import unicodedata

from pypdf import PdfReader

from documents import services
from documents.enums import DocumentStatus


def render(kind_code: str, obj, by, *, variant: str = "", options: dict | None = None, file_format: str = "pdf"):
    """Ask for the document as `by` and build it in this process (what the worker does); returns the row."""
    doc = services.document_request(
        kind_code=kind_code, obj=obj, by=by, variant=variant, options=options, file_format=file_format
    )
    doc = services.document_build(document_id=doc.pk)
    assert doc.status == DocumentStatus.READY, doc.error
    return doc


def file_bytes(doc) -> bytes:
    with doc.file.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    """The text of every page, as `pdftotext -raw` reads it (exact spaces, reading order), NFC."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", handle.name, "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode())


def pdf_lines(data: bytes) -> list[str]:
    return [line.strip() for line in pdf_text(data).splitlines() if line.strip()]


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def fonts_embedded(data: bytes) -> dict[str, bool]:
    """Every font of every page -> whether its program is embedded (FontFile/FontFile2/FontFile3)."""
    fonts = {}
    for page in pdf_reader(data).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            fonts[str(font.get("/BaseFont"))] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts
