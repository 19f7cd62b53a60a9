"""People without a device still count: proxies and hand-counted paper ballots.

A proxy is a named person the moderator votes for in every round (e.g. a member who had to
leave); a paper ballot is one anonymous slip of one round that the moderator types in. Both
are participants of their own kind, so every ballot rule holds for them, and results say how
many of the voters were proxies or paper. Only the moderator sees the list.
"""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..models import DotVote, MatrixRating, Participant, RankVote, VoteRound, Workshop
from .errors import Conflict, NotFound
from .events import DomainEvent, StandInsChanged
from .text import clean_text
from .votes import get_round
from .workshops import bump_version

#: The participants the moderator votes for.
STAND_IN_KINDS: tuple[str, ...] = ("proxy", "paper")
#: At most this many proxies and paper ballots per workshop (a room of 15–40 people).
MAX_STAND_INS = 500


def stand_ins(session: Session, workshop: Workshop) -> list[Participant]:
    """The workshop's proxies and paper ballots, oldest first."""
    return list(
        session.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop.id, Participant.kind.in_(STAND_IN_KINDS))
            .order_by(Participant.id)
        )
    )


def get_stand_in(session: Session, workshop: Workshop, voter_id: object) -> Participant:
    """A proxy or paper ballot of this workshop (never a phone's participant), or ``NotFound``."""
    if isinstance(voter_id, bool) or not isinstance(voter_id, int):
        raise NotFound("voter_not_found")
    voter = session.get(Participant, voter_id)
    if voter is None or voter.workshop_id != workshop.id or voter.kind not in STAND_IN_KINDS:
        raise NotFound("voter_not_found")
    return voter


def _add(session: Session, workshop: Workshop, voter: Participant) -> list[DomainEvent]:
    if len(stand_ins(session, workshop)) >= MAX_STAND_INS:
        raise Conflict("too_many_items", max=MAX_STAND_INS)
    session.add(voter)
    session.flush()
    return [StandInsChanged(workshop.id, bump_version(session, workshop))]


def create_proxy(
    session: Session, workshop: Workshop, name: object, organisation: object = ""
) -> tuple[Participant, list[DomainEvent]]:
    """Add a named proxy, e.g. "Frau Schulte (Schulamt)", to vote for in every round."""
    voter = Participant(
        workshop_id=workshop.id,
        kind="proxy",
        display_name=clean_text(name, field="name", max_length=60),
        organisation=clean_text(organisation, field="organisation", max_length=120, required=False),
    )
    return voter, _add(session, workshop, voter)


def create_paper_ballot(
    session: Session, workshop: Workshop, round_id: object
) -> tuple[Participant, list[DomainEvent]]:
    """Add one paper ballot to a round that is not revealed yet; the moderator then fills it in."""
    vote_round = get_round(session, workshop, round_id)
    if vote_round.status == "revealed":
        raise Conflict("round_revealed")
    voter = Participant(workshop_id=workshop.id, kind="paper", round_id=vote_round.id)
    return voter, _add(session, workshop, voter)


def remove_stand_in(session: Session, workshop: Workshop, voter_id: object) -> list[DomainEvent]:
    """Remove a proxy or paper ballot with its votes, unless a revealed result holds them."""
    voter = get_stand_in(session, workshop, voter_id)
    revealed = select(VoteRound.id).where(VoteRound.status == "revealed")
    for table in (DotVote, MatrixRating, RankVote):
        counted = session.scalar(
            select(
                exists().where(
                    table.participant_id == voter.id,  # type: ignore[attr-defined]
                    table.round_id.in_(revealed),  # type: ignore[attr-defined]
                )
            )
        )
        if counted:
            raise Conflict("round_revealed")
    session.delete(voter)
    session.flush()
    return [StandInsChanged(workshop.id, bump_version(session, workshop))]


def paper_number(session: Session, voter: Participant) -> int:
    """The paper ballot's number within its round (1, 2, 3 …), for "Stimmzettel 3"."""
    earlier = (
        select(func.count())
        .select_from(Participant)
        .where(
            Participant.round_id == voter.round_id,
            Participant.kind == "paper",
            Participant.id <= voter.id,
        )
    )
    return session.scalar(earlier) or 0
