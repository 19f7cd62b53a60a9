"""Loading a workshop's own rows by an id a client sent: anything else is simply not found."""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from ..models import Workshop
from .errors import NotFound


class _Owned(Protocol):
    workshop_id: int


T = TypeVar("T", bound=_Owned)


def get_owned(
    session: Session, model: type[T], workshop: Workshop, item_id: object, code: str
) -> T:
    """The ``model`` row with ``item_id`` that belongs to ``workshop``; else ``NotFound(code)``.

    Ids of other workshops get the same answer as ids that do not exist, so a client learns
    nothing about other workshops; non-integer ids (also ``True``) are refused the same way.
    """
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise NotFound(code)
    item = session.get(model, item_id)
    if item is None or item.workshop_id != workshop.id:
        raise NotFound(code)
    return item
