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
class ParticipantJoined(DomainEvent):
    """Somebody joined: the head count changes (no version, nobody else sees who)."""

    participant_id: int


@dataclass(frozen=True)
class ParticipantChanged(DomainEvent):
    """A participant joined, changed their profile or said they are done.

    Not workshop state that others see (they see only the unversioned head count), so it does
    not move the version: a room of phones joining is not a push to every phone per join.
    """

    participant_id: int


@dataclass(frozen=True)
class CardChanged(DomainEvent):
    """A card was posted, edited, hidden, deleted, restored, merged or supported."""

    card_id: int


@dataclass(frozen=True)
class CardRemoved(DomainEvent):
    """A card was deleted for good by its author."""

    card_id: int


@dataclass(frozen=True)
class WallChanged(DomainEvent):
    """Collect settings, spotlight, and which results the projector shows (see ``wall_view``)."""

    #: Names on cards changed: every card view changes, so clients fetch a snapshot.
    names_changed: bool = False


@dataclass(frozen=True)
class ClusterChanged(DomainEvent):
    """A cluster was created or renamed."""

    cluster_id: int


@dataclass(frozen=True)
class ClusterRemoved(DomainEvent):
    """A cluster was dissolved; its cards went back to their fields."""

    cluster_id: int


@dataclass(frozen=True)
class CardsArranged(DomainEvent):
    """The order of cards changed in these lists; each list is (cluster id, field id)."""

    lists: tuple[tuple[int | None, int], ...]


@dataclass(frozen=True)
class GroupsChanged(DomainEvent):
    """Somebody joined or left a working group: member counts only, no version change."""


@dataclass(frozen=True)
class GoalChanged(DomainEvent):
    """A strategic goal was created or edited."""

    goal_id: int


@dataclass(frozen=True)
class GoalRemoved(DomainEvent):
    """A goal was deleted or merged into another."""

    goal_id: int


@dataclass(frozen=True)
class GoalsArranged(DomainEvent):
    """The order of the goals changed."""


@dataclass(frozen=True)
class RoundChanged(DomainEvent):
    """A voting round was created, opened, closed or revealed."""

    round_id: int


@dataclass(frozen=True)
class ReviewsChanged(DomainEvent):
    """A participant rated (or took back the rating of) a goal of the previous retreat.

    Like a vote, not workshop state every phone sees: it keeps the version, the author's
    devices get their own reviews and only moderator and projector the room's counts.
    """

    participant_id: int


@dataclass(frozen=True)
class StandInsChanged(DomainEvent):
    """A proxy or paper ballot was added or removed (only the moderator sees the list)."""
