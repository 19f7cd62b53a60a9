"""Ballots: dots, impact × feasibility ratings and rankings, each checked under the voter's lock.

Every change takes the voter's write lock before it reads the ballot, so two tabs or a double
tap never exceed the budget or leave half a ranking, on SQLite and on PostgreSQL alike. A voter
is a participant with a device, or a proxy or paper ballot the moderator votes for; the same
rules hold for all of them. A ballot is only ever shown to the device that cast it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import DotVote, MatrixRating, Participant, RankVote, VoteRound, Workshop
from .errors import Conflict, Invalid
from .votes import get_round
from .workshops import lock_participant

#: A ballot as its voter sees it: dots per goal, [x, y] per goal, or goal ids in order.
Ballot = dict[int, int] | dict[int, list[int | None]] | list[int]


def ballot(session: Session, vote_round: VoteRound, participant_id: int) -> Ballot:
    """One voter's ballot in ``vote_round`` (only ever shown to that voter)."""
    if vote_round.method == "matrix":
        rows = session.execute(
            select(MatrixRating.goal_id, MatrixRating.x, MatrixRating.y).where(
                MatrixRating.round_id == vote_round.id,
                MatrixRating.participant_id == participant_id,
            )
        )
        return {goal_id: [x, y] for goal_id, x, y in rows}
    if vote_round.method == "ranking":
        return list(
            session.scalars(
                select(RankVote.goal_id)
                .where(
                    RankVote.round_id == vote_round.id, RankVote.participant_id == participant_id
                )
                .order_by(RankVote.place)
            )
        )
    rows = session.execute(
        select(DotVote.goal_id, DotVote.dots).where(
            DotVote.round_id == vote_round.id, DotVote.participant_id == participant_id
        )
    )
    return {goal_id: dots for goal_id, dots in rows if dots}


def _voting_round(
    session: Session, workshop: Workshop, voter: Participant, round_id: object, method: str
) -> VoteRound:
    """Lock the voter, then load the round they vote in and check that it takes this ballot.

    The round is read under a shared lock: votes do not wait for each other, but closing the
    round waits for the votes in flight, so no vote lands after the round closed (PostgreSQL;
    SQLite runs one writer at a time anyway).
    """
    lock_participant(session, voter.id)
    vote_round = get_round(session, workshop, round_id)
    session.refresh(vote_round, with_for_update={"read": True})
    if vote_round.status != "open":
        raise Conflict("round_not_open")
    if vote_round.method != method:
        raise Invalid("wrong_method", fields=["round_id"])
    if voter.kind == "paper" and voter.round_id != vote_round.id:
        raise Invalid("paper_other_round", fields=["round_id"])
    return vote_round


def _check_goal(vote_round: VoteRound, goal_id: object) -> None:
    if goal_id not in {g.goal_id for g in vote_round.goals}:
        raise Invalid("goal_not_in_round", fields=["goal_id"])


def set_dots(
    session: Session,
    workshop: Workshop,
    voter: Participant,
    round_id: object,
    goal_id: object,
    dots: object,
) -> Ballot:
    """Put ``dots`` dots on a goal (0 takes them back); return the voter's ballot."""
    if isinstance(dots, bool) or not isinstance(dots, int) or dots < 0:
        raise Invalid("bad_dots", fields=["dots"])
    vote_round = _voting_round(session, workshop, voter, round_id, "dots")
    _check_goal(vote_round, goal_id)
    if dots > vote_round.max_per_goal:
        raise Invalid("too_many_on_goal", fields=["dots"], max=vote_round.max_per_goal)
    current: dict[int, int] = ballot(session, vote_round, voter.id)  # type: ignore[assignment]
    spent = sum(current.values()) - current.get(goal_id, 0)  # type: ignore[call-overload]
    if spent + dots > vote_round.budget:
        raise Conflict("budget_exceeded", budget=vote_round.budget)
    row = session.scalar(
        select(DotVote).where(
            DotVote.round_id == vote_round.id,
            DotVote.participant_id == voter.id,
            DotVote.goal_id == goal_id,
        )
    )
    if row is None:
        session.add(
            DotVote(round_id=vote_round.id, participant_id=voter.id, goal_id=goal_id, dots=dots)
        )
    else:
        row.dots = dots
    session.flush()
    return ballot(session, vote_round, voter.id)


def set_rating(
    session: Session,
    workshop: Workshop,
    voter: Participant,
    round_id: object,
    goal_id: object,
    axis: object,
    value: object,
) -> Ballot:
    """Rate a goal on one axis ("x": impact, "y": feasibility); None takes the rating back.

    A goal counts in the result once both axes are rated.
    """
    if axis not in ("x", "y"):
        raise Invalid("bad_axis", fields=["axis"])
    vote_round = _voting_round(session, workshop, voter, round_id, "matrix")
    _check_goal(vote_round, goal_id)
    low, high = vote_round.scale_min, vote_round.scale_max
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
    ):
        raise Invalid("bad_rating", fields=["value"], min=low, max=high)
    row = session.scalar(
        select(MatrixRating).where(
            MatrixRating.round_id == vote_round.id,
            MatrixRating.participant_id == voter.id,
            MatrixRating.goal_id == goal_id,
        )
    )
    if row is None:
        if value is None:
            return ballot(session, vote_round, voter.id)
        row = MatrixRating(round_id=vote_round.id, participant_id=voter.id, goal_id=goal_id)
        session.add(row)
    setattr(row, str(axis), value)
    if row.x is None and row.y is None:
        session.delete(row)
    session.flush()
    return ballot(session, vote_round, voter.id)


def set_ranking(
    session: Session, workshop: Workshop, voter: Participant, round_id: object, order: Any
) -> Ballot:
    """Replace the voter's ranking with ``order`` (every goal of the round once, best first).

    An empty order withdraws the ranking.
    """
    vote_round = _voting_round(session, workshop, voter, round_id, "ranking")
    goal_ids = [g.goal_id for g in vote_round.goals]
    if (
        not isinstance(order, list)
        or any(isinstance(g, bool) or not isinstance(g, int) for g in order)
        or (order and (len(order) != len(goal_ids) or set(order) != set(goal_ids)))
    ):
        raise Invalid("bad_ranking", fields=["order"])
    session.execute(
        delete(RankVote).where(
            RankVote.round_id == vote_round.id, RankVote.participant_id == voter.id
        )
    )
    session.add_all(
        RankVote(round_id=vote_round.id, participant_id=voter.id, goal_id=goal_id, place=place)
        for place, goal_id in enumerate(order)
    )
    session.flush()
    return ballot(session, vote_round, voter.id)
