"""Strategic goals: worded from clusters (or directly), ordered, merged and linked to cards."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Card, Goal, GoalCard, Workshop
from .cards import get_card
from .clusters import get_cluster
from .errors import Conflict, Invalid, NotFound
from .events import DomainEvent, GoalChanged, GoalRemoved, GoalsArranged
from .lookup import get_owned, in_order, next_position
from .text import clean_text
from .workshops import bump_version

#: Phases in which goals may be written and changed; voting works on a fixed list.
GOAL_PHASES = ("cluster", "goals")
MAX_TITLE = 120


def _require_phase(workshop: Workshop) -> None:
    if workshop.phase not in GOAL_PHASES:
        raise Conflict("not_goal_phase")


def get_goal(session: Session, workshop: Workshop, goal_id: object) -> Goal:
    """A goal of this workshop, or ``NotFound``."""
    return get_owned(session, Goal, workshop, goal_id, "goal_not_found")


def goals(session: Session, workshop: Workshop) -> list[Goal]:
    """The workshop's goals in their order."""
    return in_order(session, Goal, workshop)


def _check_field(workshop: Workshop, field_id: object) -> None:
    if field_id is not None and field_id not in {f.id for f in workshop.fields}:
        raise NotFound("field_not_found", fields=["field_id"])


def _link(session: Session, goal: Goal, cards: Iterable[Card]) -> None:
    linked = {link.card_id for link in goal.cards}
    for card in cards:
        if card.id not in linked:
            goal.cards.append(GoalCard(card_id=card.id))
            linked.add(card.id)
    session.flush()


def create_goal(
    session: Session,
    workshop: Workshop,
    title: object,
    description: object = "",
    field_id: object = None,
    cluster_id: object = None,
    card_ids: Iterable[object] = (),
) -> tuple[Goal, list[DomainEvent]]:
    """Write a goal; from a cluster it takes the cluster's field and links its cards."""
    _require_phase(workshop)
    cleaned = clean_text(title, field="title", max_length=MAX_TITLE)
    text = clean_text(
        description, field="description", max_length=2000, required=False, multiline=True
    )
    cards = [get_card(session, workshop, card_id) for card_id in card_ids]
    cluster = None if cluster_id is None else get_cluster(session, workshop, cluster_id)
    if cluster is not None:
        if field_id is None:
            field_id = cluster.field_id
        cards += list(
            session.scalars(
                select(Card).where(Card.cluster_id == cluster.id).order_by(Card.position, Card.id)
            )
        )
    _check_field(workshop, field_id)
    position = next_position(session, Goal, Goal.workshop_id == workshop.id)
    goal = Goal(
        workshop_id=workshop.id,
        title=cleaned,
        description=text,
        field_id=field_id,
        cluster_id=cluster.id if cluster else None,
        position=position,
    )
    session.add(goal)
    session.flush()
    _link(session, goal, cards)
    return goal, [GoalChanged(workshop.id, bump_version(session, workshop), goal.id)]


def update_goal(
    session: Session,
    workshop: Workshop,
    goal_id: object,
    title: object,
    description: object,
    field_id: object,
) -> list[DomainEvent]:
    """Reword a goal or move it to another action field (None: across fields)."""
    _require_phase(workshop)
    goal = get_goal(session, workshop, goal_id)
    cleaned = clean_text(title, field="title", max_length=MAX_TITLE)
    text = clean_text(
        description, field="description", max_length=2000, required=False, multiline=True
    )
    _check_field(workshop, field_id)
    if (cleaned, text, field_id) == (goal.title, goal.description, goal.field_id):
        return []
    goal.title, goal.description, goal.field_id = cleaned, text, field_id  # type: ignore[assignment]
    return [GoalChanged(workshop.id, bump_version(session, workshop), goal.id)]


def move_goal(
    session: Session, workshop: Workshop, goal_id: object, index: object
) -> list[DomainEvent]:
    """Put a goal at ``index`` in the list (clamped); the server renumbers all goals."""
    _require_phase(workshop)
    if isinstance(index, bool) or not isinstance(index, int):
        raise Invalid("invalid_payload", fields=["index"])
    goal = get_goal(session, workshop, goal_id)
    ordered = [g for g in goals(session, workshop) if g is not goal]
    ordered.insert(max(0, min(index, len(ordered))), goal)
    for position, each in enumerate(ordered):
        each.position = position
    session.flush()
    return [GoalsArranged(workshop.id, bump_version(session, workshop))]


def merge_goals(
    session: Session, workshop: Workshop, source_id: object, target_id: object
) -> list[DomainEvent]:
    """Merge a goal into another: the target keeps its title and gains the source's cards."""
    _require_phase(workshop)
    source = get_goal(session, workshop, source_id)
    target = get_goal(session, workshop, target_id)
    if source.id == target.id:
        raise Invalid("merge_same_goal", fields=["target_id"])
    _link(session, target, [session.get(Card, link.card_id) for link in source.cards])
    if source.description:
        joined = "\n\n".join(part for part in (target.description, source.description) if part)
        target.description = joined[:2000]
    session.delete(source)
    session.flush()
    changed = GoalChanged(workshop.id, bump_version(session, workshop), target.id)
    return [changed, GoalRemoved(workshop.id, bump_version(session, workshop), source.id)]


def delete_goal(session: Session, workshop: Workshop, goal_id: object) -> list[DomainEvent]:
    """Delete a goal (its cards stay where they are)."""
    _require_phase(workshop)
    goal = get_goal(session, workshop, goal_id)
    session.delete(goal)
    session.flush()
    return [GoalRemoved(workshop.id, bump_version(session, workshop), goal.id)]
