"""The committee report as a PDF (reportlab platypus), from :mod:`report_data`.

A4 with a title page, a table of contents with page numbers (built in several passes), PDF
bookmarks for every heading, and "Seite n von m" in the footer of every page after the title.
The text font is Bitstream Vera, which ships inside reportlab: umlauts, "ß", dashes and quotes
need no system font. Every user text is escaped before it reaches reportlab's paragraph markup,
so a card reading ``<b>not bold</b>`` is printed as it was typed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import PageBreak as PdfPageBreak
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.tableofcontents import TableOfContents
from sqlalchemy.orm import Session

from ..models import Workshop
from .charts import FONT_FILES
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

FONT = "ReportSans"
FONT_BOLD = "ReportSans-Bold"
FONT_ITALIC = "ReportSans-Italic"
FONT_BOLD_ITALIC = "ReportSans-BoldItalic"
MARGIN = 2.5 * cm
INK = colors.HexColor("#14171a")
MUTED = colors.HexColor("#4a525a")
ACCENT = colors.HexColor("#0b3f86")
HEADER_FILL = colors.HexColor("#e8f1fc")
GRID = colors.HexColor("#9aa3ab")


def build_report_pdf(session: Session, workshop: Workshop, language: str) -> bytes:
    """The report of ``workshop`` in ``language`` as PDF bytes."""
    return render_pdf(build_report(session, workshop, language))


def render_pdf(report: Report) -> bytes:
    """Lay out a collected report as a PDF; passes repeat until the contents' pages settle."""
    _register_fonts()
    _cover_missing_glyphs(report)
    styles = _styles()
    buffer = io.BytesIO()
    document = _Document(buffer, report)
    story: list[Flowable] = _title_page(report, styles)
    contents = TableOfContents(dotsMinLevel=0)
    contents.levelStyles = [styles["toc1"], styles["toc2"]]
    story += [Paragraph(escape(report.contents_title), styles["title2"]), contents, PdfPageBreak()]
    story += _flowables(report.blocks, styles)
    document.multiBuild(story, canvasmaker=_numbered_canvas(report))
    return buffer.getvalue()


def _register_fonts() -> None:
    """Register the report fonts once per process (reportlab keeps a global registry)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    faces = {
        FONT: "regular",
        FONT_BOLD: "bold",
        FONT_ITALIC: "italic",
        FONT_BOLD_ITALIC: "bold_italic",
    }
    for name, face in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_FILES[face])))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )


def _cover_missing_glyphs(report: Report) -> None:
    """Let characters the font lacks (emoji, CJK …) through as text.

    reportlab writes a character missing from the font as code 0, so it is lost to copy and
    paste and to screen readers. Mapping it to the font's "missing glyph" keeps the character
    in the PDF's text (it prints as a box), and the fixed ToUnicode map below names it.
    """
    characters = {ord(char) for text in _texts(report) for char in text}
    for name in (FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC):
        glyphs = pdfmetrics.getFont(name).face.charToGlyph
        for code in characters:
            glyphs.setdefault(code, 0)


def _texts(report: Report) -> Iterator[str]:
    """Every text the PDF prints."""
    yield from (report.kind, report.title, report.description, report.contents_title)
    yield report.page_label
    for label, value in report.facts:
        yield from (label, value)
    for block in report.blocks:
        if isinstance(block, Heading):
            yield block.text
        elif isinstance(block, Text):
            yield from (block.label, block.text)
        elif isinstance(block, Bullets):
            yield from block.items
        elif isinstance(block, Table):
            yield from block.header
            for row in block.rows:
                yield from row
        elif isinstance(block, Chart):
            yield block.caption


_reportlab_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode map, with characters beyond U+FFFF written as UTF-16 pairs.

    reportlab writes them as five hex digits, which PDF readers reject; emoji would be lost.
    """

    def pair(found: re.Match[str]) -> str:
        encoded = chr(int(found.group(2), 16)).encode("utf-16-be").hex().upper()
        return f"{found.group(1)} <{encoded}>"

    return re.sub(
        r"^(<[0-9A-F]{2}>) <([0-9A-F]{5,6})>$",
        pair,
        _reportlab_to_unicode(fontname, subset),
        flags=re.MULTILINE,
    )


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=5, textColor=INK
    )
    return {
        "body": body,
        "note": ParagraphStyle(
            "note", parent=body, fontName=FONT_ITALIC, fontSize=9, leading=12.5, textColor=MUTED
        ),
        "quote": ParagraphStyle(
            "quote",
            parent=body,
            leftIndent=0.8 * cm,
            borderPadding=(2, 0, 2, 6),
            borderColor=ACCENT,
            borderWidth=0,
            spaceBefore=2,
        ),
        "bullet": ParagraphStyle(
            "bullet", parent=body, leftIndent=0.6 * cm, bulletIndent=0.15 * cm, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=12.5, spaceAfter=0),
        "head": ParagraphStyle(
            "head", parent=body, fontName=FONT_BOLD, fontSize=8.5, leading=11, spaceAfter=0
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=body,
            fontName=FONT_ITALIC,
            fontSize=9,
            textColor=MUTED,
            alignment=TA_CENTER,
            spaceAfter=10,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=17,
            leading=22,
            spaceBefore=4,
            spaceAfter=10,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=17,
            spaceBefore=12,
            spaceAfter=6,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "kind": ParagraphStyle("kind", parent=body, fontSize=16, leading=20, textColor=MUTED),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=26,
            leading=32,
            spaceBefore=8,
            spaceAfter=18,
            textColor=INK,
        ),
        "title2": ParagraphStyle(
            "title2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=17,
            leading=22,
            spaceAfter=12,
            textColor=ACCENT,
        ),
        "toc1": ParagraphStyle(
            "toc1", parent=body, fontName=FONT_BOLD, fontSize=11, leading=15, spaceBefore=5
        ),
        "toc2": ParagraphStyle(
            "toc2", parent=body, fontSize=10, leading=13, leftIndent=0.7 * cm, spaceAfter=1
        ),
    }


def markup(text: str) -> str:
    """User text as reportlab paragraph markup: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def _title_page(report: Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 5 * cm),
        Paragraph(markup(report.kind), styles["kind"]),
        Paragraph(markup(report.title), styles["title"]),
    ]
    for label, value in report.facts:
        story.append(Paragraph(f"<b>{markup(label)}:</b> {markup(value)}", styles["body"]))
    if report.description:
        story += [Spacer(1, 0.6 * cm), Paragraph(markup(report.description), styles["body"])]
    story += [NextPageTemplate("body"), PdfPageBreak()]
    return story


def _flowables(blocks: Iterable[Block], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The body; a chart stays on one page with the heading and lines that introduce it."""
    story: list[Flowable] = []
    pending: list[Flowable] = []
    for block in blocks:
        made = _block(block, styles)
        if isinstance(block, Heading | Text):
            pending += made
        elif isinstance(block, Chart):
            story.append(KeepTogether([*pending, *made]))
            pending = []
        else:
            story += [*pending, *made]
            pending = []
    return story + pending


def _block(block: Block, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    if isinstance(block, Heading):
        heading = Paragraph(markup(block.text), styles[f"h{block.level}"])
        heading.toc_level = block.level - 1  # type: ignore[attr-defined]
        return [heading]
    if isinstance(block, Text):
        label = f"<b>{markup(block.label)}</b> " if block.label else ""
        return [Paragraph(label + markup(block.text), styles[block.style])]
    if isinstance(block, Bullets):
        return [Paragraph(markup(item), styles["bullet"], bulletText="•") for item in block.items]
    if isinstance(block, Table):
        return [_table(block, styles), Spacer(1, 0.35 * cm)]
    if isinstance(block, Chart):
        width = A4[0] - 2 * MARGIN
        image = Image(io.BytesIO(block.png), width=width, height=width * block.height / block.width)
        return [KeepTogether([image, Paragraph(markup(block.caption), styles["caption"])])]
    if isinstance(block, PageBreak):
        return [PdfPageBreak()]
    raise TypeError(block)


def _table(block: Table, styles: dict[str, ParagraphStyle]) -> PdfTable:
    """A grid table with a shaded header row that repeats on every page it runs over."""
    width = A4[0] - 2 * MARGIN
    total = sum(block.widths)
    rows = [[Paragraph(markup(text), styles["head"]) for text in block.header]]
    rows += [[Paragraph(markup(text), styles["cell"]) for text in row] for row in block.rows]
    table = PdfTable(rows, colWidths=[width * w / total for w in block.widths], repeatRows=1)
    table.setStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    return table


class _Document(BaseDocTemplate):
    """A4 pages; headings feed the table of contents and the PDF bookmarks."""

    def __init__(self, buffer: io.BytesIO, report: Report) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=2.2 * cm,
            title=report.title,
            subject=report.kind,
            author="",
            creator="workshop",
            lang={"de": "de-DE", "en": "en-GB"}.get(report.language, report.language),
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="text")
        self.addPageTemplates([PageTemplate("title", [frame]), PageTemplate("body", [frame])])
        self._headings = 0
        self._outline_level = -1

    def afterFlowable(self, flowable: Flowable) -> None:
        level = getattr(flowable, "toc_level", None)
        if level is None:
            return
        # Bookmark levels may only go one deeper at a time.
        level = min(level, self._outline_level + 1)
        self._outline_level = level
        self._headings += 1
        key = f"h{self._headings}"
        text = flowable.getPlainText()  # type: ignore[attr-defined]
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        if level < 2:
            self.notify("TOCEntry", (level, escape(text), self.page, key))

    def handle_documentBegin(self) -> None:
        self._headings = 0
        self._outline_level = -1
        super().handle_documentBegin()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _numbered_canvas(report: Report) -> type[Canvas]:
    """A canvas class that holds its pages back until it knows how many there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, _height = A4
            self.saveState()
            self.setFont(FONT, 8.5)
            self.setFillColor(MUTED)
            label = report.page_label.format(page=self._pageNumber, total=total)
            self.drawCentredString(width / 2, 1.2 * cm, label)
            header = _fit(f"{report.title} · {report.kind}", FONT, 8.5, width - 2 * MARGIN)
            self.drawString(MARGIN, A4[1] - 1.4 * cm, header)
            self.setStrokeColor(GRID)
            self.setLineWidth(0.4)
            self.line(MARGIN, A4[1] - 1.6 * cm, width - MARGIN, A4[1] - 1.6 * cm)
            self.restoreState()

    return NumberedCanvas
