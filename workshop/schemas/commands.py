"""Inbound Socket.IO payloads, one model per event; unknown keys and wrong types are refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import CARD_NAME_MODES, PHASES

PhaseName = Literal[PHASES]  # type: ignore[valid-type]
NameMode = Literal[CARD_NAME_MODES]  # type: ignore[valid-type]
#: A number as the database stores it (64 bits): a larger one is refused as invalid input
#: instead of failing in the database driver. The services check the meaningful range.
Number = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
#: Raw text is bounded here; the services give the precise, translated length message.
RawText = Annotated[str, Field(max_length=5000)]


class Query(BaseModel):
    """A read-only request: names the workshop the client believes it is in."""

    model_config = ConfigDict(extra="forbid", strict=True)

    workshop: int = Field(ge=1, le=2**63 - 1)


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
    field_id: Number
    kind_id: Number
    text: RawText


class CardEdit(Command):
    card_id: Number
    text: RawText
    field_id: Number | None = None
    kind_id: Number | None = None


class CardRef(Command):
    card_id: Number


class CardHide(Command):
    card_id: Number
    hidden: bool


class CardMerge(Command):
    source_id: Number
    target_id: Number


class CardSupport(Command):
    card_id: Number
    support: bool


class CardSimilar(Query):
    text: RawText
    field_id: Number | None = None


class CardSpotlight(Command):
    card_id: Number | None


class WallUpdate(Command):
    collect_locked: bool | None = None
    show_authors: bool | None = None
    card_names: NameMode | None = None


class CardMove(Command):
    card_id: Number
    cluster_id: Number | None
    index: int = Field(ge=0, le=100_000)


class ClusterCreate(Command):
    field_id: Number | None
    name: Annotated[str, Field(max_length=1000)] = ""
    card_ids: list[Number] = Field(default_factory=list, max_length=500)


class ClusterRename(Command):
    cluster_id: Number
    name: Annotated[str, Field(max_length=1000)]


class ClusterRef(Command):
    cluster_id: Number


class ClusterSuggest(Query):
    across_fields: bool = False


class GoalCreate(Command):
    title: Annotated[str, Field(max_length=1000)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    field_id: Number | None = None
    cluster_id: Number | None = None
    card_ids: list[Number] = Field(default_factory=list, max_length=500)


class GoalUpdate(Command):
    goal_id: Number
    title: Annotated[str, Field(max_length=1000)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    field_id: Number | None = None


class GoalMove(Command):
    goal_id: Number
    index: int = Field(ge=0, le=100_000)


class GoalMerge(Command):
    source_id: Number
    target_id: Number


class GoalRef(Command):
    goal_id: Number


class RoundCreate(Command):
    method: Literal["dots", "matrix", "ranking"] = "dots"
    title: Annotated[str, Field(max_length=1000)] = ""
    goal_ids: list[Number] | None = Field(default=None, max_length=500)
    source_round_id: Number | None = None
    top: Number | None = None
    budget: Number = 5
    max_per_goal: Number = 3
    scale_min: Number = 1
    scale_max: Number = 5
    label_x: Annotated[str, Field(max_length=1000)] = ""
    label_y: Annotated[str, Field(max_length=1000)] = ""
    live_results: bool = False


class RoundStatus(Command):
    round_id: Number
    status: Literal["open", "closed", "revealed"]


class RoundPreview(Query):
    round_id: Number


class Vote(Command):
    """A ballot change; the moderator names the proxy or paper ballot they vote for."""

    round_id: Number
    voter_id: Number | None = None


class VoteDots(Vote):
    goal_id: Number
    dots: Number


class VoteRate(Vote):
    goal_id: Number
    axis: Literal["x", "y"]
    value: Number | None


class VoteRank(Vote):
    order: list[Number] = Field(max_length=500)


class ProxyCreate(Command):
    name: Annotated[str, Field(max_length=1000)]
    organisation: Annotated[str, Field(max_length=1000)] = ""


class PaperCreate(Command):
    round_id: Number


class StandInRef(Command):
    voter_id: Number


class StandInBallot(Query):
    voter_id: Number
    round_id: Number


class PrioritiesSet(Command):
    goal_ids: list[Number] = Field(max_length=500)


class PrioritiesTop(Command):
    round_id: Number
    top: Number


class GoalNote(Command):
    goal_id: Number
    note: Annotated[str, Field(max_length=10_000)]


class ResultsShow(Command):
    round_ids: list[Number] = Field(max_length=10)
    field_id: Number | None = None


class ReviewSet(Command):
    """A participant's traffic light for a goal of the previous retreat, with a comment."""

    goal_id: Number
    light: str | None = Field(default=None, max_length=16)
    comment: Annotated[str, Field(max_length=5000)] = ""


class ReviewClear(Command):
    goal_id: Number


class PlanSet(Command):
    """Some of a goal's plan fields; only the keys given change."""

    goal_id: Number
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
    goal_id: Number


class MeasureUpdate(MeasureFields):
    measure_id: Number


class MeasureDelete(Command):
    measure_id: Number


class MeasureMove(Command):
    measure_id: Number
    position: Number


class GroupingSet(Command):
    grouping: str = Field(max_length=16)


class GroupJoin(Command):
    group_id: Number | None
