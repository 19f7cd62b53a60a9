"""At most one push per key every so often, however many changes cause it.

Aggregates that many clients change at once (a round's progress and tally, the head count while
a room joins) are pushed by a background task in this process, read from the database when it
runs, so a burst of changes costs one query and one push, not one per change. The first change
after a quiet moment goes out at once; changes within ``delay`` of a push wait for the next one.

Each process coalesces its own pushes. For a push that reaches every phone, that is not enough:
with the rooms shared through Redis, every process's push reaches every phone, so K processes
would send K times as much. A ``shared`` coalescer therefore takes its turn in Redis (one key
per push target that expires after ``delay``); a process that finds the turn taken tries again
when it expires, so the last change is still pushed, by whichever process comes last.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

import redis
from flask import Flask
from sqlalchemy.orm import Session

from ..extensions import socketio

log = logging.getLogger(__name__)

#: Every coalescer of the process, for :func:`busy`.
_ALL: list[Coalescer] = []
#: Entries of ``_last_push`` kept before stale ones are dropped (keys pile up over a long run).
_KEEP = 256


def busy() -> int:
    """Pushes scheduled or running in this process (tests wait for 0 before they look)."""
    return sum(coalescer.in_flight for coalescer in _ALL)


class Coalescer:
    """Schedules ``push(db, key)`` for keys (round or workshop ids) of an app's database."""

    def __init__(
        self,
        delay: float,
        push: Callable[[Session, int], None],
        *,
        shared: str | None = None,
    ) -> None:
        """``shared`` names the push in Redis, for pushes that must not multiply by processes."""
        self.delay = delay
        self._push = push
        self._shared = shared
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
        slot = (id(app), key)
        try:
            while True:
                if wait:
                    socketio.sleep(wait)
                wait = _turn_taken(app, self._shared, key, self.delay) if self._shared else 0.0
                if not wait:
                    break
            with self._lock:
                self._pending.discard(slot)
                now = time.monotonic()
                self._last_push[slot] = now
                if len(self._last_push) > _KEEP:
                    self._forget_before(now - self.delay)
            with app.app_context():
                database = app.extensions["workshop_db"]
                with database.sessionmaker() as db:
                    self._push(db, key)
        except Exception:  # the next change pushes again; nobody waits for this one
            log.exception("coalesced push of %s failed", key)
            with self._lock:
                self._pending.discard(slot)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _forget_before(self, moment: float) -> None:
        """Drop the push times that no longer delay anything (called under the lock)."""
        self._last_push = {s: at for s, at in self._last_push.items() if at > moment}


def _turn_taken(app: Flask, name: str, key: int, delay: float) -> float:
    """0 when this process may push ``key`` now, else the seconds until the turn is free.

    Without a message queue there is one process and the turn is always ours. When Redis
    cannot be asked, the push goes out anyway: a push twice is better than none.
    """
    client = _redis_of(app)
    if client is None:
        return 0.0
    turn = f"workshop:push:{name}:{app.extensions['workshop_push_scope']}:{key}"
    try:
        if client.set(turn, b"1", nx=True, px=max(1, int(delay * 1000))):
            return 0.0
        left = client.pttl(turn)
    except redis.RedisError:
        log.warning("Redis refused the turn for push %s of %s; pushing anyway", name, key)
        return 0.0
    return max(left, 10) / 1000 if left > 0 else 0.01


_clients_lock = threading.Lock()


def _redis_of(app: Flask) -> redis.Redis | None:
    """The app's Redis client for push turns, made once; None without a message queue."""
    queue = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if not queue or not queue.startswith(("redis://", "rediss://")):
        return None
    with _clients_lock:
        client = app.extensions.get("workshop_push_redis")
        if client is None:
            client = redis.Redis.from_url(queue, socket_timeout=2, socket_connect_timeout=2)
            app.extensions["workshop_push_redis"] = client
            # Round and workshop ids are only unique within one database.
            url = str(app.config["DATABASE_URL"]).encode()
            app.extensions["workshop_push_scope"] = hashlib.sha256(url).hexdigest()[:12]
        return client
