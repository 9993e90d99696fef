"""Digital signing of a generated PDF (PAdES B-B, pyHanko) by the head of the issuing unit.

The signer uploads a PKCS#12 file (.p12/.pfx) and its passphrase; both are read in memory for this one
signature and never stored. The visible signature sits on the signature block: the `sig-main` anchor
recorded at render (page and box in PDF points, origin bottom left) becomes pyHanko's `SigFieldSpec`.
Its appearance is a small page rendered by WeasyPrint (pyHanko's own text stamps space Vietnamese
letters wrongly, ECOSYSTEM-NOTES §9) and imported with `StaticStampStyle.from_pdf_file`.

A document without that anchor (the dossier pack, merged from other files) is signed as the organisation
signs a file (LAW.md (e) "Digital signature of the organisation"): top right of its first page, in the top
margin, showing the number and the signing time in ISO 8601 with Vietnam's offset, 10 pt, black.

Signing is the last write: the signed file is a new file (`signed_file`), the rendered one stays, and the
row keeps both hashes so the public verification page can tell which one it is shown.
"""

import datetime
import hashlib
import io
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import audited
from core.exceptions import ServiceError
from units.models import Unit
from units.rules import Cap, can

from . import registry, services
from .enums import DocumentStatus
from .models import GeneratedDocument
from .rendering import BASE_URL, _shared

logger = logging.getLogger("documents.audit")

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_P12_MAX_BYTES = 64 * 1024  # a PKCS#12 with a key and a chain of a few certificates is a few kB
ANCHOR = "sig-main"
# The box of a signature without an anchor (top right of page 1, inside the 20 mm top margin), in points.
# 48 pt holds four lines of 10 pt; 2 mm from the top edge it ends about 19 mm down, above the body.
ORGANISATION_BOX_SIZE = (200.0, 48.0)
ORGANISATION_BOX_RIGHT = 15 * 72 / 25.4  # the right margin (15 mm)
ORGANISATION_BOX_TOP = 2 * 72 / 25.4

ERROR_ALREADY_SIGNED = "Văn bản này đã được ký số; không ký lại."
ERROR_NOT_READY = "Văn bản chưa tạo xong hoặc không phải PDF: không ký được."
ERROR_STALE = "Dữ liệu đã thay đổi sau khi tạo văn bản này: hãy tạo lại văn bản rồi mới ký."
ERROR_NO_FILE = "Chưa chọn tệp chứng thư số (.p12 hoặc .pfx)."
ERROR_TOO_LARGE = "Tệp chứng thư số quá lớn (tối đa {limit} KB)."
ERROR_NOT_P12 = "Tệp tải lên không phải tệp chứng thư số PKCS#12 (.p12 hoặc .pfx)."
# bandit: a Vietnamese error message, not a password
ERROR_PASSPHRASE = "Sai mật khẩu của tệp chứng thư số."  # nosec B105
ERROR_EXPIRED = "Chứng thư số đã hết hạn hoặc chưa có hiệu lực (hiệu lực từ {start} đến {end})."
ERROR_FILE_MISSING = "Không đọc được tệp văn bản: hãy tạo lại văn bản."


def p12_max_bytes() -> int:
    """Upload limit of a PKCS#12 file (DOCUMENT_P12_MAX_BYTES, default 64 KB)."""
    return int(getattr(settings, "DOCUMENT_P12_MAX_BYTES", DEFAULT_P12_MAX_BYTES))


# --- who may sign -----------------------------------------------------------------------------------------


def _object_unit(obj) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    unit = getattr(obj, "unit", None)
    return unit if isinstance(unit, Unit) else None


def may_sign(user, doc: GeneratedDocument, obj, kind: registry.DocumentKind) -> bool:
    """The head of the issuing unit (SIGN on `doc.unit`, set from the builder's meta.unit_id); for a row
    without one, whoever may request the kind and holds SIGN on the object's own unit."""
    if doc.unit_id:
        return can(user, Cap.SIGN, doc.unit)
    unit = _object_unit(obj)
    return unit is not None and kind.may_request(user, obj) and can(user, Cap.SIGN, unit)


# --- the certificate -------------------------------------------------------------------------------------


@dataclass
class LoadedKey:
    signer: object  # pyhanko SimpleSigner
    name: str  # the certificate holder's common name


def p12_load(data: bytes, passphrase: str) -> LoadedKey:
    """Open a PKCS#12 in memory; ServiceError (Vietnamese) when it is not one, the passphrase is wrong or the
    certificate is not valid today."""
    from asn1crypto import pkcs12 as asn1_pkcs12
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    if not data:
        raise ServiceError(ERROR_NO_FILE)
    if len(data) > p12_max_bytes():
        raise ServiceError(ERROR_TOO_LARGE.format(limit=p12_max_bytes() // 1024))
    try:
        parsed = asn1_pkcs12.Pfx.load(data)
        parsed.native  # noqa: B018 - forces the full parse: a truncated or foreign file fails here
    except Exception:  # noqa: BLE001 - asn1crypto raises several types for bytes that are not DER
        raise ServiceError(ERROR_NOT_P12) from None
    try:
        key, cert, _others = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8") if passphrase else None)
    except Exception:  # noqa: BLE001 - cryptography says only "invalid password or PKCS12 data"
        raise ServiceError(ERROR_PASSPHRASE) from None
    if key is None or cert is None:
        raise ServiceError(ERROR_NOT_P12)
    now = timezone.now()
    if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
        raise ServiceError(
            ERROR_EXPIRED.format(
                start=cert.not_valid_before_utc.astimezone(VIETNAM).strftime("%d/%m/%Y"),
                end=cert.not_valid_after_utc.astimezone(VIETNAM).strftime("%d/%m/%Y"),
            )
        )
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    name = str(names[0].value) if names else cert.subject.rfc4514_string()
    signer = signers.SimpleSigner.load_pkcs12_data(
        data, other_certs=[], passphrase=passphrase.encode("utf-8") if passphrase else None
    )
    return LoadedKey(signer=signer, name=name)


# --- where and how it looks ------------------------------------------------------------------------------


@dataclass
class Placement:
    page: int  # 0-based
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points, origin bottom left
    organisation: bool  # no anchor: the organisation's signature, top right of page 1


def placement_for(doc: GeneratedDocument, pdf: bytes) -> Placement:
    anchor = (doc.anchors or {}).get(ANCHOR)
    if anchor and anchor.get("box"):
        return Placement(page=int(anchor["page"]), box=tuple(float(v) for v in anchor["box"]), organisation=False)
    from pypdf import PdfReader

    first = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    width, height = float(first.width), float(first.height)
    box_w, box_h = ORGANISATION_BOX_SIZE
    x2 = round(width - ORGANISATION_BOX_RIGHT, 2)
    y2 = round(height - ORGANISATION_BOX_TOP, 2)
    return Placement(page=0, box=(round(x2 - box_w, 2), round(y2 - box_h, 2), x2, y2), organisation=True)


def signing_time_text(moment: datetime.datetime) -> str:
    """ISO 8601 with Vietnam's offset, to the second: 2026-12-01T13:05:09+07:00."""
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def appearance_pdf(*, placement: Placement, name: str, unit_name: str, number: str, moment) -> bytes:
    """One page the size of the signature box with the signer, the time (and the unit, or the number for an
    organisation's signature), rendered by WeasyPrint in the bundled serif font."""
    from weasyprint import HTML

    x1, y1, x2, y2 = placement.box
    html = render_to_string(
        "documents/signature_stamp.html",
        {
            "width": round(x2 - x1, 2),
            "height": round(y2 - y1, 2),
            "organisation": placement.organisation,
            "name": name,
            "unit_name": unit_name,
            "number": number,
            "time": signing_time_text(moment),
            "css_url": "portal:/static/documents/signature.css",
        },
    )
    font_config, fetcher = _shared()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(font_config=font_config)


def pdf_sign(pdf: bytes, *, key: LoadedKey, placement: Placement, appearance: bytes, reason: str) -> bytes:
    """PAdES B-B signature of `pdf` in a new field on `placement`, showing `appearance`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    with tempfile.TemporaryDirectory(prefix="sign-") as folder:
        stamp_path = Path(folder) / "appearance.pdf"
        stamp_path.write_bytes(appearance)
        style = StaticStampStyle.from_pdf_file(
            str(stamp_path),
            border_width=0,
            background_opacity=1.0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID, margins=Margins.uniform(0)
            ),
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        field_name = "ChuKySo"
        fields.append_signature_field(
            writer, fields.SigFieldSpec(sig_field_name=field_name, on_page=placement.page, box=placement.box)
        )
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES, reason=reason, md_algorithm="sha256"
        )
        out = io.BytesIO()
        signers.PdfSigner(meta, signer=key.signer, stamp_style=style).sign_pdf(writer, output=out)
        return out.getvalue()


# --- the service -----------------------------------------------------------------------------------------


@audited
def document_sign(*, document: GeneratedDocument, by, p12: bytes, passphrase: str) -> GeneratedDocument:
    """Sign a ready, current PDF with the uploaded PKCS#12 (kept in memory only).

    Refuses (PermissionDenied) anyone but the issuing unit's head; refuses with a Vietnamese message a
    document already signed, not ready, not a PDF or stale (to be rendered again), and a file that is not a
    PKCS#12, a wrong passphrase or a certificate not valid today; nothing changes then.
    Side effects: the signed file (written atomically next to the rendered one); signed_* fields and
    signer_name; a history row of the document naming `by`; a line on the `documents.audit` logger."""
    kind = registry.get(document.kind)
    obj = document.obj
    if kind is None or obj is None:
        raise ServiceError(ERROR_NOT_READY)
    if not may_sign(by, document, obj, kind):
        raise PermissionDenied
    if document.status != DocumentStatus.READY or document.file_format != "pdf" or not document.file:
        raise ServiceError(ERROR_NOT_READY)
    if document.signed_file:
        raise ServiceError(ERROR_ALREADY_SIGNED)
    if services.document_is_stale(document):
        raise ServiceError(ERROR_STALE)
    key = p12_load(p12, passphrase)
    try:
        with document.file.open("rb") as handle:
            pdf = handle.read()
    except FileNotFoundError:
        raise ServiceError(ERROR_FILE_MISSING) from None
    if hashlib.sha256(pdf).hexdigest() != document.file_sha256:
        raise ServiceError(ERROR_FILE_MISSING)
    moment = timezone.now()
    placement = placement_for(document, pdf)
    unit_name = document.issuer or (document.unit.name if document.unit_id else "")
    appearance = appearance_pdf(
        placement=placement, name=key.name, unit_name=unit_name, number=document.number, moment=moment
    )
    signed = pdf_sign(pdf, key=key, placement=placement, appearance=appearance, reason=document.title[:200])
    name = f"documents/{document.kind}/{document.inputs_hash[:20]}-{document.pk}-signed.pdf"
    with transaction.atomic():
        locked = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.signed_file:
            raise ServiceError(ERROR_ALREADY_SIGNED)
        name = services.file_write_atomically(name, signed)
        locked.signed_file = name
        locked.signed_sha256 = hashlib.sha256(signed).hexdigest()
        locked.signed_at = moment
        locked.signed_by = by
        locked.signer_name = key.name[:255]
        locked.save(
            update_fields=["signed_file", "signed_sha256", "signed_at", "signed_by", "signer_name", "updated_at"]
        )
    logger.info(
        "document %s (%s %s) signed by user %s as %r at %s",
        locked.pk,
        locked.kind,
        locked.number or "-",
        getattr(by, "pk", None),
        key.name,
        signing_time_text(moment),
    )
    return locked
