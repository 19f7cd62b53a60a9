"""Voting rounds and dot voting, with budget and per-goal maximum enforced under concurrency.

A ballot change takes the participant's write lock before it reads the ballot, so two tabs or
a double tap never exceed the budget, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from ..models import DotVote, Participant, RoundGoal, VoteRound, Workshop
from .errors import Conflict, Invalid
from .events import DomainEvent, RoundChanged
from .goals import get_goal, goals
from .lookup import get_owned, in_order, next_position
from .participants import count_participants
from .tally import DotResult, tally_dots
from .text import clean_text
from .workshops import bump_version, lock_participant

#: The next status each status may move to (a closed round may be reopened).
TRANSITIONS = {"draft": {"open"}, "open": {"closed"}, "closed": {"open", "revealed"}}
MAX_BUDGET = 50


def get_round(session: Session, workshop: Workshop, round_id: object) -> VoteRound:
    """A round of this workshop, or ``NotFound``."""
    return get_owned(session, VoteRound, workshop, round_id, "round_not_found")


def create_dot_round(
    session: Session,
    workshop: Workshop,
    *,
    title: object = "",
    goal_ids: Iterable[object] | None = None,
    budget: object = 5,
    max_per_goal: object = 3,
    live_results: bool = False,
) -> tuple[VoteRound, list[DomainEvent]]:
    """Prepare a dot-voting round over the given goals (all goals when None)."""
    for name, value, upper in (("budget", budget, MAX_BUDGET), ("max_per_goal", max_per_goal, 50)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
            raise Invalid("bad_budget", fields=[name], max=upper)
    if max_per_goal > budget:  # type: ignore[operator]
        raise Invalid("max_over_budget", fields=["max_per_goal"])
    chosen = (
        goals(session, workshop)
        if goal_ids is None
        else [get_goal(session, workshop, goal_id) for goal_id in goal_ids]
    )
    if not chosen or len({g.id for g in chosen}) != len(chosen):
        raise Invalid("bad_round_goals", fields=["goal_ids"])
    position = next_position(session, VoteRound, VoteRound.workshop_id == workshop.id)
    vote_round = VoteRound(
        workshop_id=workshop.id,
        title=clean_text(title, field="title", max_length=200, required=False),
        method="dots",
        budget=budget,
        max_per_goal=max_per_goal,
        live_results=bool(live_results),
        position=position,
    )
    vote_round.goals = [RoundGoal(goal_id=g.id, position=i) for i, g in enumerate(chosen)]
    session.add(vote_round)
    session.flush()
    return vote_round, [RoundChanged(workshop.id, bump_version(session, workshop), vote_round.id)]


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


def ballot(session: Session, vote_round: VoteRound, participant_id: int) -> dict[int, int]:
    """One participant's dots per goal (only ever shown to that participant)."""
    rows = session.execute(
        select(DotVote.goal_id, DotVote.dots).where(
            DotVote.round_id == vote_round.id, DotVote.participant_id == participant_id
        )
    )
    return {goal_id: dots for goal_id, dots in rows if dots}


def set_dots(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    round_id: object,
    goal_id: object,
    dots: object,
) -> dict[int, int]:
    """Put ``dots`` dots on a goal (0 takes them back); return the participant's ballot."""
    if isinstance(dots, bool) or not isinstance(dots, int) or dots < 0:
        raise Invalid("bad_dots", fields=["dots"])
    lock_participant(session, participant.id)
    vote_round = get_round(session, workshop, round_id)
    session.refresh(vote_round)
    if vote_round.status != "open":
        raise Conflict("round_not_open")
    if goal_id not in {g.goal_id for g in vote_round.goals}:
        raise Invalid("goal_not_in_round", fields=["goal_id"])
    if dots > vote_round.max_per_goal:
        raise Invalid("too_many_on_goal", fields=["dots"], max=vote_round.max_per_goal)
    current = ballot(session, vote_round, participant.id)
    spent = sum(current.values()) - current.get(goal_id, 0)  # type: ignore[arg-type]
    if spent + dots > vote_round.budget:
        raise Conflict("budget_exceeded", budget=vote_round.budget)
    row = session.scalar(
        select(DotVote).where(
            DotVote.round_id == vote_round.id,
            DotVote.participant_id == participant.id,
            DotVote.goal_id == goal_id,
        )
    )
    if row is None:
        session.add(
            DotVote(
                round_id=vote_round.id, participant_id=participant.id, goal_id=goal_id, dots=dots
            )
        )
    else:
        row.dots = dots
    session.flush()
    return ballot(session, vote_round, participant.id)


def progress(session: Session, workshop: Workshop, vote_round: VoteRound) -> tuple[int, int]:
    """How many have voted (any dot) and how many could: "23 von 31 haben abgestimmt"."""
    voted = session.scalar(
        select(func.count(distinct(DotVote.participant_id))).where(
            DotVote.round_id == vote_round.id, DotVote.dots > 0
        )
    )
    return voted or 0, count_participants(session, workshop.id)


def dot_results(session: Session, vote_round: VoteRound) -> list[DotResult]:
    """The aggregated result of a dot round: dots, ranks and voter shares per goal."""
    goal_ids = [g.goal_id for g in vote_round.goals]
    ballots: dict[int, dict[int, int]] = {}
    for participant_id, goal_id, dots in session.execute(
        select(DotVote.participant_id, DotVote.goal_id, DotVote.dots).where(
            DotVote.round_id == vote_round.id
        )
    ):
        ballots.setdefault(participant_id, {})[goal_id] = dots
    return tally_dots(goal_ids, ballots.values())


def rounds(session: Session, workshop: Workshop) -> list[VoteRound]:
    """The workshop's rounds in the order they were made."""
    return in_order(session, VoteRound, workshop)


def results_visible(vote_round: VoteRound, role: str) -> bool:
    """Tallies leave the server only after the reveal, or live to moderator and projector."""
    if vote_round.status == "revealed":
        return True
    return vote_round.live_results and vote_round.status == "open" and role != "participant"
