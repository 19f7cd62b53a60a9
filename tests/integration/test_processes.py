"""Two gunicorn processes as deployed (deploy/), sharing PostgreSQL and the Redis queue.

A phone on one process votes and the projector on the other sees it; the moderator on one
changes the phase and the phones on both follow; the coalesced tallies each process pushes add
up to every vote of both, and the phones on both learn how many voted. Real servers, real
PostgreSQL and Redis (TEST_DATABASE_URL, CI).
"""

from __future__ import annotations

import threading

from live_clients import Client, create_workshop, join


def dots_of(tally: dict) -> dict[int, int]:
    return {r["goal_id"]: r["dots"] for r in tally["results"]}


def test_two_processes_serve_one_room(servers):
    first, second = servers
    browser, workshop_id, code = create_workshop(first)
    moderator = Client(first, browser, workshop_id, "moderator")
    projector = Client(second, browser, workshop_id, "projector")
    phones = [
        Client(base, join(base, code), workshop_id, "participant")
        for base in (first, first, second, second)
    ]
    try:
        moderator.send("phase.set", phase="goals")
        goals = [moderator.send("goal.create", title=f"Ziel {n}")["goal"]["id"] for n in range(2)]
        moderator.send("phase.set", phase="vote")
        for phone in phones:  # on both processes
            phone.wait_for("phase.changed", lambda data: data["phase"] == "vote")
        round_id = moderator.send("round.create", budget=5, max_per_goal=5, live_results=True)[
            "round"
        ]["id"]
        moderator.send("round.status", round_id=round_id, status="open")

        # A phone on the first process votes; the projector on the second sees it.
        phones[0].send("vote.dots", round_id=round_id, goal_id=goals[0], dots=2)
        projector.wait_for(
            "round.tally", lambda t: t["round_id"] == round_id and dots_of(t)[goals[0]] == 2
        )
        # Everybody votes at once on both processes: the tallies that each process pushes
        # after its own votes end with the sum of all of them, on both screens.
        votes = [(0, 3), (1, 1), (2, 4), (3, 5)]
        threads = [
            threading.Thread(
                target=phones[n].send,
                args=("vote.dots",),
                kwargs={"round_id": round_id, "goal_id": goals[1], "dots": dots},
            )
            for n, dots in votes
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        expected = {goals[0]: 2, goals[1]: 13}
        for screen in (projector, moderator):
            screen.wait_for("round.tally", lambda t: dots_of(t) == expected)
        progress = projector.wait_for("round.progress", lambda p: p["voted"] == 4)
        assert progress["eligible"] == 4
        # Phones on both processes see the final count too, without the tally.
        for phone in phones:
            phone.wait_for("round.progress", lambda p: p["voted"] == 4 and p["eligible"] == 4)
        # Nobody's ballot reached another phone.
        assert not any(name == "round.tally" for phone in phones for name, _ in phone.received)
    finally:
        for client in (moderator, projector, *phones):
            client.close()
