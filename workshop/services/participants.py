"""Joining a workshop and the participant's optional profile."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Participant, Workshop
from .errors import Conflict
from .events import DomainEvent, ParticipantChanged
from .lookup import get_owned
from .text import clean_text


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
    return participant, [ParticipantChanged(workshop.id, workshop.version, participant.id)]


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
    """Change the optional display name and organisation (empty means anonymous)."""
    name, org = _clean_profile(display_name, organisation)
    if (name, org) == (participant.display_name, participant.organisation):
        return []
    participant.display_name = name
    participant.organisation = org
    return [ParticipantChanged(workshop.id, workshop.version, participant.id)]


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
