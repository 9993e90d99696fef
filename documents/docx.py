"""DOCX of the same context as the PDF, for offices that edit before signing (python-docx).

python-docx escapes XML itself, so "PHÒNG GD&ĐT" stays whole (docxtpl without autoescape
silently drops what follows an ampersand: ECOSYSTEM-NOTES §9). Each kind's `docx(context)`
builds its body with these helpers; the layout follows the PDF (A4, margins, Times New Roman
metrics, letterhead table, signature block)."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"


def new_document(*, landscape: bool = False) -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(6)
    return document


def paragraph(
    document_or_cell, text: str = "", *, bold=False, italic=False, size=None, align=None, indent=False, caps=False
):
    p = document_or_cell.add_paragraph()
    if text:
        run = p.add_run(text.upper() if caps else text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "justify":
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    return p


def _cell_lines(cell, lines: list[tuple[str, dict]]) -> None:
    cell.paragraphs[0].text = ""
    first = True
    for text, fmt in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold = fmt.get("bold", False)
        run.italic = fmt.get("italic", False)
        run.font.size = Pt(fmt.get("size", 13))


def letterhead(document, head: dict) -> None:
    """The issuing body and motto blocks, then the number and the place-and-date line (`Letterhead.as_dict()`)."""
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left = [(head["parent_body"], {"size": 13})] if head.get("parent_body") else []
    left.append((head["issuer"], {"bold": True, "size": 13}))
    _cell_lines(table.cell(0, 0), left)
    _cell_lines(
        table.cell(0, 1), [(head["motto_country"], {"bold": True, "size": 13}), (head["motto"], {"bold": True})]
    )
    _cell_lines(table.cell(1, 0), [(head["number"], {"size": 13})])
    _cell_lines(table.cell(1, 1), [(head["place_date"], {"italic": True})])


def title(document, doc_type: str, excerpt: str = "") -> None:
    paragraph(document, doc_type, bold=True, align="center", caps=True)
    if excerpt:
        paragraph(document, excerpt, bold=True, align="center")


def addressees(document, lines: list[str]) -> None:
    if not lines:
        return
    p = paragraph(document, align="center")
    p.add_run("Kính gửi: ")
    p.add_run("\n".join(lines))


def bases(document, lines: list[str]) -> None:
    for line in lines:
        paragraph(document, line, italic=True, indent=True, align="justify")


def table(document, header: list[str], rows: list[list[str]], *, size: int = 12):
    t = document.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for i, text in enumerate(header):
        cell = t.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    for values in rows:
        cells = t.add_row().cells
        for i, text in enumerate(values):
            cells[i].text = ""
            run = cells[i].paragraphs[0].add_run(str(text))
            run.font.size = Pt(size)
    return t


def sign_area(document, receivers: list[str], signature: dict) -> None:
    t = document.add_table(rows=1, cols=2)
    left, right = t.rows[0].cells
    left.paragraphs[0].text = ""
    if receivers:
        run = left.paragraphs[0].add_run("Nơi nhận:")
        run.bold = run.italic = True
        run.font.size = Pt(12)
        for line in receivers:
            r = left.add_paragraph().add_run(line)
            r.font.size = Pt(11)
    lines = [(line, {"bold": True, "size": 14}) for line in signature.get("lines", [])]
    lines += [("", {}), ("", {}), ("", {}), (signature.get("name", ""), {"bold": True, "size": 14})]
    _cell_lines(right, lines)


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_of(data: bytes) -> str:
    """Every paragraph and table cell of a DOCX, one per line (tests)."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for t in document.tables:
        for row in t.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def signatures_two(document, left: dict, right: dict) -> None:
    """Two signers side by side (a biên bản: the secretary left, the chair right), `Signature.as_dict()` each."""
    t = document.add_table(rows=1, cols=2)
    for cell, signature in zip(t.rows[0].cells, (left, right), strict=True):
        lines = [(line, {"bold": True, "size": 14}) for line in signature.get("lines", [])]
        lines += [("", {}), ("", {}), ("", {}), (signature.get("name", ""), {"bold": True, "size": 14})]
        _cell_lines(cell, lines)
