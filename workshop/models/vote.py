"""Voting rounds over strategic goals and the ballots cast in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

#: Voting methods: dot voting, impact × feasibility ratings, ranking (Borda).
VOTE_METHODS: tuple[str, ...] = ("dots", "matrix", "ranking")
#: A round's life: prepared, open for votes, closed, results revealed to the room.
ROUND_STATUSES: tuple[str, ...] = ("draft", "open", "closed", "revealed")


class VoteRound(Base):
    """One vote over a set of goals with one method."""

    __tablename__ = "vote_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: Dot voting: dots per participant, and at most this many on one goal.
    budget: Mapped[int] = mapped_column(Integer, default=5)
    max_per_goal: Mapped[int] = mapped_column(Integer, default=3)
    #: Matrix: the rating scale and the names of its two axes.
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    label_x: Mapped[str] = mapped_column(String(60), default="Wirkung")
    label_y: Mapped[str] = mapped_column(String(60), default="Umsetzbarkeit")
    #: Show tallies on the projector while votes come in (otherwise only after the reveal).
    live_results: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The round this one started from (e.g. the top 5 of a dot vote).
    source_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("vote_round.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    #: Loaded with the rounds in one more query, not one per round.
    goals: Mapped[list[RoundGoal]] = relationship(
        order_by="RoundGoal.position", cascade="all, delete-orphan", lazy="selectin"
    )


class RoundGoal(Base):
    """A goal that is part of a round."""

    __tablename__ = "round_goal"
    __table_args__ = (UniqueConstraint("round_id", "goal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("vote_round.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class BallotRow:
    """What every method's ballot row holds: one voter's entry for one goal of one round."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("vote_round.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))


class DotVote(BallotRow, Base):
    """How many dots one participant put on one goal in one round."""

    __tablename__ = "dot_vote"
    __table_args__ = (
        UniqueConstraint("round_id", "participant_id", "goal_id"),
        CheckConstraint("dots >= 0", name="dots_not_negative"),
    )

    dots: Mapped[int] = mapped_column(Integer)


class MatrixRating(BallotRow, Base):
    """One participant's rating of one goal on the two axes (impact, feasibility).

    An axis not rated yet is None; only complete pairs count in the result.
    """

    __tablename__ = "matrix_rating"
    __table_args__ = (UniqueConstraint("round_id", "participant_id", "goal_id"),)

    x: Mapped[int | None] = mapped_column(Integer)
    y: Mapped[int | None] = mapped_column(Integer)


class RankVote(BallotRow, Base):
    """The place one participant gave one goal in a ranking round (0 = first)."""

    __tablename__ = "rank_vote"
    __table_args__ = (
        UniqueConstraint("round_id", "participant_id", "goal_id", name="uq_rank_vote_goal"),
        UniqueConstraint("round_id", "participant_id", "place", name="uq_rank_vote_place"),
    )

    place: Mapped[int] = mapped_column(Integer)
