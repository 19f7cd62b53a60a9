"""The interim review: posting, editing and moderating cards per action field.

Participants may change only their own cards, and only while collecting is open; the moderator
may change every card at any time. Deleting by the author is final; deleting by the moderator
can be undone ("restore").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from ..models import CARD_NAME_MODES, Card, CardSupport, Participant, Workshop, utcnow
from .errors import Conflict, Forbidden, Invalid, NotFound
from .events import CardChanged, CardRemoved, DomainEvent, ParticipantChanged, WallChanged
from .lookup import get_owned, next_position
from .similarity import CardText, most_similar
from .text import clean_text
from .workshops import bump_version

MAX_CARD_LENGTH = 500
#: Phases in which the moderator may still add or change cards.
MODERATOR_CARD_PHASES = ("collect", "cluster", "goals")


@dataclass(frozen=True)
class RateLimit:
    """At most ``count`` cards per participant within ``seconds``."""

    count: int = 10
    seconds: int = 60

    @classmethod
    def parse(cls, raw: str) -> RateLimit:
        """Read ``"10/60"`` (cards per seconds); raise ``ValueError`` when malformed."""
        count, _, seconds = raw.partition("/")
        limit = cls(int(count), int(seconds))
        if limit.count < 1 or limit.seconds < 1:
            raise ValueError(raw)
        return limit


def clean_card_text(text: object) -> str:
    """Card text: 1 to 500 characters after removing invisible characters and extra spaces."""
    return clean_text(text, field="text", max_length=MAX_CARD_LENGTH)


def get_card(session: Session, workshop: Workshop, card_id: object) -> Card:
    """A card of this workshop, or ``NotFound`` (also for ids of other workshops)."""
    return get_owned(session, Card, workshop, card_id, "card_not_found")


def _check_field_and_kind(workshop: Workshop, field_id: object, kind_id: object) -> None:
    if field_id not in {f.id for f in workshop.fields}:
        raise NotFound("field_not_found", fields=["field_id"])
    if kind_id not in {k.id for k in workshop.kinds}:
        raise NotFound("kind_not_found", fields=["kind_id"])


def _require_open_collecting(workshop: Workshop) -> None:
    if workshop.phase != "collect":
        raise Conflict("not_collecting")
    if workshop.collect_locked:
        raise Conflict("collect_locked")


def _require_moderator_phase(workshop: Workshop) -> None:
    if workshop.phase not in MODERATOR_CARD_PHASES:
        raise Conflict("not_collecting")


def _check_rate(session: Session, participant: Participant, limit: RateLimit) -> None:
    since = utcnow() - timedelta(seconds=limit.seconds)
    recent = session.scalar(
        select(func.count())
        .select_from(Card)
        .where(Card.author_id == participant.id, Card.created_at >= since)
    )
    if (recent or 0) >= limit.count:
        raise Conflict("too_many_cards", seconds=limit.seconds)


def _changed(session: Session, workshop: Workshop, card: Card) -> list[DomainEvent]:
    return [CardChanged(workshop.id, bump_version(session, workshop), card.id)]


def _move_spotlight(
    session: Session, workshop: Workshop, away_from: int, to: int | None = None
) -> list[DomainEvent]:
    """Take the spotlight off a card that can no longer be shown (or pass it to ``to``)."""
    if workshop.spotlight_card_id != away_from:
        return []
    workshop.spotlight_card_id = to
    return [WallChanged(workshop.id, bump_version(session, workshop))]


def post_card(
    session: Session,
    workshop: Workshop,
    author: Participant | None,
    field_id: object,
    kind_id: object,
    text: object,
    limit: RateLimit | None = None,
) -> tuple[Card, list[DomainEvent]]:
    """Post a card; ``author`` None means the moderator wrote it (no rate limit then)."""
    if author is None:
        _require_moderator_phase(workshop)
    else:
        _require_open_collecting(workshop)
    _check_field_and_kind(workshop, field_id, kind_id)
    cleaned = clean_card_text(text)
    if author is not None and limit is not None:
        _check_rate(session, author, limit)
    position = next_position(
        session,
        Card,
        Card.workshop_id == workshop.id,
        Card.field_id == field_id,
        Card.cluster_id.is_(None),
    )
    card = Card(
        workshop_id=workshop.id,
        field_id=field_id,
        kind_id=kind_id,
        author_id=author.id if author else None,
        text=cleaned,
        position=position or 0,
    )
    session.add(card)
    session.flush()
    return card, _changed(session, workshop, card)


def _own_card(session: Session, workshop: Workshop, author: Participant, card_id: object) -> Card:
    card = get_card(session, workshop, card_id)
    if card.author_id != author.id:
        raise Forbidden("not_your_card")
    if card.deleted_at is not None or card.merged_into_id is not None:
        # Deleted or merged by the moderator: gone from the author's view as well.
        raise NotFound("card_not_found")
    return card


def edit_card(
    session: Session,
    workshop: Workshop,
    card_id: object,
    text: object,
    author: Participant | None = None,
    field_id: object = None,
    kind_id: object = None,
) -> list[DomainEvent]:
    """Change a card's text (and optionally field and kind).

    The author may while collecting is open; the moderator (``author`` None) always, and the
    card then shows that the moderation edited it.
    """
    if author is None:
        card = get_card(session, workshop, card_id)
    else:
        _require_open_collecting(workshop)
        card = _own_card(session, workshop, author, card_id)
    new_field = card.field_id if field_id is None else field_id
    new_kind = card.kind_id if kind_id is None else kind_id
    _check_field_and_kind(workshop, new_field, new_kind)
    cleaned = clean_card_text(text)
    if (cleaned, new_field, new_kind) == (card.text, card.field_id, card.kind_id):
        return []
    if author is None and card.author_id is not None and cleaned != card.text:
        card.moderator_edited_at = utcnow()
    if new_field != card.field_id:
        card.cluster_id = None
    card.text, card.field_id, card.kind_id = cleaned, new_field, new_kind  # type: ignore[assignment]
    return _changed(session, workshop, card)


def delete_own_card(
    session: Session, workshop: Workshop, author: Participant, card_id: object
) -> list[DomainEvent]:
    """The author takes a card back for good (while collecting is open)."""
    _require_open_collecting(workshop)
    card = _own_card(session, workshop, author, card_id)
    events = _move_spotlight(session, workshop, card.id)
    session.delete(card)
    session.flush()
    return [*events, CardRemoved(workshop.id, bump_version(session, workshop), card.id)]


def moderate_delete(
    session: Session, workshop: Workshop, card_id: object, deleted: bool
) -> list[DomainEvent]:
    """The moderator deletes (``deleted``) or restores a card; deleted cards can come back."""
    card = get_card(session, workshop, card_id)
    if card.merged_into_id is not None:
        raise Conflict("card_merged")
    if (card.deleted_at is not None) == deleted:
        return []
    card.deleted_at = utcnow() if deleted else None
    spotlight = _move_spotlight(session, workshop, card.id) if deleted else []
    return [*spotlight, *_changed(session, workshop, card)]


def set_hidden(
    session: Session, workshop: Workshop, card_id: object, hidden: bool
) -> list[DomainEvent]:
    """Hide a card from phones and projector, or show it again."""
    card = get_card(session, workshop, card_id)
    if card.hidden == hidden:
        return []
    card.hidden = hidden
    spotlight = _move_spotlight(session, workshop, card.id) if hidden else []
    return [*spotlight, *_changed(session, workshop, card)]


def set_support(
    session: Session, workshop: Workshop, participant: Participant, card_id: object, support: bool
) -> list[DomainEvent]:
    """Give or take back a +1 ("that's what I wanted to say too") for someone else's card."""
    if workshop.phase != "collect":
        raise Conflict("not_collecting")
    card = get_card(session, workshop, card_id)
    if not card.is_visible:
        raise NotFound("card_not_found")
    if card.author_id == participant.id:
        raise Conflict("own_card")
    existing = session.scalar(
        select(CardSupport).where(
            CardSupport.card_id == card.id, CardSupport.participant_id == participant.id
        )
    )
    if (existing is not None) == support:
        return []
    if support:
        session.add(CardSupport(card_id=card.id, participant_id=participant.id))
    else:
        session.delete(existing)
    session.flush()
    session.expire(card, ["supports"])
    return _changed(session, workshop, card)


def merge_cards(
    session: Session, workshop: Workshop, source_id: object, target_id: object
) -> list[DomainEvent]:
    """Merge a duplicate into another card; the target keeps every supporter of both.

    The duplicate's author counts as a supporter of the target, so no voice is lost.
    """
    source = get_card(session, workshop, source_id)
    target = get_card(session, workshop, target_id)
    if source.id == target.id:
        raise Invalid("merge_same_card", fields=["target_id"])
    for card in (source, target):
        if card.deleted_at is not None or card.merged_into_id is not None:
            raise Conflict("card_merged")
    voices = {s.participant_id for s in source.supports}
    if source.author_id is not None:
        voices.add(source.author_id)
    already = {s.participant_id for s in target.supports}
    for participant_id in sorted(voices - already - {target.author_id}):
        session.add(CardSupport(card_id=target.id, participant_id=participant_id))
    session.execute(delete(CardSupport).where(CardSupport.card_id == source.id))
    source.merged_into_id = target.id
    source.cluster_id = None
    session.flush()
    session.expire(target, ["supports"])
    session.expire(source, ["supports"])
    # One version per pushed change: clients drop a second message with a version they have.
    return [
        *_changed(session, workshop, source),
        *_changed(session, workshop, target),
        *_move_spotlight(session, workshop, source.id, target.id),
    ]


def set_spotlight(session: Session, workshop: Workshop, card_id: object) -> list[DomainEvent]:
    """Show one card large on the projector (None ends the spotlight)."""
    if card_id is not None:
        card = get_card(session, workshop, card_id)
        if not card.is_visible:
            raise Conflict("card_not_visible")
        card_id = card.id
    if workshop.spotlight_card_id == card_id:
        return []
    workshop.spotlight_card_id = card_id  # type: ignore[assignment]
    return [WallChanged(workshop.id, bump_version(session, workshop))]


def update_wall(
    session: Session,
    workshop: Workshop,
    *,
    collect_locked: bool | None = None,
    show_authors: bool | None = None,
    card_names: str | None = None,
) -> list[DomainEvent]:
    """Lock or unlock collecting, show or hide authors, choose names or anonymity on cards."""
    if card_names is not None and card_names not in CARD_NAME_MODES:
        raise Invalid("unknown_name_mode", fields=["card_names"])
    changes = {
        "collect_locked": collect_locked,
        "show_authors": show_authors,
        "card_names": card_names,
    }
    changed = False
    for name, value in changes.items():
        if value is not None and getattr(workshop, name) != value:
            setattr(workshop, name, value)
            changed = True
    if not changed:
        return []
    names_changed = card_names is not None or show_authors is not None
    return [WallChanged(workshop.id, bump_version(session, workshop), names_changed)]


def set_done(
    session: Session, workshop: Workshop, participant: Participant, done: bool
) -> list[DomainEvent]:
    """A participant says they are finished ("fertig") with collecting, or not yet."""
    if participant.done == done:
        return []
    participant.done = done
    return [ParticipantChanged(workshop.id, workshop.version, participant.id)]


def _with_views() -> tuple:
    """Load what a card view shows in two extra queries, not two per card."""
    return (selectinload(Card.supports), selectinload(Card.author))


def visible_cards(session: Session, workshop: Workshop) -> list[Card]:
    """Cards everybody may see, in wall order."""
    return list(
        session.scalars(
            select(Card)
            .options(*_with_views())
            .where(
                Card.workshop_id == workshop.id,
                Card.hidden.is_(False),
                Card.deleted_at.is_(None),
                Card.merged_into_id.is_(None),
            )
            .order_by(Card.field_id, Card.position, Card.id)
        )
    )


def all_cards(session: Session, workshop: Workshop) -> list[Card]:
    """Every card, hidden, deleted and merged ones included (the moderator's view)."""
    return list(
        session.scalars(
            select(Card)
            .options(*_with_views())
            .where(Card.workshop_id == workshop.id)
            .order_by(Card.field_id, Card.position, Card.id)
        )
    )


def similar_cards(
    session: Session, workshop: Workshop, text: object, field_id: object = None, limit: int = 3
) -> list[dict[str, object]]:
    """The visible cards most like ``text`` (of ``field_id`` when given), best first."""
    cleaned = clean_text(text, field="text", max_length=MAX_CARD_LENGTH, required=False)
    if not cleaned:
        return []
    if field_id is not None and field_id not in {f.id for f in workshop.fields}:
        raise NotFound("field_not_found", fields=["field_id"])
    cards = {card.id: card for card in visible_cards(session, workshop)}
    candidates = [CardText(c.id, c.text, c.field_id) for c in cards.values()]
    ranked = most_similar(cleaned, candidates, limit=limit, field_id=field_id)  # type: ignore[arg-type]
    return [
        {
            "id": card_id,
            "text": cards[card_id].text,
            "kind_id": cards[card_id].kind_id,
            "field_id": cards[card_id].field_id,
            "supports": len(cards[card_id].supports),
            "score": round(score, 3),
        }
        for card_id, score in ranked
    ]
