"""What one batch of dot votes costs the server, counted where a timer cannot be trusted.

The load benchmark (``voting_load.py``) times a room voting over real sockets; its tail comes
from the pauses of Python's garbage collector (docs/performance.md), and how often the
collector runs depends on how many objects in reference cycles each batch leaves behind. This
one writes batches of votes in the process itself, through the vote queue's transaction
(``vote_queue.DotVoteQueue``: the voters checked and locked, the ballots written, the
acknowledgements stored), and prints per batch: the CPU time, the Python function calls, the
SQL statements and the objects left in reference cycles. Calls, statements and cycles do not
depend on the machine's speed, so two versions compare exactly:

    python benchmarks/vote_batch_cost.py [--batches 300] [--batch 20]
    python benchmarks/vote_batch_cost.py --app-dir ../other-checkout   # another version
    python benchmarks/vote_batch_cost.py --database-url postgresql+psycopg2://postgres@127.0.0.1/EMPTY

``--garbage`` also lists the kinds of objects left in cycles, most first. SQLite in a temporary
folder unless ``--database-url`` names an empty database; nothing here is a test.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import time
from collections import Counter

from _harness import add_in_process_options, in_process_app

GOALS = 8
#: The round's rules: voters spread their dots over the goals, at most this many on one.
BUDGET, MAX_PER_GOAL = 5, 3


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=300, help="batches measured (300)")
    parser.add_argument("--batch", type=int, default=20, help="votes per batch (20)")
    add_in_process_options(parser, "vote in")
    parser.add_argument(
        "--garbage", action="store_true", help="list the kinds of objects left in cycles"
    )
    options = parser.parse_args(argv)
    app = in_process_app(options, "vote-batch-cost")

    from sqlalchemy import event

    from workshop.realtime.commands import ConnectionInfo
    from workshop.realtime.vote_queue import _Vote, queue_for
    from workshop.schemas.commands import VoteDots
    from workshop.services import goals, votes
    from workshop.services.participants import join_workshop
    from workshop.services.workshops import WorkshopDetails, create_workshop, set_phase

    database = app.extensions["workshop_db"]
    with database.sessionmaker() as session:
        workshop, _token = create_workshop(session, WorkshopDetails(title="Klausur"), "kaoa")
        set_phase(session, workshop, "goals")
        goal_ids = [goals.create_goal(session, workshop, f"Ziel {n}")[0].id for n in range(GOALS)]
        set_phase(session, workshop, "vote")
        settings = votes.RoundSettings(budget=BUDGET, max_per_goal=MAX_PER_GOAL)
        round_id = votes.create_round(session, workshop, settings)[0].id
        votes.set_status(session, workshop, round_id, "open")
        voters = [join_workshop(session, workshop)[0].id for _ in range(options.batch)]
        session.commit()
        workshop_id = workshop.id

    queue = queue_for(app)
    sent = [0]

    def batch() -> None:
        """One vote of each voter, as a room sends them: a voter's goal gets one dot, then
        two, then one again, so every vote changes a ballot and none goes over the budget."""
        sent[0] += 1
        number = sent[0]
        batch_votes = []
        for index, voter in enumerate(voters):
            info = ConnectionInfo(workshop_id, "participant", voter, None, "de")
            cmd = VoteDots(
                id=f"vote-{number:06d}-{voter:06d}",
                workshop=workshop_id,
                round_id=round_id,
                goal_id=goal_ids[index % GOALS],
                dots=1 + number % 2,
            )
            batch_votes.append(_Vote(info, cmd))
        with app.app_context():
            queue._commit(batch_votes)
        refused = [v for v in batch_votes if v.ack is None]
        if refused:
            raise RuntimeError(f"a vote was refused: {refused[0].error}")

    for _ in range(30):  # statements cached, pool filled
        batch()
    gc.collect()

    started = time.process_time()
    for _ in range(options.batches):
        batch()
    cpu_ms = (time.process_time() - started) / options.batches * 1000

    gc.disable()
    gc.collect()
    if options.garbage:
        gc.set_debug(gc.DEBUG_SAVEALL)
    for _ in range(options.batches):
        batch()
    cycles = gc.collect()
    kinds = Counter(type(thing).__qualname__ for thing in gc.garbage)
    gc.set_debug(0)
    gc.garbage.clear()
    gc.enable()

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(options.batches):
        batch()
    profile.disable()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]

    # Last: listeners slow the engine down even after they are removed.
    counted = [0]

    def statement(*_args: object) -> None:
        counted[0] += 1

    event.listen(database.engine, "before_cursor_execute", statement)
    for _ in range(options.batches):
        batch()

    name = options.app_dir.resolve().name
    print(f"{name}: {options.batches} batches of {options.batch} votes, in-process")
    print(f"CPU ms per batch: {cpu_ms:.2f} ({cpu_ms / options.batch * 1000:.0f} µs per vote)")
    print(f"Python function calls per batch: {calls // options.batches:,}")
    print(f"SQL statements per batch: {counted[0] / options.batches:.1f}")
    print(f"objects left in reference cycles per batch: {cycles / options.batches:,.0f}")
    for kind, count in kinds.most_common(25):
        print(f"  {count / options.batches:8.1f}  {kind}")


if __name__ == "__main__":
    main()
