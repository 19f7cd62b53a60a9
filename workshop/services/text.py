"""Cleaning of user-typed text: what people type on phones, and what hostile clients send."""

from __future__ import annotations

import unicodedata

from .errors import Invalid

# Categories removed outright: control (Cc, except newline/tab handled below), format (Cf:
# zero-width and bidi overrides), unassigned, private use and surrogates.
_DROP_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs"}


def clean_text(
    value: object, *, field: str, max_length: int, required: bool = True, multiline: bool = False
) -> str:
    """Normalise ``value`` (NFC, no control or invisible characters, trimmed) and check its length.

    Raises ``Invalid`` naming ``field`` when it is not text, empty while required, or too long.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid("not_text", fields=[field])
    text = unicodedata.normalize("NFC", value)
    kept = []
    for char in text:
        if multiline and char == "\n":
            kept.append(char)
        elif char in "\t\r\n":
            kept.append(" ")
        elif unicodedata.category(char) not in _DROP_CATEGORIES:
            kept.append(char)
    text = "".join(kept)
    if multiline:
        text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    else:
        text = " ".join(text.split())
    if required and not text:
        raise Invalid("text_required", fields=[field])
    if len(text) > max_length:
        raise Invalid("text_too_long", fields=[field], max=max_length)
    return text
