"""Clustering over Socket.IO: two moderators at once, live order for every screen."""

import threading

import pytest
from helpers import cmd, join_as_participant, socket_for


@pytest.fixture
def room(app, moderator_client):
    browser, workshop = moderator_client()
    first = socket_for(app, browser, workshop, "moderator")
    second = socket_for(app, browser, workshop, "moderator")
    phone = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    first.emit("phase.set", cmd(workshop, phase="collect"), callback=True)
    ids = []
    for n in range(6):
        ack = first.emit(
            "card.post",
            cmd(
                workshop, field_id=workshop.fields[0].id, kind_id=workshop.kinds[0].id, text=f"K{n}"
            ),
            callback=True,
        )
        ids.append(ack["data"]["card"]["id"])
    first.emit("phase.set", cmd(workshop, phase="cluster"), callback=True)
    for client in (first, second, phone):
        client.get_received()
    return workshop, first, second, phone, ids


def state_of(client, workshop):
    snap = client.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    return sorted((c["id"], c["cluster_id"], c["position"]) for c in snap["cards"])


def apply_pushes(client, cards):
    """What a browser does: apply card.changed and cards.arranged in version order."""
    for event in client.get_received():
        payload = event["args"][0]
        if event["name"] == "cards.arranged":
            for order in payload["lists"]:
                for position, card_id in enumerate(order["card_ids"]):
                    cards[card_id] = (order["cluster_id"], position)
    return cards


def test_create_suggested_cluster_and_phone_follows(room):
    workshop, first, _, phone, ids = room
    ack = first.emit(
        "cluster.create",
        cmd(workshop, field_id=workshop.fields[0].id, name="Praktika", card_ids=ids[:2]),
        callback=True,
    )
    assert ack["ok"], ack
    cluster_id = ack["data"]["cluster"]["id"]
    names = [e["name"] for e in phone.get_received()]
    assert names == ["cluster.changed", "cards.arranged"]
    snap = phone.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert snap["clusters"][0]["name"] == "Praktika"
    assert {c["id"] for c in snap["cards"] if c["cluster_id"] == cluster_id} == set(ids[:2])


def test_two_moderators_moving_the_same_card_at_once_agree(room):
    workshop, first, second, phone, ids = room
    a = first.emit(
        "cluster.create", cmd(workshop, field_id=workshop.fields[0].id, name="A"), callback=True
    )["data"]["cluster"]["id"]
    b = second.emit(
        "cluster.create", cmd(workshop, field_id=workshop.fields[0].id, name="B"), callback=True
    )["data"]["cluster"]["id"]
    for client in (first, second, phone):
        client.get_received()
    start = threading.Barrier(2)
    acks = {}

    def move(client, name, cluster_id, card_id, index):
        start.wait(5)
        acks[name] = client.emit(
            "card.move",
            cmd(workshop, card_id=card_id, cluster_id=cluster_id, index=index),
            callback=True,
        )

    for round_ in range(5):
        threads = [
            threading.Thread(target=move, args=(first, "first", a, ids[round_], 0)),
            threading.Thread(target=move, args=(second, "second", b, ids[round_], 0)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert acks["first"]["ok"] and acks["second"]["ok"]
    truth = state_of(first, workshop)
    assert truth == state_of(second, workshop) == state_of(phone, workshop)
    # Positions inside every list are 0..n-1 with no duplicates.
    lists = {}
    for _card, cluster, position in truth:
        lists.setdefault(cluster, []).append(position)
    assert all(sorted(p) == list(range(len(p))) for p in lists.values())


def test_moderators_screens_converge_by_applying_pushes(room):
    workshop, first, second, _, ids = room
    a = first.emit(
        "cluster.create", cmd(workshop, field_id=workshop.fields[0].id, name="A"), callback=True
    )["data"]["cluster"]["id"]
    first.emit("card.move", cmd(workshop, card_id=ids[0], cluster_id=a, index=0), callback=True)
    second.emit("card.move", cmd(workshop, card_id=ids[1], cluster_id=a, index=0), callback=True)
    first.emit("card.move", cmd(workshop, card_id=ids[0], cluster_id=None, index=5), callback=True)
    seen = apply_pushes(second, {})
    truth = {card: (cluster, position) for card, cluster, position in state_of(first, workshop)}
    for card_id, placed in seen.items():
        assert truth[card_id] == placed


def test_phones_may_not_arrange(room):
    workshop, _, _, phone, ids = room
    ack = phone.emit(
        "card.move", cmd(workshop, card_id=ids[0], cluster_id=None, index=0), callback=True
    )
    assert ack["error"]["code"] == "not_allowed"
    ack = phone.emit("cluster.suggest", {"workshop": workshop.id}, callback=True)
    assert ack["error"]["code"] == "not_allowed"


def test_suggestions_propose_and_change_nothing(room):
    workshop, first, _, phone, _ = room
    for text in (
        "Zu wenige Praktikumsplätze im Handwerk",
        "Praktikumsplaetze im Handwerk fehlen",
        "Handwerk findet kaum Praktikanten",
    ):
        first.emit(
            "card.post",
            cmd(workshop, field_id=workshop.fields[0].id, kind_id=workshop.kinds[0].id, text=text),
            callback=True,
        )
    phone.get_received()
    ack = first.emit("cluster.suggest", {"workshop": workshop.id}, callback=True)
    assert ack["ok"]
    for proposal in ack["data"]["proposals"]:
        assert len(proposal["card_ids"]) >= 2
    assert phone.get_received() == []
