"""Domain events: what changed, returned by services and pushed by the adapters after commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DomainEvent:
    """Something that changed in a workshop, at the workshop version it produced."""

    workshop_id: int
    version: int


@dataclass(frozen=True)
class PhaseChanged(DomainEvent):
    phase: str


@dataclass(frozen=True)
class TimerChanged(DomainEvent):
    pass


@dataclass(frozen=True)
class WorkshopChanged(DomainEvent):
    """Details, action fields or card kinds changed."""


@dataclass(frozen=True)
class ParticipantChanged(DomainEvent):
    """A participant joined or changed their profile."""

    participant_id: int
