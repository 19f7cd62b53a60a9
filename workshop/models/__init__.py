"""All models, imported here so metadata and Alembic see every table."""

from .base import Base, utcnow
from .participant import Connection, Participant, ProcessedCommand, ServerProcess
from .workshop import LANGUAGES, PHASES, ActionField, CardKind, Workshop

__all__ = [
    "LANGUAGES",
    "PHASES",
    "ActionField",
    "Base",
    "CardKind",
    "Connection",
    "Participant",
    "ProcessedCommand",
    "ServerProcess",
    "Workshop",
    "utcnow",
]
