"""``kill -9`` during a voting burst: no acknowledged vote is lost, none is applied twice, and
phones, moderator and projector come back by themselves showing the right state."""

from __future__ import annotations

import re
import threading
import time

import pytest
import socketio
from e2e_support import LAPTOP, PROJECTOR, Server, open_dot_round
from live_clients import Client, join
from playwright.sync_api import expect
from sqlalchemy import func, select
from test_live_workshop import create_workshop, join_by_phone
from test_voting import GOALS, more

from workshop.db import make_engine
from workshop.models import DotVote, ProcessedCommand

pytestmark = pytest.mark.e2e

#: Phones driven by python-socketio, voting as fast as their acknowledgements come back.
FAST_PHONES = 12


class Burst:
    """One fast phone changing its dots on one goal again and again (1, 2, 3, 1, …)."""

    def __init__(self, phone: Client, round_id: int, goal_id: int) -> None:
        self.phone, self.round_id, self.goal_id = phone, round_id, goal_id
        self.sent: list[dict] = []  # in order
        self.acked: set[str] = set()

    def vote(self, payload: dict) -> bool:
        try:
            answer = self.phone.sio.call("vote.dots", payload, timeout=5)
        except socketio.exceptions.SocketIOError:  # the server went away mid-call
            return False
        assert answer["ok"], answer
        self.acked.add(payload["id"])
        return True

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            dots = len(self.sent) % 3 + 1
            payload = self.phone.command(round_id=self.round_id, goal_id=self.goal_id, dots=dots)
            self.sent.append(payload)
            if not self.vote(payload):
                return

    def last_acked(self) -> int:
        return max(i for i, p in enumerate(self.sent) if p["id"] in self.acked)


def stored(engine, voter_id: int, goal_id: int) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(func.coalesce(func.sum(DotVote.dots), 0)).where(
                DotVote.participant_id == voter_id, DotVote.goal_id == goal_id
            )
        )


def test_a_crash_mid_vote_loses_nothing_and_everyone_resyncs(database_url, tmp_path, contexts):
    server = Server(database_url, tmp_path / "instance", "eventlet")
    engine = make_engine(database_url)
    fast: list[Client] = []
    try:
        moderator = contexts(LAPTOP).new_page()
        links = create_workshop(moderator, server.url)
        code = links["join"].rstrip("/").rsplit("/", 1)[1]
        browser_phones = [join_by_phone(contexts, links["join"]) for _ in range(2)]
        fast.extend(
            Client(server.url, join(server.url, code), int(_workshop_id(moderator)), "participant")
            for _ in range(FAST_PHONES)
        )
        projector = contexts(PROJECTOR).new_page()
        projector.goto(links["projector"])
        open_dot_round(moderator, GOALS)
        phone = browser_phones[0]
        for _ in range(2):
            more(phone, GOALS[0]).click()
        expect(phone.locator("[data-dots-left]")).to_have_text("Noch 3 von 5 Punkten")

        snapshot = fast[0].wait_for("round.changed", lambda d: d["round"]["status"] == "open")
        round_id = snapshot["round"]["id"]
        goal_ids = snapshot["round"]["goal_ids"]
        bursts = [Burst(p, round_id, goal_ids[n % len(goal_ids)]) for n, p in enumerate(fast)]
        voters = [_me(p) for p in fast]
        stop = threading.Event()
        threads = [threading.Thread(target=b.run, args=(stop,)) for b in bursts]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        assert all(b.acked for b in bursts), "every fast phone had a vote acknowledged"
        server.crash_and_restart()
        stop.set()
        for thread in threads:
            thread.join(10)

        # Every acknowledged vote is there: each ballot is the last acknowledged one or one sent
        # after it (committed, its acknowledgement lost in the crash).
        for burst, voter in zip(bursts, voters, strict=True):
            after = [p["dots"] for p in burst.sent[burst.last_acked() :]]
            assert stored(engine, voter, burst.goal_id) in after

        # Phones resend what was not acknowledged, with the same ids, as the page does after a
        # reconnect: each is applied once, and the ballots end as last sent.
        for burst in bursts:
            burst.phone.connect()
            for payload in burst.sent[burst.last_acked() + 1 :]:
                assert burst.vote(payload)
        with engine.connect() as connection:
            for burst, voter in zip(bursts, voters, strict=True):
                assert stored(engine, voter, burst.goal_id) == burst.sent[-1]["dots"]
                sender = f"participant:{voter}"
                commands = connection.scalar(
                    select(func.count())
                    .select_from(ProcessedCommand)
                    .where(ProcessedCommand.sender == sender)
                )
                assert commands == len(burst.sent)

        # The browsers reconnected by themselves and show the state after the crash.
        for page in (moderator, projector, *browser_phones):
            expect(page.locator("[data-connection]")).to_have_attribute(
                "data-state", "connected", timeout=20_000
            )
        expect(phone.locator("[data-dots-left]")).to_have_text("Noch 3 von 5 Punkten")
        everyone = FAST_PHONES + len(browser_phones)
        voted = FAST_PHONES + 1
        expect(projector.locator("[data-votes] [data-votes-count]")).to_have_text(
            re.compile(rf"^{voted} von {everyone} ")
        )
        expect(moderator.locator(".round-item")).to_contain_text(
            f"{voted} von {everyone} haben abgestimmt"
        )
        more(browser_phones[1], GOALS[1]).click()
        expect(projector.locator("[data-votes] [data-votes-count]")).to_have_text(
            re.compile(rf"^{voted + 1} von {everyone} ")
        )
        assert "Traceback" not in server.output()
    finally:
        for client in fast:
            client.close()
        engine.dispose()
        server.stop()


def _workshop_id(page) -> str:
    return re.search(r'"workshop":\s*(\d+)', page.content()).group(1)


def _me(phone: Client) -> int:
    snapshot = phone.wait_for("snapshot", lambda data: "me" in data)
    return snapshot["me"]["id"]
