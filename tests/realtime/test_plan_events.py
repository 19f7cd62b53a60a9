"""Plans and measures over Socket.IO: the moderator plans every goal, phones in the phase "plan"
plan only their own working group's confirmed goals, and every change reaches the room."""

import pytest
from helpers import cmd, join_as_participant, socket_for

from workshop.models import Goal, Measure, Participant


def received(client, name=None):
    return [(e["name"], e["args"][0]) for e in client.get_received() if name in (None, e["name"])]


def ok(client, event, workshop, **fields):
    ack = client.emit(event, cmd(workshop, **fields), callback=True)
    assert ack["ok"], ack
    return ack["data"]


def error_code(client, event, workshop, **fields):
    ack = client.emit(event, cmd(workshop, **fields), callback=True)
    assert ack["ok"] is False, ack
    return ack["error"]["code"]


def drain(*clients):
    for client in clients:
        client.get_received()


@pytest.fixture
def plan_room(app, moderator_client, db):
    """Moderator, two phones and the projector; four goals in two action fields, three of them
    confirmed as priorities (in the order 2, 0, 1); phase "results"."""
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    phones = [
        socket_for(app, join_as_participant(app, workshop), workshop, "participant")
        for _ in range(2)
    ]
    projector = socket_for(app, browser, workshop, "projector")
    fields = moderator.get_received()[0]["args"][0]["fields"]
    ok(moderator, "phase.set", workshop, phase="goals")
    goal_ids = [
        ok(moderator, "goal.create", workshop, title=title, field_id=fields[n]["id"])["goal"]["id"]
        for title, n in [
            ("Praktika in allen Schulen", 0),
            ("Potenzialanalyse auswerten", 0),
            ("Mehr Ausbildungsbetriebe", 1),
            ("Elternarbeit stärken", 1),
        ]
    ]
    ok(moderator, "phase.set", workshop, phase="results")
    ok(moderator, "priorities.set", workshop, goal_ids=[goal_ids[2], goal_ids[0], goal_ids[1]])
    drain(moderator, *phones, projector)
    return workshop, moderator, phones, projector, goal_ids, [f["id"] for f in fields]


def goal_in(db, goal_id):
    db.expire_all()
    return db.get(Goal, goal_id)


def test_moderator_plans_a_goal_and_everybody_receives_it(plan_room, db):
    workshop, moderator, phones, projector, goals, _ = plan_room
    data = ok(
        moderator,
        "plan.set",
        workshop,
        goal_id=goals[0],
        working_group="FAG Berufsorientierung",
        lead="Schulamt",
        target="Schuljahr 2027/28",
        indicator="Alle Schulen melden ihr Konzept.\nQuote über 90 %",
        status="in_progress",
    )
    added = ok(
        moderator,
        "measure.add",
        workshop,
        goal_id=goals[0],
        text="Musterkonzept schreiben",
        owner="KoKo",
        due="03/2027",
    )
    ok(moderator, "measure.add", workshop, goal_id=goals[0], text="Schulen beraten")
    for client in (moderator, *phones, projector):
        pushed = received(client, "goal.changed")
        assert [p["v"] for _, p in pushed] == [data["v"], data["v"] + 1, data["v"] + 2]
        goal = pushed[-1][1]["goal"]
        assert goal["plan"] == {
            "working_group": "FAG Berufsorientierung",
            "lead": "Schulamt",
            "target": "Schuljahr 2027/28",
            "indicator": "Alle Schulen melden ihr Konzept.\nQuote über 90 %",
            "status": "in_progress",
        }
        assert goal["measures"] == [
            {
                "id": added["measure_id"],
                "text": "Musterkonzept schreiben",
                "owner": "KoKo",
                "due": "03/2027",
                "status": "planned",
            },
            {
                "id": added["measure_id"] + 1,
                "text": "Schulen beraten",
                "owner": "",
                "due": "",
                "status": "planned",
            },
        ]
    # A key left out stays as it was.
    ok(moderator, "plan.set", workshop, goal_id=goals[0], status="done")
    assert goal_in(db, goals[0]).lead == "Schulamt"
    assert goal_in(db, goals[0]).status == "done"


def test_moderator_edits_moves_and_deletes_measures(plan_room, db):
    workshop, moderator, phones, _projector, goals, _ = plan_room
    ids = [
        ok(moderator, "measure.add", workshop, goal_id=goals[1], text=text)["measure_id"]
        for text in ("Eins", "Zwei", "Drei")
    ]
    ok(moderator, "measure.move", workshop, measure_id=ids[2], position=0)
    ok(moderator, "measure.update", workshop, measure_id=ids[0], owner="IHK", status="dropped")
    ok(moderator, "measure.delete", workshop, measure_id=ids[1])
    goal = received(phones[0], "goal.changed")[-1][1]["goal"]
    assert [(m["text"], m["owner"], m["status"]) for m in goal["measures"]] == [
        ("Drei", "", "planned"),
        ("Eins", "IHK", "dropped"),
    ]
    db.expire_all()
    assert db.get(Measure, ids[1]) is None


def test_the_moderator_plans_after_the_retreat_too(plan_room, db):
    workshop, moderator, _phones, _projector, goals, _ = plan_room
    ok(moderator, "phase.set", workshop, phase="closed")
    ok(moderator, "plan.set", workshop, goal_id=goals[3], lead="Agentur für Arbeit")
    ok(moderator, "measure.add", workshop, goal_id=goals[3], text="Elternabend je Schule")
    goal = goal_in(db, goals[3])
    assert goal.lead == "Agentur für Arbeit"
    assert [m.text for m in goal.measures] == ["Elternabend je Schule"]


def test_phones_plan_only_their_groups_goals_during_the_plan_phase(plan_room, db):
    workshop, moderator, phones, projector, goals, _ = plan_room
    # Before the phase "plan" and without groups: nothing.
    assert error_code(phones[0], "plan.set", workshop, goal_id=goals[0], lead="X") == (
        "planning_not_open"
    )
    ok(moderator, "phase.set", workshop, phase="plan")
    assert error_code(phones[0], "group.join", workshop, group_id=goals[0]) == "no_groups"
    assert error_code(phones[0], "measure.add", workshop, goal_id=goals[0], text="X") == (
        "planning_not_open"
    )
    ok(moderator, "grouping.set", workshop, grouping="goal")
    assert ok(phones[0], "group.join", workshop, group_id=goals[0]) == {"group_id": goals[0]}
    ok(phones[1], "group.join", workshop, group_id=goals[2])
    drain(moderator, *phones, projector)

    ok(phones[0], "plan.set", workshop, goal_id=goals[0], working_group="FAG Übergang")
    added = ok(phones[0], "measure.add", workshop, goal_id=goals[0], text="Leitfaden")
    for client in (moderator, phones[1], projector):
        goal = received(client, "goal.changed")[-1][1]["goal"]
        assert goal["plan"]["working_group"] == "FAG Übergang"
        assert [m["text"] for m in goal["measures"]] == ["Leitfaden"]
    drain(phones[0])

    # Another group's goal, a goal that is not confirmed, another group's measure: refused.
    assert error_code(phones[1], "plan.set", workshop, goal_id=goals[0], lead="X") == (
        "not_your_group"
    )
    assert error_code(
        phones[1], "measure.update", workshop, measure_id=added["measure_id"], text="Y"
    ) == ("not_your_group")
    assert error_code(phones[1], "measure.delete", workshop, measure_id=added["measure_id"]) == (
        "not_your_group"
    )
    assert error_code(phones[0], "plan.set", workshop, goal_id=goals[3], lead="X") == (
        "goal_not_confirmed"
    )
    # Phones may not split the room.
    assert error_code(phones[0], "grouping.set", workshop, grouping="field") == "not_allowed"
    for client in (moderator, *phones, projector):
        assert received(client, "goal.changed") == []
    goal = goal_in(db, goals[0])
    assert (goal.lead, goal.working_group) == ("", "FAG Übergang")
    assert [m.text for m in goal.measures] == ["Leitfaden"]

    # After the phase, phones can no longer change a plan.
    ok(moderator, "phase.set", workshop, phase="closed")
    assert error_code(phones[0], "plan.set", workshop, goal_id=goals[0], lead="X") == (
        "planning_not_open"
    )


def test_field_groups_edit_the_confirmed_goals_of_their_action_field(plan_room):
    workshop, moderator, phones, _projector, goals, fields = plan_room
    ok(moderator, "phase.set", workshop, phase="plan")
    ok(moderator, "grouping.set", workshop, grouping="field")
    ok(phones[0], "group.join", workshop, group_id=fields[0])
    ok(phones[0], "plan.set", workshop, goal_id=goals[0], lead="A")
    ok(phones[0], "plan.set", workshop, goal_id=goals[1], lead="B")
    assert error_code(phones[0], "plan.set", workshop, goal_id=goals[2], lead="C") == (
        "not_your_group"
    )


@pytest.mark.parametrize(
    ("event", "fields", "code"),
    [
        ("plan.set", {"status": "finished"}, "bad_status"),
        ("plan.set", {"target": "x" * 61}, "text_too_long"),
        ("plan.set", {"colour": "red"}, "invalid_payload"),
        ("measure.add", {"text": "   "}, "text_required"),
        ("measure.add", {"owner": "nur wer"}, "text_required"),
        ("measure.add", {"text": "x" * 501}, "text_too_long"),
    ],
)
def test_bad_plan_input_changes_nothing(plan_room, db, event, fields, code):
    workshop, moderator, phones, _projector, goals, _ = plan_room
    assert error_code(moderator, event, workshop, goal_id=goals[0], **fields) == code
    assert received(phones[0]) == []
    goal = goal_in(db, goals[0])
    assert (goal.target, goal.status, goal.measures) == ("", "planned", [])


def test_bad_measure_moves_and_unknown_measures_are_refused(plan_room):
    workshop, moderator, phones, _projector, goals, _ = plan_room
    measure = ok(moderator, "measure.add", workshop, goal_id=goals[0], text="Eins")["measure_id"]
    drain(phones[0])
    assert error_code(moderator, "measure.move", workshop, measure_id=measure, position=1) == (
        "bad_position"
    )
    assert error_code(moderator, "measure.update", workshop, measure_id=measure + 99, text="X") == (
        "measure_not_found"
    )
    assert error_code(moderator, "grouping.set", workshop, grouping="everyone") == "bad_grouping"
    assert received(phones[0]) == []


def test_group_counts_follow_joins_and_a_new_split_empties_the_groups(plan_room, db):
    workshop, moderator, phones, projector, goals, _ = plan_room
    ok(moderator, "phase.set", workshop, phase="plan")
    ok(moderator, "grouping.set", workshop, grouping="goal")
    # The groups are the confirmed goals, in the order of their priority.
    pushed = received(projector, "groups.changed")[-1][1]["groups"]
    assert [(g["id"], g["members"]) for g in pushed] == [
        (goals[2], 0),
        (goals[0], 0),
        (goals[1], 0),
    ]
    for phone in phones:
        ok(phone, "group.join", workshop, group_id=goals[0])
    assert error_code(phones[0], "group.join", workshop, group_id=goals[3]) == "group_not_found"
    for client in (moderator, projector, phones[1]):
        groups = received(client, "groups.changed")[-1][1]["groups"]
        assert {g["id"]: g["members"] for g in groups} == {goals[2]: 0, goals[0]: 2, goals[1]: 0}
        # Counts only: nobody learns who is in a group.
        assert all(set(g) == {"id", "name", "members"} for g in groups)
    me = phones[0].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]["me"]
    assert me["group_id"] == goals[0]
    ok(phones[1], "group.join", workshop, group_id=None)
    groups = received(moderator, "groups.changed")[-1][1]["groups"]
    assert {g["id"]: g["members"] for g in groups}[goals[0]] == 1

    ok(moderator, "grouping.set", workshop, grouping="field")
    snap = moderator.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert snap["workshop"]["grouping"] == "field"
    assert all(g["members"] == 0 for g in snap["groups"])
    db.expire_all()
    assert all(p.group_goal_id is None for p in db.query(Participant))


def test_a_resent_measure_is_added_once(plan_room, db):
    workshop, moderator, phones, _projector, goals, _ = plan_room
    payload = cmd(workshop, goal_id=goals[0], text="Nur einmal")
    first = moderator.emit("measure.add", payload, callback=True)
    again = moderator.emit("measure.add", payload, callback=True)
    assert first == again and first["ok"]
    assert len(received(phones[0], "goal.changed")) == 1
    assert [m.text for m in goal_in(db, goals[0]).measures] == ["Nur einmal"]
