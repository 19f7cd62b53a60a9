"""Parsing of HTML form fields into service inputs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..services import workshops as workshop_service
from ..services.errors import Invalid


def parse_date(raw: str) -> date | None:
    """An ISO date from a date input; empty is None."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("bad_date", fields=["event_date"]) from None


def details_from_form(form: Mapping[str, str]) -> workshop_service.WorkshopDetails:
    """Workshop details as typed into the create or setup form."""
    return workshop_service.WorkshopDetails(
        title=form.get("title", ""),
        event_date=parse_date(form.get("event_date", "").strip()),
        place=form.get("place", ""),
        moderation=form.get("moderation", ""),
        description=form.get("description", ""),
        language=form.get("language", "de"),
    )
