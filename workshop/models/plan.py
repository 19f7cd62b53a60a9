"""What happens after the vote: measures per goal, and the next retreat's review of old goals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

#: Where a goal or a measure stands: planned, in progress, done, dropped.
PLAN_STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "dropped")
#: The traffic light a room gives an earlier goal in the next retreat's review.
REVIEW_LIGHTS: tuple[str, ...] = ("green", "yellow", "red")
#: How the moderator splits the room into working groups: not at all, one group per action
#: field, or one group per confirmed goal.
GROUPINGS: tuple[str, ...] = ("", "field", "goal")


class Measure(Base):
    """A Maßnahme: one concrete step towards a goal, with its owner, date and status."""

    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    #: Who carries it out (organisation, working group or role).
    owner: Mapped[str] = mapped_column(String(120), default="")
    #: When it is due, as people say it ("Schuljahr 2027/28", "März 2027").
    due: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GoalReview(Base):
    """One participant's traffic light and comment on a goal taken over from the last retreat.

    Only counts per light and the comments (without names) leave the server.
    """

    __tablename__ = "goal_review"
    __table_args__ = (UniqueConstraint("goal_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    light: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
