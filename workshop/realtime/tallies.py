"""Coalesced vote aggregates: at most a few pushes per second per round, never one per vote.

Votes do not change the workshop version. After a vote commits, the round is marked; a
background task in this process sends the current progress (and, for live rounds, the tally)
a moment later, read from the database, so every process sends correct figures for the votes
it handled and bursts collapse into one push.
"""

from __future__ import annotations

import threading

from flask import Flask

from ..extensions import socketio
from ..models import VoteRound, Workshop
from ..services.views import progress_view, results_view
from ..services.votes import results_visible
from . import events as names
from .rooms import role_room

#: Seconds between a vote and the push that carries it (and every vote in between).
DELAY = 0.3

#: Rounds with a push on its way, per app: round ids are only unique within one database.
_pending: set[tuple[int, int]] = set()
_lock = threading.Lock()


def schedule(app: Flask, round_id: int) -> None:
    """Make sure the aggregates of ``round_id`` are pushed soon (once for a burst of votes)."""
    key = (id(app), round_id)
    with _lock:
        if key in _pending:
            return
        _pending.add(key)
    socketio.start_background_task(_push_later, app, round_id)


def _push_later(app: Flask, round_id: int) -> None:
    socketio.sleep(DELAY)
    with _lock:
        _pending.discard((id(app), round_id))
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
