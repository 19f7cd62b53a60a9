"""The look back over Socket.IO: a phone's traffic light reaches its own devices and, as counts,
moderator and projector; no other phone learns anything of it."""

import json

import pytest
from helpers import cmd, join_as_participant, socket_for

from workshop.services import goals, plans, priorities
from workshop.services.follow_up import create_follow_up
from workshop.services.workshops import WorkshopDetails, set_phase


def received(client):
    return [(e["name"], e["args"][0]) for e in client.get_received()]


@pytest.fixture
def recap_room(app, db, make_workshop, moderator_client):
    """A follow-up of a retreat with two confirmed goals, in its phase "recap": moderator,
    projector and three phones (with names) connected."""
    old, _ = make_workshop()
    set_phase(db, old, "goals")
    first, _ = goals.create_goal(db, old, "Praktikumskonzept an jeder Schule")
    second, _ = goals.create_goal(db, old, "Mehr Ausbildungsbetriebe")
    priorities.set_priorities(db, old, [first.id, second.id])
    plans.add_measure(db, old, first.id, {"text": "Leitfaden schreiben", "status": "done"})
    db.commit()
    workshop, token = create_follow_up(db, old, WorkshopDetails(title="Klausur 2027"))
    db.commit()
    browser, workshop = moderator_client((workshop, token))
    moderator = socket_for(app, browser, workshop, "moderator")
    projector = socket_for(app, browser, workshop, "projector")
    phones = [
        socket_for(app, join_as_participant(app, workshop, name=name), workshop, "participant")
        for name in ("Anna Adler", "Ben Berg", "Cem Cakir")
    ]
    ack = moderator.emit("phase.set", cmd(workshop, phase="recap"), callback=True)
    assert ack["ok"], ack
    snap = moderator.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    goal_ids = [item["goal_id"] for item in snap["recap"]]
    for client in (moderator, projector, *phones):
        client.get_received()
    return workshop, moderator, projector, phones, goal_ids


def snapshot_of(client, workshop):
    return client.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]


def test_review_set_acks_and_reaches_only_its_author_and_the_screens(recap_room):
    workshop, moderator, projector, phones, goal_ids = recap_room
    version = snapshot_of(moderator, workshop)["v"]
    for client in (moderator, projector, *phones):
        client.get_received()
    ack = phones[0].emit(
        "review.set",
        cmd(workshop, goal_id=goal_ids[0], light="red", comment="Kein Budget"),
        callback=True,
    )
    assert ack == {
        "ok": True,
        "data": {"review": {"goal_id": goal_ids[0], "light": "red", "comment": "Kein Budget"}},
    }
    mine = dict(received(phones[0]))
    assert mine["me.changed"]["me"]["reviews"] == [
        {"goal_id": goal_ids[0], "light": "red", "comment": "Kein Budget"}
    ]
    for other in phones[1:]:
        assert received(other) == []
    pushed = dict(received(moderator))
    assert set(pushed) == {"recap.changed"}
    summary = pushed["recap.changed"]["recap"][0]
    assert summary["counts"] == {"green": 0, "yellow": 0, "red": 1}
    assert summary["comments"] == [{"light": "red", "text": "Kein Budget"}]
    assert [m["text"] for m in summary["measures"]] == ["Leitfaden schreiben"]
    shown = dict(received(projector))
    assert set(shown) == {"recap.changed"}
    assert shown["recap.changed"]["recap"][0]["counts"]["red"] == 1
    assert "Kein Budget" not in json.dumps(shown)
    # Nobody's name travels with a review, and the workshop version did not move.
    for text in (json.dumps(pushed), json.dumps(shown)):
        assert "Anna" not in text and "participant" not in text
    assert snapshot_of(moderator, workshop)["v"] == version


def test_phones_see_their_own_reviews_and_never_the_rooms(recap_room):
    workshop, moderator, _projector, phones, goal_ids = recap_room
    phones[0].emit("review.set", cmd(workshop, goal_id=goal_ids[0], light="green"), callback=True)
    phones[1].emit(
        "review.set",
        cmd(workshop, goal_id=goal_ids[0], light="yellow", comment="Teilweise"),
        callback=True,
    )
    snap = snapshot_of(phones[0], workshop)
    assert snap["me"]["reviews"] == [{"goal_id": goal_ids[0], "light": "green", "comment": ""}]
    assert [item["goal_id"] for item in snap["recap"]] == goal_ids
    assert snap["recap"][0]["status"] == "planned"
    assert "counts" not in snap["recap"][0] and "Teilweise" not in json.dumps(snap)
    fresh = snapshot_of(phones[2], workshop)
    assert fresh["me"]["reviews"] == [] and "yellow" not in json.dumps(fresh["recap"])
    counts = snapshot_of(moderator, workshop)["recap"][0]["counts"]
    assert counts == {"green": 1, "yellow": 1, "red": 0}


def test_bad_review_input_changes_nothing(recap_room):
    workshop, moderator, projector, phones, goal_ids = recap_room
    attempts = [
        (phones[0], {"goal_id": goal_ids[0], "light": "blue"}, "bad_light"),
        (phones[0], {"goal_id": goal_ids[0]}, "bad_light"),
        (
            phones[0],
            {"goal_id": goal_ids[0], "light": "red", "comment": "x" * 501},
            "text_too_long",
        ),
        (phones[0], {"goal_id": 999_999, "light": "red"}, "goal_not_found"),
        (phones[0], {"goal_id": "1", "light": "red"}, "invalid_payload"),
        (phones[0], {"goal_id": goal_ids[0], "light": "red", "name": "x"}, "invalid_payload"),
        (moderator, {"goal_id": goal_ids[0], "light": "red"}, "not_allowed"),
        (projector, {"goal_id": goal_ids[0], "light": "red"}, "not_allowed"),
    ]
    for client, payload, code in attempts:
        ack = client.emit("review.set", cmd(workshop, **payload), callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == code, (payload, ack)
    for client in (moderator, projector, *phones):
        assert received(client) == []
    summary = snapshot_of(moderator, workshop)["recap"]
    assert [item["total"] for item in summary] == [0, 0]


def test_reviews_close_with_the_phase(recap_room):
    workshop, moderator, _projector, phones, goal_ids = recap_room
    phones[0].emit("review.set", cmd(workshop, goal_id=goal_ids[0], light="green"), callback=True)
    moderator.emit("phase.step", cmd(workshop, step=1), callback=True)
    for event, fields in (("review.set", {"light": "red"}), ("review.clear", {})):
        ack = phones[0].emit(event, cmd(workshop, goal_id=goal_ids[0], **fields), callback=True)
        assert ack["error"]["code"] == "not_recap_phase"
    assert snapshot_of(moderator, workshop)["recap"][0]["counts"]["green"] == 1


def test_resend_is_applied_once(recap_room):
    workshop, moderator, _projector, phones, goal_ids = recap_room
    first = cmd(workshop, goal_id=goal_ids[1], light="red", comment="Stockt")
    ack = phones[0].emit("review.set", first, callback=True)
    assert ack["ok"]
    assert phones[0].emit(
        "review.set", cmd(workshop, goal_id=goal_ids[1], light="green"), callback=True
    )["ok"]
    cleared = cmd(workshop, goal_id=goal_ids[0])
    assert phones[0].emit("review.clear", cleared, callback=True)["ok"]
    moderator.get_received()
    # The first command arrives again (a reconnect resends it): same answer, nothing applied.
    assert phones[0].emit("review.set", first, callback=True) == ack
    assert phones[0].emit("review.clear", cleared, callback=True)["ok"]
    assert received(moderator) == []
    summary = snapshot_of(moderator, workshop)["recap"][1]
    assert summary["counts"] == {"green": 1, "yellow": 0, "red": 0}
    assert summary["comments"] == []
    # Another phone cannot replay somebody else's command id.
    other = phones[1].emit("review.set", first, callback=True)
    assert other["ok"] is False


def test_a_changed_goal_updates_every_screens_look_back(recap_room):
    workshop, moderator, projector, phones, goal_ids = recap_room
    moderator.emit("phase.set", cmd(workshop, phase="goals"), callback=True)
    for client in (moderator, projector, *phones):
        client.get_received()
    ack = moderator.emit(
        "goal.update",
        cmd(workshop, goal_id=goal_ids[0], title="Praktikumskonzept überall", description=""),
        callback=True,
    )
    assert ack["ok"], ack
    for client in (moderator, projector, *phones):
        recaps = [p for n, p in received(client) if n == "recap.changed"]
        assert len(recaps) == 1
        assert recaps[0]["recap"][0]["title"] == "Praktikumskonzept überall"
