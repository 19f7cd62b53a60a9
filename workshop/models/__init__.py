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
from .plan import GROUPINGS, PLAN_STATUSES, REVIEW_LIGHTS, GoalReview, Measure
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
    "GROUPINGS",
    "LANGUAGES",
    "PARTICIPANT_KINDS",
    "PHASES",
    "PLAN_STATUSES",
    "REVIEW_LIGHTS",
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
    "GoalReview",
    "MatrixRating",
    "Measure",
    "Participant",
    "ProcessedCommand",
    "RankVote",
    "RoundGoal",
    "ServerProcess",
    "VoteRound",
    "Workshop",
    "utcnow",
]
