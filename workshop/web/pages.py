"""Shared helpers of the page blueprints: loading a workshop and the data a page script needs."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from flask_babel import gettext

from ..db import get_session
from ..i18n import phase_labels
from ..models import PHASES, Workshop
from ..services import workshops as workshop_service
from ..services.errors import DomainError


def load_workshop(code: str) -> Workshop:
    """The workshop of a join code in the URL, or a 404 page that says the code is unknown."""
    try:
        workshop = workshop_service.find_by_join_code(get_session(), code)
    except DomainError as error:
        abort(404, description=error.code)
    # Pages of a workshop speak its language unless the person chose another.
    g.workshop_language = workshop.language
    return workshop


def client_strings() -> dict[str, str]:
    """Translated texts that the page scripts show (the JS has no catalog of its own)."""
    return {
        "connected": gettext("Connected"),
        "connecting": gettext("Connecting …"),
        "offline": gettext("Offline – your input is kept and sent when the connection is back"),
        "sending": gettext("Sending …"),
        "sent": gettext("Saved"),
        "failed": gettext("Not saved"),
        "timer_over": gettext("Time is up"),
        "joined": gettext("joined"),
        "connected_count": gettext("connected"),
        "closed": gettext("This workshop is closed. Thank you for taking part!"),
    }


def page_config(workshop: Workshop, role: str, **extra: Any) -> dict[str, Any]:
    """The JSON block a page script reads: ids, role, URLs and texts."""
    return {
        "workshop": workshop.id,
        "code": workshop.join_code,
        "role": role,
        "phases": list(PHASES),
        "phaseLabels": phase_labels(),
        "strings": client_strings(),
        **extra,
    }
