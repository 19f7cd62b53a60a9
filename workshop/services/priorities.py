"""The room's decision: the confirmed final priorities and a decision note per goal.

Votes inform the decision; the moderator confirms it, either the top of a round or goals
picked by hand after the discussion. Confirmed priorities are public: every screen marks them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from ..models import Workshop
from .errors import Invalid
from .events import DomainEvent, GoalChanged, GroupsChanged
from .goals import get_goal, goals
from .text import clean_text
from .votes import get_round, round_results, top_results
from .workshops import bump_version

MAX_NOTE_LENGTH = 2000


def set_priorities(
    session: Session, workshop: Workshop, goal_ids: Sequence[object]
) -> list[DomainEvent]:
    """Confirm these goals, in this order, as the final priorities (an empty list clears them)."""
    chosen = [get_goal(session, workshop, goal_id) for goal_id in goal_ids]
    if len({goal.id for goal in chosen}) != len(chosen):
        raise Invalid("duplicate_goals", fields=["goal_ids"])
    places = {goal.id: place for place, goal in enumerate(chosen, start=1)}
    events: list[DomainEvent] = []
    for goal in goals(session, workshop):
        priority = places.get(goal.id)
        if goal.priority != priority:
            goal.priority = priority
            events.append(GoalChanged(workshop.id, bump_version(session, workshop), goal.id))
    session.flush()
    if events and workshop.grouping == "goal":
        # The working groups are the confirmed goals: phones choosing one need the new list.
        events.append(GroupsChanged(workshop.id, workshop.version))
    return events


def priorities_from_round(
    session: Session, workshop: Workshop, round_id: object, top: object
) -> list[DomainEvent]:
    """Confirm the goals ranked ``top`` or better in a closed round (ties at the cut included)."""
    vote_round = get_round(session, workshop, round_id)
    results = round_results(session, vote_round)
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= len(results):
        raise Invalid("bad_top", fields=["top"], min=1, max=len(results))
    return set_priorities(
        session, workshop, [result.goal for result in top_results(vote_round, results, top)]
    )


def set_decision_note(
    session: Session, workshop: Workshop, goal_id: object, note: object
) -> list[DomainEvent]:
    """Record what was decided about a goal and why (empty removes the note)."""
    goal = get_goal(session, workshop, goal_id)
    text = clean_text(
        note, field="note", max_length=MAX_NOTE_LENGTH, required=False, multiline=True
    )
    if text == goal.decision_note:
        return []
    goal.decision_note = text
    return [GoalChanged(workshop.id, bump_version(session, workshop), goal.id)]
