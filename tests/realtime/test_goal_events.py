"""Goals over Socket.IO: the moderator writes them, every screen follows, phones only read."""

from helpers import cmd, join_as_participant, socket_for


def test_goals_are_written_live_and_phones_only_read(app, moderator_client):
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    phone = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    projector = socket_for(app, browser, workshop, "projector")
    moderator.emit("phase.set", cmd(workshop, phase="collect"), callback=True)
    card = moderator.emit(
        "card.post",
        cmd(
            workshop,
            field_id=workshop.fields[1].id,
            kind_id=workshop.kinds[1].id,
            text="Anschlussvereinbarungen fehlen",
        ),
        callback=True,
    )["data"]["card"]["id"]
    moderator.emit("phase.set", cmd(workshop, phase="cluster"), callback=True)
    cluster = moderator.emit(
        "cluster.create",
        cmd(workshop, field_id=workshop.fields[1].id, name="Anschluss", card_ids=[card]),
        callback=True,
    )["data"]["cluster"]["id"]
    moderator.emit("phase.set", cmd(workshop, phase="goals"), callback=True)
    for client in (phone, projector):
        client.get_received()

    ack = moderator.emit(
        "goal.create",
        cmd(workshop, title="Jede*r Jugendliche hat einen Anschluss", cluster_id=cluster),
        callback=True,
    )
    assert ack["ok"], ack
    goal = ack["data"]["goal"]
    assert goal["card_ids"] == [card] and goal["field_id"] == workshop.fields[1].id
    for client in (phone, projector):
        pushed = [e for e in client.get_received() if e["name"] == "goal.changed"]
        assert pushed[0]["args"][0]["goal"]["title"] == "Jede*r Jugendliche hat einen Anschluss"

    denied = phone.emit("goal.create", cmd(workshop, title="Meins"), callback=True)
    assert denied["error"]["code"] == "not_allowed"
    bad = moderator.emit("goal.create", cmd(workshop, title=""), callback=True)
    assert bad["error"]["code"] == "text_required"
    snap = phone.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert [g["title"] for g in snap["goals"]] == ["Jede*r Jugendliche hat einen Anschluss"]

    assert moderator.emit("goal.delete", cmd(workshop, goal_id=goal["id"]), callback=True)["ok"]
    assert [
        e["args"][0]["goal_id"] for e in projector.get_received() if e["name"] == "goal.removed"
    ] == [goal["id"]]
