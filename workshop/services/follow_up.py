"""The next retreat ("Nächste Klausur"): a workshop that continues an earlier one, and the room's
look back at the goals it takes over (a traffic light and an optional comment per person).

The follow-up takes over the action fields, the card kinds and the confirmed goals with their
plans and measures, so the room starts from where the last retreat ended. Goals are copied, not
shared: the earlier workshop stays as it was decided, ``Goal.previous_goal_id`` keeps the link.
Reviews are personal; only counts per light and the comments, without names, leave the server.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    REVIEW_LIGHTS,
    ActionField,
    CardKind,
    Goal,
    GoalReview,
    Measure,
    Participant,
    Workshop,
)
from .errors import Conflict, Invalid
from .events import DomainEvent, ReviewsChanged
from .goals import get_goal, goals
from .plans import plannable_goals
from .text import clean_text
from .workshops import WorkshopDetails, create_workshop

#: Longest review comment: a remark, not a report.
MAX_COMMENT_LENGTH = 500
#: The plan fields of a goal that travel to the next retreat with it.
PLAN_COPY = ("working_group", "lead", "target", "indicator", "status")


def create_follow_up(
    session: Session, previous: Workshop, details: WorkshopDetails
) -> tuple[Workshop, str]:
    """A new workshop that continues ``previous``; returns it with its moderator token.

    The confirmed goals arrive unconfirmed (``priority`` None), in their old order of priority:
    a priority is the decision of one room, and the new room decides afresh after its look back.
    Cards, clusters, votes and participants stay behind; so do decision notes, which belong to
    the earlier decision (the report reaches them through ``previous_goal_id``).
    """
    workshop, token = create_workshop(session, details, template="blank")
    workshop.template = previous.template
    workshop.previous_id = previous.id
    workshop.fields = [
        ActionField(name=field.name, position=index) for index, field in enumerate(previous.fields)
    ]
    workshop.kinds = [
        CardKind(name=kind.name, color=kind.color, position=index)
        for index, kind in enumerate(previous.kinds)
    ]
    session.flush()
    new_field = {old.id: new.id for old, new in zip(previous.fields, workshop.fields, strict=True)}
    for position, old in enumerate(plannable_goals(session, previous)):
        goal = Goal(
            workshop_id=workshop.id,
            field_id=new_field.get(old.field_id),
            title=old.title,
            description=old.description,
            position=position,
            previous_goal_id=old.id,
            **{name: getattr(old, name) for name in PLAN_COPY},
        )
        goal.measures = [
            Measure(
                text=measure.text,
                owner=measure.owner,
                due=measure.due,
                status=measure.status,
                position=index,
            )
            for index, measure in enumerate(old.measures)
        ]
        session.add(goal)
    session.flush()
    return workshop, token


def taken_over_goals(session: Session, workshop: Workshop) -> list[Goal]:
    """The goals this workshop took over from the previous retreat, in their order."""
    return [goal for goal in goals(session, workshop) if goal.previous_goal_id is not None]


def _reviewable_goal(session: Session, workshop: Workshop, goal_id: object) -> Goal:
    if workshop.phase != "recap":
        raise Conflict("not_recap_phase")
    goal = get_goal(session, workshop, goal_id)
    if goal.previous_goal_id is None:
        raise Conflict("goal_not_taken_over")
    return goal


def _own_review(session: Session, goal: Goal, participant: Participant) -> GoalReview | None:
    return session.scalar(
        select(GoalReview).where(
            GoalReview.goal_id == goal.id, GoalReview.participant_id == participant.id
        )
    )


def set_review(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    goal_id: object,
    light: object,
    comment: object = "",
) -> tuple[GoalReview, list[DomainEvent]]:
    """Give a taken-over goal a traffic light and an optional comment (replaces one given before).

    Only in the phase "recap", so the look back ends when the moderator moves on.
    """
    goal = _reviewable_goal(session, workshop, goal_id)
    if light not in REVIEW_LIGHTS:
        raise Invalid("bad_light", fields=["light"])
    text = clean_text(
        comment, field="comment", max_length=MAX_COMMENT_LENGTH, required=False, multiline=True
    )
    review = _own_review(session, goal, participant)
    if review is None:
        review = GoalReview(goal_id=goal.id, participant_id=participant.id)
        session.add(review)
    review.light = str(light)
    review.comment = text
    session.flush()
    return review, [ReviewsChanged(workshop.id, workshop.version, participant.id)]


def clear_review(
    session: Session, workshop: Workshop, participant: Participant, goal_id: object
) -> list[DomainEvent]:
    """Take back one's review of a goal; nothing to take back changes nothing."""
    goal = _reviewable_goal(session, workshop, goal_id)
    review = _own_review(session, goal, participant)
    if review is None:
        return []
    session.delete(review)
    session.flush()
    return [ReviewsChanged(workshop.id, workshop.version, participant.id)]


def own_reviews(
    session: Session, workshop: Workshop, participant: Participant
) -> list[dict[str, Any]]:
    """A participant's own reviews (sent to that participant's devices only)."""
    if not workshop.is_follow_up:
        return []
    reviews = session.scalars(
        select(GoalReview)
        .join(Goal, Goal.id == GoalReview.goal_id)
        .where(Goal.workshop_id == workshop.id, GoalReview.participant_id == participant.id)
        .order_by(GoalReview.goal_id)
    )
    return [review_view(review) for review in reviews]


def review_view(review: GoalReview) -> dict[str, Any]:
    """One review, for its author."""
    return {"goal_id": review.goal_id, "light": review.light, "comment": review.comment}


def _measure(measure: Measure) -> dict[str, str]:
    return {
        "text": measure.text,
        "owner": measure.owner,
        "due": measure.due,
        "status": measure.status,
    }


def review_summary(session: Session, workshop: Workshop) -> list[dict[str, Any]]:
    """Per taken-over goal: its status and measures, the count per light and the comments.

    Comments carry their light but no name or id, and are sorted by light and text rather than
    by time, so their order does not tell who typed which.
    """
    taken = taken_over_goals(session, workshop)
    reviews = list(
        session.scalars(
            select(GoalReview).where(GoalReview.goal_id.in_([goal.id for goal in taken]))
        )
    )
    rank = {light: index for index, light in enumerate(REVIEW_LIGHTS)}
    summary = []
    for goal in taken:
        mine = [review for review in reviews if review.goal_id == goal.id]
        counts = Counter(review.light for review in mine)
        comments = sorted(
            ((review.light, review.comment) for review in mine if review.comment),
            key=lambda item: (rank.get(item[0], len(rank)), item[1].casefold()),
        )
        summary.append(
            {
                "goal_id": goal.id,
                "title": goal.title,
                "description": goal.description,
                "field_id": goal.field_id,
                "status": goal.status,
                "measures": [_measure(measure) for measure in goal.measures],
                "counts": {light: counts.get(light, 0) for light in REVIEW_LIGHTS},
                "total": len(mine),
                "comments": [{"light": light, "text": text} for light, text in comments],
            }
        )
    return summary


def recap_view(session: Session, workshop: Workshop, role: str) -> list[dict[str, Any]]:
    """The look back as ``role`` may see it.

    Phones get the goals with status and measures, never the room's lights (their own reviews
    come with ``me``); the projector adds the counts; the moderator also reads the comments.
    """
    summary = review_summary(session, workshop)
    if role == "moderator":
        return summary
    hidden = ("comments",) if role == "projector" else ("comments", "counts", "total")
    return [{k: v for k, v in item.items() if k not in hidden} for item in summary]
