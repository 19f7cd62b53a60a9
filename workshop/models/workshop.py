"""The workshop aggregate: a retreat with its action fields and card kinds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

#: The phases of a retreat, in their order.
#: "recap" rates the goals of the previous retreat (follow-up workshops only); "plan" is the
#: working groups' time for measures, owners and dates.
PHASES: tuple[str, ...] = (
    "lobby",
    "recap",
    "collect",
    "cluster",
    "goals",
    "vote",
    "results",
    "plan",
    "closed",
)
LANGUAGES: tuple[str, ...] = ("de", "en")
CARD_NAME_MODES: tuple[str, ...] = ("anonymous", "names")


class Workshop(Base):
    """One retreat. ``version`` increases with every change that clients must see."""

    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code people type or scan to join; no look-alike characters.
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    event_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: Who moderates the retreat (shown on the report's title page).
    moderation: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: Interface language for everybody who has not picked one.
    language: Mapped[str] = mapped_column(String(5), default="de")
    #: Template the workshop was created from ("kaoa" or "blank").
    template: Mapped[str] = mapped_column(String(32), default="blank")
    phase: Mapped[str] = mapped_column(String(16), default="lobby")
    #: Increases with every pushed change; clients detect gaps with it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: SHA-256 of the moderator token; the token itself is shown once and never stored.
    moderator_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Secret part of the read-only projector link.
    projector_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: Whether cards show their author's display name ("names") or nobody's ("anonymous").
    card_names: Mapped[str] = mapped_column(String(16), default="anonymous")
    #: Collecting locked: participants can no longer post, edit or delete cards.
    collect_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Whether the projector shows authors (only when ``card_names`` is "names").
    show_authors: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The rounds the projector shows side by side in the results (JSON list of ids, in order;
    #: empty: the latest revealed round), and the action field it is filtered to.
    shown_round_ids: Mapped[str] = mapped_column(String(200), default="[]", server_default="[]")
    results_field_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_field.id", ondelete="SET NULL", use_alter=True)
    )
    #: The card shown large on the projector, if any.
    spotlight_card_id: Mapped[int | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL", use_alter=True)
    )
    #: When the countdown of the current phase ends; None when no countdown runs.
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The retreat this one follows up ("Nächste Klausur"); its goals are reviewed first.
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop.id", ondelete="SET NULL", use_alter=True)
    )
    #: How the room is split into working groups in the phase "plan" (see ``GROUPINGS``).
    grouping: Mapped[str] = mapped_column(String(8), default="", server_default="")
    #: When the workshop was closed; the retention setting counts from here.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Archived workshops are listed apart in the overview and refuse new participants.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    fields: Mapped[list[ActionField]] = relationship(
        back_populates="workshop",
        order_by="ActionField.position",
        cascade="all, delete-orphan",
        foreign_keys="ActionField.workshop_id",
    )
    kinds: Mapped[list[CardKind]] = relationship(
        back_populates="workshop", order_by="CardKind.position", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        """Closed and archived workshops refuse new participants."""
        return self.phase == "closed" or self.archived_at is not None

    @property
    def is_follow_up(self) -> bool:
        """A follow-up retreat opens with the room's look back at the previous goals."""
        return self.previous_id is not None

    @property
    def phases(self) -> tuple[str, ...]:
        """The phases this workshop goes through ("recap" only in a follow-up)."""
        return PHASES if self.is_follow_up else tuple(p for p in PHASES if p != "recap")


class ActionField(Base):
    """A Handlungsfeld: a column of the review wall."""

    __tablename__ = "action_field"
    __table_args__ = (UniqueConstraint("workshop_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)

    workshop: Mapped[Workshop] = relationship(
        back_populates="fields", foreign_keys="ActionField.workshop_id"
    )


class CardKind(Base):
    """A kind of card such as Erfolg or Herausforderung, told apart by colour and label."""

    __tablename__ = "card_kind"
    __table_args__ = (UniqueConstraint("workshop_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    #: One of the palette names in ``services.structure.KIND_COLORS``.
    color: Mapped[str] = mapped_column(String(16), default="blue")
    position: Mapped[int] = mapped_column(Integer, default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="kinds")
