"""Ballots: dots, impact × feasibility ratings and rankings, each checked under the voter's lock.

Every change takes the voter's write lock before it reads the ballot, so two tabs or a double
tap never exceed the budget or leave half a ranking, on SQLite and on PostgreSQL alike. A voter
is a participant with a device, or a proxy or paper ballot the moderator votes for; the same
rules hold for all of them. A ballot is only ever shown to the device that cast it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session, lazyload

from ..models import DotVote, MatrixRating, Participant, RankVote, RoundGoal, VoteRound, Workshop
from ..models.vote import BallotRow
from .errors import Conflict, DomainError, Invalid, NotFound
from .lookup import get_owned
from .workshops import lock_participant, lock_participants

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


@dataclass(frozen=True)
class DotsChange:
    """One voter putting ``dots`` dots on a goal of a round (0 takes them back)."""

    voter: Participant
    round_id: object
    goal_id: object
    dots: object


def set_dots(
    session: Session,
    workshop: Workshop,
    voter: Participant,
    round_id: object,
    goal_id: object,
    dots: object,
) -> Ballot:
    """Put ``dots`` dots on a goal (0 takes them back); return the voter's ballot."""
    outcome = set_dots_many(session, workshop, [DotsChange(voter, round_id, goal_id, dots)])[0]
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


#: The reads of ``set_dots_many``, built once: an ``in_()`` built for each batch leaves bound
#: parameters in reference cycles, garbage that only the collector's pauses free
#: (``workshops.lock_participants``).
_BATCH_ROUNDS = (
    select(
        VoteRound.id, VoteRound.status, VoteRound.method, VoteRound.budget, VoteRound.max_per_goal
    )
    .where(
        VoteRound.id.in_(bindparam("round_ids", expanding=True)),
        VoteRound.workshop_id == bindparam("workshop_id"),
    )
    .with_for_update(read=True)
)
_BATCH_GOALS = select(RoundGoal.round_id, RoundGoal.goal_id).where(
    RoundGoal.round_id.in_(bindparam("round_ids", expanding=True)),
    RoundGoal.goal_id.in_(bindparam("goal_ids", expanding=True)),
)
_BATCH_DOTS = (
    select(DotVote.id, DotVote.round_id, DotVote.participant_id, DotVote.goal_id, DotVote.dots)
    .where(
        DotVote.round_id.in_(bindparam("round_ids", expanding=True)),
        DotVote.participant_id.in_(bindparam("voter_ids", expanding=True)),
    )
    .order_by(DotVote.id)
)


def set_dots_many(
    session: Session, workshop: Workshop, changes: Sequence[DotsChange]
) -> list[Ballot | DomainError]:
    """Apply dot changes in order, in the caller's transaction, with a handful of statements.

    This is the group commit of a room voting at once (docs/performance.md): the voters are
    locked together (in id order, so two batches never wait for each other in a circle), the
    rounds, their goals and the voters' rows are read once, every change is checked against the
    state the changes before it left, and what changed is written in one statement per table.
    Each change gets its voter's new ballot or the error that refused it; a refused change
    alters nothing, and the changes after it do not see it.
    """
    outcomes: list[Ballot | DomainError | None] = [None] * len(changes)
    valid: list[int] = []
    for index, change in enumerate(changes):
        dots = change.dots
        if isinstance(dots, bool) or not isinstance(dots, int) or dots < 0:
            outcomes[index] = Invalid("bad_dots", fields=["dots"])
        else:
            valid.append(index)
    if not valid:
        return outcomes  # type: ignore[return-value]
    # Plain SQL on the session's connection: these rows are read as values, never as objects,
    # which spares the ORM's bookkeeping on every statement.
    connection = session.connection()
    voter_ids = sorted({changes[i].voter.id for i in valid})
    lock_participants(session, voter_ids)
    round_ids = {changes[i].round_id for i in valid if _is_id(changes[i].round_id)}
    rounds = {
        row.id: row
        for row in connection.execute(
            _BATCH_ROUNDS, {"round_ids": list(round_ids), "workshop_id": workshop.id}
        )
    }
    open_ids = [r.id for r in rounds.values() if r.status == "open" and r.method == "dots"]
    goals_of: set[tuple[int, int]] = set()
    held: dict[tuple[int, int], dict[int, list[Any]]] = {}
    if open_ids:
        # Only the goals voted on: a room votes on a few goals per batch, a round has dozens.
        goal_ids = {changes[i].goal_id for i in valid if _is_id(changes[i].goal_id)}
        goals_of = {
            (row.round_id, row.goal_id)
            for row in connection.execute(
                _BATCH_GOALS, {"round_ids": open_ids, "goal_ids": list(goal_ids)}
            )
        }
        for row in connection.execute(_BATCH_DOTS, {"round_ids": open_ids, "voter_ids": voter_ids}):
            ballot = held.setdefault((row.round_id, row.participant_id), {})
            ballot[row.goal_id] = [row.id, row.dots]
    changed: set[tuple[int, int, int]] = set()
    for index in valid:
        change = changes[index]
        try:
            vote_round = _dot_round(rounds, change)
            if not _is_id(change.goal_id) or (vote_round.id, change.goal_id) not in goals_of:
                raise Invalid("goal_not_in_round", fields=["goal_id"])
            dots = int(change.dots)  # type: ignore[call-overload]
            if dots > vote_round.max_per_goal:
                raise Invalid("too_many_on_goal", fields=["dots"], max=vote_round.max_per_goal)
            ballot = held.setdefault((vote_round.id, change.voter.id), {})
            goal_id = int(change.goal_id)  # type: ignore[call-overload]
            spent = sum(d for g, (_, d) in ballot.items() if g != goal_id)
            if spent + dots > vote_round.budget:
                raise Conflict("budget_exceeded", budget=vote_round.budget)
        except DomainError as error:
            outcomes[index] = error
            continue
        ballot.setdefault(goal_id, [None, 0])[1] = dots
        changed.add((vote_round.id, change.voter.id, goal_id))
        outcomes[index] = {g: d for g, (_, d) in ballot.items() if d}
    _write_dots(session, held, changed)
    return outcomes  # type: ignore[return-value]


def _is_id(value: object) -> bool:
    """A row id as a client may send it (``True`` is an int to Python, but no id)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _dot_round(rounds: dict[Any, Any], change: DotsChange) -> Any:
    """The round a dot change goes to, checked like every ballot's (see ``_voting_round``)."""
    vote_round = rounds.get(change.round_id) if _is_id(change.round_id) else None
    if vote_round is None:
        raise NotFound("round_not_found")
    if vote_round.status != "open":
        raise Conflict("round_not_open")
    if vote_round.method != "dots":
        raise Invalid("wrong_method", fields=["round_id"])
    voter = change.voter
    if voter.kind == "paper" and voter.round_id != vote_round.id:
        raise Invalid("paper_other_round", fields=["round_id"])
    return vote_round


def _write_dots(
    session: Session,
    held: dict[tuple[int, int], dict[int, list[Any]]],
    changed: set[tuple[int, int, int]],
) -> None:
    """One UPDATE for the rows that existed and one INSERT for the new ones (executemany)."""
    updates, inserts = [], []
    for round_id, voter_id, goal_id in sorted(changed):
        row_id, dots = held[(round_id, voter_id)][goal_id]
        if row_id is None:
            inserts.append(
                {"round_id": round_id, "participant_id": voter_id, "goal_id": goal_id, "dots": dots}
            )
        else:
            updates.append({"row_id": row_id, "dots": dots})
    table = DotVote.__table__
    connection = session.connection()
    if updates:
        connection.execute(
            table.update().where(table.c.id == bindparam("row_id")).values(dots=bindparam("dots")),
            updates,
        )
    if inserts:
        connection.execute(table.insert(), inserts)
    # Rows this session loaded as objects before would now show old counts: reload them.
    for item in list(session.identity_map.values()):
        if isinstance(item, DotVote):
            session.expire(item)


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
