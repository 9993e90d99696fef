"""Public verification of a generated document: the rate limit per client address and the comparison of an
uploaded file with the rendered and the signed file (by SHA-256; the upload is hashed as it streams in and
is never kept). The upload goes through the portal's PDF check (core.uploads.check_pdf) first: a file that does
not open, is encrypted, or carries JavaScript or an embedded file is refused with the same Vietnamese messages
as any other PDF upload (no file the portal produced is any of these)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from core import uploads
from nominations.notice import client_address

from .models import GeneratedDocument

DEFAULT_VERIFY_MAX_BYTES = 30 * 1024 * 1024
RATE_WINDOW_SECONDS = 3600  # DOCUMENT_VERIFY_RATE_LIMIT counts per hour

MATCH_RENDERED = "rendered"
MATCH_SIGNED = "signed"
MATCH_NONE = "none"
MESSAGES = {
    MATCH_RENDERED: "Khớp với bản do cổng tạo ra",
    MATCH_SIGNED: "Khớp với bản đã ký số",
    MATCH_NONE: "KHÔNG khớp: tệp đã bị thay đổi hoặc không phải văn bản này",
}
ERROR_EMPTY = "Chưa chọn tệp PDF để đối chiếu."
ERROR_TOO_LARGE = "Tệp quá lớn (tối đa {limit} MB)."
ERROR_NOT_PDF = "Tệp tải lên không phải PDF."


def verify_max_bytes() -> int:
    """Upload limit of the file to compare (DOCUMENT_VERIFY_MAX_BYTES, default 30 MB)."""
    return int(getattr(settings, "DOCUMENT_VERIFY_MAX_BYTES", DEFAULT_VERIFY_MAX_BYTES))


def rate_limit() -> int:
    return int(getattr(settings, "DOCUMENT_VERIFY_RATE_LIMIT", 30))


def _client_key(meta) -> str:
    # A keyed hash: the cache never holds the address itself (as nominations.notice.client_key).
    return salted_hmac("documents.verify.client", client_address(meta) or "").hexdigest()[:32]


def rate_limit_exceeded(meta) -> bool:
    """Count one lookup or upload of the client; True once it has made DOCUMENT_VERIFY_RATE_LIMIT within the
    hour (that attempt is not counted, and nothing is looked up)."""
    key = f"documents:verify:{_client_key(meta)}"
    if cache.get(key, 0) >= rate_limit():
        return True
    if not cache.add(key, 1, RATE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, RATE_WINDOW_SECONDS)
    return False


class UploadRefused(ValueError):
    pass


def upload_compare(doc: GeneratedDocument, upload) -> str:
    """MATCH_RENDERED, MATCH_SIGNED or MATCH_NONE for an uploaded file (Django UploadedFile), read in chunks;
    UploadRefused (Vietnamese) for an empty, oversized or non-PDF file (known by its first bytes), and for a PDF
    that core.uploads.check_pdf refuses (unreadable, encrypted, JavaScript, embedded files)."""
    if upload is None or not upload.size:
        raise UploadRefused(ERROR_EMPTY)
    limit = verify_max_bytes()
    if upload.size > limit:
        raise UploadRefused(ERROR_TOO_LARGE.format(limit=limit // (1024 * 1024)))
    digest = hashlib.sha256()
    head = b""
    total = 0
    for chunk in upload.chunks():
        if len(head) < 5:
            head += chunk[: 5 - len(head)]
        total += len(chunk)
        if total > limit:
            raise UploadRefused(ERROR_TOO_LARGE.format(limit=limit // (1024 * 1024)))
        digest.update(chunk)
    if not head.startswith(b"%PDF-"):
        raise UploadRefused(ERROR_NOT_PDF)
    try:
        uploads.check_pdf(upload, name=uploads.safe_name(getattr(upload, "name", ""), default="van-ban.pdf"))
    except uploads.UploadRefused as refused:
        raise UploadRefused(str(refused)) from None
    value = digest.hexdigest()
    if doc.signed_sha256 and value == doc.signed_sha256:
        return MATCH_SIGNED
    if doc.file_sha256 and value == doc.file_sha256:
        return MATCH_RENDERED
    return MATCH_NONE
