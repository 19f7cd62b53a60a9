"""Every Socket.IO command as every role: only the roles allowed may change anything.

Senders: the workshop's moderator, projector and a phone; the moderator and a phone of another
workshop (naming this workshop, or their own workshop with this workshop's ids); and nobody
(a socket without the cookie). After each command that is not allowed, this workshop's data
must be exactly as before.
"""

from __future__ import annotations

import typing

import pytest
from helpers import cmd, fingerprint, join_as_participant, socket_for

import workshop.realtime.handlers  # noqa: F401  (fills COMMANDS at import)
from workshop.extensions import socketio
from workshop.realtime.commands import COMMANDS
from workshop.services.views import ROLES


@pytest.fixture
def two_workshops(app, moderator_client):
    """Workshop A with cards, a cluster, goals, an open dot round with a vote and a proxy;
    workshop B beside it. Returns (A, clients of A, B, clients of B, A's ids)."""
    browser_a, a = moderator_client()
    browser_b, b = moderator_client()
    mod_a = socket_for(app, browser_a, a, "moderator")
    clients_a = {
        "moderator": mod_a,
        "projector": socket_for(app, browser_a, a, "projector"),
        "participant": socket_for(app, join_as_participant(app, a), a, "participant"),
    }
    clients_b = {
        "moderator": socket_for(app, browser_b, b, "moderator"),
        "participant": socket_for(app, join_as_participant(app, b), b, "participant"),
    }
    phone = clients_a["participant"]

    def ok(client, event, **fields):
        ack = client.emit(event, cmd(a, **fields), callback=True)
        assert ack["ok"], (event, ack)
        return ack["data"]

    ok(mod_a, "phase.set", phase="collect")
    field, kind = a.fields[0].id, a.kinds[0].id
    cards = [
        ok(phone, "card.post", field_id=field, kind_id=kind, text=f"Karte {n}")["card"]["id"]
        for n in range(2)
    ]
    ok(mod_a, "phase.set", phase="cluster")
    cluster = ok(mod_a, "cluster.create", field_id=field, name="Thema", card_ids=cards)["cluster"][
        "id"
    ]
    ok(mod_a, "phase.set", phase="goals")
    goals = [ok(mod_a, "goal.create", title=f"Ziel {n}")["goal"]["id"] for n in range(2)]
    ok(mod_a, "phase.set", phase="vote")
    round_id = ok(mod_a, "round.create")["round"]["id"]
    ok(mod_a, "round.status", round_id=round_id, status="open")
    ok(phone, "vote.dots", round_id=round_id, goal_id=goals[0], dots=2)
    proxy = ok(mod_a, "proxy.create", name="Frau Beispiel")["voter"]["id"]
    ids = {
        "field": field,
        "kind": kind,
        "cards": cards,
        "cluster": cluster,
        "goals": goals,
        "round": round_id,
        "proxy": proxy,
    }
    for client in (*clients_a.values(), *clients_b.values()):
        client.get_received()
    return a, clients_a, b, clients_b, ids


def value_for(event: str, key: str, annotation, ids: dict) -> object:
    """A plausible value for ``key`` of ``event`` that points at workshop A's things."""
    goal_event = event.startswith(("goal.", "priorities.", "plan.", "measure.", "review."))
    known = {
        "card_id": ids["cards"][0],
        "source_id": ids["goals"][0] if goal_event else ids["cards"][0],
        "target_id": ids["goals"][1] if goal_event else ids["cards"][1],
        "cluster_id": ids["cluster"],
        "field_id": ids["field"],
        "group_id": ids["field"],
        "kind_id": ids["kind"],
        "goal_id": ids["goals"][0],
        "goal_ids": ids["goals"],
        "order": ids["goals"],
        "card_ids": ids["cards"],
        "round_id": ids["round"],
        "round_ids": [ids["round"]],
        "voter_id": ids["proxy"],
        "measure_id": 1,
        "phase": "lobby",
        "status": "closed" if event == "round.status" else "done",
        "step": 1,
        "axis": "x",
        "card_names": "names",
        "method": "dots",
        "light": "green",
        "grouping": "field",
    }
    if key in known:
        return known[key]
    base = typing.get_origin(annotation)
    kinds = typing.get_args(annotation) if base is not None else (annotation,)
    if bool in kinds:
        return True
    if int in kinds or any("int" in str(k) for k in kinds):
        return 1
    if list in kinds or base is list:
        return []
    return "Geändert"


def payload(event: str, workshop_id: int, ids: dict) -> dict:
    model, _roles = COMMANDS[event]
    data = cmd(type("W", (), {"id": workshop_id})()) if "id" in model.model_fields else {}
    data["workshop"] = workshop_id
    for key, field in model.model_fields.items():
        if key not in ("workshop", "id"):
            data[key] = value_for(event, key, field.annotation, ids)
    return data


def test_the_table_of_commands_is_complete(app):
    """Every event the server handles is in the table the checks below go through."""
    handled = set(socketio.server.handlers["/"]) - {"connect", "disconnect", "*"}
    assert handled == set(COMMANDS)
    assert all(set(roles) <= set(ROLES) for _, roles in COMMANDS.values())


@pytest.mark.parametrize("event", sorted(COMMANDS))
def test_only_allowed_roles_change_anything(app, two_workshops, event):
    a, clients_a, b, clients_b, ids = two_workshops
    _model, allowed = COMMANDS[event]
    before = fingerprint(app, a.id)
    tried = 0
    # This workshop's own clients whose role may not send the event.
    for role, client in clients_a.items():
        if role in allowed:
            continue
        ack = client.emit(event, payload(event, a.id, ids), callback=True)
        assert ack["ok"] is False and ack["error"]["kind"] == "forbidden", (role, ack)
        assert fingerprint(app, a.id) == before, f"{role} changed workshop A with {event}"
        tried += 1
    for role, client in clients_b.items():
        # Another workshop's people naming this workshop: refused outright.
        ack = client.emit(event, payload(event, a.id, ids), callback=True)
        assert ack["ok"] is False and ack["error"]["kind"] == "forbidden", (role, ack)
        # Naming their own workshop with this workshop's ids: nothing here may change.
        client.emit(event, payload(event, b.id, ids), callback=True)
        assert fingerprint(app, a.id) == before, f"{role} of B changed workshop A with {event}"
        tried += 2
    assert tried >= 4


@pytest.mark.parametrize("role", ROLES)
def test_a_socket_without_the_cookie_is_refused(app, two_workshops, role):
    a, *_ = two_workshops
    stranger = socketio.test_client(
        app, flask_test_client=app.test_client(), auth={"workshop": a.id, "role": role}
    )
    assert not stranger.is_connected()
