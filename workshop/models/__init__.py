"""All models, imported here so metadata and Alembic see every table."""

from .base import Base, utcnow
from .card import Card, CardSupport, Cluster, Goal, GoalCard
from .participant import Connection, Participant, ProcessedCommand, ServerProcess
from .vote import ROUND_STATUSES, VOTE_METHODS, DotVote, RoundGoal, VoteRound
from .workshop import CARD_NAME_MODES, LANGUAGES, PHASES, ActionField, CardKind, Workshop

__all__ = [
    "CARD_NAME_MODES",
    "LANGUAGES",
    "PHASES",
    "ROUND_STATUSES",
    "VOTE_METHODS",
    "ActionField",
    "Base",
    "Card",
    "CardKind",
    "CardSupport",
    "Cluster",
    "Connection",
    "DotVote",
    "Goal",
    "GoalCard",
    "Participant",
    "ProcessedCommand",
    "RoundGoal",
    "ServerProcess",
    "VoteRound",
    "Workshop",
    "utcnow",
]
