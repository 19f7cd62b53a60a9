"""Operationalising the goals: who carries each goal out, by when, how success shows, and the
measures (Maßnahmen) that get it there.

The moderator fills this in at any time, also after the retreat. In the phase "plan" the room
can split into working groups, one per action field or per confirmed goal; each participant
joins one group on their phone and edits the plans of that group's confirmed goals together
with the others in it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import GROUPINGS, PLAN_STATUSES, Goal, Measure, Participant, Workshop
from .errors import Conflict, Forbidden, Invalid, NotFound
from .events import DomainEvent, GoalChanged, GroupsChanged, ParticipantChanged, WorkshopChanged
from .goals import get_goal, goals
from .lookup import get_owned
from .text import clean_text
from .workshops import bump_version

#: Longest measure text; a measure is one step, not a document.
MAX_MEASURE_LENGTH = 500
MAX_INDICATOR_LENGTH = 1000
#: A goal holds at most this many measures (a list to work through, not a backlog).
MAX_MEASURES = 30
#: The text fields of a goal's plan and their longest values.
PLAN_FIELDS: dict[str, int] = {
    "working_group": 120,
    "lead": 120,
    "target": 60,
    "indicator": MAX_INDICATOR_LENGTH,
}
#: The text fields of a measure and their longest values.
MEASURE_FIELDS: dict[str, int] = {"text": MAX_MEASURE_LENGTH, "owner": 120, "due": 60}


def _status(value: object) -> str:
    if value not in PLAN_STATUSES:
        raise Invalid("bad_status", fields=["status"])
    return str(value)


def _changes(values: Mapping[str, object], allowed: dict[str, int]) -> dict[str, str]:
    """Cleaned text and status values; unknown keys are refused, not ignored."""
    unknown = set(values) - set(allowed) - {"status"}
    if unknown:
        raise Invalid("unknown_plan_field", fields=sorted(unknown))
    cleaned: dict[str, str] = {}
    for name, value in values.items():
        if name == "status":
            cleaned[name] = _status(value)
        else:
            multiline = name == "indicator"
            required = name == "text"
            cleaned[name] = clean_text(
                value,
                field=name,
                max_length=allowed[name],
                required=required,
                multiline=multiline,
            )
    return cleaned


def _apply(item: Goal | Measure, changes: Mapping[str, str]) -> bool:
    """Set the values that differ; whether anything changed (no change moves no version)."""
    changed = False
    for name, value in changes.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    return changed


def plannable_goals(session: Session, workshop: Workshop) -> list[Goal]:
    """The confirmed goals in their order of priority: the ones the working groups take on."""
    return sorted(
        (goal for goal in goals(session, workshop) if goal.priority is not None),
        key=lambda goal: goal.priority or 0,
    )


def check_may_edit(workshop: Workshop, goal: Goal, participant: Participant | None) -> None:
    """The moderator (``participant`` None) may edit every plan at any time; a participant only
    a confirmed goal of their own working group, during the phase "plan"."""
    if participant is None:
        return
    if workshop.phase != "plan" or not workshop.grouping:
        raise Conflict("planning_not_open")
    if goal.priority is None:
        raise Conflict("goal_not_confirmed")
    if workshop.grouping == "field":
        group = participant.group_field_id
        mine = group is not None and goal.field_id == group
    else:
        mine = goal.id == participant.group_goal_id
    if not mine:
        raise Forbidden("not_your_group")


def _goal_changed(session: Session, workshop: Workshop, goal: Goal) -> list[DomainEvent]:
    session.flush()
    return [GoalChanged(workshop.id, bump_version(session, workshop), goal.id)]


def set_goal_plan(
    session: Session,
    workshop: Workshop,
    goal_id: object,
    values: Mapping[str, object],
    participant: Participant | None = None,
) -> list[DomainEvent]:
    """Change some of a goal's working group, lead, target, indicator and status."""
    goal = get_goal(session, workshop, goal_id)
    check_may_edit(workshop, goal, participant)
    changed = _apply(goal, _changes(values, PLAN_FIELDS))
    return _goal_changed(session, workshop, goal) if changed else []


def get_measure(session: Session, workshop: Workshop, measure_id: object) -> Measure:
    """A measure of one of this workshop's goals, or ``NotFound``."""
    if isinstance(measure_id, bool) or not isinstance(measure_id, int):
        raise NotFound("measure_not_found")
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise NotFound("measure_not_found")
    # A measure belongs to the workshop through its goal.
    get_owned(session, Goal, workshop, measure.goal_id, "measure_not_found")
    return measure


def _editable_measure(
    session: Session, workshop: Workshop, measure_id: object, participant: Participant | None
) -> tuple[Measure, Goal]:
    """A measure and its goal, once the sender may edit that goal's plan."""
    measure = get_measure(session, workshop, measure_id)
    goal = get_goal(session, workshop, measure.goal_id)
    check_may_edit(workshop, goal, participant)
    return measure, goal


def add_measure(
    session: Session,
    workshop: Workshop,
    goal_id: object,
    values: Mapping[str, object],
    participant: Participant | None = None,
) -> tuple[Measure, list[DomainEvent]]:
    """Add a measure at the end of a goal's list."""
    goal = get_goal(session, workshop, goal_id)
    check_may_edit(workshop, goal, participant)
    changes = _changes(values, MEASURE_FIELDS)
    if "text" not in changes:
        raise Invalid("text_required", fields=["text"])
    count = session.scalar(select(func.count()).where(Measure.goal_id == goal.id)) or 0
    if count >= MAX_MEASURES:
        raise Conflict("too_many_measures", max=MAX_MEASURES)
    measure = Measure(goal_id=goal.id, position=count, **changes)
    goal.measures.append(measure)
    return measure, _goal_changed(session, workshop, goal)


def update_measure(
    session: Session,
    workshop: Workshop,
    measure_id: object,
    values: Mapping[str, object],
    participant: Participant | None = None,
) -> list[DomainEvent]:
    """Change some of a measure's text, owner, due date and status."""
    measure, goal = _editable_measure(session, workshop, measure_id, participant)
    changed = _apply(measure, _changes(values, MEASURE_FIELDS))
    return _goal_changed(session, workshop, goal) if changed else []


def delete_measure(
    session: Session,
    workshop: Workshop,
    measure_id: object,
    participant: Participant | None = None,
) -> list[DomainEvent]:
    """Remove a measure; the ones after it move up."""
    measure, goal = _editable_measure(session, workshop, measure_id, participant)
    goal.measures.remove(measure)
    for position, rest in enumerate(goal.measures):
        rest.position = position
    return _goal_changed(session, workshop, goal)


def move_measure(
    session: Session,
    workshop: Workshop,
    measure_id: object,
    position: object,
    participant: Participant | None = None,
) -> list[DomainEvent]:
    """Move a measure to ``position`` (0 = first) within its goal."""
    measure, goal = _editable_measure(session, workshop, measure_id, participant)
    ordered = list(goal.measures)
    if isinstance(position, bool) or not isinstance(position, int):
        raise Invalid("bad_position", fields=["position"])
    if not 0 <= position < len(ordered):
        raise Invalid("bad_position", fields=["position"])
    if ordered.index(measure) == position:
        return []
    ordered.remove(measure)
    ordered.insert(position, measure)
    for index, item in enumerate(ordered):
        item.position = index
    goal.measures.sort(key=lambda item: item.position)
    return _goal_changed(session, workshop, goal)


def set_grouping(session: Session, workshop: Workshop, grouping: object) -> list[DomainEvent]:
    """Split the room into working groups per action field or per confirmed goal, or not at all.

    Changing the split sends everybody back to choosing a group.
    """
    if grouping not in GROUPINGS:
        raise Invalid("bad_grouping", fields=["grouping"])
    if grouping == workshop.grouping:
        return []
    workshop.grouping = str(grouping)
    for participant in session.scalars(
        select(Participant).where(Participant.workshop_id == workshop.id)
    ):
        participant.group_field_id = None
        participant.group_goal_id = None
    session.flush()
    version = bump_version(session, workshop)
    return [WorkshopChanged(workshop.id, version), GroupsChanged(workshop.id, version)]


def group_choices(session: Session, workshop: Workshop) -> list[dict[str, object]]:
    """The groups one can join now, with how many people are in each (no names)."""
    if workshop.grouping == "field":
        column = Participant.group_field_id
        options = [(field.id, field.name) for field in workshop.fields]
    elif workshop.grouping == "goal":
        column = Participant.group_goal_id
        options = [(goal.id, goal.title) for goal in plannable_goals(session, workshop)]
    else:
        return []
    counts = dict(
        session.execute(
            select(column, func.count())
            .where(Participant.workshop_id == workshop.id, column.is_not(None))
            .group_by(column)
        ).all()
    )
    return [{"id": key, "name": name, "members": counts.get(key, 0)} for key, name in options]


def join_group(
    session: Session, workshop: Workshop, participant: Participant, group_id: object
) -> list[DomainEvent]:
    """Put a participant into one working group (None leaves it)."""
    if not workshop.grouping:
        raise Conflict("no_groups")
    if group_id is not None:
        valid = {choice["id"] for choice in group_choices(session, workshop)}
        if group_id not in valid:
            raise NotFound("group_not_found")
    if workshop.grouping == "field":
        participant.group_field_id = group_id  # type: ignore[assignment]
        participant.group_goal_id = None
    else:
        participant.group_goal_id = group_id  # type: ignore[assignment]
        participant.group_field_id = None
    session.flush()
    return [
        ParticipantChanged(workshop.id, workshop.version, participant.id),
        GroupsChanged(workshop.id, workshop.version),
    ]


def participant_group(workshop: Workshop, participant: Participant) -> int | None:
    """The id of the field or goal whose group the participant is in, if any."""
    if workshop.grouping == "field":
        return participant.group_field_id
    if workshop.grouping == "goal":
        return participant.group_goal_id
    return None
