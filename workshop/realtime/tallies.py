"""Coalesced vote aggregates: at most a few pushes per second per round, never one per vote.

Votes do not change the workshop version. After a vote commits, the round is marked; a
background task in this process sends the current progress (and, for live rounds, the tally),
read from the database, so every process sends correct figures for the votes it handled. The
first vote after a quiet moment is pushed at once; votes that follow within the delay of a push
wait for the next one, so a burst collapses into at most one push per delay.

Phones get the progress only ("23 von 31 haben abgestimmt"), and seldom (``PHONE_DELAY``):
with a thousand phones, the progress pushed to each of them several times a second, by every
server process, was most of what the server sent during a vote. Their push takes its turn in
Redis when several processes share the rooms, so there is one per interval whatever their number.
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
#: Least seconds between two progress pushes of one round to the phones, over all processes.
PHONE_DELAY = 2.0


def _push_round(db: Session, round_id: int) -> None:
    """Progress, and the tally where it may be seen, to moderator and projector."""
    vote_round = db.get(VoteRound, round_id)
    if vote_round is None:
        return
    workshop = db.get(Workshop, vote_round.workshop_id)
    progress = {"round_id": round_id, **progress_view(db, workshop, vote_round)}
    for role in ("moderator", "projector"):
        socketio.emit(names.ROUND_PROGRESS, progress, to=role_room(workshop.id, role))
    allowed = [r for r in ("moderator", "projector") if results_visible(vote_round, r)]
    if allowed:
        tally = {"round_id": round_id, "results": results_view(db, vote_round)}
        for role in allowed:
            socketio.emit(names.ROUND_TALLY, tally, to=role_room(workshop.id, role))


def _push_progress_to_phones(db: Session, round_id: int) -> None:
    """Only the progress: phones never see a tally before the reveal changes the round."""
    vote_round = db.get(VoteRound, round_id)
    if vote_round is None or vote_round.status != "open":
        return  # closing or revealing sends the round, progress included, to everyone
    workshop = db.get(Workshop, vote_round.workshop_id)
    progress = {"round_id": round_id, **progress_view(db, workshop, vote_round)}
    socketio.emit(names.ROUND_PROGRESS, progress, to=role_room(workshop.id, "participant"))


_rounds = Coalescer(DELAY, _push_round)
phones = Coalescer(PHONE_DELAY, _push_progress_to_phones, shared="phone-progress")


def schedule(app: Flask, round_id: int) -> None:
    """Make sure the aggregates of ``round_id`` are pushed soon (once for a burst of votes)."""
    _rounds.schedule(app, round_id)
    phones.schedule(app, round_id)
