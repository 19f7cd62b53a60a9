"""Idempotent commands: a command id seen before returns the first answer and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import ProcessedCommand
from ..models.base import utcnow
from .errors import Conflict


def previous_ack(
    session: Session, workshop_id: int, command_id: str, sender: str
) -> dict[str, Any] | None:
    """The acknowledgement stored for this command id, if it was applied already."""
    done = session.get(ProcessedCommand, (workshop_id, command_id))
    if done is None:
        return None
    if done.sender != sender:
        # Another client's id: never replay their answer to someone else.
        raise Conflict("command_id_taken", fields=["id"])
    return json.loads(done.ack_json)


def remember_ack(
    session: Session, workshop_id: int, command_id: str, sender: str, ack: dict[str, Any]
) -> None:
    """Store the acknowledgement in the same transaction as the command's effects."""
    session.add(
        ProcessedCommand(
            workshop_id=workshop_id, command_id=command_id, sender=sender, ack_json=json.dumps(ack)
        )
    )
    session.flush()


#: Built once, like the other statements of a vote batch (``workshops.lock_participants``).
_PREVIOUS_ACKS = select(
    ProcessedCommand.command_id, ProcessedCommand.sender, ProcessedCommand.ack_json
).where(
    ProcessedCommand.workshop_id == bindparam("workshop_id"),
    ProcessedCommand.command_id.in_(bindparam("command_ids", expanding=True)),
)


def previous_acks(
    session: Session, workshop_id: int, command_ids: Iterable[str]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """``previous_ack`` for many ids in one query: id → (sender, acknowledgement)."""
    ids = set(command_ids)
    if not ids:
        return {}
    rows = session.connection().execute(
        _PREVIOUS_ACKS, {"workshop_id": workshop_id, "command_ids": list(ids)}
    )
    return {row.command_id: (row.sender, json.loads(row.ack_json)) for row in rows}


def remember_acks(
    session: Session, workshop_id: int, acks: Iterable[tuple[str, str, dict[str, Any]]]
) -> None:
    """``remember_ack`` for many (command id, sender, acknowledgement) in one statement."""
    rows = [
        {
            "workshop_id": workshop_id,
            "command_id": command_id,
            "sender": sender,
            "ack_json": json.dumps(ack),
            "created_at": utcnow(),
        }
        for command_id, sender, ack in acks
    ]
    if rows:
        session.connection().execute(ProcessedCommand.__table__.insert(), rows)
