"""Dot votes through the group commit: concurrent phones, resends, and a batch that fails."""

import gc
import json
import threading
import time

import pytest
from helpers import cmd, join_as_participant, settle, socket_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workshop.models import DotVote, ProcessedCommand
from workshop.realtime import vote_queue
from workshop.realtime.commands import ConnectionInfo
from workshop.schemas.commands import VoteDots


@pytest.fixture
def open_round(voting_room):
    workshop, moderator, phones, _, goal_ids = voting_room
    ack = moderator.emit("round.create", cmd(workshop, budget=5, max_per_goal=3), callback=True)
    round_id = ack["data"]["round"]["id"]
    assert moderator.emit(
        "round.status", cmd(workshop, round_id=round_id, status="open"), callback=True
    )["ok"]
    return workshop, moderator, phones, round_id, goal_ids


def at_once(calls):
    """Run the calls in threads released together; their results in order."""
    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index):
        start.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def dots_in_db(app, round_id):
    with app.extensions["workshop_db"].sessionmaker() as db:
        rows = db.execute(
            select(DotVote.participant_id, DotVote.goal_id, DotVote.dots).where(
                DotVote.round_id == round_id
            )
        )
        return {(p, g): d for p, g, d in rows if d}


def test_a_room_voting_at_once_gets_every_vote_acknowledged_and_stored(app, open_round):
    workshop, _, _, round_id, goal_ids = open_round
    phones = [
        socket_for(app, join_as_participant(app, workshop), workshop, "participant")
        for _ in range(8)
    ]
    acks = at_once(
        [
            lambda phone=phone, n=n: phone.emit(
                "vote.dots",
                cmd(workshop, round_id=round_id, goal_id=goal_ids[n % 3], dots=1 + n % 3),
                callback=True,
            )
            for n, phone in enumerate(phones)
        ]
    )
    assert all(ack["ok"] for ack in acks), acks
    stored = dots_in_db(app, round_id)
    assert stored == {
        (ack["data"]["voter_id"], goal_ids[n % 3]): 1 + n % 3 for n, ack in enumerate(acks)
    }


def test_votes_arriving_close_together_share_one_transaction(app, open_round, monkeypatch):
    """A batch gathers votes for a moment after the first: a room voting at once costs a few
    transactions, not one per vote (docs/performance.md). Widened here so that threads
    started together surely fall into it."""
    from sqlalchemy import event

    monkeypatch.setattr(vote_queue, "GATHER", 0.5)
    workshop, _, _, round_id, goal_ids = open_round
    phones = [
        socket_for(app, join_as_participant(app, workshop), workshop, "participant")
        for _ in range(7)
    ]
    # The worker is up and waiting, as in a room that has been voting for a while.
    warm = cmd(workshop, round_id=round_id, goal_id=goal_ids[0], dots=1)
    assert phones[0].emit("vote.dots", warm, callback=True)["ok"]
    commits = []
    engine = app.extensions["workshop_db"].engine
    listener = lambda connection: commits.append(connection)  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        # One after another, 20 ms apart: without the gathering, each would be a batch.
        acks = at_once(
            [
                lambda phone=phone, n=n: (
                    time.sleep(n * 0.02)
                    or phone.emit(
                        "vote.dots",
                        cmd(workshop, round_id=round_id, goal_id=goal_ids[n % 3], dots=1),
                        callback=True,
                    )
                )
                for n, phone in enumerate(phones[1:])
            ]
        )
    finally:
        event.remove(engine, "commit", listener)
    assert all(ack["ok"] for ack in acks), acks
    assert sum(dots_in_db(app, round_id).values()) == 7
    # The six votes in one transaction; the coalesced pushes only read.
    assert len(commits) == 1


def test_two_tabs_of_one_phone_racing_never_exceed_the_budget(app, open_round):
    workshop, _, _, round_id, goal_ids = open_round
    browser = join_as_participant(app, workshop)
    tabs = [socket_for(app, browser, workshop, "participant") for _ in range(6)]
    acks = at_once(
        [
            lambda tab=tab, n=n: tab.emit(
                "vote.dots",
                cmd(workshop, round_id=round_id, goal_id=goal_ids[n % 3], dots=2),
                callback=True,
            )
            for n, tab in enumerate(tabs)
        ]
    )
    accepted = [ack for ack in acks if ack["ok"]]
    refused = [ack for ack in acks if not ack["ok"]]
    assert {ack["error"]["code"] for ack in refused} == {"budget_exceeded"}
    # Two goals at 2 dots fit into 5, a third does not; the fullest ballot acknowledged is stored.
    fullest = max(accepted, key=lambda ack: sum(ack["data"]["ballot"].values()))
    stored = dots_in_db(app, round_id)
    assert sum(stored.values()) == 4
    assert {int(g): d for g, d in fullest["data"]["ballot"].items()} == {
        g: d for (_, g), d in stored.items()
    }


def test_a_resend_racing_its_original_is_applied_once(app, open_round):
    workshop, _, phones, round_id, goal_ids = open_round
    payload = cmd(workshop, round_id=round_id, goal_id=goal_ids[0], dots=2)
    other = socket_for(app, phones[0].flask_test_client, workshop, "participant")
    first, again = at_once(
        [
            lambda: phones[0].emit("vote.dots", dict(payload), callback=True),
            lambda: other.emit("vote.dots", dict(payload), callback=True),
        ]
    )
    assert first == again
    assert first["ok"]
    assert list(dots_in_db(app, round_id).values()) == [2]
    with app.extensions["workshop_db"].sessionmaker() as db:
        assert (
            db.scalar(
                select(func.count())
                .select_from(ProcessedCommand)
                .where(ProcessedCommand.command_id == payload["id"])
            )
            == 1
        )


def test_another_phones_command_id_changes_nothing(app, open_round):
    workshop, _, phones, round_id, goal_ids = open_round
    payload = cmd(workshop, round_id=round_id, goal_id=goal_ids[0], dots=2)
    assert phones[0].emit("vote.dots", dict(payload), callback=True)["ok"]
    ack = phones[1].emit("vote.dots", {**payload, "dots": 3}, callback=True)
    assert ack["error"]["code"] == "command_id_taken"
    assert list(dots_in_db(app, round_id).values()) == [2]


def queued(workshop, phone_id, command_id, round_id, goal_id, dots):
    info = ConnectionInfo(workshop.id, "participant", phone_id, None, "de")
    payload = VoteDots(
        workshop=workshop.id, id=command_id, round_id=round_id, goal_id=goal_id, dots=dots
    )
    return vote_queue._Vote(info, payload)


def phone_ids(app, workshop, count):
    ids = []
    for _ in range(count):
        socket = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
        (snapshot,) = [e["args"][0] for e in socket.get_received() if e["name"] == "snapshot"]
        ids.append(snapshot["me"]["id"])
    return ids


def test_a_batch_that_fails_as_a_whole_is_applied_vote_by_vote(app, open_round, monkeypatch):
    """One vote's failure (here: storing the batch's command ids) cannot sink the others."""
    workshop, _, _, round_id, goal_ids = open_round
    real = vote_queue.remember_acks

    def refuse_batches(db, workshop_id, acks):
        acks = list(acks)
        if len(acks) > 1:
            raise IntegrityError("INSERT", {}, Exception("simulated"))
        real(db, workshop_id, acks)

    monkeypatch.setattr(vote_queue, "remember_acks", refuse_batches)
    people = phone_ids(app, workshop, 3)
    batch = [
        queued(workshop, pid, f"batch-vote-{n:04d}", round_id, goal_ids[n], n + 1)
        for n, pid in enumerate(people)
    ]
    with app.app_context():
        vote_queue.queue_for(app)._commit(batch)
    assert [v.ack["data"]["ballot"] for v in batch] == [{goal_ids[n]: n + 1} for n in range(3)]
    assert dots_in_db(app, round_id) == {(people[n], goal_ids[n]): n + 1 for n in range(3)}


def test_a_batch_leaves_no_garbage_in_reference_cycles(app, open_round):
    """Such garbage waits for the cycle collector, whose pauses make the tail of a room voting
    at once (docs/performance.md). Statements built for each batch left about 80 objects."""
    workshop, _, _, round_id, goal_ids = open_round
    people = phone_ids(app, workshop, 4)
    queue = vote_queue.queue_for(app)

    def batch(number):
        votes = [
            queued(
                workshop,
                pid,
                f"cycle-{number:03d}-{n:03d}",
                round_id,
                goal_ids[n % 3],
                1 + number % 2,
            )
            for n, pid in enumerate(people)
        ]
        with app.app_context():
            queue._commit(votes)
        assert all(vote.ack["ok"] for vote in votes)

    for number in range(3):  # statements compiled and cached, the pool's connection made
        batch(number)
    settle()  # the joins' head counts: their pushes build statements in other threads
    gc.disable()
    try:
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        for number in range(3, 8):
            batch(number)
        gc.collect()
        left = sorted({type(thing).__qualname__ for thing in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []


def test_a_resend_stored_meanwhile_by_another_process_gets_its_answer(app, open_round, monkeypatch):
    """Both copies pass the replay check at once; the unique command id decides the race."""
    workshop, _, _, round_id, goal_ids = open_round
    (person,) = phone_ids(app, workshop, 1)
    original = queued(workshop, person, "resent-vote-0001", round_id, goal_ids[0], 2)
    with app.app_context():
        vote_queue.queue_for(app)._commit([original])
    assert original.ack["ok"]
    monkeypatch.setattr(vote_queue, "previous_acks", lambda *args: {})  # read before the commit
    resend = queued(workshop, person, "resent-vote-0001", round_id, goal_ids[0], 2)
    with app.app_context():
        vote_queue.queue_for(app)._commit([resend])
    assert resend.ack == json.loads(json.dumps(original.ack))  # as it reaches the phone
    assert dots_in_db(app, round_id) == {(person, goal_ids[0]): 2}


def test_a_failing_push_does_not_stop_the_votes_after_it(app, open_round, monkeypatch, caplog):
    """The worker outlives any failure: later votes are still written and answered."""
    workshop, _, phones, round_id, goal_ids = open_round
    real = vote_queue.tell_voter
    calls = []

    def fail_once(voter, data, sender):
        calls.append(data)
        if len(calls) == 1:
            raise RuntimeError("simulated push failure")
        real(voter, data, sender)

    monkeypatch.setattr(vote_queue, "tell_voter", fail_once)
    first = phones[0].emit(
        "vote.dots", cmd(workshop, round_id=round_id, goal_id=goal_ids[0], dots=1), callback=True
    )
    second = phones[1].emit(
        "vote.dots", cmd(workshop, round_id=round_id, goal_id=goal_ids[1], dots=2), callback=True
    )
    assert first["ok"] and second["ok"]
    assert len(calls) == 2
    assert "simulated push failure" in caplog.text
    assert dots_in_db(app, round_id) == {
        (first["data"]["voter_id"], goal_ids[0]): 1,
        (second["data"]["voter_id"], goal_ids[1]): 2,
    }
