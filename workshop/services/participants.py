"""Joining a workshop and the participant's optional profile."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..models import (
    Card,
    CardSupport,
    Connection,
    DotVote,
    GoalReview,
    MatrixRating,
    Participant,
    ProcessedCommand,
    RankVote,
    VoteRound,
    Workshop,
)
from .errors import Conflict, Forbidden
from .events import (
    CardChanged,
    DomainEvent,
    GroupsChanged,
    ParticipantChanged,
    ParticipantJoined,
)
from .lookup import get_owned
from .text import clean_text
from .workshops import bump_version

#: The ballot tables; a leaving participant's rows in them are withdrawn or kept anonymously.
BALLOT_MODELS = (DotVote, MatrixRating, RankVote)
#: Rounds whose result is settled: ballots in them stay (anonymously) when their voter leaves.
SETTLED_ROUND_STATUSES = ("closed", "revealed")


def _clean_profile(display_name: object, organisation: object) -> tuple[str, str]:
    return (
        clean_text(display_name, field="display_name", max_length=60, required=False),
        clean_text(organisation, field="organisation", max_length=120, required=False),
    )


def join_workshop(
    session: Session, workshop: Workshop, display_name: object = "", organisation: object = ""
) -> tuple[Participant, list[DomainEvent]]:
    """Add a participant; anonymous unless a name is given. Closed workshops refuse."""
    if workshop.is_closed:
        raise Conflict("workshop_closed")
    name, org = _clean_profile(display_name, organisation)
    participant = Participant(workshop_id=workshop.id, display_name=name, organisation=org)
    session.add(participant)
    session.flush()
    return participant, [ParticipantJoined(workshop.id, workshop.version, participant.id)]


def get_participant(session: Session, workshop: Workshop, participant_id: object) -> Participant:
    """The participant of this workshop with this id, or ``NotFound``."""
    return get_owned(session, Participant, workshop, participant_id, "participant_not_found")


def update_profile(
    session: Session,
    workshop: Workshop,
    participant: Participant,
    display_name: object,
    organisation: object,
) -> list[DomainEvent]:
    """Change the optional display name and organisation (empty means anonymous).

    A new name is on the person's cards wherever names are shown (always for the moderator):
    those cards change for everyone, with a version each, like any other card change.
    """
    name, org = _clean_profile(display_name, organisation)
    if (name, org) == (participant.display_name, participant.organisation):
        return []
    renamed = name != participant.display_name
    participant.display_name = name
    participant.organisation = org
    events: list[DomainEvent] = [ParticipantChanged(workshop.id, workshop.version, participant.id)]
    if renamed:
        own_cards = select(Card.id).where(Card.author_id == participant.id).order_by(Card.id)
        for card_id in session.scalars(own_cards).all():
            events.append(CardChanged(workshop.id, bump_version(session, workshop), card_id))
    return events


def count_participants(session: Session, workshop_id: int) -> int:
    """How many people joined the workshop with their own device (proxies and paper aside)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.workshop_id == workshop_id, Participant.kind == "phone")
        )
        or 0
    )


def leave_workshop(
    session: Session, workshop: Workshop, participant: Participant
) -> tuple[list[int], list[DomainEvent]]:
    """A phone's participant leaves: their personal data goes, their contributions stay anonymous.

    Name, organisation, supports (+1), working group, "fertig", connections and remembered
    command answers are removed; ballots in rounds that are not settled yet are withdrawn.
    What must stay for the room's results (cards, ballots of closed or revealed rounds, the
    review of earlier goals) passes to a new, nameless participant row that no browser holds,
    and the participant row itself is deleted, so the old cookie and open sockets lose every
    right at once. Returns the ids of the rounds whose ballots were withdrawn (their progress
    changed) and the events for the cards whose view changed.
    """
    if participant.kind != "phone":
        raise Forbidden("not_allowed")
    pid = participant.id
    own_cards = list(session.scalars(select(Card).where(Card.author_id == pid)))
    supported = set(
        session.scalars(select(CardSupport.card_id).where(CardSupport.participant_id == pid))
    )
    unsettled = select(VoteRound.id).where(
        VoteRound.workshop_id == workshop.id, VoteRound.status.not_in(SETTLED_ROUND_STATUSES)
    )
    withdrawn: set[int] = set()
    for model in BALLOT_MODELS:
        mine = (model.participant_id == pid, model.round_id.in_(unsettled))
        withdrawn.update(session.scalars(select(model.round_id).where(*mine)))
        session.execute(delete(model).where(*mine))
    kept = [
        model
        for model in (*BALLOT_MODELS, GoalReview)
        if session.scalar(select(func.count()).where(model.participant_id == pid))
    ]
    if own_cards or kept:
        heir = Participant(workshop_id=workshop.id, joined_at=participant.joined_at, kind="left")
        session.add(heir)
        session.flush()
        for card in own_cards:
            card.author = heir
        for model in kept:
            session.execute(
                update(model).where(model.participant_id == pid).values(participant_id=heir.id)
            )
    session.execute(delete(CardSupport).where(CardSupport.participant_id == pid))
    session.execute(delete(Connection).where(Connection.participant_id == pid))
    # Remembered acks of profile changes repeat the name; they would otherwise stay for a day.
    session.execute(
        delete(ProcessedCommand).where(
            ProcessedCommand.workshop_id == workshop.id,
            ProcessedCommand.sender == f"participant:{pid}",
        )
    )
    had_group = participant.group_field_id is not None or participant.group_goal_id is not None
    named = bool(participant.display_name)
    session.delete(participant)
    session.flush()
    changed = set(supported)
    if named:  # the author's name was on these cards (for the moderator, maybe for all)
        changed.update(card.id for card in own_cards)
    events: list[DomainEvent] = []
    for card_id in sorted(changed):
        card = session.get(Card, card_id)
        if card is not None:
            session.expire(card, ["supports"])
        events.append(CardChanged(workshop.id, bump_version(session, workshop), card_id))
    if had_group:
        events.append(GroupsChanged(workshop.id, workshop.version))
    return sorted(withdrawn), events
