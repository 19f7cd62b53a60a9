"""Clustering: the moderator groups cards into named themes and orders them.

The server decides every order: a move names the target list and the wanted index, and the
service renumbers the affected lists, so two moderators moving at once end in one state.
A list is the cards of one cluster, or the unclustered cards of one action field.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Card, Cluster, Workshop
from .cards import get_card
from .errors import Conflict, Invalid, NotFound
from .events import CardsArranged, ClusterChanged, ClusterRemoved, DomainEvent
from .lookup import get_owned, in_order, next_position
from .similarity import CardText, suggest_clusters
from .text import clean_text
from .workshops import bump_version

#: Phases in which the moderator may arrange cards and clusters.
CLUSTER_PHASES = ("collect", "cluster", "goals")

ListKey = tuple[int | None, int]  # (cluster id, field id); a cross-field cluster has field 0


def _require_phase(workshop: Workshop) -> None:
    if workshop.phase not in CLUSTER_PHASES:
        raise Conflict("not_clustering")


def get_cluster(session: Session, workshop: Workshop, cluster_id: object) -> Cluster:
    """A cluster of this workshop, or ``NotFound``."""
    return get_owned(session, Cluster, workshop, cluster_id, "cluster_not_found")


def _arrangeable(session: Session, workshop: Workshop, card_id: object) -> Card:
    card = get_card(session, workshop, card_id)
    if not card.is_visible:
        raise Conflict("card_not_visible")
    return card


def _fits(card: Card, cluster: Cluster | None) -> None:
    if cluster is not None and cluster.field_id is not None and card.field_id != cluster.field_id:
        raise Invalid("card_other_field", fields=["cluster_id"])


def _list(
    session: Session, workshop: Workshop, cluster_id: int | None, field_id: int
) -> list[Card]:
    query = select(Card).where(
        Card.workshop_id == workshop.id,
        Card.hidden.is_(False),
        Card.deleted_at.is_(None),
        Card.merged_into_id.is_(None),
    )
    if cluster_id is None:
        query = query.where(Card.cluster_id.is_(None), Card.field_id == field_id)
    else:
        query = query.where(Card.cluster_id == cluster_id)
    return list(session.scalars(query.order_by(Card.position, Card.id)))


def _key(card: Card) -> ListKey:
    return (card.cluster_id, card.field_id if card.cluster_id is None else 0)


def _renumber(cards: Iterable[Card]) -> None:
    for position, card in enumerate(cards):
        card.position = position


def _arranged(session: Session, workshop: Workshop, keys: Iterable[ListKey]) -> list[DomainEvent]:
    session.flush()
    unique = tuple(dict.fromkeys(keys))
    return [CardsArranged(workshop.id, bump_version(session, workshop), unique)]


def move_card(
    session: Session, workshop: Workshop, card_id: object, cluster_id: object, index: object
) -> list[DomainEvent]:
    """Move a card into a cluster (or back to its field with ``cluster_id`` None) at ``index``.

    Out-of-range indexes are clamped; the affected lists are renumbered from 0.
    """
    _require_phase(workshop)
    if isinstance(index, bool) or not isinstance(index, int):
        raise Invalid("invalid_payload", fields=["index"])
    card = _arrangeable(session, workshop, card_id)
    target = None if cluster_id is None else get_cluster(session, workshop, cluster_id)
    _fits(card, target)
    source_key = _key(card)
    source = [c for c in _list(session, workshop, card.cluster_id, card.field_id) if c is not card]
    _renumber(source)
    card.cluster_id = target.id if target else None
    destination = [
        c for c in _list(session, workshop, card.cluster_id, card.field_id) if c is not card
    ]
    destination.insert(max(0, min(index, len(destination))), card)
    _renumber(destination)
    return _arranged(session, workshop, [source_key, _key(card)])


def create_cluster(
    session: Session,
    workshop: Workshop,
    field_id: object,
    name: object,
    card_ids: Iterable[object] = (),
) -> tuple[Cluster, list[DomainEvent]]:
    """Create a named cluster (of one action field, or across fields with ``field_id`` None).

    ``card_ids`` move into it in the given order; this is also how a suggestion is accepted.
    """
    _require_phase(workshop)
    if field_id is not None and field_id not in {f.id for f in workshop.fields}:
        raise NotFound("field_not_found", fields=["field_id"])
    cleaned = clean_text(name, field="name", max_length=120, required=False)
    cards = [_arrangeable(session, workshop, card_id) for card_id in card_ids]
    if len({c.id for c in cards}) != len(cards):
        raise Invalid("duplicate_cards", fields=["card_ids"])
    position = next_position(session, Cluster, Cluster.workshop_id == workshop.id)
    cluster = Cluster(workshop_id=workshop.id, field_id=field_id, name=cleaned, position=position)
    session.add(cluster)
    session.flush()
    keys: list[ListKey] = []
    for card in cards:
        _fits(card, cluster)
        keys.append(_key(card))
    for index, card in enumerate(cards):
        card.cluster_id = cluster.id
        card.position = index
    session.flush()
    for cluster_id, list_field in dict.fromkeys(keys):
        _renumber(_list(session, workshop, cluster_id, list_field))
    # One version per pushed change: clients drop a second message with a version they have.
    events: list[DomainEvent] = [
        ClusterChanged(workshop.id, bump_version(session, workshop), cluster.id)
    ]
    if cards:
        events += _arranged(session, workshop, [*keys, (cluster.id, 0)])
    return cluster, events


def rename_cluster(
    session: Session, workshop: Workshop, cluster_id: object, name: object
) -> list[DomainEvent]:
    """Give a cluster its theme's name."""
    _require_phase(workshop)
    cluster = get_cluster(session, workshop, cluster_id)
    cleaned = clean_text(name, field="name", max_length=120, required=False)
    if cleaned == cluster.name:
        return []
    cluster.name = cleaned
    return [ClusterChanged(workshop.id, bump_version(session, workshop), cluster.id)]


def dissolve_cluster(session: Session, workshop: Workshop, cluster_id: object) -> list[DomainEvent]:
    """Remove a cluster; its cards go back, at the end, to their action fields."""
    _require_phase(workshop)
    cluster = get_cluster(session, workshop, cluster_id)
    members = list(session.scalars(select(Card).where(Card.cluster_id == cluster.id)))
    fields = sorted({c.field_id for c in members})
    for field_id in fields:
        loose = _list(session, workshop, None, field_id)
        back = [c for c in members if c.field_id == field_id]
        for card in back:
            card.cluster_id = None
        _renumber([*loose, *sorted(back, key=lambda c: c.position)])
    session.delete(cluster)
    session.flush()
    removed = ClusterRemoved(workshop.id, bump_version(session, workshop), cluster.id)
    return [removed, *_arranged(session, workshop, [(None, f) for f in fields])]


def clusters(session: Session, workshop: Workshop) -> list[Cluster]:
    """The workshop's clusters in order."""
    return in_order(session, Cluster, workshop)


def list_order(session: Session, workshop: Workshop, key: ListKey) -> dict[str, object]:
    """The authoritative order of one list, as pushed to clients after a move."""
    cluster_id, field_id = key
    cards = _list(session, workshop, cluster_id, field_id)
    return {
        "cluster_id": cluster_id,
        "field_id": field_id or None,
        "card_ids": [c.id for c in cards],
    }


def suggest(session: Session, workshop: Workshop, across_fields: bool = False) -> list[dict]:
    """Proposed groups among the cards not yet in a cluster; nothing moves until accepted."""
    loose = [
        card
        for card in session.scalars(
            select(Card).where(
                Card.workshop_id == workshop.id,
                Card.cluster_id.is_(None),
                Card.hidden.is_(False),
                Card.deleted_at.is_(None),
                Card.merged_into_id.is_(None),
            )
        )
    ]
    by_id = {card.id: card for card in loose}
    groups = suggest_clusters(
        [CardText(c.id, c.text, c.field_id) for c in loose], across_fields=across_fields
    )
    proposals = []
    for group in groups:
        fields = {by_id[card_id].field_id for card_id in group}
        proposals.append(
            {"field_id": fields.pop() if len(fields) == 1 else None, "card_ids": list(group)}
        )
    return proposals
