"""The printable join material: one A4 page each, searchable text, a vector QR code, no overlap."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from workshop.exports.poster import (
    JoinMaterial,
    _wrapped,
    render_poster,
    render_table_cards,
)
from workshop.exports.qr import qr_matrix

URL = "http://192.168.178.23:5000/j/K7TQ3M"
CODE = "K7TQ3M"
SAMPLE_TITLE = "Strategieklausur Lenkungskreis KAoA Bochum – Zwischenbilanz und Ziele 2026"
LABELS = {
    "headline": "Jetzt mitmachen",
    "scan": "QR-Code mit der Handykamera scannen",
    "or_open": "oder im Browser öffnen:",
    "code": "Code",
    "no_app": "Ohne Konto, ohne App. Anonym möglich.",
}
A4_PORTRAIT = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
A4_LANDSCAPE = b"/MediaBox [ 0 0 841.8898 595.2756 ]"
PORTRAIT = (595.2756, 841.8898)
LANDSCAPE = (841.8898, 595.2756)

LONG_TITLES = {
    "words": ("Übergänge gestalten – Maßnahmen · Größe " * 10)[:200],
    "no_spaces": "Ä" + "x" * 199,
    "wide": "W" * 200,
}


def material(title: str = SAMPLE_TITLE, url: str = URL, date_place: str = "") -> JoinMaterial:
    return JoinMaterial(
        title=title,
        join_url=url,
        join_code=CODE,
        date_place=date_place or "27.11.2026 · Rathaus Bochum",
        labels=LABELS,
    )


RENDERERS = [
    pytest.param(render_poster, A4_PORTRAIT, id="poster"),
    pytest.param(render_table_cards, A4_LANDSCAPE, id="table_cards"),
]


# -- reading the uncompressed PDF ---------------------------------------------------------------


@dataclass(frozen=True)
class TextRun:
    text: str
    font: str
    size: float
    x: float
    y: float
    char_space: float

    @property
    def right(self) -> float:
        width = stringWidth(self.text, self.font, self.size)
        return self.x + width + self.char_space * (len(self.text) - 1)

    @property
    def bottom(self) -> float:
        return self.y - 0.21 * self.size  # Helvetica's descender

    @property
    def top(self) -> float:
        return self.y + 0.93 * self.size  # capital letters with umlaut dots


def content_stream(pdf: bytes) -> bytes:
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    assert len(streams) == 1, "expected one uncompressed content stream"
    return streams[0]


def pdf_literal(text: str) -> bytes:
    """How reportlab writes ``text`` in a standard font: WinAnsi, octal escapes beyond ASCII."""
    out = bytearray()
    for byte in text.encode("cp1252"):
        if byte > 126:
            out += b"\\%03o" % byte
        elif chr(byte) in "()\\":
            out += b"\\" + bytes([byte])
        else:
            out.append(byte)
    return bytes(out)


def unescape(literal: bytes) -> str:
    raw = re.sub(rb"\\([0-7]{3}|.)", lambda m: _unescape_one(m.group(1)), literal)
    return raw.decode("cp1252")


def _unescape_one(escaped: bytes) -> bytes:
    return bytes([int(escaped, 8)]) if len(escaped) == 3 else escaped


def fonts(pdf: bytes) -> dict[str, str]:
    found = re.findall(rb"/BaseFont /([\w-]+) /Encoding /WinAnsiEncoding /Name /(F\d+)", pdf)
    return {name.decode(): base.decode() for base, name in found}


def text_runs(pdf: bytes, stream: bytes) -> list[TextRun]:
    names = fonts(pdf)
    runs: list[TextRun] = []
    font, size = "Helvetica", 12.0
    pattern = re.compile(
        rb"/(F\d+) ([\d.]+) Tf"
        rb"|1 0 0 1 ([\d.-]+) ([\d.-]+) Tm (?:([\d.]+) Tc )?\(((?:[^\\)]|\\.)*)\) Tj"
    )
    for match in pattern.finditer(stream):
        if match.group(1):
            font, size = names[match.group(1).decode()], float(match.group(2))
            continue
        runs.append(
            TextRun(
                text=unescape(match.group(6)),
                font=font,
                size=size,
                x=float(match.group(3)),
                y=float(match.group(4)),
                char_space=float(match.group(5) or 0),
            )
        )
    return runs


def rects(stream: bytes) -> list[tuple[float, float, float, float]]:
    found = re.findall(rb"([\d.-]+) ([\d.-]+) ([\d.-]+) ([\d.-]+) re", stream)
    return [tuple(float(v) for v in row) for row in found]


def qr_box(stream: bytes) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of the QR code including its 4-module quiet zone."""
    found = rects(stream)
    module = min(h for _, _, _, h in found)
    left = min(x for x, _, _, _ in found) - 4 * module
    bottom = min(y for _, y, _, _ in found) - 4 * module
    right = max(x + w for x, _, w, _ in found) + 4 * module
    top = max(y + h for _, y, _, h in found) + 4 * module
    return left, bottom, right, top


def dark_runs(data: str) -> int:
    count = 0
    for row in qr_matrix(data):
        count += sum(1 for i, dark in enumerate(row) if dark and (i == 0 or not row[i - 1]))
    return count


# -- both renderers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("render", "mediabox"), RENDERERS)
def test_renders_one_a4_page(render, mediabox):
    for compress in (True, False):
        pdf = render(material(), compress=compress)
        assert isinstance(pdf, bytes)
        assert pdf.startswith(b"%PDF")
        assert re.findall(rb"/Count (\d+)", pdf) == [b"1"]
        assert pdf.count(b"/MediaBox") == 1
        assert mediabox in pdf


@pytest.mark.parametrize(("render", "mediabox"), RENDERERS)
def test_url_and_code_are_in_the_text(render, mediabox):
    stream = content_stream(render(material(), compress=False))
    assert b"(" + pdf_literal(URL) + b")" in stream
    assert b"(" + pdf_literal(CODE) + b")" in stream


@pytest.mark.parametrize(("render", "mediabox"), RENDERERS)
def test_german_characters_are_encoded_for_helvetica(render, mediabox):
    title = "Übergänge – Maß · Größe"
    pdf = render(material(title=title, date_place="27.11.2026 · Rathaus Bochum"), compress=False)
    stream = content_stream(pdf)
    assert pdf_literal(title) in stream  # \334 for Ü, \226 for –, \267 for ·, \337 for ß
    assert pdf_literal("27.11.2026 · Rathaus Bochum") in stream
    assert set(fonts(pdf).values()) <= {"Helvetica", "Helvetica-Bold"}
    assert b"/FontFile" not in pdf  # nothing embedded, only the standard fonts


@pytest.mark.parametrize(("render", "mediabox"), RENDERERS)
def test_metadata_title_is_the_workshop_title(render, mediabox):
    pdf = render(material(title="Klausur 2026"), compress=False)
    assert b"/Title (Klausur 2026)" in pdf


@pytest.mark.parametrize(("render", "mediabox"), RENDERERS)
def test_qr_code_is_vector_rectangles(render, mediabox):
    pdf = render(material(), compress=False)
    stream = content_stream(pdf)
    faces = 1 if render is render_poster else 2
    assert stream.count(b" re") == faces * dark_runs(URL)
    assert b"/XObject" not in pdf
    assert b"/Image" not in pdf.replace(b"/ImageB /ImageC /ImageI", b"")  # only the ProcSet
    assert b"Do\n" not in stream


@pytest.mark.parametrize(("render", "mediabox"), RENDERERS)
def test_compressed_output_is_smaller(render, mediabox):
    assert len(render(material())) < len(render(material(), compress=False))


@pytest.mark.parametrize(("render", "mediabox"), RENDERERS)
def test_uncompressed_output_is_reproducible(render, mediabox):
    assert render(material(), compress=False) == render(material(), compress=False)


@pytest.mark.parametrize(("render", "mediabox"), RENDERERS)
def test_missing_labels_and_empty_date_still_render(render, mediabox):
    bare = JoinMaterial(title="", join_url=URL, join_code=CODE, date_place="", labels={})
    stream = content_stream(render(bare, compress=False))
    assert pdf_literal(URL) in stream


# -- poster layout ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title", [SAMPLE_TITLE, *LONG_TITLES.values()], ids=["sample", *LONG_TITLES]
)
def test_poster_text_stays_on_the_page_and_off_the_qr_code(title):
    pdf = render_poster(material(title=title), compress=False)
    stream = content_stream(pdf)
    left, bottom, right, top = qr_box(stream)
    width, height = PORTRAIT
    assert right - left >= 14.5 / 2.54 * 72 - 0.01  # at least 14.5 cm with the quiet zone
    assert abs((right - left) - (top - bottom)) < 0.01  # square
    assert left >= 0 and right <= width and bottom >= 0 and top <= height
    runs = text_runs(pdf, stream)
    assert runs
    for run in runs:
        assert run.x >= 10 and run.right <= width - 10, run
        assert run.bottom >= 10 and run.top <= height - 10, run
        assert run.top <= bottom or run.bottom >= top, run


def test_poster_long_title_is_wrapped_not_dropped():
    title = LONG_TITLES["words"]
    pdf = render_poster(material(title=title), compress=False)
    runs = text_runs(pdf, content_stream(pdf))
    title_runs = [run for run in runs if run.text in title and run.text != ""]
    assert len(title_runs) >= 2
    assert " ".join(run.text for run in title_runs) == " ".join(title.split())


def test_poster_long_url_shrinks_to_the_width():
    url = "https://klausur.example-kommune.de/veranstaltungen/2026/strategie/j/K7TQ3M?lang=de"
    pdf = render_poster(material(url=url), compress=False)
    runs = text_runs(pdf, content_stream(pdf))
    (url_run,) = [run for run in runs if run.text == url]
    assert url_run.right <= PORTRAIT[0] - 10
    assert url_run.size < 28


def test_poster_code_is_big_and_letter_spaced():
    pdf = render_poster(material(), compress=False)
    runs = text_runs(pdf, content_stream(pdf))
    (code,) = [run for run in runs if run.text == CODE]
    assert code.font == "Helvetica-Bold"
    assert code.size >= 36
    assert code.char_space > 0


# -- table cards --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title", [SAMPLE_TITLE, *LONG_TITLES.values()], ids=["sample", *LONG_TITLES]
)
def test_table_card_faces_fit_their_half_and_mirror_each_other(title):
    pdf = render_table_cards(material(title=title), compress=False)
    stream = content_stream(pdf)
    width, height = LANDSCAPE
    rotation = b"-1 0 0 -1 841.8898 595.2756 cm"
    assert stream.count(rotation) == 1
    lower, upper = stream.split(rotation)
    left, bottom, right, top = qr_box(lower)
    modules = len(qr_matrix(URL))
    dark_width = (right - left) * (modules - 8) / modules
    assert 5.5 / 2.54 * 72 <= dark_width <= 6.5 / 2.54 * 72  # about 6 cm without quiet zone
    assert bottom >= 0 and top <= height / 2
    lower_runs = text_runs(pdf, lower)
    upper_runs = text_runs(pdf, upper)
    # The upper face is drawn with the same coordinates and turned by 180° about the page centre.
    assert upper_runs == lower_runs
    assert rects(upper) == rects(lower)
    fold_margin = 5  # points between text and the fold
    for run in lower_runs:
        assert run.x >= right - 0.01 and run.right <= width - 10, run
        assert run.bottom >= 10 and run.top <= height / 2 - fold_margin, run


def test_table_cards_have_a_light_dashed_fold_line():
    stream = content_stream(render_table_cards(material(), compress=False))
    assert re.search(rb"\[[\d. ]+\] 0 d\s+n 14\.17323 297\.6378 m 827\.7165 297\.6378 l S", stream)
    assert b".6 G" in stream


# -- title fitting ------------------------------------------------------------------------------


@pytest.mark.parametrize("title", LONG_TITLES.values(), ids=list(LONG_TITLES))
def test_wrapped_title_fits_its_box(title):
    box_width, box_height = 300.0, 60.0
    block = _wrapped(title, "Helvetica-Bold", box_width, box_height, max_size=24, min_size=8)
    assert block.lines
    assert block.height <= box_height
    for line in block.lines:
        assert stringWidth(line, "Helvetica-Bold", block.size) <= box_width


def test_wrapped_title_cuts_off_with_an_ellipsis_when_even_the_smallest_size_is_too_big():
    block = _wrapped("Wort " * 200, "Helvetica-Bold", 200, 30, max_size=24, min_size=10)
    assert block.size == 10
    assert block.height <= 30
    assert block.lines[-1].endswith("…")
