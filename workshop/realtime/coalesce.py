"""At most one push per key every few tenths of a second, however many changes cause it.

Aggregates that many clients change at once (a round's progress and tally, the head count while
a room joins) are pushed by a background task in this process, read from the database when it
runs, so a burst of changes costs one query and one push, not one per change. The first change
after a quiet moment goes out at once; changes within ``delay`` of a push wait for the next one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy.orm import Session

from ..extensions import socketio

log = logging.getLogger(__name__)

#: Every coalescer of the process, for :func:`busy`.
_ALL: list[Coalescer] = []


def busy() -> int:
    """Pushes scheduled or running in this process (tests wait for 0 before they look)."""
    return sum(coalescer.in_flight for coalescer in _ALL)


class Coalescer:
    """Schedules ``push(db, key)`` for keys (round or workshop ids) of an app's database."""

    def __init__(self, delay: float, push: Callable[[Session, int], None]) -> None:
        self.delay = delay
        self._push = push
        #: Per app and key (ids are only unique within one database): the keys with a push on
        #: its way, and when each key was last pushed.
        self._pending: set[tuple[int, int]] = set()
        self._last_push: dict[tuple[int, int], float] = {}
        self._lock = threading.Lock()
        #: Pushes scheduled and not yet finished.
        self.in_flight = 0
        _ALL.append(self)

    def schedule(self, app: Flask, key: int) -> None:
        """Make sure ``key`` is pushed soon (once for a burst of changes)."""
        slot = (id(app), key)
        with self._lock:
            if slot in self._pending:
                return
            self._pending.add(slot)
            self.in_flight += 1
            wait = max(0.0, self._last_push.get(slot, 0.0) + self.delay - time.monotonic())
        socketio.start_background_task(self._push_later, app, key, wait)

    def _push_later(self, app: Flask, key: int, wait: float) -> None:
        if wait:
            socketio.sleep(wait)
        slot = (id(app), key)
        with self._lock:
            self._pending.discard(slot)
            self._last_push[slot] = time.monotonic()
        try:
            with app.app_context():
                database = app.extensions["workshop_db"]
                with database.sessionmaker() as db:
                    self._push(db, key)
        except Exception:  # the next change pushes again; nobody waits for this one
            log.exception("coalesced push of %s failed", key)
        finally:
            with self._lock:
                self.in_flight -= 1
