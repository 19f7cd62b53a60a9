"""Cards over Socket.IO: posting, moderation, role-filtered pushes, exactly-once delivery."""

import pytest
from helpers import cmd, join_as_participant, settle, socket_for


def pushed(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


@pytest.fixture
def room(app, moderator_client):
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    phones = [
        socket_for(app, join_as_participant(app, workshop, name=n), workshop, "participant")
        for n in ("Anna", "Ben")
    ]
    projector = socket_for(app, browser, workshop, "projector")
    assert moderator.emit("phase.set", cmd(workshop, phase="collect"), callback=True)["ok"]
    for client in (moderator, *phones, projector):
        client.get_received()
    return workshop, moderator, phones, projector


def post(client, workshop, text="Mehr Praktikumsplätze", field=0, kind=0, **extra):
    return client.emit(
        "card.post",
        cmd(
            workshop,
            field_id=workshop.fields[field].id,
            kind_id=workshop.kinds[kind].id,
            text=text,
            **extra,
        ),
        callback=True,
    )


def test_a_posted_card_appears_once_everywhere(room):
    workshop, moderator, phones, projector = room
    ack = post(phones[0], workshop, text="<script>alert(1)</script> Praktika")
    assert ack["ok"], ack
    card_id = ack["data"]["card"]["id"]
    for client in (moderator, phones[1], projector):
        cards = pushed(client, "card.changed")
        assert [c["card"]["id"] for c in cards] == [card_id]
        assert cards[0]["card"]["text"] == "<script>alert(1)</script> Praktika"
    me = pushed(phones[0], "me.changed")[-1]["me"]
    assert [c["id"] for c in me["cards"]] == [card_id]


def test_twenty_phones_post_and_every_card_arrives_exactly_once(app, room):
    workshop, moderator, _, projector = room
    phones = [
        socket_for(app, join_as_participant(app, workshop), workshop, "participant")
        for _ in range(20)
    ]
    projector.get_received()
    moderator.get_received()
    acks = []
    for n, phone in enumerate(phones):
        payload = cmd(
            workshop,
            field_id=workshop.fields[n % 4].id,
            kind_id=workshop.kinds[n % 2].id,
            text=f"Karte {n}",
        )
        acks.append(phone.emit("card.post", payload, callback=True))
        # A resend after a flaky connection: same id, same answer, no second card.
        assert phone.emit("card.post", payload, callback=True) == acks[-1]
    ids = [a["data"]["card"]["id"] for a in acks]
    assert len(set(ids)) == 20
    for client in (moderator, projector):
        received = [c["card"]["id"] for c in pushed(client, "card.changed")]
        assert sorted(received) == sorted(ids)
    snapshot = projector.emit("snapshot.get", {"workshop": workshop.id}, callback=True)
    assert sorted(c["id"] for c in snapshot["data"]["cards"]) == sorted(ids)


def test_hidden_cards_never_reach_phones_or_projector(room):
    workshop, moderator, phones, projector = room
    card_id = post(phones[0], workshop)["data"]["card"]["id"]
    for client in (moderator, *phones, projector):
        client.get_received()
    assert moderator.emit("card.hide", cmd(workshop, card_id=card_id, hidden=True), callback=True)[
        "ok"
    ]
    assert pushed(projector, "card.removed") == [{"v": pushed_v(moderator), "card_id": card_id}]
    assert pushed(phones[1], "card.removed")[0]["card_id"] == card_id
    for client in (phones[1], projector):
        snap = client.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
        assert card_id not in [c["id"] for c in snap["cards"]]
    moderator_snapshot = moderator.emit("snapshot.get", {"workshop": workshop.id}, callback=True)[
        "data"
    ]
    assert [c["hidden"] for c in moderator_snapshot["cards"] if c["id"] == card_id] == [True]
    # Its author still sees it, marked as hidden.
    me = phones[0].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]["me"]
    assert [(c["id"], c["hidden"]) for c in me["cards"]] == [(card_id, True)]


def pushed_v(moderator):
    """The version of the moderator's last card push (the same version every role got)."""
    return pushed(moderator, "card.changed")[-1]["v"]


def test_phones_cannot_touch_other_peoples_cards_or_moderate(room):
    workshop, _, phones, projector = room
    card_id = post(phones[0], workshop)["data"]["card"]["id"]
    attempts = [
        ("card.edit", {"card_id": card_id, "text": "gehackt"}, "not_your_card"),
        ("card.delete", {"card_id": card_id}, "not_your_card"),
        ("card.hide", {"card_id": card_id, "hidden": True}, "not_allowed"),
        ("card.merge", {"source_id": card_id, "target_id": card_id}, "not_allowed"),
        ("card.spotlight", {"card_id": card_id}, "not_allowed"),
        ("card.restore", {"card_id": card_id}, "not_allowed"),
        ("wall.update", {"collect_locked": True}, "not_allowed"),
    ]
    for event, fields, code in attempts:
        ack = phones[1].emit(event, cmd(workshop, **fields), callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == code, (event, ack)
    ack = projector.emit(
        "card.post",
        cmd(workshop, field_id=workshop.fields[0].id, kind_id=workshop.kinds[0].id, text="x"),
        callback=True,
    )
    assert ack["error"]["code"] == "not_allowed"
    snap = phones[0].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert [c["text"] for c in snap["cards"]] == ["Mehr Praktikumsplätze"]


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"text": ""}, "text_required"),
        ({"text": "x" * 501}, "text_too_long"),
        ({"text": "x" * 6000}, "invalid_payload"),
        ({"text": 5}, "invalid_payload"),
        ({"field_id": 999999}, "field_not_found"),
    ],
)
def test_bad_cards_are_explained_and_change_nothing(room, fields, code):
    workshop, moderator, phones, _ = room
    payload = cmd(workshop, field_id=workshop.fields[0].id, kind_id=workshop.kinds[0].id, text="ok")
    payload.update(fields)
    ack = phones[0].emit("card.post", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code
    assert ack["error"]["message"]
    assert pushed(moderator, "card.changed") == []


def test_posting_outside_the_review_is_refused(room):
    workshop, moderator, phones, _ = room
    moderator.emit("phase.set", cmd(workshop, phase="lobby"), callback=True)
    ack = post(phones[0], workshop)
    assert ack["error"]["code"] == "not_collecting"
    assert ack["error"]["message"].startswith("Karten können nur")


def test_flooding_gets_a_friendly_message_and_others_still_post(app_config, tmp_path):
    from workshop import create_app
    from workshop.services.workshops import WorkshopDetails, create_workshop, set_phase

    app = create_app({**app_config, "CARD_RATE_LIMIT": "2/60"}, str(tmp_path / "r"))
    with app.extensions["workshop_db"].sessionmaker() as session:
        workshop, _ = create_workshop(session, WorkshopDetails(title="K"), "kaoa")
        set_phase(session, workshop, "collect")
        session.commit()
    fast = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    calm = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    assert post(fast, workshop)["ok"] and post(fast, workshop, text="zwei")["ok"]
    ack = post(fast, workshop, text="drei")
    assert ack["error"]["code"] == "too_many_cards"
    assert "60" in ack["error"]["message"]
    assert post(calm, workshop)["ok"]


def test_support_merge_and_spotlight(room):
    workshop, moderator, phones, projector = room
    first = post(phones[0], workshop, text="Zu wenige Praktikumsplätze")["data"]["card"]["id"]
    second = post(phones[1], workshop, text="Praktikumsplaetze fehlen")["data"]["card"]["id"]
    ack = phones[1].emit("card.support", cmd(workshop, card_id=first, support=True), callback=True)
    assert ack["ok"]
    ack = phones[0].emit("card.support", cmd(workshop, card_id=first, support=True), callback=True)
    assert ack["error"]["code"] == "own_card"
    projector.get_received()
    assert moderator.emit(
        "card.merge", cmd(workshop, source_id=second, target_id=first), callback=True
    )["ok"]
    removed = [e["args"][0] for e in projector.get_received() if e["name"] == "card.removed"]
    assert [r["card_id"] for r in removed] == [second]
    snap = projector.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert [(c["id"], c["supports"]) for c in snap["cards"]] == [(first, 1)]
    assert moderator.emit("card.spotlight", cmd(workshop, card_id=first), callback=True)["ok"]
    wall = pushed(projector, "wall.changed")[-1]["wall"]
    assert wall["spotlight"]["id"] == first and wall["spotlight"]["author"] is None


def test_lock_and_done(room):
    workshop, moderator, phones, projector = room
    card_id = post(phones[0], workshop)["data"]["card"]["id"]
    assert moderator.emit("wall.update", cmd(workshop, collect_locked=True), callback=True)["ok"]
    assert pushed(phones[0], "wall.changed")[-1]["wall"]["collect_locked"] is True
    ack = phones[0].emit("card.edit", cmd(workshop, card_id=card_id, text="neu"), callback=True)
    assert ack["error"]["code"] == "collect_locked"
    projector.get_received()
    assert phones[1].emit("participant.done", cmd(workshop, done=True), callback=True)["ok"]
    settle()
    assert pushed(projector, "presence.changed")[-1]["done"] == 1


def test_similar_cards_are_offered_before_posting(room):
    workshop, _, phones, _ = room
    post(phones[0], workshop, text="Zu wenige Praktikumsplätze im Handwerk")
    post(phones[0], workshop, text="Digitale Berufsorientierung an Gymnasien ausbauen")
    ack = phones[1].emit(
        "card.similar",
        {
            "workshop": workshop.id,
            "text": "praktikumsplaetze handwerk fehlen",
            "field_id": workshop.fields[0].id,
        },
        callback=True,
    )
    assert ack["ok"]
    assert ack["data"]["cards"][0]["text"] == "Zu wenige Praktikumsplätze im Handwerk"
