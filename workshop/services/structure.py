"""Editing a workshop's action fields and card kinds before collecting starts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import ActionField, CardKind, Workshop
from .errors import Conflict, Invalid, NotFound
from .events import DomainEvent, WorkshopChanged
from .text import clean_text
from .workshops import bump_version

#: Colours a card kind can have; the palette is colour-blind safe and always paired with a label.
KIND_COLORS: tuple[str, ...] = ("green", "orange", "blue", "purple", "teal", "grey")
MAX_FIELDS = 12
MAX_KINDS = 6

Item = ActionField | CardKind


def _require_editable(workshop: Workshop) -> None:
    # Fields and kinds shape every card; once collecting has started they stay as they are.
    if workshop.phase != "lobby":
        raise Conflict("structure_locked")


def _items(workshop: Workshop, what: str) -> list[Item]:
    if what == "field":
        return list(workshop.fields)
    if what == "kind":
        return list(workshop.kinds)
    raise Invalid("unknown_structure", fields=["what"])


def _find(workshop: Workshop, what: str, item_id: int) -> Item:
    for item in _items(workshop, what):
        if item.id == item_id:
            return item
    raise NotFound(f"{what}_not_found")


def _check_name(workshop: Workshop, what: str, name: str, item_id: int | None = None) -> str:
    name = clean_text(name, field="name", max_length=120 if what == "field" else 60)
    for item in _items(workshop, what):
        if item.id != item_id and item.name.casefold() == name.casefold():
            raise Conflict("duplicate_name", fields=["name"])
    return name


def _check_color(color: str) -> str:
    if color not in KIND_COLORS:
        raise Invalid("unknown_color", fields=["color"])
    return color


def add_item(
    session: Session, workshop: Workshop, what: str, name: str, color: str | None = None
) -> list[DomainEvent]:
    """Add an action field or card kind at the end."""
    _require_editable(workshop)
    items = _items(workshop, what)
    name = _check_name(workshop, what, name)
    if what == "field":
        if len(items) >= MAX_FIELDS:
            raise Conflict("too_many_items", max=MAX_FIELDS)
        workshop.fields.append(ActionField(name=name, position=len(items)))
    else:
        if len(items) >= MAX_KINDS:
            raise Conflict("too_many_items", max=MAX_KINDS)
        used = {kind.color for kind in workshop.kinds}
        default = next((c for c in KIND_COLORS if c not in used), KIND_COLORS[0])
        workshop.kinds.append(
            CardKind(name=name, color=_check_color(color or default), position=len(items))
        )
    return [WorkshopChanged(workshop.id, bump_version(session, workshop))]


def rename_item(
    session: Session,
    workshop: Workshop,
    what: str,
    item_id: int,
    name: str,
    color: str | None = None,
) -> list[DomainEvent]:
    """Rename an action field or card kind (and recolour a kind)."""
    _require_editable(workshop)
    item = _find(workshop, what, item_id)
    item.name = _check_name(workshop, what, name, item_id)
    if color is not None and isinstance(item, CardKind):
        item.color = _check_color(color)
    return [WorkshopChanged(workshop.id, bump_version(session, workshop))]


def move_item(
    session: Session, workshop: Workshop, what: str, item_id: int, step: int
) -> list[DomainEvent]:
    """Move an item one place up (-1) or down (+1)."""
    _require_editable(workshop)
    if step not in (-1, 1):
        raise Invalid("bad_step", fields=["step"])
    items = _items(workshop, what)
    item = _find(workshop, what, item_id)
    index = items.index(item)
    target = index + step
    if not 0 <= target < len(items):
        return []
    items[index], items[target] = items[target], items[index]
    for position, each in enumerate(items):
        each.position = position
    _reload(session, workshop, what)
    return [WorkshopChanged(workshop.id, bump_version(session, workshop))]


def remove_item(session: Session, workshop: Workshop, what: str, item_id: int) -> list[DomainEvent]:
    """Remove an action field or card kind (only in the lobby, before any card exists)."""
    _require_editable(workshop)
    item = _find(workshop, what, item_id)
    if what == "field":
        workshop.fields.remove(item)  # type: ignore[arg-type]
    else:
        workshop.kinds.remove(item)  # type: ignore[arg-type]
    for position, each in enumerate(_items(workshop, what)):
        each.position = position
    return [WorkshopChanged(workshop.id, bump_version(session, workshop))]


def _reload(session: Session, workshop: Workshop, what: str) -> None:
    """Re-read the ordered collection after positions changed."""
    session.flush()
    session.expire(workshop, ["fields" if what == "field" else "kinds"])
