"""Participants and their live connections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

#: Who a participant is: somebody with their own device, a named person without a device whom
#: the moderator votes for, one hand-counted paper ballot of one round, or the nameless keeper
#: of the cards and settled ballots of somebody who left (counted only where they voted).
PARTICIPANT_KINDS: tuple[str, ...] = ("phone", "proxy", "paper", "left")


class Participant(Base):
    """Somebody who joined a workshop; anonymous unless they give a name.

    Proxies and paper ballots are participants too, so every ballot rule (budget, maximum,
    one ranking per voter) holds for them in the same code; their ``kind`` marks them in
    results.
    """

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    #: Optional; empty means anonymous.
    display_name: Mapped[str] = mapped_column(String(60), default="")
    #: Optional organisation, e.g. "Agentur für Arbeit".
    organisation: Mapped[str] = mapped_column(String(120), default="")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The participant marked themselves "fertig" with collecting.
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(16), default="phone", server_default="phone")
    #: A paper ballot belongs to the one round it was cast in.
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("vote_round.id", ondelete="CASCADE"), index=True
    )
    #: The working group the participant joined in the phase "plan": one action field or one
    #: goal, by the workshop's ``grouping``.
    group_field_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_field.id", ondelete="SET NULL")
    )
    group_goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"))


class ServerProcess(Base):
    """A running server process; its heartbeat tells whose connections are still real."""

    __tablename__ = "server_process"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Connection(Base):
    """One open Socket.IO connection; kept in the database so every process can count it."""

    __tablename__ = "connection"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    server_id: Mapped[str] = mapped_column(
        ForeignKey("server_process.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE")
    )
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProcessedCommand(Base):
    """A command already applied, with its acknowledgement, so a resend is applied once."""

    __tablename__ = "processed_command"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True
    )
    command_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Who sent it ("moderator" or "participant:<id>"); a resend must come from the same sender.
    sender: Mapped[str] = mapped_column(String(40))
    ack_json: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
