"""Idempotent commands: a command id seen before returns the first answer and changes nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from ..models import ProcessedCommand
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
