"""``participant.leave`` over Socket.IO: the phone's data goes, the room sees no name any more."""

from helpers import cmd, join_as_participant, socket_for


def pushed(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_a_phone_leaves_and_its_name_disappears_everywhere(app, moderator_client):
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    anna_browser = join_as_participant(app, workshop, name="Anna", organisation="IHK")
    anna = socket_for(app, anna_browser, workshop, "participant")
    annas_other_tab = socket_for(app, anna_browser, workshop, "participant")
    ben = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    assert moderator.emit("phase.set", cmd(workshop, phase="collect"), callback=True)["ok"]
    wall = cmd(workshop, card_names="names", show_authors=True)
    assert moderator.emit("wall.update", wall, callback=True)["ok"]
    card = {"field_id": workshop.fields[0].id, "kind_id": workshop.kinds[0].id, "text": "Mehr"}
    card_id = anna.emit("card.post", cmd(workshop, **card), callback=True)["data"]["card"]["id"]
    for client in (moderator, anna, annas_other_tab, ben):
        client.get_received()

    ack = anna.emit("participant.leave", cmd(workshop), callback=True)

    assert ack == {"ok": True, "data": {"left": True}}
    assert pushed(annas_other_tab, "participant.left") == [{}]
    for client in (moderator, ben):
        received = client.get_received()
        cards = [e["args"][0]["card"] for e in received if e["name"] == "card.changed"]
        assert [(c["id"], c["author"]) for c in cards] == [(card_id, None)]
    snapshot = moderator.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert "Anna" not in str(snapshot) and "IHK" not in str(snapshot)
    # Every tab lost its rights; the browser is a stranger again and may join afresh.
    refused = annas_other_tab.emit("card.post", cmd(workshop, **card), callback=True)
    assert refused["error"]["code"] == "participant_not_found"
    page = anna_browser.get(f"/w/{workshop.join_code}")
    assert page.status_code == 302 and page.location.endswith(f"/j/{workshop.join_code}")
    assert socket_for(app, anna_browser, workshop, "participant").is_connected() is False
    fresh = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    me = next(e["args"][0] for e in fresh.get_received() if e["name"] == "snapshot")["me"]
    assert me["display_name"] == "" and me["cards"] == []


def test_the_moderator_cannot_leave(app, moderator_client):
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    ack = moderator.emit("participant.leave", cmd(workshop), callback=True)
    assert ack["error"]["code"] == "not_allowed"
