"""The common path of every Socket.IO command: check, parse, apply once, commit, then push.

A handler registered with :func:`command` only calls a service; this module does the rest and
answers with ``{"ok": true, "data": …}`` or ``{"ok": false, "error": {code, kind, message,
fields}}``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, session
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import get_session
from ..extensions import socketio
from ..i18n import error_message, message_for
from ..metrics import record_command
from ..models import Workshop
from ..services import workshops as workshop_service
from ..services.commands import previous_ack, remember_ack
from ..services.errors import DomainError, Forbidden, NotFound
from ..services.events import DomainEvent
from ..services.participants import get_participant
from .broadcast import publish

log = logging.getLogger("workshop.commands")

CONNECTION_KEY = "_connection"


@dataclass(frozen=True)
class ConnectionInfo:
    """Who is on the other end of a socket; set once at connect."""

    workshop_id: int
    role: str
    participant_id: int | None
    #: Moderator grant or projector key prefix, re-checked on every command.
    grant: str | None
    language: str

    @property
    def sender(self) -> str:
        return f"participant:{self.participant_id}" if self.role == "participant" else self.role


Result = tuple[Any, list[DomainEvent]]

#: Every command event: the payload model it takes and the roles that may send it.
COMMANDS: dict[str, tuple[type[BaseModel], tuple[str, ...]]] = {}
Handler = Callable[[Session, Workshop, ConnectionInfo, Any], Result]


def connection_info() -> ConnectionInfo | None:
    raw = session.get(CONNECTION_KEY)
    return ConnectionInfo(**raw) if raw else None


def remember_connection(info: ConnectionInfo) -> None:
    session[CONNECTION_KEY] = info.__dict__.copy()


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the command committed (not for a replayed or failed command)."""
    g.setdefault("after_commit", []).append(callback)


def error_ack(code: str, kind: str, fields: Iterable[str] = (), message: str | None = None) -> dict:
    return {
        "ok": False,
        "error": {
            "code": code,
            "kind": kind,
            "message": message or message_for(code),
            "fields": list(fields),
        },
    }


def domain_ack(error: DomainError) -> dict:
    return error_ack(error.code, error.kind, error.fields, error_message(error))


def log_command(info: ConnectionInfo, event: str, outcome: str, started: float) -> None:
    """One log line per command: who (by role only), what, how it ended and how long it took.

    The same goes into the metrics (``/metrics``), without the workshop.
    """
    seconds = time.perf_counter() - started
    log.info(
        "workshop=%s role=%s event=%s outcome=%s ms=%.1f",
        info.workshop_id,
        info.role,
        event,
        outcome,
        seconds * 1000,
    )
    record_command(event, info.role, outcome, seconds)


def check_still_allowed(db: Session, workshop: Workshop, info: ConnectionInfo) -> None:
    """Rights are re-checked on every command: a rotated link or removed person loses them."""
    if info.role == "moderator":
        if not workshop_service.grant_is_valid(workshop, info.grant):
            raise Forbidden("session_expired")
    elif info.role == "projector":
        if not workshop_service.projector_grant_is_valid(workshop, info.grant):
            raise Forbidden("session_expired")
    else:
        get_participant(db, workshop, info.participant_id)


def field_names(error: ValidationError) -> list[str]:
    """Top-level field names that failed validation, in order, without repeats."""
    names: list[str] = []
    for item in error.errors():
        name = str((item.get("loc") or ("",))[0])
        if name and name not in names:
            names.append(name)
    return names


def parse_payload(model: type[BaseModel], payload: Any) -> BaseModel:
    limit = current_app.config["MAX_PAYLOAD_BYTES"]
    try:
        size = len(json.dumps(payload, ensure_ascii=False).encode())
    except (TypeError, ValueError):
        raise DomainError("invalid_payload") from None
    if size > limit:
        raise DomainError("payload_too_large")
    if not isinstance(payload, dict):
        raise DomainError("invalid_payload")
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise DomainError("invalid_payload", fields=field_names(error)) from None


def checked_payload(
    model: type[BaseModel], roles: tuple[str, ...], payload: Any, info: ConnectionInfo
) -> BaseModel:
    """What needs no database: the sender's role, the payload's shape, the workshop it names."""
    if info.role not in roles:
        raise Forbidden("not_allowed")
    parsed = parse_payload(model, payload)
    if parsed.workshop != info.workshop_id:  # type: ignore[attr-defined]
        raise Forbidden("wrong_workshop", fields=["workshop"])
    return parsed


def answer(event: str, work: Callable[[ConnectionInfo], tuple[dict, list[DomainEvent]]]) -> dict:
    """The frame of every command: the sender's connection and language, errors turned into
    acknowledgements (and the transaction rolled back), one log line, then the pushes.

    ``work`` returns the acknowledgement and the events to publish once it is logged.
    """
    started = time.perf_counter()
    info = connection_info()
    if info is None:
        return error_ack("not_joined", "forbidden")
    g.workshop_language = info.language
    outcome = "ok"
    try:
        ack, events = work(info)
        if not ack["ok"]:
            outcome = ack["error"]["code"]
    except DomainError as error:
        get_session().rollback()
        outcome = error.code
        return domain_ack(error)
    except Exception:
        get_session().rollback()
        log.exception("command %s failed", event)
        outcome = "internal_error"
        return error_ack("internal_error", "error")
    finally:
        log_command(info, event, outcome, started)
    publish(events)
    for callback in g.pop("after_commit", []):
        callback()
    return ack


def run_command(
    event: str,
    model: type[BaseModel],
    roles: tuple[str, ...],
    fn: Handler,
    payload: Any,
    workshop_lock: bool = True,
) -> dict:
    """Apply one command exactly once and answer it; see the module docstring."""
    return answer(event, lambda info: _apply(event, model, roles, fn, payload, info, workshop_lock))


def _apply(
    event: str,
    model: type[BaseModel],
    roles: tuple[str, ...],
    fn: Handler,
    payload: Any,
    info: ConnectionInfo,
    workshop_lock: bool = True,
) -> tuple[dict, list[DomainEvent]]:
    parsed = checked_payload(model, roles, payload, info)
    db = get_session()
    command_id = getattr(parsed, "id", None)
    if command_id is None or not workshop_lock:
        workshop = db.get(Workshop, info.workshop_id)
    else:
        workshop = workshop_service.lock_workshop(db, info.workshop_id)
    if workshop is None:
        raise NotFound("workshop_not_found")
    check_still_allowed(db, workshop, info)
    if command_id is not None:
        earlier = previous_ack(db, workshop.id, command_id, info.sender)
        if earlier is not None:
            return earlier, []
    data, events = fn(db, workshop, info, parsed)
    ack = {"ok": True, "data": data}
    if command_id is None:
        return ack, []
    remember_ack(db, workshop.id, command_id, info.sender, ack)
    try:
        db.commit()
    except IntegrityError:
        # The same command arrived twice at once and the other copy won: answer like it did.
        db.rollback()
        g.pop("after_commit", None)
        earlier = previous_ack(db, workshop.id, command_id, info.sender)
        if earlier is None:
            raise
        return earlier, []
    return ack, events


def command(
    event: str, model: type[BaseModel], roles: tuple[str, ...], *, workshop_lock: bool = True
):
    """Register ``fn`` as the handler of ``event`` for ``roles``, with validation and replay.

    A changing command runs under the workshop's write lock, so the commands of a workshop are
    applied one after another. ``workshop_lock=False`` is for a command that changes nothing
    workshop-wide (no version) and locks the row it changes itself, such as a vote, which locks
    its voter: then the votes of a room need not wait for each other, and a vote costs two
    statements less (docs/performance.md). Replay by command id stays exact without the lock:
    the stored acknowledgement's primary key decides.
    """

    def decorate(fn: Handler) -> Handler:
        COMMANDS[event] = (model, roles)

        def handler(payload: Any = None) -> dict:
            return run_command(event, model, roles, fn, payload, workshop_lock)

        handler.__name__ = f"on_{event.replace('.', '_')}"
        socketio.on_event(event, handler)
        return fn

    return decorate
