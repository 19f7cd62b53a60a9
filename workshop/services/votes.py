"""Voting rounds: preparing, opening, closing and revealing them, their turnout and results.

A round holds one method (dot voting, impact × feasibility, ranking) over a set of goals. The
ballots themselves are in ``ballots.py``; only aggregates leave this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    VOTE_METHODS,
    DotVote,
    Goal,
    MatrixRating,
    Participant,
    RankVote,
    RoundGoal,
    VoteRound,
    Workshop,
)
from .errors import Conflict, Invalid
from .events import DomainEvent, RoundChanged, WallChanged
from .goals import get_goal, goals
from .lookup import get_owned, in_order, next_position
from .tally import BordaResult, DotResult, MatrixResult, rank_dots, tally_borda, tally_matrix
from .text import clean_text
from .workshops import bump_version

#: The next status each status may move to (a closed round may be reopened).
TRANSITIONS = {"draft": {"open"}, "open": {"closed"}, "closed": {"open", "revealed"}}
MAX_BUDGET = 50
#: Matrix scales run within 0…10 (e.g. 1–5, 0–3, 1–10).
SCALE_LIMITS = (0, 10)
#: Default axis names of the impact × feasibility matrix, in the workshop's language.
AXIS_LABELS = {"de": ("Wirkung", "Umsetzbarkeit"), "en": ("Impact", "Feasibility")}
#: How many rounds the projector shows side by side.
MAX_SHOWN_ROUNDS = 3

Result = DotResult | BordaResult | MatrixResult


@dataclass(frozen=True)
class RoundSettings:
    """What the moderator chooses for a new round; checked by ``create_round``."""

    method: object = "dots"
    title: object = ""
    goal_ids: Iterable[object] | None = None
    #: Start from an earlier round: its goals ranked ``top`` or better (ties at the cut kept).
    source_round_id: object = None
    top: object = None
    budget: object = 5
    max_per_goal: object = 3
    scale_min: object = 1
    scale_max: object = 5
    label_x: object = ""
    label_y: object = ""
    live_results: bool = False


@dataclass(frozen=True)
class Turnout:
    """How many voted of how many could, and how many of the voters were proxies or paper."""

    voted: int
    eligible: int
    proxy: int
    paper: int


def get_round(session: Session, workshop: Workshop, round_id: object) -> VoteRound:
    """A round of this workshop, or ``NotFound``."""
    return get_owned(session, VoteRound, workshop, round_id, "round_not_found")


def _whole_number(value: object, name: str, low: int, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(code, fields=[name], min=low, max=high)
    return value


def create_round(
    session: Session, workshop: Workshop, settings: RoundSettings
) -> tuple[VoteRound, list[DomainEvent]]:
    """Prepare a round (a draft: nobody votes before it opens)."""
    if settings.method not in VOTE_METHODS:
        raise Invalid("bad_method", fields=["method"])
    method = str(settings.method)
    vote_round = VoteRound(
        workshop_id=workshop.id,
        title=clean_text(settings.title, field="title", max_length=200, required=False),
        method=method,
        live_results=bool(settings.live_results),
    )
    if method == "dots":
        vote_round.budget = _whole_number(settings.budget, "budget", 1, MAX_BUDGET, "bad_budget")
        vote_round.max_per_goal = _whole_number(
            settings.max_per_goal, "max_per_goal", 1, MAX_BUDGET, "bad_budget"
        )
        if vote_round.max_per_goal > vote_round.budget:
            raise Invalid("max_over_budget", fields=["max_per_goal"])
    elif method == "matrix":
        vote_round.scale_min = _whole_number(
            settings.scale_min, "scale_min", *SCALE_LIMITS, "bad_scale"
        )
        vote_round.scale_max = _whole_number(
            settings.scale_max, "scale_max", *SCALE_LIMITS, "bad_scale"
        )
        if vote_round.scale_max <= vote_round.scale_min:
            raise Invalid(
                "bad_scale", fields=["scale_max"], min=SCALE_LIMITS[0], max=SCALE_LIMITS[1]
            )
        default_x, default_y = AXIS_LABELS.get(workshop.language, AXIS_LABELS["de"])
        vote_round.label_x = _axis_label(settings.label_x, "label_x", default_x)
        vote_round.label_y = _axis_label(settings.label_y, "label_y", default_y)
    chosen = _round_goals(session, workshop, settings)
    if len(chosen) < (2 if method == "ranking" else 1):
        raise Invalid("bad_round_goals", fields=["goal_ids"])
    if settings.source_round_id is not None:
        vote_round.source_round_id = get_round(session, workshop, settings.source_round_id).id
    vote_round.position = next_position(session, VoteRound, VoteRound.workshop_id == workshop.id)
    vote_round.goals = [RoundGoal(goal_id=g.id, position=i) for i, g in enumerate(chosen)]
    session.add(vote_round)
    session.flush()
    return vote_round, [RoundChanged(workshop.id, bump_version(session, workshop), vote_round.id)]


def _axis_label(value: object, name: str, default: str) -> str:
    return clean_text(value, field=name, max_length=60, required=False) or default


def _round_goals(session: Session, workshop: Workshop, settings: RoundSettings) -> list[Goal]:
    """The goals a new round is over: as listed, the top of an earlier round, or all."""
    if settings.goal_ids is not None:
        chosen = [get_goal(session, workshop, goal_id) for goal_id in settings.goal_ids]
        if len({g.id for g in chosen}) != len(chosen):
            raise Invalid("bad_round_goals", fields=["goal_ids"])
        return chosen
    if settings.source_round_id is not None:
        source = get_round(session, workshop, settings.source_round_id)
        results = round_results(session, source)
        top = _whole_number(settings.top, "top", 1, len(results), "bad_top")
        return [session.get(Goal, result.goal) for result in top_results(source, results, top)]
    return goals(session, workshop)


def top_results(vote_round: VoteRound, results: Sequence[Result], top: int) -> list[Result]:
    """The results ranked ``top`` or better, from a round that is closed: ties at the cut stay."""
    if vote_round.status not in ("closed", "revealed"):
        raise Conflict("round_not_closed")
    return [result for result in results if result.rank <= top]


def set_status(
    session: Session, workshop: Workshop, round_id: object, status: str
) -> tuple[VoteRound, list[DomainEvent]]:
    """Open, close, reopen or reveal a round; only one round is open at a time."""
    vote_round = get_round(session, workshop, round_id)
    if status not in TRANSITIONS.get(vote_round.status, set()):
        raise Conflict("bad_round_transition")
    if status == "open":
        other = session.scalar(
            select(VoteRound.id).where(
                VoteRound.workshop_id == workshop.id,
                VoteRound.status == "open",
                VoteRound.id != vote_round.id,
            )
        )
        if other is not None:
            raise Conflict("another_round_open")
    vote_round.status = status
    session.flush()
    return vote_round, [RoundChanged(workshop.id, bump_version(session, workshop), vote_round.id)]


def _voters(vote_round: VoteRound) -> Select[tuple[int]]:
    """Who cast a ballot that counts: a dot, a complete rating, or a ranking."""
    if vote_round.method == "matrix":
        return select(MatrixRating.participant_id).where(
            MatrixRating.round_id == vote_round.id,
            MatrixRating.x.is_not(None),
            MatrixRating.y.is_not(None),
        )
    if vote_round.method == "ranking":
        return select(RankVote.participant_id).where(RankVote.round_id == vote_round.id)
    return select(DotVote.participant_id).where(DotVote.round_id == vote_round.id, DotVote.dots > 0)


def turnout(session: Session, workshop: Workshop, vote_round: VoteRound) -> Turnout:
    """How many have voted and could vote: "23 von 31 haben abgestimmt", never who.

    Everybody who joined with a device or as a proxy could vote, and each paper ballot of the
    round stands for one more person; somebody who left counts only in rounds they voted in.
    """
    voter_ids = _voters(vote_round).distinct().subquery()
    by_kind = dict(
        session.execute(
            select(Participant.kind, func.count(distinct(Participant.id)))
            .join(voter_ids, voter_ids.c.participant_id == Participant.id)
            .group_by(Participant.kind)
        ).all()
    )
    eligible = session.scalar(
        select(func.count())
        .select_from(Participant)
        .where(
            Participant.workshop_id == workshop.id,
            or_(
                Participant.kind.in_(("phone", "proxy")),
                and_(Participant.kind == "paper", Participant.round_id == vote_round.id),
                and_(Participant.kind == "left", Participant.id.in_(select(voter_ids))),
            ),
        )
    )
    return Turnout(
        voted=sum(by_kind.values()),
        eligible=eligible or 0,
        proxy=by_kind.get("proxy", 0),
        paper=by_kind.get("paper", 0),
    )


def round_results(session: Session, vote_round: VoteRound) -> list[Result]:
    """The aggregated result of a round, best first, ties sharing a rank (1, 2, 2, 4)."""
    goal_ids = [g.goal_id for g in vote_round.goals]
    if vote_round.method == "matrix":
        ratings = session.execute(
            select(MatrixRating.goal_id, MatrixRating.x, MatrixRating.y).where(
                MatrixRating.round_id == vote_round.id,
                MatrixRating.x.is_not(None),
                MatrixRating.y.is_not(None),
            )
        )
        return tally_matrix(goal_ids, [tuple(row) for row in ratings])
    if vote_round.method == "ranking":
        rankings: dict[int, list[int]] = {}
        for participant_id, goal_id in session.execute(
            select(RankVote.participant_id, RankVote.goal_id)
            .where(RankVote.round_id == vote_round.id)
            .order_by(RankVote.participant_id, RankVote.place)
        ):
            rankings.setdefault(participant_id, []).append(goal_id)
        return tally_borda(goal_ids, rankings.values())
    # Summed by the database: the tally of a big room is pushed several times a second.
    counted = (
        DotVote.round_id == vote_round.id,
        DotVote.goal_id.in_(goal_ids),
        DotVote.dots > 0,
    )
    totals, supporters = {}, {}
    for goal_id, dots, voters in session.execute(
        select(DotVote.goal_id, func.sum(DotVote.dots), func.count())
        .where(*counted)
        .group_by(DotVote.goal_id)
    ):
        totals[goal_id], supporters[goal_id] = int(dots), voters
    voters = session.scalar(select(func.count(distinct(DotVote.participant_id))).where(*counted))
    return rank_dots(goal_ids, totals, supporters, voters or 0)


def rounds(session: Session, workshop: Workshop) -> list[VoteRound]:
    """The workshop's rounds in the order they were made."""
    return in_order(session, VoteRound, workshop)


def open_round(session: Session, workshop: Workshop) -> VoteRound | None:
    """The round open for votes, if any (there is at most one)."""
    return session.scalar(
        select(VoteRound).where(VoteRound.workshop_id == workshop.id, VoteRound.status == "open")
    )


def results_visible(vote_round: VoteRound, role: str) -> bool:
    """Tallies leave the server only after the reveal, or live to moderator and projector."""
    if vote_round.status == "revealed":
        return True
    return vote_round.live_results and vote_round.status == "open" and role != "participant"


def shown_round_ids(workshop: Workshop) -> list[int]:
    """The rounds the projector shows side by side (empty: the latest revealed one)."""
    return json.loads(workshop.shown_round_ids or "[]")


def show_results(
    session: Session, workshop: Workshop, round_ids: Sequence[object], field_id: object
) -> list[DomainEvent]:
    """Choose the rounds the projector's results show side by side, and an action field filter.

    Rounds that are not revealed yet are accepted: the projector shows each once it is.
    """
    if len(round_ids) > MAX_SHOWN_ROUNDS:
        raise Invalid("too_many_shown_rounds", fields=["round_ids"], max=MAX_SHOWN_ROUNDS)
    chosen = [get_round(session, workshop, round_id).id for round_id in round_ids]
    if len(set(chosen)) != len(chosen):
        raise Invalid("bad_round_ids", fields=["round_ids"])
    if field_id is not None and field_id not in {f.id for f in workshop.fields}:
        raise Invalid("field_not_found", fields=["field_id"])
    workshop.shown_round_ids = json.dumps(chosen)
    workshop.results_field_id = field_id  # type: ignore[assignment]
    return [WallChanged(workshop.id, bump_version(session, workshop))]
