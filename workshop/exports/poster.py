"""Printable join material: an A4 poster and an A4 sheet of table tent cards.

This module owns the print layout of the join link: where the headline, the workshop title,
the QR code, the URL and the join code go on the page, and how texts shrink to fit. It draws
the QR code as vector rectangles from :func:`workshop.exports.qr.qr_matrix`, so it stays sharp
in print. Texts arrive already translated; nothing here knows about Flask or requests.

Only reportlab's built-in Helvetica fonts are used. They cover WinAnsi, which includes the
German umlauts, "ß", the en dash "–" and the middle dot "·".
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm, mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from workshop.exports.qr import qr_matrix

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"
LEADING = 1.2  # line height as a multiple of the font size
DESCENT = 0.25  # room below the baseline inside a line, as a multiple of the font size
CODE_SPACING = 0.15  # letter spacing of the join code, as a multiple of its font size
ELLIPSIS = "…"

# Poster (A4 portrait)
POSTER_MARGIN_X = 15 * mm  # for text; the QR code may reach into it with its white quiet zone
POSTER_MARGIN_Y = 12 * mm
POSTER_QR_MIN = 14.5 * cm  # the QR code including its quiet zone never gets smaller than this
POSTER_QR_MAX = 19 * cm
POSTER_TITLE_MAX_HEIGHT = 3 * 24 * LEADING  # three lines at the largest title size
# Table cards (A4 landscape, folded along the horizontal middle)
CARD_MARGIN = 10 * mm
CARD_QR = 7.6 * cm  # including the quiet zone; the dark part is about 6 cm


@dataclass(frozen=True)
class JoinMaterial:
    """Everything printed on the join material; labels are already translated."""

    title: str
    join_url: str
    join_code: str
    date_place: str
    labels: Mapping[str, str]  # keys: headline, scan, or_open, code, no_app


def render_poster(material: JoinMaterial, *, compress: bool = True) -> bytes:
    """One A4 portrait page to hang up at the venue.

    From top to bottom: headline, title, date and place, a big QR code (at least 14.5 cm
    including its quiet zone), the scan hint, the URL and the code in large type, and the
    line that no account or app is needed. ``compress=False`` writes an uncompressed,
    reproducible PDF (for tests).
    """
    page_width, page_height = A4
    width = page_width - 2 * POSTER_MARGIN_X
    center = page_width / 2
    label = material.labels.get

    url = _line(material.join_url, BOLD, 28, width)
    below_qr: list[tuple[float, _Item]] = [
        (0, _line(label("scan", ""), REGULAR, 17, width)),
        (4 * mm, _line(label("or_open", ""), REGULAR, 15, width)),
        (0.5 * mm, url),
        (3 * mm, _code_line(label("code", ""), material.join_code, 20, 44, width)),
        (4 * mm, _line(label("no_app", ""), REGULAR, 14, width)),
    ]
    headline = _line(label("headline", ""), BOLD, 40, width)
    date_place = _line(material.date_place, REGULAR, 16, width)
    title_gap, date_gap = 3 * mm, 2 * mm
    title_room = min(
        POSTER_TITLE_MAX_HEIGHT,
        page_height
        - 2 * POSTER_MARGIN_Y
        - POSTER_QR_MIN
        - _stack_height([(0, headline), (date_gap, date_place), *below_qr])
        - title_gap,
    )
    title = _wrapped(material.title, BOLD, width, title_room, max_size=24, min_size=8)
    above_qr = [(0, headline), (title_gap, title), (date_gap, date_place)]

    buffer = io.BytesIO()
    canvas = _canvas(buffer, A4, material, compress)
    band_top = _draw_stack(canvas, above_qr, center, page_height - POSTER_MARGIN_Y, centered=True)
    band_bottom = POSTER_MARGIN_Y + _stack_height(below_qr)
    qr_size = min(POSTER_QR_MAX, band_top - band_bottom)
    qr_bottom = band_bottom + (band_top - band_bottom - qr_size) / 2
    _draw_qr(canvas, material.join_url, center - qr_size / 2, qr_bottom, qr_size)
    _draw_stack(canvas, below_qr, center, band_bottom, centered=True)
    if url.height:  # make the URL clickable when the PDF is shared instead of printed
        url_top = band_bottom - _stack_height(below_qr[:3]) + url.height
        half = url.width / 2
        canvas.linkURL(
            material.join_url,
            (center - half, url_top - url.height, center + half, url_top),
            relative=0,
        )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_table_cards(material: JoinMaterial, *, compress: bool = True) -> bytes:
    """One A4 landscape page that folds into a tent card (Tischaufsteller) for the tables.

    The page is folded along its horizontal middle (a light dashed line). Each half shows the
    QR code (about 6 cm), the title, the code and the URL; the upper half is rotated by 180°
    so that both sides read upright when the folded card stands on a table.
    ``compress=False`` writes an uncompressed, reproducible PDF (for tests).
    """
    page_width, page_height = landscape(A4)
    face_height = page_height / 2

    buffer = io.BytesIO()
    canvas = _canvas(buffer, landscape(A4), material, compress)
    _draw_card_face(canvas, material, page_width, face_height)
    canvas.saveState()
    canvas.translate(page_width, page_height)
    canvas.rotate(180)
    _draw_card_face(canvas, material, page_width, face_height)
    canvas.restoreState()
    _draw_fold_line(canvas, page_width, face_height)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# -- layout primitives -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """Lines of text in one font and size; a line is LEADING times the size high."""

    lines: tuple[str, ...]
    font: str
    size: float
    char_space: float = 0.0

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING

    @property
    def width(self) -> float:
        return max(
            (_width(line, self.font, self.size, self.char_space) for line in self.lines),
            default=0.0,
        )

    def draw(self, canvas: Canvas, x: float, top: float, *, centered: bool) -> None:
        canvas.setFont(self.font, self.size)
        for index, line in enumerate(self.lines):
            baseline = top - (index + 1) * self.size * LEADING + DESCENT * self.size
            line_width = _width(line, self.font, self.size, self.char_space)
            left = x - line_width / 2 if centered else x
            canvas.drawString(left, baseline, line, charSpace=self.char_space)


@dataclass(frozen=True)
class _CodeLine:
    """The label "Code" and the join code on one baseline, the code big and letter-spaced."""

    label: _Text
    code: _Text
    gap: float

    @property
    def height(self) -> float:
        return self.code.height

    @property
    def width(self) -> float:
        if not self.label.lines:
            return self.code.width
        return self.label.width + self.gap + self.code.width

    def draw(self, canvas: Canvas, x: float, top: float, *, centered: bool) -> None:
        left = x - self.width / 2 if centered else x
        # Put both on the code's baseline: shift the label's line box down accordingly.
        label_top = top - (self.code.size - self.label.size) * (LEADING - DESCENT)
        if self.label.lines:
            self.label.draw(canvas, left, label_top, centered=False)
            left += self.label.width + self.gap
        self.code.draw(canvas, left, top, centered=False)


_Item = _Text | _CodeLine


def _width(text: str, font: str, size: float, char_space: float = 0.0) -> float:
    """Advance width of one line; char spacing counts between characters only."""
    return stringWidth(text, font, size) + char_space * max(len(text) - 1, 0)


def _line(text: str, font: str, max_size: float, width: float) -> _Text:
    """One line at ``max_size``, or smaller so that it fits ``width``."""
    text = " ".join(text.split())
    if not text:
        return _Text((), font, max_size)
    natural = _width(text, font, 1.0)
    return _Text((text,), font, min(max_size, width / natural) if natural else max_size)


def _code_line(
    label: str, code: str, label_size: float, code_size: float, width: float
) -> _CodeLine:
    """The code line at the given sizes, scaled down as a whole if it is wider than ``width``."""
    label = " ".join(label.split())
    line = _CodeLine(
        label=_Text((label,) if label else (), REGULAR, label_size),
        code=_Text((code,) if code else (), BOLD, code_size, CODE_SPACING * code_size),
        gap=0.5 * label_size,
    )
    scale = min(1.0, width / line.width) if line.width else 1.0
    return _CodeLine(
        label=_Text(line.label.lines, REGULAR, label_size * scale),
        code=_Text(line.code.lines, BOLD, code_size * scale, CODE_SPACING * code_size * scale),
        gap=line.gap * scale,
    )


def _wrapped(
    text: str, font: str, width: float, max_height: float, *, max_size: float, min_size: float
) -> _Text:
    """Wrap ``text`` to ``width`` at the largest size from ``max_size`` down to ``min_size``
    whose lines fit ``max_height``; at ``min_size`` cut the text off with an ellipsis."""
    text = " ".join(text.split())
    if not text:
        return _Text((), font, max_size)
    size = max_size
    while True:
        lines = _wrap(text, font, size, width)
        if len(lines) * size * LEADING <= max_height:
            return _Text(tuple(lines), font, size)
        if size <= min_size:
            break
        size = max(min_size, size - 0.5)
    max_lines = max(1, int(max_height // (size * LEADING)))
    return _Text(_cut(lines, max_lines, font, size, width), font, size)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break at spaces; words that are wider than a line on their own are broken anywhere."""
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width):
        lines.extend(_break_word(line, font, size, width))
    return lines


def _break_word(line: str, font: str, size: float, width: float) -> Iterable[str]:
    """Split a line that is too wide into pieces that fit (at least one character each)."""
    while len(line) > 1 and _width(line, font, size) > width:
        cut = 1
        while cut < len(line) and _width(line[: cut + 1], font, size) <= width:
            cut += 1
        yield line[:cut]
        line = line[cut:]
    yield line


def _cut(
    lines: Sequence[str], max_lines: int, font: str, size: float, width: float
) -> tuple[str, ...]:
    """The first ``max_lines`` lines, the last one ending in an ellipsis if text was dropped."""
    if len(lines) <= max_lines:
        return tuple(lines)
    last = lines[max_lines - 1].rstrip()
    while last and _width(last + ELLIPSIS, font, size) > width:
        last = last[:-1].rstrip()
    return (*lines[: max_lines - 1], last + ELLIPSIS)


def _stack_height(items: Sequence[tuple[float, _Item]]) -> float:
    """Height of items drawn one below the other; the gap before an empty item is dropped."""
    return sum(gap + item.height for gap, item in items if item.height)


def _draw_stack(
    canvas: Canvas, items: Sequence[tuple[float, _Item]], x: float, top: float, *, centered: bool
) -> float:
    """Draw items downwards from ``top``; returns the y where the last item ends."""
    for gap, item in items:
        if not item.height:
            continue
        top -= gap
        item.draw(canvas, x, top, centered=centered)
        top -= item.height
    return top


# -- drawing ----------------------------------------------------------------------------------


def _canvas(
    buffer: io.BytesIO, pagesize: tuple[float, float], material: JoinMaterial, compress: bool
) -> Canvas:
    """A canvas with the PDF metadata set; uncompressed and invariant when not compressing."""
    canvas = Canvas(
        buffer,
        pagesize=pagesize,
        pageCompression=1 if compress else 0,
        invariant=0 if compress else 1,
    )
    canvas.setTitle(material.title)
    canvas.setSubject(material.join_url)
    canvas.setCreator("workshop")
    canvas.setFillGray(0)
    return canvas


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code as black vector rectangles, one per dark run of a row, in a single path.

    ``x``/``y`` is the lower left corner of the quiet zone; ``size`` includes it. Filling all
    runs as one path avoids hairline seams between neighbouring rows in PDF viewers.
    """
    matrix = qr_matrix(data)
    module = size / len(matrix)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        row_y = y + size - (row_index + 1) * module
        for start, length in _dark_runs(row):
            path.rect(x + start * module, row_y, length * module, module)
    canvas.saveState()
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _dark_runs(row: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, dark in enumerate((*row, False)):
        if dark and start is None:
            start = index
        elif not dark and start is not None:
            runs.append((start, index - start))
            start = None
    return runs


def _draw_card_face(canvas: Canvas, material: JoinMaterial, width: float, height: float) -> None:
    """One side of the tent card in the rectangle (0, 0)–(width, height); the fold is on top."""
    label = material.labels.get
    qr_x = CARD_MARGIN
    qr_y = (height - CARD_QR) / 2
    _draw_qr(canvas, material.join_url, qr_x, qr_y, CARD_QR)

    text_x = qr_x + CARD_QR  # the quiet zone of the QR code is the gap
    text_width = width - text_x - 2 * CARD_MARGIN
    fixed: list[tuple[float, _Item]] = [
        (0, _line(label("headline", ""), BOLD, 22, text_width)),
        (3 * mm, _line(material.date_place, REGULAR, 13, text_width)),
        (5 * mm, _code_line(label("code", ""), material.join_code, 15, 34, text_width)),
        (4 * mm, _line(label("or_open", ""), REGULAR, 12, text_width)),
        (0.5 * mm, _line(material.join_url, BOLD, 18, text_width)),
        (4 * mm, _line(label("no_app", ""), REGULAR, 11, text_width)),
    ]
    title_gap = 2 * mm
    title_room = height - 2 * CARD_MARGIN - _stack_height(fixed) - title_gap
    title = _wrapped(material.title, BOLD, text_width, title_room, max_size=20, min_size=8)
    items = [fixed[0], (title_gap, title), *fixed[1:]]
    top = (height + _stack_height(items)) / 2
    _draw_stack(canvas, items, text_x, top, centered=False)


def _draw_fold_line(canvas: Canvas, width: float, y: float) -> None:
    """A light grey dashed line across the page where it is folded."""
    canvas.saveState()
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.5)
    canvas.setDash(4, 4)
    canvas.line(5 * mm, y, width - 5 * mm, y)
    canvas.restoreState()
