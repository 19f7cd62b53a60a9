"""Pushes domain events to the rooms that may see them, after the transaction committed.

Every role room gets a message for every version, so no client mistakes a change it may not
see for a lost message: roles that may not see a change get a bare ``sync.tick``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..db import get_session
from ..extensions import socketio
from ..models import Participant
from ..services import events as ev
from ..services.participants import get_participant
from ..services.views import (
    ROLES,
    me_view,
    presence_view,
    structure_view,
    timer_view,
    workshop_view,
)
from ..services.workshops import get_workshop
from . import events as names
from .rooms import participant_room, role_room


def _emit_all(workshop_id: int, event: str, payload: dict[str, Any]) -> None:
    for role in ROLES:
        socketio.emit(event, payload, to=role_room(workshop_id, role))


def publish(events: Iterable[ev.DomainEvent]) -> None:
    """Send each event, in order, to every client that may see it."""
    db = get_session()
    for event in events:
        workshop = get_workshop(db, event.workshop_id)
        wid, version = event.workshop_id, event.version
        if isinstance(event, ev.PhaseChanged):
            payload = {"v": version, "phase": event.phase, "timer": timer_view(workshop)}
            _emit_all(wid, names.PHASE_CHANGED, payload)
        elif isinstance(event, ev.TimerChanged):
            _emit_all(wid, names.TIMER_CHANGED, {"v": version, "timer": timer_view(workshop)})
        elif isinstance(event, ev.WorkshopChanged):
            payload = {
                "v": version,
                "workshop": workshop_view(workshop),
                **structure_view(workshop),
            }
            _emit_all(wid, names.WORKSHOP_CHANGED, payload)
        elif isinstance(event, ev.ParticipantChanged):
            # Nobody sees other people's profiles; the person's own devices get theirs.
            _emit_all(wid, names.SYNC_TICK, {"v": version})
            send_me(get_participant(db, workshop, event.participant_id))
            publish_presence(wid)
        else:  # pragma: no cover - a new event type without a route is a programming error
            raise TypeError(f"no route for {type(event).__name__}")


def publish_presence(workshop_id: int) -> None:
    """Unversioned head count for moderator and projector (it is not workshop state)."""
    payload = presence_view(get_session(), workshop_id)
    for role in ("moderator", "projector"):
        socketio.emit(names.PRESENCE_CHANGED, payload, to=role_room(workshop_id, role))


def send_me(participant: Participant) -> None:
    """A participant's own profile, unversioned, to that participant's devices only."""
    socketio.emit(
        names.ME_CHANGED, {"me": me_view(participant)}, to=participant_room(participant.id)
    )
