"""Commands: phases, countdown, profile; idempotency; bad input changes nothing."""

import pytest
from helpers import join_as_participant, socket_for


def received(client, name=None):
    return [e for e in client.get_received() if name is None or e["name"] == name]


@pytest.fixture
def room(app, moderator_client):
    """A moderator, two phones and a projector connected to one workshop."""
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    phones = [
        socket_for(app, join_as_participant(app, workshop, name=n), workshop, "participant")
        for n in ("Anna", "Ben")
    ]
    projector = socket_for(app, browser, workshop, "projector")
    for client in (moderator, *phones, projector):
        client.get_received()
    return workshop, moderator, phones, projector


def cmd(workshop, n, **fields):
    return {"id": f"command-{n:04d}", "workshop": workshop.id, **fields}


def test_phase_change_reaches_every_client_with_the_next_version(room):
    workshop, moderator, phones, projector = room
    ack = moderator.emit("phase.set", cmd(workshop, 1, phase="collect"), callback=True)
    assert ack["ok"] is True and ack["data"]["phase"] == "collect"
    versions = set()
    for client in (moderator, *phones, projector):
        pushed = received(client, "phase.changed")
        assert len(pushed) == 1
        assert pushed[0]["args"][0]["phase"] == "collect"
        versions.add(pushed[0]["args"][0]["v"])
    assert versions == {ack["data"]["v"]}


def test_a_resent_command_is_applied_once(room, db):
    workshop, moderator, phones, _ = room
    first = moderator.emit("phase.step", cmd(workshop, 2, step=1), callback=True)
    again = moderator.emit("phase.step", cmd(workshop, 2, step=1), callback=True)
    assert first == again
    assert first["data"]["phase"] == "collect"
    assert len(received(phones[0], "phase.changed")) == 1
    from workshop.models import Workshop

    db.expire_all()
    assert db.get(Workshop, workshop.id).phase == "collect"


def test_a_command_id_of_another_sender_is_not_replayed(room):
    workshop, moderator, phones, _ = room
    assert moderator.emit("phase.step", cmd(workshop, 3, step=1), callback=True)["ok"]
    ack = phones[0].emit("profile.update", cmd(workshop, 3, display_name="X"), callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "command_id_taken"


@pytest.mark.parametrize(
    "event",
    ["phase.set", "phase.step", "timer.start", "timer.extend", "timer.stop"],
)
def test_phones_and_projector_may_not_moderate(room, event):
    workshop, _moderator, phones, projector = room
    payload = cmd(workshop, 4, phase="closed", step=1, seconds=60)
    for client in (phones[0], projector):
        ack = client.emit(event, payload, callback=True)
        assert ack["ok"] is False
        assert ack["error"]["code"] == "not_allowed"
        assert ack["error"]["message"]
    assert received(phones[1], "phase.changed") == []


def test_projector_may_not_update_a_profile(room):
    workshop, _, _, projector = room
    ack = projector.emit("profile.update", cmd(workshop, 5, display_name="X"), callback=True)
    assert ack["error"]["code"] == "not_allowed"


@pytest.mark.parametrize(
    "payload, field",
    [
        (None, None),
        ("phase", None),
        (["collect"], None),
        ({"workshop": 1, "phase": "collect"}, "id"),
        ({"id": "short", "phase": "collect"}, "id"),
        ({"id": "command-0006", "phase": "party"}, "phase"),
        ({"id": "command-0006", "phase": "collect", "extra": 1}, "extra"),
        ({"id": "command-0006", "phase": 3}, "phase"),
        ({"id": "<script>alert(1)</script>", "phase": "collect"}, "id"),
    ],
)
def test_malformed_payloads_are_refused_and_change_nothing(room, payload, field):
    workshop, moderator, phones, _ = room
    if isinstance(payload, dict):
        payload = {"workshop": workshop.id, **payload}
    ack = moderator.emit("phase.set", payload, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "invalid_payload"
    if field:
        assert field in ack["error"]["fields"]
    assert received(phones[0], "phase.changed") == []


def test_oversized_payload_is_refused(room):
    workshop, _moderator, phones, _ = room
    ack = phones[0].emit(
        "profile.update", cmd(workshop, 7, display_name="x" * 20000), callback=True
    )
    assert ack["error"]["code"] == "payload_too_large"


def test_event_for_another_workshop_is_refused(room, make_workshop, db):
    _workshop, moderator, _phones, _ = room
    other, _ = make_workshop(title="Andere")
    ack = moderator.emit(
        "phase.set", {"id": "command-0008", "workshop": other.id, "phase": "closed"}, callback=True
    )
    assert ack["error"]["code"] == "wrong_workshop"
    from workshop.models import Workshop

    db.expire_all()
    assert db.get(Workshop, other.id).phase == "lobby"


def test_errors_are_translated(app, room):
    workshop, moderator, _, _ = room
    ack = moderator.emit("phase.set", {"workshop": workshop.id}, callback=True)
    assert ack["error"]["message"] == "Die Anfrage war fehlerhaft."


def test_timer_reaches_phones_and_projector(room):
    workshop, moderator, phones, projector = room
    ack = moderator.emit("timer.start", cmd(workshop, 9, seconds=300), callback=True)
    assert ack["ok"]
    for client in (phones[0], projector):
        timer = received(client, "timer.changed")[0]["args"][0]["timer"]
        assert timer["ends_at"] and timer["server_time"]
    assert moderator.emit("timer.extend", cmd(workshop, 10), callback=True)["ok"]
    assert moderator.emit("timer.stop", cmd(workshop, 11), callback=True)["ok"]
    last = received(phones[1], "timer.changed")[-1]["args"][0]["timer"]
    assert last["ends_at"] is None


def test_profile_update_reaches_only_the_participants_own_devices(room):
    workshop, moderator, phones, projector = room
    ack = phones[0].emit(
        "profile.update",
        cmd(workshop, 12, display_name="Anna B.", organisation="IHK"),
        callback=True,
    )
    assert ack["ok"] and ack["data"]["me"]["display_name"] == "Anna B."
    assert received(phones[0], "me.changed")[0]["args"][0]["me"]["organisation"] == "IHK"
    for client in (phones[1], projector, moderator):
        events = client.get_received()
        assert all(e["name"] != "me.changed" for e in events)
        assert "Anna B." not in str(events)


def test_versions_have_no_gaps_for_any_role(room):
    workshop, moderator, phones, projector = room
    moderator.emit("phase.step", cmd(workshop, 13, step=1), callback=True)
    phones[0].emit("profile.update", cmd(workshop, 14, display_name="Neu"), callback=True)
    moderator.emit("timer.start", cmd(workshop, 15, seconds=60), callback=True)
    for client in (moderator, phones[1], projector):
        versions = [
            e["args"][0]["v"] for e in client.get_received() if "v" in (e["args"] or [{}])[0]
        ]
        # A profile is nobody else's state: it moves no version, so two changes, no gap.
        assert versions == list(range(versions[0], versions[0] + 2))


def test_snapshot_get_returns_current_state(room):
    workshop, moderator, phones, _ = room
    moderator.emit("phase.set", cmd(workshop, 16, phase="vote"), callback=True)
    ack = phones[0].emit("snapshot.get", {"workshop": workshop.id}, callback=True)
    assert ack["ok"] and ack["data"]["workshop"]["phase"] == "vote"
    assert ack["data"]["me"]["display_name"] == "Anna"


def test_unknown_events_get_an_error_answer(room):
    workshop, _moderator, phones, _ = room
    ack = phones[0].emit("card.explode", {"workshop": workshop.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_event"


@pytest.mark.parametrize("args", [(), ({"workshop": 1},), ("a", "b", "c")])
def test_an_event_named_like_the_catch_all_is_unknown_too(room, caplog, args):
    """ "*" is the catch-all's own name: sent as an event it reaches the catch-all with the
    payload alone, and must get the same answer as any other unknown event, not a crash."""
    _workshop, _moderator, phones, _ = room
    ack = phones[0].emit("*", *args, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_event"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_a_new_name_reaches_the_cards_and_every_later_snapshot(room):
    """A rename changes the person's cards for everyone, with a version, and no snapshot made
    before it (they are kept per version) shows the old name afterwards."""
    workshop, moderator, phones, _projector = room
    moderator.emit("phase.set", cmd(workshop, 20, phase="collect"), callback=True)
    state = phones[0].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    ack = phones[0].emit(
        "card.post",
        cmd(
            workshop,
            21,
            field_id=state["fields"][0]["id"],
            kind_id=state["kinds"][0]["id"],
            text="Praktikumsbörse",
        ),
        callback=True,
    )
    card_id = ack["data"]["card"]["id"]

    def author_seen(client):
        data = client.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
        return data["v"], next(c["author"] for c in data["cards"] if c["id"] == card_id)

    version, author = author_seen(moderator)
    assert author == "Anna"
    assert author_seen(moderator) == (version, "Anna")  # the same version, asked again
    received(moderator)
    ack = phones[0].emit("profile.update", cmd(workshop, 22, display_name="Anna B."), callback=True)
    assert ack["ok"]
    pushed = received(moderator, "card.changed")
    assert [p["args"][0]["card"]["author"] for p in pushed] == ["Anna B."]
    assert pushed[0]["args"][0]["v"] == version + 1
    assert author_seen(moderator) == (version + 1, "Anna B.")
    # Other phones see names only where the workshop shows them; the version moves anyway.
    assert [e["args"][0]["v"] for e in received(phones[1]) if "v" in e["args"][0]][-1] == (
        version + 1
    )
