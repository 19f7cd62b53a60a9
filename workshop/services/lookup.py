"""A workshop's own rows: loading one by a client's id, listing them in order, placing new ones.

Cards, clusters, goals and voting rounds all carry ``workshop_id`` and ``position``; these
helpers are the one place that knows how to look them up and where a new one goes.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Workshop
from .errors import NotFound


class _Owned(Protocol):
    workshop_id: int


T = TypeVar("T", bound=_Owned)


def get_owned(
    session: Session,
    model: type[T],
    workshop: Workshop,
    item_id: object,
    code: str,
    **options: Any,
) -> T:
    """The ``model`` row with ``item_id`` that belongs to ``workshop``; else ``NotFound(code)``.

    Ids of other workshops get the same answer as ids that do not exist, so a client learns
    nothing about other workshops; non-integer ids (also ``True``) are refused the same way.
    ``options`` go to ``Session.get`` (e.g. a lock).
    """
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise NotFound(code)
    item = session.get(model, item_id, **options)
    if item is None or item.workshop_id != workshop.id:
        raise NotFound(code)
    return item


def in_order(session: Session, model: Any, workshop: Workshop) -> list[Any]:
    """All ``model`` rows of ``workshop`` by position (then id, for equal positions)."""
    return list(
        session.scalars(
            select(model).where(model.workshop_id == workshop.id).order_by(model.position, model.id)
        )
    )


def next_position(session: Session, model: Any, *where: Any) -> int:
    """The position after the last ``model`` row matching ``where`` (0 for the first)."""
    return session.scalar(select(func.coalesce(func.max(model.position), -1) + 1).where(*where))
