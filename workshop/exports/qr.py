"""QR codes of join links: SVG for screens, PNG for documents, text for the terminal."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(data: str) -> qrcode.QRCode:
    # Level M survives a little glare on a beamer; border 4 is the quiet zone scanners need.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the QR code, quiet zone included (True is dark)."""
    return _qr(data).get_matrix()


def qr_svg(data: str) -> bytes:
    """A scalable SVG: one path, black on white, sharp at any size."""
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_png(data: str, box_size: int = 16) -> bytes:
    """A PNG for print and slides."""
    code = _qr(data)
    code.box_size = box_size
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_text(data: str) -> str:
    """The QR code drawn with half-block characters for a terminal."""
    buffer = io.StringIO()
    _qr(data).print_ascii(out=buffer, invert=True)
    return buffer.getvalue()
