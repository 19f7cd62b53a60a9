"""All models, imported here so metadata and Alembic see every table."""

from .base import Base, utcnow
from .card import Card, CardSupport, Cluster, Goal, GoalCard
from .participant import (
    PARTICIPANT_KINDS,
    Connection,
    Participant,
    ProcessedCommand,
    ServerProcess,
)
from .vote import (
    ROUND_STATUSES,
    VOTE_METHODS,
    DotVote,
    MatrixRating,
    RankVote,
    RoundGoal,
    VoteRound,
)
from .workshop import CARD_NAME_MODES, LANGUAGES, PHASES, ActionField, CardKind, Workshop

__all__ = [
    "CARD_NAME_MODES",
    "LANGUAGES",
    "PARTICIPANT_KINDS",
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
    "MatrixRating",
    "Participant",
    "ProcessedCommand",
    "RankVote",
    "RoundGoal",
    "ServerProcess",
    "VoteRound",
    "Workshop",
    "utcnow",
]
