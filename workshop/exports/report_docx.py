"""The committee report as a Word document (python-docx), from :mod:`report_data`.

Word builds the table of contents from the headings: the document holds a real TOC field and
asks Word to update its fields on opening; the footer numbers the pages with PAGE/NUMPAGES
fields. python-docx writes text as text, so cards that look like HTML or formulas stay text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from sqlalchemy.orm import Session

from ..models import Workshop
from .report_data import (
    Block,
    Bullets,
    Chart,
    Heading,
    PageBreak,
    Report,
    Table,
    Text,
    build_report,
)

#: Usable width of an A4 page with 2.5 cm margins.
TEXT_WIDTH = Cm(16)
MUTED = RGBColor(0x4A, 0x52, 0x5A)
TABLE_SIZE = Pt(9.5)
LANGUAGE_TAGS = {"de": "de-DE", "en": "en-GB"}
#: The settings that follow ``w:updateFields`` in the WordprocessingML schema.
SETTINGS_AFTER_UPDATE = {
    qn(f"w:{name}")
    for name in (
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    )
} | {qn("m:mathPr")}


def build_report_docx(session: Session, workshop: Workshop, language: str) -> bytes:
    """The report of ``workshop`` in ``language`` as DOCX bytes."""
    return render_docx(build_report(session, workshop, language))


def render_docx(report: Report) -> bytes:
    """Lay out a collected report as a Word document."""
    document = Document()
    _set_up(document, report)
    _title_page(document, report)
    _contents(document, report)
    leading = _chart_introductions(report.blocks)
    for index, block in enumerate(report.blocks):
        _block(document, block)
        if index in leading:
            # The heading and lines that introduce a chart stay on its page.
            document.paragraphs[-1].paragraph_format.keep_with_next = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _chart_introductions(blocks: Sequence[Block]) -> set[int]:
    """The indexes of the headings and lines right before a chart."""
    kept: set[int] = set()
    introduces = False
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if isinstance(block, Chart):
            introduces = True
        elif isinstance(block, Heading | Text) and introduces:
            kept.add(index)
        else:
            introduces = False
    return kept


def _set_up(document: DocxDocument, report: Report) -> None:
    """A4 page, fonts, language, metadata, and the footer with page numbers."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    # The title page has no page number: Word's "different first page".
    section.different_first_page_header_footer = True
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE_TAGS.get(report.language, report.language))
    normal.element.get_or_add_rPr().append(language)
    for level, size in ((1, 16), (2, 13), (3, 11.5)):
        heading = styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.font.color.rgb = RGBColor(0x0B, 0x3F, 0x86)
    properties = document.core_properties
    properties.title = report.title
    properties.subject = report.kind
    properties.language = LANGUAGE_TAGS.get(report.language, report.language)
    properties.author = ""
    properties.comments = ""
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, rest = report.page_label.partition("{page}")
    between, _, after = rest.partition("{total}")
    footer.add_run(before)
    _field(footer, "PAGE", "1")
    footer.add_run(between)
    _field(footer, "NUMPAGES", "1")
    footer.add_run(after)
    _ask_to_update_fields(document)


def _ask_to_update_fields(document: DocxDocument) -> None:
    """Ask Word to refresh the TOC and page fields when the document opens.

    Word rejects settings out of the schema's order: ``updateFields`` goes before these.
    """
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings = document.settings.element
    later = next((child for child in settings if child.tag in SETTINGS_AFTER_UPDATE), None)
    if later is None:
        settings.append(update)
    else:
        later.addprevious(update)


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES, TOC …) with the text shown until Word updates it."""
    parts = [("begin", None), ("instr", instruction), ("separate", None)]
    for kind, value in parts:
        run = paragraph.add_run()
        if kind == "instr":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {value} "
            run._r.append(text)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _title_page(document: DocxDocument, report: Report) -> None:
    for _ in range(6):
        document.add_paragraph()
    kind = document.add_paragraph()
    run = kind.add_run(report.kind)
    run.font.size = Pt(16)
    run.font.color.rgb = MUTED
    title = document.add_paragraph(style="Title")
    title.add_run(report.title)
    for label, value in report.facts:
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    if report.description:
        document.add_paragraph()
        _lines(document.add_paragraph(), report.description)


def _contents(document: DocxDocument, report: Report) -> None:
    """The table of contents on its own page: a TOC field over heading levels 1–2."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph(report.contents_title, style="TOC Heading")
    _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', " ")
    note = document.add_paragraph()
    run = note.add_run(report.contents_note)
    run.italic = True
    run.font.size = Pt(9)
    run.font.color.rgb = MUTED
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _lines(paragraph: Paragraph, text: str) -> None:
    """Text with its line breaks kept."""
    # python-docx turns "\n" in run text into line breaks.
    paragraph.add_run(text)


def _block(document: DocxDocument, block: Block) -> None:
    if isinstance(block, Heading):
        document.add_heading(block.text, level=block.level)
    elif isinstance(block, Text):
        paragraph = document.add_paragraph()
        if block.label:
            paragraph.add_run(block.label + " ").bold = True
        _lines(paragraph, block.text)
        if block.style == "note":
            for run in paragraph.runs:
                run.italic = True
                run.font.size = Pt(9.5)
                run.font.color.rgb = MUTED
        elif block.style == "quote":
            paragraph.paragraph_format.left_indent = Cm(0.8)
    elif isinstance(block, Bullets):
        for item in block.items:
            _lines(document.add_paragraph(style="List Bullet"), item)
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Chart):
        document.add_picture(io.BytesIO(block.png), width=TEXT_WIDTH)
        caption = document.add_paragraph(style="Caption")
        caption.add_run(block.caption)
    elif isinstance(block, PageBreak):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _table(document: DocxDocument, block: Table) -> None:
    """A grid table whose header row repeats on every page it runs over."""
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(block.widths)
    widths = [int(TEXT_WIDTH * w / total) for w in block.widths]
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, text, width in zip(header.cells, block.header, widths, strict=True):
        cell.width = width
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = TABLE_SIZE
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), "E8F1FC")
        cell._tc.get_or_add_tcPr().append(shade)
    for values in block.rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].add_run(text).font.size = TABLE_SIZE
    document.add_paragraph()
