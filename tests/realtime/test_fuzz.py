"""Every Socket.IO event, from every role, with random and hostile payloads (Hypothesis).

The server must answer each with an acknowledgement and never fail inside (no internal error,
no traceback in any answer), and the workshop's invariants must hold after every input: the
version never goes back, no ballot exceeds its round's budget or maximum, dots are never
negative, and there are exactly as many cards as acknowledged posts minus the cards their
authors took back.
"""

from __future__ import annotations

import logging
import os

import pytest
from helpers import cmd, join_as_participant, socket_for
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from workshop.extensions import socketio
from workshop.models import PHASES, Card, DotVote, VoteRound, Workshop
from workshop.realtime.commands import COMMANDS

#: How many inputs one run tries (docs/reliability.md records the figure). CI runs the same
#: inputs every time; FUZZ_SEED=<number> (and FUZZ_EXAMPLES) explores others.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
SEED = os.environ.get("FUZZ_SEED")

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.text(min_size=4000, max_size=6000, alphabet="Ää<>'\";-\u202e\x00 "),
    st.lists(st.integers(), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
SMALL_ID = st.integers(min_value=0, max_value=12)
TEXT = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE card; --", "\u202egnadoG", ""]),
)


def plausible(key: str) -> st.SearchStrategy:
    """A value for ``key`` that the server could accept, so deeper code is reached too."""
    if key == "id":
        return st.from_regex(r"\A[A-Za-z0-9_-]{8,24}\Z")
    if key.endswith("_ids") or key in ("order", "card_names"):
        return st.lists(SMALL_ID, max_size=6)
    if key.endswith("_id") or key in ("index", "position", "top", "step"):
        return SMALL_ID | st.sampled_from([-1, 1])
    if key == "phase":
        return st.sampled_from(PHASES)
    if key == "status":
        return st.sampled_from(["draft", "open", "closed", "revealed", "planned", "done"])
    if key == "method":
        return st.sampled_from(["dots", "matrix", "ranking"])
    if key == "axis":
        return st.sampled_from(["x", "y"])
    if key in ("dots", "value", "budget", "max_per_goal", "scale_min", "scale_max", "seconds"):
        return st.integers(min_value=-2, max_value=60)
    if key in ("done", "hidden", "live_results", "collect_locked", "show_authors", "support"):
        return st.booleans()
    return TEXT


def shaped(workshop_id: int, model: type | None, value) -> st.SearchStrategy:
    """A payload of the model's shape: its required fields always, the others sometimes."""
    required, optional = {}, {}
    for key, field in model.model_fields.items() if model is not None else ():
        if key in ("workshop", "id"):
            continue
        (required if field.is_required() else optional)[key] = value(key)
    frame = {"workshop": st.just(workshop_id)}
    if model is not None and "id" in model.model_fields:
        frame["id"] = plausible("id")
    return st.fixed_dictionaries({**frame, **required}, optional=optional)


def payloads(workshop_id: int, model: type | None) -> st.SearchStrategy:
    """Mostly valid-looking payloads of the event's own shape (to reach the rules behind the
    checks), then the same shape with hostile values, unknown keys, or anything at all."""
    clean = shaped(workshop_id, model, plausible)
    dirty = shaped(workshop_id, model, lambda key: plausible(key) | HOSTILE)
    unknown = st.dictionaries(st.text(min_size=1, max_size=10), HOSTILE, min_size=1, max_size=2)
    hostile_frame = st.builds(
        lambda payload, workshop, command: {**payload, "workshop": workshop, "id": command},
        clean,
        HOSTILE,
        HOSTILE,
    )
    return st.one_of(
        *[clean] * 6,
        dirty,
        hostile_frame,
        st.builds(lambda a, b: {**b, **a}, clean, unknown),
        HOSTILE,
    )


def inputs(workshop_id: int) -> st.SearchStrategy:
    """(sender, event, payload): mostly a sender whose role may send the event.

    Every command event, and a few the server does not know. Not the catch-all "*" itself: an
    event literally named "*" reaches Flask-SocketIO's catch-all wrapper with its arguments
    shifted, which fails before any app code runs (no answer, a logged traceback;
    docs/reliability.md).
    """
    names = [*sorted(COMMANDS), "no.such.event", "snapshot", "vote.dots "]

    def for_event(event: str) -> st.SearchStrategy:
        model, roles = COMMANDS.get(event, (None, ()))
        allowed = sorted(name for name, role in ROLES_OF.items() if role in roles)
        anyone = st.sampled_from(sorted(ROLES_OF))
        sender = anyone
        if allowed:
            sender = st.one_of(st.sampled_from(allowed), st.sampled_from(allowed), anyone)
        return st.tuples(sender, st.just(event), payloads(workshop_id, model))

    return st.sampled_from(names).flatmap(for_event)


#: The role of each client in the room.
ROLES_OF = {
    "moderator": "moderator",
    "projector": "projector",
    "phone": "participant",
    "other phone": "participant",
}


@pytest.fixture
def room(app, moderator_client):
    browser, workshop = moderator_client()
    clients = {
        "moderator": socket_for(app, browser, workshop, "moderator"),
        "projector": socket_for(app, browser, workshop, "projector"),
        "phone": socket_for(app, join_as_participant(app, workshop), workshop, "participant"),
        "other phone": socket_for(app, join_as_participant(app, workshop), workshop, "participant"),
    }
    moderator = clients["moderator"]
    assert moderator.emit("phase.set", cmd(workshop, phase="goals"), callback=True)["ok"]
    for n in range(3):
        assert moderator.emit("goal.create", cmd(workshop, title=f"Ziel {n}"), callback=True)["ok"]
    assert moderator.emit("phase.set", cmd(workshop, phase="vote"), callback=True)["ok"]
    round_id = moderator.emit(
        "round.create", cmd(workshop, budget=5, max_per_goal=3), callback=True
    )["data"]["round"]["id"]
    assert moderator.emit(
        "round.status", cmd(workshop, round_id=round_id, status="open"), callback=True
    )["ok"]
    return workshop, clients


def check_invariants(app, workshop_id: int, state: dict) -> None:
    with app.extensions["workshop_db"].sessionmaker() as db:
        version = db.scalar(select(Workshop.version).where(Workshop.id == workshop_id))
        assert version >= state["version"], "the workshop version went back"
        state["version"] = version
        rounds = {r.id: r for r in db.scalars(select(VoteRound))}
        spent: dict[tuple[int, int], int] = {}
        for row in db.scalars(select(DotVote)):
            assert 0 <= row.dots <= rounds[row.round_id].max_per_goal
            key = (row.round_id, row.participant_id)
            spent[key] = spent.get(key, 0) + row.dots
        for (round_id, _voter), total in spent.items():
            assert total <= rounds[round_id].budget
        cards = db.scalar(select(func.count()).select_from(Card))
        assert cards == len(state["posts"]) - len(state["taken back"])


def test_no_input_breaks_the_server_or_the_workshop(app, room, caplog):
    workshop, clients = room
    state = {"version": 0, "posts": set(), "taken back": set(), "answered": {}, "tried": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=SEED is None,
    )
    @seed(int(SEED or 0))
    @given(case=inputs(workshop.id))
    def one_input(case):
        sender, event, payload = case
        state["tried"] += 1
        with caplog.at_level(logging.ERROR):
            caplog.clear()
            ack = clients[sender].emit(event, payload, callback=True)
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
        if event in socketio.server.handlers["/"]:
            assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (event, ack)
            if not ack["ok"]:
                error = ack["error"]
                assert error["code"] != "internal_error", (sender, event, payload, error)
                assert isinstance(error["message"], str) and error["message"]
                assert "Traceback" not in error["message"] and 'File "' not in error["message"]
            elif "id" in payload:
                # A command id seen before is answered with its first answer and changes
                # nothing (services/commands.py), whatever event it comes with now.
                first = state["answered"].setdefault(payload["id"], (sender, event))
                if first == (sender, "card.post"):
                    state["posts"].add(payload["id"])
                elif first == (sender, "card.delete") and ROLES_OF[sender] == "participant":
                    state["taken back"].add(payload["id"])  # an author's delete is for good
        for client in clients.values():
            client.get_received()
        check_invariants(app, workshop.id, state)

    one_input()
    assert state["tried"] >= EXAMPLES
