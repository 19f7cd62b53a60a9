"""Matrix and ranking rounds, proxies, paper ballots, priorities and the results display over
Socket.IO: who receives what, and that no push carries a single person's vote."""

import json

from helpers import cmd, join_as_participant, settle, socket_for


def received(client):
    return [(e["name"], e["args"][0]) for e in client.get_received()]


def create_open(moderator, workshop, **settings):
    ack = moderator.emit("round.create", cmd(workshop, **settings), callback=True)
    assert ack["ok"], ack
    round_id = ack["data"]["round"]["id"]
    ack = moderator.emit(
        "round.status", cmd(workshop, round_id=round_id, status="open"), callback=True
    )
    assert ack["ok"], ack
    return round_id


def reveal(moderator, workshop, round_id):
    for status in ("closed", "revealed"):
        ack = moderator.emit(
            "round.status", cmd(workshop, round_id=round_id, status=status), callback=True
        )
        assert ack["ok"], ack


def test_matrix_round_rated_on_phones_revealed_as_averages(voting_room):
    workshop, moderator, phones, projector, goals = voting_room
    round_id = create_open(
        moderator, workshop, method="matrix", label_x="Wirkung", label_y="Machbarkeit"
    )
    for client in (moderator, *phones, projector):
        client.get_received()
    for phone, (x, y) in zip(phones[:2], [(5, 4), (3, 2)], strict=True):
        phone.emit(
            "vote.rate",
            cmd(workshop, round_id=round_id, goal_id=goals[0], axis="x", value=x),
            callback=True,
        )
        ack = phone.emit(
            "vote.rate",
            cmd(workshop, round_id=round_id, goal_id=goals[0], axis="y", value=y),
            callback=True,
        )
        assert ack["data"]["ballot"] == {str(goals[0]): [x, y]}
    bad = phones[2].emit(
        "vote.rate",
        cmd(workshop, round_id=round_id, goal_id=goals[0], axis="x", value=9),
        callback=True,
    )
    assert bad["error"]["code"] == "bad_rating"
    settle()
    seen = received(projector)
    assert {name for name, _ in seen} <= {"round.progress"}
    assert seen[-1][1]["voted"] == 2
    reveal(moderator, workshop, round_id)
    view = [p for n, p in received(projector) if n == "round.changed"][-1]["round"]
    assert (view["label_x"], view["label_y"], view["scale_min"], view["scale_max"]) == (
        "Wirkung",
        "Machbarkeit",
        1,
        5,
    )
    first = view["results"][0]
    assert first == {
        "goal_id": goals[0],
        "rank": 1,
        "x": 4.0,
        "y": 3.0,
        "raters": 2,
        "quadrant": "high-high",
    }


def test_ranking_round_counts_borda_points(voting_room):
    workshop, moderator, phones, _projector, goals = voting_room
    round_id = create_open(moderator, workshop, method="ranking")
    orders = [
        [goals[2], goals[0], goals[1]],
        [goals[2], goals[1], goals[0]],
        [goals[0], goals[2], goals[1]],
    ]
    for phone, order in zip(phones, orders, strict=True):
        ack = phone.emit("vote.rank", cmd(workshop, round_id=round_id, order=order), callback=True)
        assert ack["data"]["ballot"] == order
    bad = phones[0].emit(
        "vote.rank", cmd(workshop, round_id=round_id, order=goals[:2]), callback=True
    )
    assert bad["error"]["code"] == "bad_ranking"
    mine = phones[0].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert mine["ballots"][str(round_id)] == orders[0]
    reveal(moderator, workshop, round_id)
    snap = phones[1].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    results = snap["rounds"][0]["results"]
    assert [(r["goal_id"], r["points"], r["rank"]) for r in results] == [
        (goals[2], 5, 1),
        (goals[0], 3, 2),
        (goals[1], 1, 3),
    ]


def test_proxies_are_named_for_the_moderator_only(voting_room):
    workshop, moderator, phones, projector, goals = voting_room
    round_id = create_open(moderator, workshop)
    for client in (moderator, *phones, projector):
        client.get_received()
    ack = moderator.emit(
        "proxy.create", cmd(workshop, name="Frau Schulte", organisation="Schulamt"), callback=True
    )
    proxy = ack["data"]["voter"]
    assert proxy["kind"] == "proxy" and proxy["name"] == "Frau Schulte"
    pushed = dict(received(moderator))
    assert pushed["standins.changed"]["stand_ins"][0]["name"] == "Frau Schulte"
    for client in (*phones, projector):
        assert "Frau Schulte" not in json.dumps(received(client))
        snap = client.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
        assert "stand_ins" not in snap and "Frau Schulte" not in json.dumps(snap)
    # Phones may neither add proxies nor vote for one.
    assert (
        phones[0].emit("proxy.create", cmd(workshop, name="X"), callback=True)["error"]["code"]
        == "not_allowed"
    )
    ack = phones[0].emit(
        "vote.dots",
        cmd(workshop, round_id=round_id, goal_id=goals[0], dots=1, voter_id=proxy["id"]),
        callback=True,
    )
    assert ack["error"]["code"] == "not_allowed"
    # The moderator votes for the proxy; the projector learns only the count, marked as proxy.
    ack = moderator.emit(
        "vote.dots",
        cmd(workshop, round_id=round_id, goal_id=goals[0], dots=3, voter_id=proxy["id"]),
        callback=True,
    )
    assert ack["data"]["ballot"] == {str(goals[0]): 3}
    # The moderator can vote only for stand-ins, never as a phone's participant.
    phone_id = phones[0].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"][
        "me"
    ]["id"]
    ack = moderator.emit(
        "vote.dots",
        cmd(workshop, round_id=round_id, goal_id=goals[0], dots=1, voter_id=phone_id),
        callback=True,
    )
    assert ack["error"]["code"] == "voter_not_found"
    settle()
    progress = [p for n, p in received(projector) if n == "round.progress"][-1]
    assert progress == {"round_id": round_id, "voted": 1, "eligible": 4, "proxy": 1, "paper": 0}
    ballot = moderator.emit(
        "standin.ballot",
        {"workshop": workshop.id, "voter_id": proxy["id"], "round_id": round_id},
        callback=True,
    )
    assert ballot["data"]["ballot"] == {str(goals[0]): 3}
    assert (
        projector.emit(
            "standin.ballot",
            {"workshop": workshop.id, "voter_id": proxy["id"], "round_id": round_id},
            callback=True,
        )["error"]["code"]
        == "not_allowed"
    )


def test_paper_ballots_are_counted_and_marked(voting_room):
    workshop, moderator, phones, projector, goals = voting_room
    round_id = create_open(moderator, workshop, method="ranking")
    paper = moderator.emit("paper.create", cmd(workshop, round_id=round_id), callback=True)["data"][
        "voter"
    ]
    assert paper == {"id": paper["id"], "kind": "paper", "round_id": round_id, "number": 1}
    order = [goals[1], goals[0], goals[2]]
    ack = moderator.emit(
        "vote.rank",
        cmd(workshop, round_id=round_id, order=order, voter_id=paper["id"]),
        callback=True,
    )
    assert ack["ok"]
    phones[0].emit("vote.rank", cmd(workshop, round_id=round_id, order=order), callback=True)
    reveal(moderator, workshop, round_id)
    view = projector.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"][
        "rounds"
    ][0]
    assert view["progress"] == {"voted": 2, "eligible": 4, "proxy": 0, "paper": 1}
    assert view["results"][0]["goal_id"] == goals[1]
    ack = moderator.emit("standin.remove", cmd(workshop, voter_id=paper["id"]), callback=True)
    assert ack["error"]["code"] == "round_revealed"


def test_confirmed_priorities_and_notes_reach_every_screen(voting_room):
    workshop, moderator, phones, projector, goals = voting_room
    round_id = create_open(moderator, workshop)
    phones[0].emit(
        "vote.dots", cmd(workshop, round_id=round_id, goal_id=goals[1], dots=3), callback=True
    )
    phones[1].emit(
        "vote.dots", cmd(workshop, round_id=round_id, goal_id=goals[2], dots=2), callback=True
    )
    ack = moderator.emit("priorities.top", cmd(workshop, round_id=round_id, top=2), callback=True)
    assert ack["error"]["code"] == "round_not_closed"
    reveal(moderator, workshop, round_id)
    for client in (moderator, *phones, projector):
        client.get_received()
    assert moderator.emit("priorities.top", cmd(workshop, round_id=round_id, top=2), callback=True)[
        "ok"
    ]
    note = "Geht an die AG Übergang Schule–Beruf."
    assert moderator.emit("goal.note", cmd(workshop, goal_id=goals[1], note=note), callback=True)[
        "ok"
    ]
    for client in (*phones, projector):
        changed = {p["goal"]["id"]: p["goal"] for n, p in received(client) if n == "goal.changed"}
        assert changed[goals[1]]["priority"] == 1 and changed[goals[1]]["decision_note"] == note
        assert changed[goals[2]]["priority"] == 2
    assert (
        phones[0].emit("priorities.set", cmd(workshop, goal_ids=[goals[0]]), callback=True)[
            "error"
        ]["code"]
        == "not_allowed"
    )
    ack = moderator.emit(
        "priorities.set", cmd(workshop, goal_ids=[goals[2], goals[0]]), callback=True
    )
    assert ack["ok"]
    snap = projector.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert {g["id"]: g["priority"] for g in snap["goals"]} == {
        goals[0]: 2,
        goals[1]: None,
        goals[2]: 1,
    }


def test_moderator_chooses_rounds_side_by_side_and_a_field(voting_room):
    workshop, moderator, phones, projector, _goals = voting_room
    first = create_open(moderator, workshop)
    reveal(moderator, workshop, first)
    second = create_open(moderator, workshop, method="ranking")
    snap = moderator.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    field_id = snap["fields"][0]["id"]
    projector.get_received()
    ack = moderator.emit(
        "results.show", cmd(workshop, round_ids=[first, second], field_id=field_id), callback=True
    )
    assert ack["ok"]
    wall = [p for n, p in received(projector) if n == "wall.changed"][-1]["wall"]
    assert wall["shown_round_ids"] == [first, second] and wall["results_field_id"] == field_id
    for bad, code in (
        ({"round_ids": [first, first]}, "bad_round_ids"),
        ({"round_ids": [first, 99999]}, "round_not_found"),
        ({"round_ids": [first], "field_id": 99999}, "field_not_found"),
    ):
        assert (
            moderator.emit("results.show", cmd(workshop, **bad), callback=True)["error"]["code"]
            == code
        )
    assert (
        phones[0].emit("results.show", cmd(workshop, round_ids=[]), callback=True)["error"]["code"]
        == "not_allowed"
    )


def test_a_late_joiner_votes_like_everyone_else(app, voting_room):
    workshop, moderator, phones, projector, goals = voting_room
    round_id = create_open(moderator, workshop)
    phones[0].emit(
        "vote.dots", cmd(workshop, round_id=round_id, goal_id=goals[0], dots=2), callback=True
    )
    late = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    snap = late.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert snap["rounds"][0]["status"] == "open" and snap["ballots"][str(round_id)] == {}
    ack = late.emit(
        "vote.dots", cmd(workshop, round_id=round_id, goal_id=goals[1], dots=3), callback=True
    )
    assert ack["ok"]
    view = projector.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert view["rounds"][0]["progress"] == {"voted": 2, "eligible": 4, "proxy": 0, "paper": 0}
