"""What becomes of a workshop after the retreat: the overview, archiving, deleting, retention.

Deleting removes every row of the workshop in every table, participants included (issue 6,
data protection). The rows are removed with explicit statements in dependency order instead of
relying on ``ON DELETE CASCADE``: cards restrict the deletion of their action field and kind,
and the workshop row points back at its own field and card, so a plain cascade from the
workshop row would fail or depend on the order the database happens to pick.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.orm import Session

from ..models import (
    ActionField,
    Card,
    CardKind,
    CardSupport,
    Cluster,
    Connection,
    DotVote,
    Goal,
    GoalCard,
    GoalReview,
    MatrixRating,
    Measure,
    Participant,
    ProcessedCommand,
    RankVote,
    RoundGoal,
    VoteRound,
    Workshop,
    utcnow,
)
from .participants import count_participants


@dataclass(frozen=True)
class OverviewRow:
    """One workshop as the coordination office's overview lists it."""

    workshop: Workshop
    participants: int


@dataclass(frozen=True)
class DeletedWorkshop:
    """What is left to say about a deleted workshop: for the log, the CLI and open sockets."""

    id: int
    join_code: str
    title: str
    #: The workshop's language, to tell connected people in it.
    language: str
    #: Socket ids that were connected, so the adapter can tell them and close them.
    connection_sids: tuple[str, ...]


def overview(session: Session) -> list[OverviewRow]:
    """Every workshop, newest first, with its number of participants (phones)."""
    workshops = session.scalars(
        select(Workshop).order_by(Workshop.created_at.desc(), Workshop.id.desc())
    )
    return [OverviewRow(w, count_participants(session, w.id)) for w in workshops]


def archive_workshop(session: Session, workshop: Workshop, now: datetime | None = None) -> bool:
    """Archive: listed apart and closed to new participants; False if it already was."""
    if workshop.archived_at is not None:
        return False
    workshop.archived_at = now or utcnow()
    session.flush()
    return True


def restore_workshop(session: Session, workshop: Workshop) -> bool:
    """Take a workshop out of the archive; False if it was not archived."""
    if workshop.archived_at is None:
        return False
    workshop.archived_at = None
    session.flush()
    return True


def _ids(model: type, column: object, workshop_id: int) -> Select:
    return select(model.id).where(column == workshop_id)  # type: ignore[attr-defined]


def delete_workshop(session: Session, workshop: Workshop) -> DeletedWorkshop:
    """Delete the workshop and all of its data in every table; the caller commits.

    A follow-up workshop of this one keeps its own copies of the goals and forgets where they
    came from (``previous_id`` becomes NULL). Afterwards ``workshop`` is detached; other
    objects of the workshop that the caller holds are gone from the session.
    """
    session.flush()
    wid = workshop.id
    deleted = DeletedWorkshop(
        id=wid,
        join_code=workshop.join_code,
        title=workshop.title,
        language=workshop.language,
        connection_sids=tuple(
            session.scalars(select(Connection.sid).where(Connection.workshop_id == wid))
        ),
    )
    rounds = _ids(VoteRound, VoteRound.workshop_id, wid)
    goals = _ids(Goal, Goal.workshop_id, wid)
    cards = _ids(Card, Card.workshop_id, wid)
    people = _ids(Participant, Participant.workshop_id, wid)
    statements = [
        # Links into this workshop from outside it, and its own links back to its rows.
        update(Workshop).where(Workshop.previous_id == wid).values(previous_id=None),
        update(Workshop)
        .where(Workshop.id == wid)
        .values(results_field_id=None, spotlight_card_id=None, previous_id=None),
        delete(DotVote).where(DotVote.round_id.in_(rounds)),
        delete(MatrixRating).where(MatrixRating.round_id.in_(rounds)),
        delete(RankVote).where(RankVote.round_id.in_(rounds)),
        delete(RoundGoal).where(RoundGoal.round_id.in_(rounds)),
        delete(GoalReview).where(
            or_(GoalReview.goal_id.in_(goals), GoalReview.participant_id.in_(people))
        ),
        delete(Measure).where(Measure.goal_id.in_(goals)),
        delete(GoalCard).where(or_(GoalCard.goal_id.in_(goals), GoalCard.card_id.in_(cards))),
        delete(CardSupport).where(
            or_(CardSupport.card_id.in_(cards), CardSupport.participant_id.in_(people))
        ),
        delete(Connection).where(Connection.workshop_id == wid),
        delete(ProcessedCommand).where(ProcessedCommand.workshop_id == wid),
        # Cards point at each other (merged duplicates) and at participants, clusters,
        # fields and kinds: they go first, then what they pointed at.
        update(Card).where(Card.workshop_id == wid).values(merged_into_id=None),
        delete(Card).where(Card.workshop_id == wid),
        delete(Participant).where(Participant.workshop_id == wid),
        delete(Goal).where(Goal.workshop_id == wid),
        delete(Cluster).where(Cluster.workshop_id == wid),
        update(VoteRound).where(VoteRound.workshop_id == wid).values(source_round_id=None),
        delete(VoteRound).where(VoteRound.workshop_id == wid),
        delete(ActionField).where(ActionField.workshop_id == wid),
        delete(CardKind).where(CardKind.workshop_id == wid),
        delete(Workshop).where(Workshop.id == wid),
    ]
    for statement in statements:
        # The identity map is dealt with once below; per statement it would cost a SELECT.
        session.execute(statement, execution_options={"synchronize_session": False})
    # The workshop object stays readable (detached); everything else reloads or is gone.
    session.expunge(workshop)
    session.expire_all()
    return deleted


def closed_before(session: Session, days: int, now: datetime | None = None) -> list[Workshop]:
    """Workshops closed more than ``days`` days ago (oldest first): what retention deletes.

    Retention counts from ``closed_at``; a workshop that was only archived, never closed, is
    kept until somebody deletes it.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = (now or utcnow()) - timedelta(days=days)
    return list(
        session.scalars(
            select(Workshop)
            .where(Workshop.phase == "closed", Workshop.closed_at < cutoff)
            .order_by(Workshop.closed_at, Workshop.id)
        )
    )


def purge_closed(session: Session, days: int, now: datetime | None = None) -> list[DeletedWorkshop]:
    """Delete every workshop closed more than ``days`` days ago; the caller commits."""
    return [delete_workshop(session, w) for w in closed_before(session, days, now)]
