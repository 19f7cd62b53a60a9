"""Role-filtered views of a workshop: what each kind of client may see, as plain JSON data."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import Participant, Workshop, utcnow
from .presence import presence

ROLES: tuple[str, ...] = ("participant", "moderator", "projector")


def iso(value: Any) -> str | None:
    """ISO 8601 text for datetimes and dates, None stays None."""
    return None if value is None else value.isoformat()


def workshop_view(workshop: Workshop, join_url: str | None = None) -> dict[str, Any]:
    """Public facts about a workshop, the same for every role (the join URL when known)."""
    view = {
        "id": workshop.id,
        "title": workshop.title,
        "date": iso(workshop.event_date),
        "place": workshop.place,
        "description": workshop.description,
        "language": workshop.language,
        "phase": workshop.phase,
        "join_code": workshop.join_code,
    }
    if join_url is not None:
        view["join_url"] = join_url
    return view


def structure_view(workshop: Workshop) -> dict[str, Any]:
    """Action fields and card kinds, in order."""
    return {
        "fields": [{"id": f.id, "name": f.name} for f in workshop.fields],
        "kinds": [{"id": k.id, "name": k.name, "color": k.color} for k in workshop.kinds],
    }


def timer_view(workshop: Workshop) -> dict[str, Any]:
    """The countdown, with the server's clock so phones with a wrong clock still count right."""
    return {"ends_at": iso(workshop.timer_ends_at), "server_time": iso(utcnow())}


def presence_view(session: Session, workshop_id: int) -> dict[str, int]:
    counts = presence(session, workshop_id)
    return {"joined": counts.joined, "connected": counts.connected}


def me_view(participant: Participant) -> dict[str, Any]:
    """A participant's own profile (only ever sent to that participant)."""
    return {
        "id": participant.id,
        "display_name": participant.display_name,
        "organisation": participant.organisation,
    }


def snapshot(
    session: Session,
    workshop: Workshop,
    role: str,
    join_url: str,
    participant: Participant | None = None,
) -> dict[str, Any]:
    """Everything a client of ``role`` needs to draw its screen, at the current version."""
    if role not in ROLES:
        raise ValueError(role)
    view: dict[str, Any] = {
        "v": workshop.version,
        "role": role,
        "workshop": workshop_view(workshop, join_url),
        "timer": timer_view(workshop),
        **structure_view(workshop),
    }
    if role in ("moderator", "projector"):
        view["presence"] = presence_view(session, workshop.id)
    if role == "participant" and participant is not None:
        view["me"] = me_view(participant)
    return view
