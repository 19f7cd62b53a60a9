"""Cards of the interim review, their supports (+1), clusters and strategic goals."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .participant import Participant

if TYPE_CHECKING:
    from .plan import Measure


class Card(Base):
    """A success or challenge typed by a participant (or the moderator) for one action field."""

    __tablename__ = "card"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    field_id: Mapped[int] = mapped_column(ForeignKey("action_field.id", ondelete="RESTRICT"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("card_kind.id", ondelete="RESTRICT"))
    #: None for cards the moderator wrote; the author's identity is never sent to other phones.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set when the moderator changed the text; the author is shown that it was edited.
    moderator_edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Hidden cards are seen by moderators only (e.g. off-topic or personal remarks).
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Deleted by the moderator: kept for "restore", shown to nobody else.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A duplicate merged into another card; its supports moved there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("card.id", ondelete="SET NULL"))
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("cluster.id", ondelete="SET NULL"), index=True
    )
    #: Order within its cluster (or among unclustered cards of its field).
    position: Mapped[int] = mapped_column(Integer, default=0)

    supports: Mapped[list[CardSupport]] = relationship(
        back_populates="card", cascade="all, delete-orphan"
    )
    author: Mapped[Participant | None] = relationship()

    @property
    def is_visible(self) -> bool:
        """Whether participants and the projector may see the card."""
        return not self.hidden and self.deleted_at is None and self.merged_into_id is None


class CardSupport(Base):
    """A participant's +1 for a card that says what they wanted to say."""

    __tablename__ = "card_support"
    __table_args__ = (UniqueConstraint("card_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))

    card: Mapped[Card] = relationship(back_populates="supports")


class Cluster(Base):
    """A theme: cards the moderator grouped together."""

    __tablename__ = "cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    #: The action field, or None for a theme across fields.
    field_id: Mapped[int | None] = mapped_column(ForeignKey("action_field.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Goal(Base):
    """A strategic goal, usually worded from a cluster."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    field_id: Mapped[int | None] = mapped_column(ForeignKey("action_field.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The cluster it was made from, if any.
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Place among the confirmed final priorities (1 = first); None when not confirmed.
    priority: Mapped[int | None] = mapped_column(Integer)
    #: What the room decided about this goal and why (e.g. after the discussion of a vote).
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # How the goal is carried out after the retreat (filled in by working groups or later).
    #: The Facharbeitsgruppe or organisation responsible for the goal.
    working_group: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: Who leads the work (a role or organisation; a name only if the group wants one).
    lead: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: Target date or school year, as people say it ("Schuljahr 2027/28", "30.06.2027").
    target: Mapped[str] = mapped_column(String(60), default="", server_default="")
    #: How the group will know the goal is reached.
    indicator: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: One of ``PLAN_STATUSES``.
    status: Mapped[str] = mapped_column(String(16), default="planned", server_default="planned")
    #: The goal of the previous retreat this one was taken over from (not a foreign key: the
    #: previous workshop may be deleted, the history stays readable).
    previous_goal_id: Mapped[int | None] = mapped_column(Integer)

    #: Loaded with the goals in one more query, not one per goal (snapshots list them all).
    cards: Mapped[list[GoalCard]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    measures: Mapped[list[Measure]] = relationship(
        cascade="all, delete-orphan", order_by="Measure.position", lazy="selectin"
    )


class GoalCard(Base):
    """A source card linked to a goal."""

    __tablename__ = "goal_card"
    __table_args__ = (UniqueConstraint("goal_id", "card_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id", ondelete="CASCADE"))
