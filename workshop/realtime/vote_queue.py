"""Group commit of dot votes: a room voting at once costs one transaction per batch, not per vote.

A vote's handler checks what needs no database (role, payload, workshop), queues the vote and
waits. One worker per app takes what has queued, applies it in one transaction (the voters
locked together, the rules checked vote by vote in arrival order, ``ballots.set_dots_many``),
stores every acknowledgement with it and commits; only then are the handlers woken to answer.
So an acknowledged vote is committed, and a resent one is answered from its stored
acknowledgement, exactly like any other command (``commands.run_command``). Under load the
batches grow by themselves: what arrives while one batch is written goes into the next. If a
batch fails as a whole (a command id stored by another process meanwhile, a database error),
its votes are applied one by one so that one vote cannot take the others down with it.
docs/performance.md has the figures.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, request
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..extensions import socketio
from ..models import Participant, Workshop
from ..schemas import commands as schemas
from ..services import ballots as ballot_service
from ..services import participants as participant_service
from ..services import stand_ins as stand_in_service
from ..services.commands import previous_ack, previous_acks, remember_acks
from ..services.errors import Conflict, DomainError, Forbidden, NotFound
from . import events as names
from .commands import (
    COMMANDS,
    ConnectionInfo,
    answer,
    check_still_allowed,
    checked_payload,
    error_ack,
)
from .rooms import participant_room
from .tallies import schedule

log = logging.getLogger("workshop.commands")

#: Who may change a ballot: a phone its own, the moderator a proxy's or paper ballot's.
VOTERS = ("participant", "moderator")
#: Most votes in one transaction.
MAX_BATCH = 500
#: Seconds a batch gathers votes after the first arrived (see ``_next_batch``).
GATHER = 0.005
#: Seconds an idle worker stays before it ends (the next vote starts a new one).
IDLE = 10.0
#: Seconds a handler waits for its batch; then the phone is told to try again (a resend with
#: the same id is answered from the stored acknowledgement if the vote did commit).
WAIT = 30.0


def voter_for(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.Vote
) -> Participant:
    """Who a ballot change is for: the phone's own participant, or the moderator's stand-in."""
    if info.role == "moderator":
        return stand_in_service.get_stand_in(db, workshop, cmd.voter_id)
    if cmd.voter_id is not None:
        raise Forbidden("not_allowed")
    return participant_service.get_participant(db, workshop, info.participant_id)


def after_vote(voter: Participant, data: dict, sender: str | None) -> None:
    """After the commit: the voter's other tabs get their ballot, the round's aggregates follow."""
    tell_voter(voter, data, sender)
    schedule(current_app._get_current_object(), data["round_id"])  # type: ignore[attr-defined]


def tell_voter(voter: Participant, data: dict, sender: str | None) -> None:
    """The voter's other tabs get the ballot their vote changed (``sender``, the socket that
    voted, has it in its acknowledgement)."""
    if voter.kind == "phone":  # stand-ins have only the moderator's ack
        socketio.emit(names.BALLOT_CHANGED, data, to=participant_room(voter.id), skip_sid=sender)


@dataclass(eq=False)
class _Vote:
    """A queued vote and, once its batch committed or failed, its answer."""

    info: ConnectionInfo
    cmd: schemas.VoteDots
    #: The socket that sent it.
    sid: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    ack: dict | None = None
    error: DomainError | None = None
    #: Set when this vote changed a ballot (not for a replay): who voted, for ``tell_voter``.
    voter: Participant | None = None
    #: The same command again in the same batch (a double send): they get this vote's answer.
    duplicates: list[_Vote] = field(default_factory=list)

    def reset(self) -> None:
        self.ack, self.error, self.voter, self.duplicates = None, None, None, []


class DotVoteQueue:
    """The votes of one app waiting for their transaction, and the worker that writes them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._waiting: list[_Vote] = []
        self._wake = threading.Event()
        self._running = False

    def submit(self, info: ConnectionInfo, cmd: schemas.VoteDots, sid: str | None) -> _Vote:
        """Queue a vote and wait until its batch is done (or ``WAIT`` runs out)."""
        vote = _Vote(info, cmd, sid)
        with self._lock:
            self._waiting.append(vote)
            self._wake.set()
            start = not self._running
            self._running = True
        if start:
            socketio.start_background_task(self._work)
        vote.done.wait(WAIT)
        return vote

    def _next_batch(self) -> list[_Vote] | None:
        """Wait for votes; None when the worker has been idle for ``IDLE`` seconds."""
        while not self._wake.wait(IDLE):
            with self._lock:
                if not self._waiting:
                    self._running = False
                    return None
        # Let the other green threads run first: the handlers woken by the last batch answer
        # their phones, and what has arrived meanwhile is queued for this one. For ``GATHER``:
        # a transaction costs about the same for one vote or fifty, and without the wait, the
        # faster the server answered, the smaller its batches became, and the more of them it
        # wrote. A phone does not notice 5 ms.
        socketio.sleep(GATHER)
        with self._lock:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            if not self._waiting:
                self._wake.clear()
        return batch

    def _work(self) -> None:
        with self.app.app_context():
            while (batch := self._next_batch()) is not None:
                by_workshop: dict[int, list[_Vote]] = defaultdict(list)
                for vote in batch:
                    by_workshop[vote.info.workshop_id].append(vote)
                for votes in by_workshop.values():
                    self._settle(votes)

    def _settle(self, votes: list[_Vote]) -> None:
        """Commit, answer, then push; nothing here may end the worker (the votes after these
        would wait for nobody), so a failure is logged and its votes answered as failed."""
        try:
            self._commit(votes)
        except Exception:
            log.exception("vote.dots batch failed")
        changed = [v for v in votes if v.voter is not None and v.ack is not None]
        try:
            # Only marks the rounds (the push runs later, in a task of its own), so that the
            # aggregates are due before anybody holds the acknowledgement.
            for round_id in sorted({v.ack["data"]["round_id"] for v in changed}):  # type: ignore[index]
                schedule(self.app, round_id)
        except Exception:
            log.exception("vote.dots push failed")
        for vote in votes:
            vote.done.set()
        # The acknowledgements first (above), then the other tabs of each voter.
        for vote in changed:
            try:
                tell_voter(vote.voter, vote.ack["data"], vote.sid)  # type: ignore[arg-type,index]
            except Exception:
                log.exception("vote.dots push failed")

    def _commit(self, votes: list[_Vote]) -> None:
        """Apply ``votes`` (one workshop's) in one transaction, or one by one if that fails."""
        database = self.app.extensions["workshop_db"]
        try:
            with database.sessionmaker() as db:
                _apply(db, votes)
                db.commit()
        except Exception as error:
            for vote in votes:
                vote.reset()
            if len(votes) > 1:
                for vote in votes:
                    self._commit([vote])
                return
            self._answer_failed(votes[0], error)

    def _answer_failed(self, vote: _Vote, error: Exception) -> None:
        """A lone vote failed: a resend that another process stored first gets that answer."""
        if isinstance(error, IntegrityError):
            database = self.app.extensions["workshop_db"]
            with database.sessionmaker() as db:
                try:
                    vote.ack = previous_ack(
                        db, vote.info.workshop_id, vote.cmd.id, vote.info.sender
                    )
                except DomainError as refused:
                    vote.error = refused
            if vote.ack is not None or vote.error is not None:
                return
        log.error("vote.dots failed", exc_info=error)


#: Built once, like the other statements of a batch (``workshops.lock_participants``).
_PEOPLE = select(Participant).where(Participant.id.in_(bindparam("ids", expanding=True)))


def _apply(db: Session, votes: list[_Vote]) -> None:
    """Check, replay or apply each vote, in order; set each one's answer (not yet committed)."""
    workshop = db.get(Workshop, votes[0].info.workshop_id)
    if workshop is None:
        for vote in votes:
            vote.error = NotFound("workshop_not_found")
        return
    # Load every sender and voter at once; the checks below then find them in the session.
    ids = {v.info.participant_id for v in votes} | {v.cmd.voter_id for v in votes}
    ids.discard(None)
    # (held in a variable: the session keeps only weak references to what it loaded).
    _people = db.scalars(_PEOPLE, {"ids": list(ids)}).all()
    earlier = previous_acks(db, workshop.id, (v.cmd.id for v in votes))
    first_of: dict[str, _Vote] = {}
    changes: list[tuple[_Vote, ballot_service.DotsChange]] = []
    for vote in votes:
        info, cmd = vote.info, vote.cmd
        try:
            check_still_allowed(db, workshop, info)
            if cmd.id in earlier:
                sender, ack = earlier[cmd.id]
                if sender != info.sender:
                    raise Conflict("command_id_taken", fields=["id"])
                vote.ack = ack
            elif cmd.id in first_of:
                first_of[cmd.id].duplicates.append(vote)
            else:
                first_of[cmd.id] = vote
                voter = voter_for(db, workshop, info, cmd)
                changes.append(
                    (vote, ballot_service.DotsChange(voter, cmd.round_id, cmd.goal_id, cmd.dots))
                )
        except DomainError as error:
            vote.error = error
    outcomes = ballot_service.set_dots_many(db, workshop, [change for _, change in changes])
    stored: list[tuple[str, str, dict[str, Any]]] = []
    for (vote, change), outcome in zip(changes, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            vote.error = outcome
        else:
            data = {"round_id": vote.cmd.round_id, "voter_id": change.voter.id, "ballot": outcome}
            vote.ack, vote.voter = {"ok": True, "data": data}, change.voter
            stored.append((vote.cmd.id, vote.info.sender, vote.ack))
    remember_acks(db, workshop.id, stored)
    for first in first_of.values():
        for duplicate in first.duplicates:
            if duplicate.info.sender != first.info.sender:
                duplicate.error = Conflict("command_id_taken", fields=["id"])
            else:
                duplicate.ack, duplicate.error = first.ack, first.error


COMMANDS[names.VOTE_DOTS] = (schemas.VoteDots, VOTERS)


def queue_for(app: Flask) -> DotVoteQueue:
    """The app's vote queue (made with the app, see ``init_app``)."""
    return app.extensions["dot_vote_queue"]


def init_app(app: Flask) -> None:
    app.extensions["dot_vote_queue"] = DotVoteQueue(app)


def run_dot_vote(payload: Any) -> dict:
    """The ``vote.dots`` handler: check without the database, queue, answer after the commit."""

    def work(info: ConnectionInfo) -> tuple[dict, list]:
        cmd = checked_payload(schemas.VoteDots, VOTERS, payload, info)
        sid = request.sid  # type: ignore[attr-defined]
        vote = queue_for(current_app).submit(info, cmd, sid)  # type: ignore[arg-type]
        if vote.error is not None:
            raise vote.error
        # No answer: the batch failed and the worker logged why.
        return vote.ack or error_ack("internal_error", "error"), []

    return answer(names.VOTE_DOTS, work)
