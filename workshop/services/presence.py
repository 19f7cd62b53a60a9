"""Who is connected right now, kept in the database so every server process counts alike.

Each process writes a heartbeat; connections of a process whose heartbeat stopped (a crash)
are not counted and are removed by the next process that starts or beats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.orm import Session

from ..models import Connection, ProcessedCommand, ServerProcess, utcnow
from .participants import count_participants

HEARTBEAT_SECONDS = 20
#: A process that missed this long is taken for dead.
STALE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS * 3)
#: How long applied command ids are kept for deduplicating resends.
COMMAND_MEMORY = timedelta(days=1)


@dataclass(frozen=True)
class Presence:
    """How many joined, and how many of them have a phone connected now."""

    joined: int
    connected: int


def beat(session: Session, server_id: str) -> None:
    """Record that ``server_id`` is alive, forget processes that died and old command ids."""
    now = utcnow()
    server = session.get(ServerProcess, server_id)
    if server is None:
        session.add(ServerProcess(id=server_id, heartbeat_at=now))
    else:
        server.heartbeat_at = now
    session.flush()
    stale = select(ServerProcess.id).where(ServerProcess.heartbeat_at < now - STALE_AFTER)
    session.execute(delete(Connection).where(Connection.server_id.in_(stale)))
    session.execute(delete(ServerProcess).where(ServerProcess.heartbeat_at < now - STALE_AFTER))
    # A phone resends within minutes; a day later its command ids are no longer needed.
    session.execute(
        delete(ProcessedCommand).where(ProcessedCommand.created_at < now - COMMAND_MEMORY)
    )


def add_connection(
    session: Session,
    *,
    sid: str,
    server_id: str,
    workshop_id: int,
    role: str,
    participant_id: int | None,
) -> None:
    """Record an open connection (a socket id is new for every connection)."""
    if session.get(ServerProcess, server_id) is None:
        beat(session, server_id)
    session.add(
        Connection(
            sid=sid,
            server_id=server_id,
            workshop_id=workshop_id,
            role=role,
            participant_id=participant_id,
        )
    )
    session.flush()


def remove_connection(session: Session, sid: str) -> int | None:
    """Forget a closed connection; return its workshop id (None when unknown)."""
    connection = session.get(Connection, sid)
    if connection is None:
        return None
    workshop_id = connection.workshop_id
    session.delete(connection)
    session.flush()
    return workshop_id


def presence(session: Session, workshop_id: int) -> Presence:
    """Joined and connected participant counts (a person with two tabs counts once)."""
    alive = select(ServerProcess.id).where(ServerProcess.heartbeat_at >= utcnow() - STALE_AFTER)
    connected = session.scalar(
        select(func.count(distinct(Connection.participant_id))).where(
            Connection.workshop_id == workshop_id,
            Connection.role == "participant",
            Connection.server_id.in_(alive),
        )
    )
    return Presence(joined=count_participants(session, workshop_id), connected=connected or 0)
