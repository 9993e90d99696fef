"""Scans of wet-signed originals: checked by content, then kept beside the document they sign.

ND 30/2020 (LAW.md (e), verified): a scan of a signed original is a PDF, in colour, of at least 200 dpi at
100 % scale. The check reads the file with pypdf, never trusting its name or its declared type: it must
open and have pages; every page must carry a scanned image whose pixel size, against the page's displayed
size (the MediaBox, a full-page scan), gives at least 200 dots per inch; and no page image may be grey or
black and white (/DeviceGray, a one-component ICC profile, 1 bit per pixel, an image mask).
"""

import hashlib
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from core import uploads
from core.audit import audited
from core.exceptions import ServiceError

from . import registry, services
from .models import GeneratedDocument, ScannedOriginal

logger = logging.getLogger("documents.audit")

MIN_SCAN_DPI = 200  # ND 30/2020 Phụ lục I (LAW.md (e), verified)
DEFAULT_SCAN_MAX_BYTES = 20 * 1024 * 1024

ERROR_EMPTY = "Chưa chọn tệp bản quét."
ERROR_TOO_LARGE = "Tệp bản quét quá lớn (tối đa {limit} MB)."
ERROR_NOT_PDF = "Tệp tải lên không phải PDF: bản quét văn bản đã ký phải là tệp PDF."
ERROR_UNREADABLE = "Không mở được tệp PDF (tệp hỏng hoặc có mật khẩu)."
ERROR_NO_PAGES = "Tệp PDF không có trang nào."
ERROR_NO_IMAGE = "Trang {page} không có ảnh quét: hãy tải lên bản quét (ảnh màu) của văn bản đã ký."
ERROR_LOW_DPI = "Trang {page} có độ phân giải {dpi} dpi, thấp hơn mức tối thiểu {minimum} dpi: hãy quét lại."
ERROR_NOT_COLOUR = "Trang {page} là ảnh đen trắng hoặc thang xám: bản quét phải là ảnh màu."


def scan_max_bytes() -> int:
    """Upload limit of a scan (DOCUMENT_SCAN_MAX_BYTES, default 20 MB)."""
    return int(getattr(settings, "DOCUMENT_SCAN_MAX_BYTES", DEFAULT_SCAN_MAX_BYTES))


@dataclass
class _Image:
    width: int
    height: int
    colour: bool


def _resolve(value):
    return value.get_object() if hasattr(value, "get_object") else value


def _is_colour(image) -> bool:
    if image.get("/ImageMask"):
        return False
    if int(image.get("/BitsPerComponent", 8) or 8) == 1:
        return False
    space = _resolve(image.get("/ColorSpace"))
    if space is None:  # JPEG 2000 carries its colour space inside the stream: take it as declared by the codec
        return True
    return _space_is_colour(space)


def _space_is_colour(space) -> bool:
    space = _resolve(space)
    if isinstance(space, str):
        return space not in ("/DeviceGray", "/CalGray", "/G")
    family = str(_resolve(space[0]))
    if family == "/ICCBased":
        return int(_resolve(space[1]).get("/N", 3)) >= 3
    if family in ("/Indexed", "/I"):
        return _space_is_colour(space[1])
    if family == "/CalGray":
        return False
    if family in ("/Separation", "/DeviceN"):
        return _space_is_colour(space[2])
    return True


def _page_images(page) -> list[_Image]:
    """The image XObjects of a page, including those one form XObject deep (some scanners wrap them)."""
    found = []

    def walk(resources, depth):
        xobjects = _resolve((_resolve(resources) or {}).get("/XObject")) or {}
        for ref in xobjects.values():
            obj = _resolve(ref)
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                found.append(_Image(int(obj.get("/Width", 0)), int(obj.get("/Height", 0)), _is_colour(obj)))
            elif subtype == "/Form" and depth < 2:
                walk(obj.get("/Resources"), depth + 1)

    walk(page.get("/Resources"), 0)
    return found


PAGE_SHAPE_TOLERANCE = 0.15  # a scan cropped or of a Letter page on A4 stays within it


def _page_like(image: _Image, page_w: float, page_h: float) -> bool:
    """The image has the page's shape (in either orientation), within PAGE_SHAPE_TOLERANCE."""
    if image.width <= 0 or image.height <= 0 or page_w <= 0 or page_h <= 0:
        return False
    image_ratio = max(image.width, image.height) / min(image.width, image.height)
    page_ratio = max(page_w, page_h) / min(page_w, page_h)
    return abs(image_ratio - page_ratio) <= PAGE_SHAPE_TOLERANCE * page_ratio


def scan_check(data: bytes, *, name: str = "bản quét") -> int:
    """The lowest resolution (dpi) over the pages of a valid scan; ServiceError with the first problem.

    A scan carrying JavaScript, a self-launching action or an embedded file is refused (core.uploads), not
    cleaned: cleaning would change the signed original's copy."""
    from pypdf import PdfReader

    if not data:
        raise ServiceError(ERROR_EMPTY)
    if len(data) > scan_max_bytes():
        raise ServiceError(ERROR_TOO_LARGE.format(limit=scan_max_bytes() // (1024 * 1024)))
    if not data.startswith(b"%PDF-"):
        raise ServiceError(ERROR_NOT_PDF)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ServiceError(ERROR_UNREADABLE)
        pages = list(reader.pages)
        problem = uploads.pdf_problem(reader, name=name)
    except ServiceError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many types for a damaged file
        raise ServiceError(ERROR_UNREADABLE) from None
    if problem:
        raise ServiceError(problem)
    if not pages:
        raise ServiceError(ERROR_NO_PAGES)
    lowest = None
    for number, page in enumerate(pages, start=1):
        try:
            box = page.mediabox
            page_w, page_h = float(box.width) / 72, float(box.height) / 72
            images = _page_images(page)
        except Exception:  # noqa: BLE001
            raise ServiceError(ERROR_UNREADABLE) from None
        # A scan fills its page: an image of another shape (a QR code, a logo, a stamp) is not the scan.
        images = [image for image in images if _page_like(image, page_w, page_h)]
        if not images:
            raise ServiceError(ERROR_NO_IMAGE.format(page=number))
        scan = max(images, key=lambda image: image.width * image.height)  # the full-page scan
        # Orientation-free: a landscape image on a portrait page (rotated on display) counts the same.
        dpi = min(
            max(scan.width, scan.height) / max(page_w, page_h), min(scan.width, scan.height) / min(page_w, page_h)
        )
        dpi = int(round(dpi))
        if dpi < MIN_SCAN_DPI:
            raise ServiceError(ERROR_LOW_DPI.format(page=number, dpi=dpi, minimum=MIN_SCAN_DPI))
        if not all(image.colour for image in images):
            raise ServiceError(ERROR_NOT_COLOUR.format(page=number))
        lowest = dpi if lowest is None else min(lowest, dpi)
    return lowest


def _clean_name(name: str) -> str:
    return uploads.safe_name(name, default="ban-quet.pdf")


@audited
def scan_attach(*, document: GeneratedDocument, by, data: bytes, original_name: str) -> ScannedOriginal:
    """Attach the scan of the wet-signed original of `document`.

    Refuses (PermissionDenied) anyone the kind does not let ask for the document; refuses with a Vietnamese
    message a file that is not a PDF, has no pages, a page under 200 dpi or not in colour (nothing is kept).
    The same file uploaded again for the same document returns the row already there.
    Side effects: the file under documents/scans/ (written atomically); a ScannedOriginal row; a log line."""
    kind = registry.get(document.kind)
    obj = document.obj
    if kind is None or obj is None:
        raise ServiceError(ERROR_UNREADABLE)
    if not kind.may_request(by, obj):
        raise PermissionDenied
    min_dpi = scan_check(data, name=_clean_name(original_name))
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        existing = ScannedOriginal.objects.filter(document=document, sha256=digest).first()
        if existing is not None:
            return existing
        name = services.file_write_atomically(
            f"documents/scans/{document.kind}-{document.object_id}-{digest[:20]}.pdf", data
        )
        scan = ScannedOriginal.objects.create(
            document=document,
            content_type_id=document.content_type_id,
            object_id=document.object_id,
            kind=document.kind,
            file=name,
            original_name=_clean_name(original_name),
            size=len(data),
            sha256=digest,
            min_dpi=min_dpi,
            uploaded_by=by,
        )
    logger.info("scan %s of document %s attached by user %s (%s dpi)", scan.pk, document.pk, by.pk, min_dpi)
    return scan
