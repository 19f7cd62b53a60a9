"""Coalesced vote aggregates: at most a few pushes per second per round, never one per vote.

Votes do not change the workshop version. After a vote commits, the round is marked; a
background task in this process sends the current progress (and, for live rounds, the tally),
read from the database, so every process sends correct figures for the votes it handled. The
first vote after a quiet moment is pushed at once; votes that follow within the delay of a push
wait for the next one, so a burst collapses into at most one push per delay.

Moderator and projector follow closely (``DELAY``); phones show only "23 von 31 haben
abgestimmt" and get it once a second (``PHONE_DELAY``): with a thousand phones, five pushes a
second to each of them were most of what the server sent during a vote (and each server
process sends its own).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from ..extensions import socketio
from ..models import VoteRound, Workshop
from ..services.views import progress_view, results_view
from ..services.votes import results_visible
from . import events as names
from .coalesce import Coalescer
from .rooms import role_room

#: Least seconds between two pushes of one round to moderator and projector (five a second).
DELAY = 0.2
#: Least seconds between two progress pushes of one round to the phones.
PHONE_DELAY = 1.0


def _round_of(db: Session, round_id: int) -> tuple[VoteRound, Workshop] | None:
    vote_round = db.get(VoteRound, round_id)
    if vote_round is None:
        return None
    return vote_round, db.get(Workshop, vote_round.workshop_id)


def _push_to_screens(db: Session, round_id: int) -> None:
    """Progress, and the tally where it may be seen, to moderator and projector."""
    found = _round_of(db, round_id)
    if found is None:
        return
    vote_round, workshop = found
    progress = {"round_id": round_id, **progress_view(db, workshop, vote_round)}
    for role in ("moderator", "projector"):
        socketio.emit(names.ROUND_PROGRESS, progress, to=role_room(workshop.id, role))
    allowed = [r for r in ("moderator", "projector") if results_visible(vote_round, r)]
    if allowed:
        tally = {"round_id": round_id, "results": results_view(db, vote_round)}
        for role in allowed:
            socketio.emit(names.ROUND_TALLY, tally, to=role_room(workshop.id, role))


def _push_to_phones(db: Session, round_id: int) -> None:
    """Only the progress: phones never see a tally before the reveal changes the round."""
    found = _round_of(db, round_id)
    if found is None:
        return
    vote_round, workshop = found
    progress = {"round_id": round_id, **progress_view(db, workshop, vote_round)}
    socketio.emit(names.ROUND_PROGRESS, progress, to=role_room(workshop.id, "participant"))


_screens = Coalescer(DELAY, _push_to_screens)
_phones = Coalescer(PHONE_DELAY, _push_to_phones)


def schedule(app: Flask, round_id: int) -> None:
    """Make sure the aggregates of ``round_id`` are pushed soon (once for a burst of votes)."""
    _screens.schedule(app, round_id)
    _phones.schedule(app, round_id)
