"""Inbound Socket.IO payloads, one model per event; unknown keys and wrong types are refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import CARD_NAME_MODES, PHASES

PhaseName = Literal[PHASES]  # type: ignore[valid-type]
NameMode = Literal[CARD_NAME_MODES]  # type: ignore[valid-type]
#: Raw text is bounded here; the services give the precise, translated length message.
RawText = Annotated[str, Field(max_length=5000)]


class Query(BaseModel):
    """A read-only request: names the workshop the client believes it is in."""

    model_config = ConfigDict(extra="forbid", strict=True)

    workshop: int = Field(ge=1)


class Command(Query):
    """A change request with a client-made id, so a resend after a reconnect is applied once."""

    id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class SnapshotGet(Query):
    pass


class PhaseSet(Command):
    phase: PhaseName


class PhaseStep(Command):
    step: Literal[-1, 1]


class TimerStart(Command):
    seconds: int = Field(ge=1, le=4 * 60 * 60)


class TimerExtend(Command):
    seconds: int = Field(default=60, ge=1, le=3600)


class TimerStop(Command):
    pass


class ProfileUpdate(Command):
    display_name: str = Field(default="", max_length=200)
    organisation: str = Field(default="", max_length=400)


class ParticipantDone(Command):
    done: bool


class ParticipantLeave(Command):
    pass


class CardPost(Command):
    field_id: int
    kind_id: int
    text: RawText


class CardEdit(Command):
    card_id: int
    text: RawText
    field_id: int | None = None
    kind_id: int | None = None


class CardRef(Command):
    card_id: int


class CardHide(Command):
    card_id: int
    hidden: bool


class CardMerge(Command):
    source_id: int
    target_id: int


class CardSupport(Command):
    card_id: int
    support: bool


class CardSimilar(Query):
    text: RawText
    field_id: int | None = None


class CardSpotlight(Command):
    card_id: int | None


class WallUpdate(Command):
    collect_locked: bool | None = None
    show_authors: bool | None = None
    card_names: NameMode | None = None


class CardMove(Command):
    card_id: int
    cluster_id: int | None
    index: int = Field(ge=0, le=100_000)


class ClusterCreate(Command):
    field_id: int | None
    name: Annotated[str, Field(max_length=1000)] = ""
    card_ids: list[int] = Field(default_factory=list, max_length=500)


class ClusterRename(Command):
    cluster_id: int
    name: Annotated[str, Field(max_length=1000)]


class ClusterRef(Command):
    cluster_id: int


class ClusterSuggest(Query):
    across_fields: bool = False


class GoalCreate(Command):
    title: Annotated[str, Field(max_length=1000)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    field_id: int | None = None
    cluster_id: int | None = None
    card_ids: list[int] = Field(default_factory=list, max_length=500)


class GoalUpdate(Command):
    goal_id: int
    title: Annotated[str, Field(max_length=1000)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    field_id: int | None = None


class GoalMove(Command):
    goal_id: int
    index: int = Field(ge=0, le=100_000)


class GoalMerge(Command):
    source_id: int
    target_id: int


class GoalRef(Command):
    goal_id: int


class RoundCreate(Command):
    method: Literal["dots", "matrix", "ranking"] = "dots"
    title: Annotated[str, Field(max_length=1000)] = ""
    goal_ids: list[int] | None = Field(default=None, max_length=500)
    source_round_id: int | None = None
    top: int | None = None
    budget: int = 5
    max_per_goal: int = 3
    scale_min: int = 1
    scale_max: int = 5
    label_x: Annotated[str, Field(max_length=1000)] = ""
    label_y: Annotated[str, Field(max_length=1000)] = ""
    live_results: bool = False


class RoundStatus(Command):
    round_id: int
    status: Literal["open", "closed", "revealed"]


class RoundPreview(Query):
    round_id: int


class Vote(Command):
    """A ballot change; the moderator names the proxy or paper ballot they vote for."""

    round_id: int
    voter_id: int | None = None


class VoteDots(Vote):
    goal_id: int
    dots: int


class VoteRate(Vote):
    goal_id: int
    axis: Literal["x", "y"]
    value: int | None


class VoteRank(Vote):
    order: list[int] = Field(max_length=500)


class ProxyCreate(Command):
    name: Annotated[str, Field(max_length=1000)]
    organisation: Annotated[str, Field(max_length=1000)] = ""


class PaperCreate(Command):
    round_id: int


class StandInRef(Command):
    voter_id: int


class StandInBallot(Query):
    voter_id: int
    round_id: int


class PrioritiesSet(Command):
    goal_ids: list[int] = Field(max_length=500)


class PrioritiesTop(Command):
    round_id: int
    top: int


class GoalNote(Command):
    goal_id: int
    note: Annotated[str, Field(max_length=10_000)]


class ResultsShow(Command):
    round_ids: list[int] = Field(max_length=10)
    field_id: int | None = None


class ReviewSet(Command):
    """A participant's traffic light for a goal of the previous retreat, with a comment."""

    goal_id: int
    light: str | None = Field(default=None, max_length=16)
    comment: Annotated[str, Field(max_length=5000)] = ""


class ReviewClear(Command):
    goal_id: int


class PlanSet(Command):
    """Some of a goal's plan fields; only the keys given change."""

    goal_id: int
    working_group: str | None = Field(default=None, max_length=1000)
    lead: str | None = Field(default=None, max_length=1000)
    target: str | None = Field(default=None, max_length=1000)
    indicator: str | None = Field(default=None, max_length=10_000)
    status: str | None = Field(default=None, max_length=32)


class MeasureFields(Command):
    text: str | None = Field(default=None, max_length=10_000)
    owner: str | None = Field(default=None, max_length=1000)
    due: str | None = Field(default=None, max_length=1000)
    status: str | None = Field(default=None, max_length=32)


class MeasureAdd(MeasureFields):
    goal_id: int


class MeasureUpdate(MeasureFields):
    measure_id: int


class MeasureDelete(Command):
    measure_id: int


class MeasureMove(Command):
    measure_id: int
    position: int


class GroupingSet(Command):
    grouping: str = Field(max_length=16)


class GroupJoin(Command):
    group_id: int | None
