"""Files for upload tests, built in the test: a real minimal PDF (of an exact size when asked), PDFs that carry
JavaScript, launch actions or embedded files, and workbooks that carry macros, external links or a zip bomb.

The PDFs are written by hand (objects, then a correct cross-reference table) so the same call always gives the
same bytes, which the tests of a repeated upload rely on."""

import io
import zipfile

from openpyxl import Workbook

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an encrypted Office file or a legacy .xls
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

JS = b"<< /S /JavaScript /JS (app.alert\\('x'\\);) >>"


def pdf(
    *, size: int = 0, fill: str = "0", catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = ()
) -> bytes:
    """A one-page PDF that pypdf opens. `catalog` and `page` are written into those dictionaries, `objects`
    become objects 4, 5… With `size`, a comment line of `fill` pads the file to exactly that many bytes (when
    it is at least the unpadded size)."""
    base = _pdf(catalog, page, objects, b"")
    if size - len(base) < 2:
        return base
    padding = b"%" + fill.encode() * (size - len(base) - 2) + b"\n"
    return _pdf(catalog, page, objects, padding)


def _pdf(catalog: bytes, page: bytes, objects: tuple[bytes, ...], padding: bytes) -> bytes:
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b" >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n" + padding)
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


HOSTILE_PDFS = {
    # name: (bytes, the refusal's kind: "script" or "embedded")
    "javascript_name_tree": (
        pdf(catalog=b"/Names << /JavaScript 4 0 R >>", objects=(b"<< /Names [(a) 5 0 R] >>", JS)),
        "script",
    ),
    "open_action_javascript": (pdf(catalog=b"/OpenAction " + JS), "script"),
    "open_action_chained_javascript": (
        pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next " + JS + b" >>"),
        "script",
    ),
    "catalog_additional_action": (pdf(catalog=b"/AA << /WC " + JS + b" >>"), "script"),
    "page_open_javascript": (pdf(page=b"/AA << /O " + JS + b" >>"), "script"),
    "link_launching_a_program": (
        pdf(page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (calc.exe) >> >>]"),
        "script",
    ),
    "xfa_form": (pdf(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >>", objects=(b"<< >>",)), "script"),
    "embedded_files": (
        pdf(
            catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
            objects=(b"<< /Type /Filespec /F (a.exe) >>",),
        ),
        "embedded",
    ),
    "file_attachment_annotation": (
        pdf(
            page=b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 4 0 R >>]",
            objects=(b"<< /Type /Filespec /F (a.exe) >>",),
        ),
        "embedded",
    ),
}

# Active-looking but harmless: a link to a web address, an open action that only shows page 1.
HARMLESS_PDF = pdf(
    catalog=b"/OpenAction [3 0 R /Fit]",
    page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://example.vn/) >> >>]",
)


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- workbooks -------------------------------------------------------------------------------------


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, *, add: dict[str, bytes] | None = None, content_types: bytes = b"", replace=None) -> bytes:
    """`data` (an .xlsx) with parts added or replaced, and Override lines added to [Content_Types].xml."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if replace and info.filename in replace:
                body = replace[info.filename]
            if info.filename == "[Content_Types].xml" and content_types:
                body = body.replace(b"</Types>", content_types + b"</Types>")
            target.writestr(info.filename, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def xlsm(data: bytes) -> bytes:
    """Saved as a macro-enabled workbook: a VBA project and the macro-enabled main content type."""
    return rezip(
        data,
        add={"xl/vbaProject.bin": OLE},
        replace={
            "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(data))
            .read("[Content_Types].xml")
            .replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        },
        content_types=b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
    )


def with_external_link(data: bytes) -> bytes:
    link = (
        b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships"/></externalLink>'
    )
    return rezip(
        data,
        add={"xl/externalLinks/externalLink1.xml": link},
        content_types=b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>',
    )


def zip_bomb(data: bytes, unpacked: int) -> bytes:
    """`data` with one more part of `unpacked` spaces: a few kilobytes packed, `unpacked` bytes unpacked."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        with target.open("xl/media/filler.xml", "w") as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                part.write(chunk)
            part.write(b" " * (unpacked % len(chunk)))
    return out.getvalue()


def many_parts(data: bytes, count: int) -> bytes:
    return rezip(data, add={f"xl/media/p{n}.xml": b"<a/>" for n in range(count)})


def with_entity(data: bytes) -> bytes:
    """The first sheet declares an XML entity (the seed of "billion laughs") and uses it in a cell."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY x "AAAAAAAAAA">]>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>'
    )
    return rezip(data, replace={"xl/worksheets/sheet1.xml": sheet})


def docx_like() -> bytes:
    """A zip that is an Office file, but a document, not a workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'wordprocessingml.document.main+xml"/></Types>',
        )
        target.writestr("word/document.xml", b"<w:document/>")
    return out.getvalue()
