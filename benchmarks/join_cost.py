"""What one phone's join costs the server, step by step, counted where a timer cannot be trusted.

The load benchmark (``voting_load.py``) times 1,000 phones joining over real sockets, but on a
shared virtual machine the same code joins 20 % faster or slower from one run to the next. This
one joins phones in the process itself, through Flask's and Flask-SocketIO's test clients, the
way a phone does: the join form, the join, the participant page, the socket's connect with its
snapshot. It prints the CPU time of each step and the Python function calls of a whole join.
The calls do not depend on the machine's speed, so two versions compare exactly:

    python benchmarks/join_cost.py [--phones 300]
    python benchmarks/join_cost.py --app-dir ../other-checkout     # the same for another version
    python benchmarks/join_cost.py --database-url postgresql+psycopg2://postgres@127.0.0.1/EMPTY

It also counts the SQL statements per join and the connections taken from the pool: on a
database server each statement is a round trip, and each connection taken is pinged first.
Those two are counted in every thread, the coalesced pushes (head count) included; the
function calls only in the requests themselves, as the pushes run in other threads. SQLite
in a temporary folder unless ``--database-url`` names an empty database; nothing here is a
test.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from _harness import CSRF_RE, add_in_process_options, in_process_app

STEPS = ("form", "join", "page", "connect")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300, help="phones measured (300)")
    add_in_process_options(parser, "join into")
    options = parser.parse_args(argv)
    app = in_process_app(options, "join-cost")

    from sqlalchemy import event

    from workshop.extensions import socketio
    from workshop.services.workshops import WorkshopDetails, create_workshop

    with app.extensions["workshop_db"].sessionmaker() as session:
        workshop, _token = create_workshop(
            session, WorkshopDetails(title="Strategieklausur"), template="kaoa"
        )
        session.commit()
        code, workshop_id = workshop.join_code, workshop.id

    spent = dict.fromkeys(STEPS, 0.0)

    def join(number: int) -> None:
        phone = app.test_client()
        clock = [time.process_time()]

        def step() -> None:
            clock.append(time.process_time())

        form = phone.get(f"/j/{code}").get_data(as_text=True)
        step()
        token = CSRF_RE.search(form)
        if token is None:
            raise RuntimeError("the join form has no CSRF token")
        data = {"csrf_token": token.group(1), "display_name": f"Phone {number}"}
        if phone.post(f"/j/{code}", data=data).status_code != 302:
            raise RuntimeError("the join was refused")
        step()
        if phone.get(f"/w/{code}").status_code != 200:
            raise RuntimeError("the participant page failed")
        step()
        auth = {"workshop": workshop_id, "role": "participant"}
        client = socketio.test_client(app, flask_test_client=phone, auth=auth)
        step()
        if not client.is_connected():
            raise RuntimeError("the socket was refused")
        for name, start, end in zip(STEPS, clock, clock[1:], strict=False):
            spent[name] += end - start

    for number in range(30):  # templates compiled, statements cached
        join(number)
    spent = dict.fromkeys(STEPS, 0.0)
    for number in range(options.phones):
        join(1000 + number)
    each = {name: seconds / options.phones * 1000 for name, seconds in spent.items()}
    profile = cProfile.Profile()
    profile.enable()
    for number in range(options.phones):
        join(10_000 + number)
    profile.disable()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    # Last: listeners slow the engine down even after they are removed.
    engine = app.extensions["workshop_db"].engine
    counted = {"statements": 0, "checkouts": 0}

    def statement(*_args: object) -> None:
        counted["statements"] += 1

    def checkout(*_args: object) -> None:
        counted["checkouts"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "checkout", checkout)
    for number in range(options.phones):
        join(20_000 + number)

    print(f"{options.app_dir.resolve().name}: {options.phones} phones joined in-process")
    print("CPU ms per join: " + ", ".join(f"{name} {ms:.2f}" for name, ms in each.items()))
    print(f"  together {sum(each.values()):.2f} ms")
    print(f"Python function calls per join: {calls // options.phones:,}")
    # Counted over all threads: the coalesced pushes (head count) are in it.
    per_join = {name: n / options.phones for name, n in counted.items()}
    print(
        f"SQL statements per join: {per_join['statements']:.1f}, connections taken from the "
        f"pool: {per_join['checkouts']:.1f} (on a database server, each is pinged first)"
    )


if __name__ == "__main__":
    main()
