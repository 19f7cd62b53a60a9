"""Turning pydantic validation errors into the field names an error ack lists."""

from __future__ import annotations

from pydantic import ValidationError


def field_names(error: ValidationError) -> list[str]:
    """Top-level field names that failed validation, in order, without repeats."""
    names: list[str] = []
    for item in error.errors():
        location = item.get("loc") or ("",)
        name = str(location[0])
        if name and name not in names:
            names.append(name)
    return names
