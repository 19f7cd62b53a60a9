"""Ballots: dots, impact × feasibility ratings and rankings, each checked under the voter's lock.

Every change takes the voter's write lock before it reads the ballot, so two tabs or a double
tap never exceed the budget or leave half a ranking, on SQLite and on PostgreSQL alike. A voter
is a participant with a device, or a proxy or paper ballot the moderator votes for; the same
rules hold for all of them. A ballot is only ever shown to the device that cast it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, lazyload

from ..models import DotVote, MatrixRating, Participant, RankVote, RoundGoal, VoteRound, Workshop
from ..models.vote import BallotRow
from .errors import Conflict, Invalid
from .lookup import get_owned
from .workshops import lock_participant

#: A ballot as its voter sees it: dots per goal, [x, y] per goal, or goal ids in order.
Ballot = dict[int, int] | dict[int, list[int | None]] | list[int]
#: The table each method keeps its ballots in.
TABLES: dict[str, type[BallotRow]] = {
    "dots": DotVote,
    "matrix": MatrixRating,
    "ranking": RankVote,
}


def _rows(session: Session, vote_round: VoteRound, participant_id: int) -> list[Any]:
    """The voter's rows of this round, in one query (a vote reads them once and keeps them)."""
    table = TABLES[vote_round.method]
    return list(
        session.scalars(
            select(table).where(
                table.round_id == vote_round.id, table.participant_id == participant_id
            )
        )
    )


def _as_ballot(method: str, rows: list[Any]) -> Ballot:
    if method == "matrix":
        return {row.goal_id: [row.x, row.y] for row in rows}
    if method == "ranking":
        return [row.goal_id for row in sorted(rows, key=lambda row: row.place)]
    return {row.goal_id: row.dots for row in rows if row.dots}


def ballot(session: Session, vote_round: VoteRound, participant_id: int) -> Ballot:
    """One voter's ballot in ``vote_round`` (only ever shown to that voter)."""
    return _as_ballot(vote_round.method, _rows(session, vote_round, participant_id))


def _voting_round(
    session: Session, workshop: Workshop, voter: Participant, round_id: object, method: str
) -> VoteRound:
    """Lock the voter, then load the round they vote in and check that it takes this ballot.

    The round is read under a shared lock: votes do not wait for each other, but closing the
    round waits for the votes in flight, so no vote lands after the round closed (PostgreSQL;
    SQLite runs one writer at a time anyway).
    """
    lock_participant(session, voter.id)
    vote_round = get_owned(
        session,
        VoteRound,
        workshop,
        round_id,
        "round_not_found",
        with_for_update={"read": True},
        populate_existing=True,
        # A vote checks one goal (``_check_goal``); loading all the round's goals cost more
        # than the rest of the vote together.
        options=[lazyload(VoteRound.goals)],
    )
    if vote_round.status != "open":
        raise Conflict("round_not_open")
    if vote_round.method != method:
        raise Invalid("wrong_method", fields=["round_id"])
    if voter.kind == "paper" and voter.round_id != vote_round.id:
        raise Invalid("paper_other_round", fields=["round_id"])
    return vote_round


def _check_goal(session: Session, vote_round: VoteRound, goal_id: object) -> None:
    in_round = session.scalar(
        select(RoundGoal.id).where(
            RoundGoal.round_id == vote_round.id, RoundGoal.goal_id == goal_id
        )
    )
    if in_round is None:
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
    _check_goal(session, vote_round, goal_id)
    if dots > vote_round.max_per_goal:
        raise Invalid("too_many_on_goal", fields=["dots"], max=vote_round.max_per_goal)
    rows = _rows(session, vote_round, voter.id)
    row = next((r for r in rows if r.goal_id == goal_id), None)
    spent = sum(r.dots for r in rows if r is not row)
    if spent + dots > vote_round.budget:
        raise Conflict("budget_exceeded", budget=vote_round.budget)
    if row is None:
        row = DotVote(round_id=vote_round.id, participant_id=voter.id, goal_id=goal_id, dots=dots)
        session.add(row)
        rows.append(row)
    else:
        row.dots = dots
    session.flush()
    return _as_ballot("dots", rows)


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
    _check_goal(session, vote_round, goal_id)
    low, high = vote_round.scale_min, vote_round.scale_max
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
    ):
        raise Invalid("bad_rating", fields=["value"], min=low, max=high)
    rows = _rows(session, vote_round, voter.id)
    row = next((r for r in rows if r.goal_id == goal_id), None)
    if row is None:
        if value is None:
            return _as_ballot("matrix", rows)
        row = MatrixRating(round_id=vote_round.id, participant_id=voter.id, goal_id=goal_id)
        session.add(row)
        rows.append(row)
    setattr(row, str(axis), value)
    if row.x is None and row.y is None:
        session.delete(row)
        rows.remove(row)
    session.flush()
    return _as_ballot("matrix", rows)


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
    return list(order)
