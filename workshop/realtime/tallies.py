"""Coalesced vote aggregates: at most a few pushes per second per round, never one per vote.

Votes do not change the workshop version. After a vote commits, the round is marked; a
background task in this process sends the current progress (and, for live rounds, the tally),
read from the database, so every process sends correct figures for the votes it handled. The
first vote after a quiet moment is pushed at once; votes that follow within ``DELAY`` of a push
wait for the next one, so a burst collapses into at most one push per ``DELAY``.
"""

from __future__ import annotations

import threading
import time

from flask import Flask

from ..extensions import socketio
from ..models import VoteRound, Workshop
from ..services.views import progress_view, results_view
from ..services.votes import results_visible
from . import events as names
from .rooms import role_room

#: Least seconds between two pushes of one round (at most five per second).
DELAY = 0.2

#: Per app and round (round ids are only unique within one database): the rounds with a push
#: on its way, and when each round was last pushed.
_pending: set[tuple[int, int]] = set()
_last_push: dict[tuple[int, int], float] = {}
_lock = threading.Lock()


def schedule(app: Flask, round_id: int) -> None:
    """Make sure the aggregates of ``round_id`` are pushed soon (once for a burst of votes)."""
    key = (id(app), round_id)
    with _lock:
        if key in _pending:
            return
        _pending.add(key)
        wait = max(0.0, _last_push.get(key, 0.0) + DELAY - time.monotonic())
    socketio.start_background_task(_push_later, app, round_id, wait)


def _push_later(app: Flask, round_id: int, wait: float) -> None:
    if wait:
        socketio.sleep(wait)
    key = (id(app), round_id)
    with _lock:
        _pending.discard(key)
        _last_push[key] = time.monotonic()
    with app.app_context():
        database = app.extensions["workshop_db"]
        with database.sessionmaker() as db:
            vote_round = db.get(VoteRound, round_id)
            if vote_round is None:
                return
            workshop = db.get(Workshop, vote_round.workshop_id)
            progress = {"round_id": round_id, **progress_view(db, workshop, vote_round)}
            for role in ("participant", "moderator", "projector"):
                socketio.emit(names.ROUND_PROGRESS, progress, to=role_room(workshop.id, role))
            allowed = [r for r in ("moderator", "projector") if results_visible(vote_round, r)]
            if allowed:
                tally = {"round_id": round_id, "results": results_view(db, vote_round)}
                for role in allowed:
                    socketio.emit(names.ROUND_TALLY, tally, to=role_room(workshop.id, role))
