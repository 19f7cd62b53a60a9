"""Socket.IO handlers: connect and disconnect, and one small function per command."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, g, request
from flask_socketio import ConnectionRefusedError, emit, join_room
from sqlalchemy.orm import Session

from ..db import get_session
from ..extensions import socketio
from ..i18n import message_for, select_locale
from ..models import Workshop
from ..schemas import commands as schemas
from ..services import participants as participant_service
from ..services import presence
from ..services import workshops as workshop_service
from ..services.views import ROLES, me_view, snapshot
from ..web import access
from . import events as names
from .broadcast import publish_presence
from .commands import (
    ConnectionInfo,
    Result,
    command,
    connection_info,
    error_ack,
    remember_connection,
)
from .rooms import participant_room, role_room

log = logging.getLogger(__name__)


def _refuse(code: str) -> ConnectionRefusedError:
    return ConnectionRefusedError({"code": code, "message": message_for(code)})


def _authorise(workshop: Workshop, role: str) -> ConnectionInfo:
    """Check the cookie grants ``role`` for ``workshop``; raise a refusal otherwise."""
    db = get_session()
    participant_id = None
    grant = None
    if role == "moderator":
        if not access.is_moderator(workshop):
            raise _refuse("session_expired")
        grant = workshop_service.moderator_grant(workshop)
    elif role == "projector":
        if not (access.is_projector(workshop) or access.is_moderator(workshop)):
            raise _refuse("session_expired")
        grant = workshop_service.projector_grant(workshop)
    else:
        participant = access.current_participant(db, workshop)
        if participant is None:
            raise _refuse("participant_not_found")
        participant_id = participant.id
    return ConnectionInfo(
        workshop_id=workshop.id,
        role=role,
        participant_id=participant_id,
        grant=grant,
        language=select_locale(),
    )


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Admit a phone, moderator or projector to its workshop and send it a snapshot."""
    if not isinstance(auth, dict):
        raise _refuse("invalid_payload")
    workshop_id, role = auth.get("workshop"), auth.get("role")
    if isinstance(workshop_id, bool) or not isinstance(workshop_id, int) or role not in ROLES:
        raise _refuse("invalid_payload")
    db = get_session()
    workshop = db.get(Workshop, workshop_id)
    if workshop is None:
        raise _refuse("workshop_not_found")
    g.workshop_language = workshop.language
    info = _authorise(workshop, role)
    remember_connection(info)
    join_room(role_room(workshop.id, role))
    if info.participant_id is not None:
        join_room(participant_room(info.participant_id))
    presence.add_connection(
        db,
        sid=request.sid,  # type: ignore[attr-defined]
        server_id=current_app.config["SERVER_ID"],
        workshop_id=workshop.id,
        role=role,
        participant_id=info.participant_id,
    )
    db.commit()
    emit(names.SNAPSHOT, _snapshot(workshop, info))
    if role == "participant":
        publish_presence(workshop.id)


@socketio.on("disconnect")
def on_disconnect(*_args: Any) -> None:
    """Forget the connection and update the head count."""
    db = get_session()
    workshop_id = presence.remove_connection(db, request.sid)  # type: ignore[attr-defined]
    db.commit()
    info = connection_info()
    if workshop_id is not None and info is not None and info.role == "participant":
        publish_presence(workshop_id)


def _snapshot(workshop: Workshop, info: ConnectionInfo) -> dict[str, Any]:
    db = get_session()
    participant = None
    if info.participant_id is not None:
        participant = participant_service.get_participant(db, workshop, info.participant_id)
    return snapshot(db, workshop, info.role, access.join_url(workshop), participant)


@command(names.SNAPSHOT_GET, schemas.SnapshotGet, ROLES)
def on_snapshot_get(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.SnapshotGet
) -> Result:
    """The whole current state, for a client that missed a change or reconnected."""
    return _snapshot(workshop, info), []


@command(names.PHASE_SET, schemas.PhaseSet, ("moderator",))
def on_phase_set(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.PhaseSet
) -> Result:
    events = workshop_service.set_phase(db, workshop, cmd.phase)
    return {"v": workshop.version, "phase": workshop.phase}, events


@command(names.PHASE_STEP, schemas.PhaseStep, ("moderator",))
def on_phase_step(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.PhaseStep
) -> Result:
    events = workshop_service.step_phase(db, workshop, cmd.step)
    return {"v": workshop.version, "phase": workshop.phase}, events


@command(names.TIMER_START, schemas.TimerStart, ("moderator",))
def on_timer_start(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.TimerStart
) -> Result:
    events = workshop_service.start_timer(db, workshop, cmd.seconds)
    return {"v": workshop.version}, events


@command(names.TIMER_EXTEND, schemas.TimerExtend, ("moderator",))
def on_timer_extend(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.TimerExtend
) -> Result:
    events = workshop_service.extend_timer(db, workshop, cmd.seconds)
    return {"v": workshop.version}, events


@command(names.TIMER_STOP, schemas.TimerStop, ("moderator",))
def on_timer_stop(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.TimerStop
) -> Result:
    events = workshop_service.stop_timer(db, workshop)
    return {"v": workshop.version}, events


@command(names.PROFILE_UPDATE, schemas.ProfileUpdate, ("participant",))
def on_profile_update(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ProfileUpdate
) -> Result:
    participant = participant_service.get_participant(db, workshop, info.participant_id)
    events = participant_service.update_profile(
        db, workshop, participant, cmd.display_name, cmd.organisation
    )
    return {"me": me_view(participant)}, events


@socketio.on("*")
def on_unknown_event(event: str, *_args: Any) -> dict:
    """Any event without a handler: answer instead of leaving the client waiting."""
    return error_ack("unknown_event", "invalid")


@socketio.on_error_default
def on_error(error: Exception) -> dict:
    """Last resort: log, and answer with a generic error instead of a traceback."""
    log.exception("socket event failed", exc_info=error)
    get_session().rollback()
    return error_ack("internal_error", "error")
