"""The next retreat: what it takes over from the previous one, and the room's look back."""

import json

import pytest

from workshop.services import follow_up, goals, plans, priorities, structure
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.participants import join_workshop
from workshop.services.workshops import WorkshopDetails, set_phase, step_phase


@pytest.fixture
def previous(session, workshop):
    """A decided retreat: three goals, two confirmed (Praktikum first), one with a plan."""
    structure.add_item(session, workshop, "kind", "Idee", "blue")
    set_phase(session, workshop, "goals")
    fields = workshop.fields
    praktikum, _ = goals.create_goal(
        session, workshop, "Praktikumskonzept an jeder Schule", "Mit Leitfaden", fields[0].id
    )
    betriebe, _ = goals.create_goal(session, workshop, "Mehr Ausbildungsbetriebe", "", fields[2].id)
    unconfirmed, _ = goals.create_goal(session, workshop, "Eltern einbinden", "", None)
    priorities.set_priorities(session, workshop, [praktikum.id, betriebe.id])
    priorities.set_decision_note(session, workshop, praktikum.id, "Einstimmig")
    plans.set_goal_plan(
        session,
        workshop,
        praktikum.id,
        {
            "working_group": "FAG Berufsorientierung",
            "lead": "Schulamt",
            "target": "Schuljahr 2027/28",
            "indicator": "Alle Schulen haben ein Konzept",
            "status": "in_progress",
        },
    )
    plans.add_measure(
        session,
        workshop,
        praktikum.id,
        {"text": "Leitfaden schreiben", "owner": "KoKo", "due": "März 2027", "status": "done"},
    )
    plans.add_measure(session, workshop, praktikum.id, {"text": "Schulen beraten"})
    session.commit()
    return workshop, {"praktikum": praktikum, "betriebe": betriebe, "open": unconfirmed}


def make_follow_up(session, previous_workshop):
    workshop, token = follow_up.create_follow_up(
        session,
        previous_workshop,
        WorkshopDetails(title="Klausur 2027", place="Rathaus", moderation="Frau Berger"),
    )
    session.commit()
    return workshop, token


def test_follow_up_takes_over_fields_kinds_and_confirmed_goals(session, previous):
    old, old_goals = previous
    workshop, token = make_follow_up(session, old)
    assert token and workshop.id != old.id
    assert workshop.previous_id == old.id and workshop.is_follow_up
    assert (workshop.title, workshop.place, workshop.moderation) == (
        "Klausur 2027",
        "Rathaus",
        "Frau Berger",
    )
    assert workshop.phase == "lobby" and workshop.phases[:3] == ("lobby", "recap", "collect")
    assert [f.name for f in workshop.fields] == [f.name for f in old.fields]
    assert {f.id for f in workshop.fields}.isdisjoint({f.id for f in old.fields})
    assert [(k.name, k.color) for k in workshop.kinds] == [
        ("Erfolg", "green"),
        ("Herausforderung", "orange"),
        ("Idee", "blue"),
    ]
    taken = follow_up.taken_over_goals(session, workshop)
    # Only the confirmed goals, in their old order of priority, unconfirmed in the new room.
    assert [g.title for g in taken] == [
        "Praktikumskonzept an jeder Schule",
        "Mehr Ausbildungsbetriebe",
    ]
    assert [g.previous_goal_id for g in taken] == [
        old_goals["praktikum"].id,
        old_goals["betriebe"].id,
    ]
    assert [g.priority for g in taken] == [None, None]
    first = taken[0]
    assert first.field_id == workshop.fields[0].id
    assert taken[1].field_id == workshop.fields[2].id
    assert first.description == "Mit Leitfaden"
    assert (first.working_group, first.lead, first.target, first.status) == (
        "FAG Berufsorientierung",
        "Schulamt",
        "Schuljahr 2027/28",
        "in_progress",
    )
    assert first.indicator == "Alle Schulen haben ein Konzept"
    assert first.decision_note == ""
    assert [(m.text, m.owner, m.due, m.status) for m in first.measures] == [
        ("Leitfaden schreiben", "KoKo", "März 2027", "done"),
        ("Schulen beraten", "", "", "planned"),
    ]
    assert {m.goal_id for m in first.measures} == {first.id}
    # The earlier workshop keeps its goals and measures as decided.
    session.refresh(old_goals["praktikum"])
    assert old_goals["praktikum"].priority == 1
    assert len(old_goals["praktikum"].measures) == 2


def test_follow_up_without_confirmed_goals_still_takes_the_structure(session, workshop):
    created, _ = make_follow_up(session, workshop)
    assert follow_up.taken_over_goals(session, created) == []
    assert len(created.fields) == 4
    assert follow_up.review_summary(session, created) == []


@pytest.fixture
def recap(session, previous):
    """The follow-up in its phase "recap", with three phones."""
    workshop, _ = make_follow_up(session, previous[0])
    step_phase(session, workshop, 1)
    assert workshop.phase == "recap"
    people = [
        join_workshop(session, workshop, display_name=name)[0] for name in ("Anna", "Ben", "Cem")
    ]
    session.commit()
    return workshop, follow_up.taken_over_goals(session, workshop), people


def test_reviews_follow_the_rules(session, recap):
    workshop, (goal, _other), (anna, *_rest) = recap
    for light in (None, "", "blue", 1):
        with pytest.raises(Invalid) as error:
            follow_up.set_review(session, workshop, anna, goal.id, light)
        assert error.value.code == "bad_light"
    with pytest.raises(Invalid) as error:
        follow_up.set_review(session, workshop, anna, goal.id, "red", "x" * 501)
    assert error.value.code == "text_too_long"
    with pytest.raises(NotFound):
        follow_up.set_review(session, workshop, anna, 999_999, "green")
    review, events = follow_up.set_review(
        session, workshop, anna, goal.id, "yellow", "  Läuft\u200b an,\n  dauert  "
    )
    assert (review.light, review.comment) == ("yellow", "Läuft an,\ndauert")
    assert len(events) == 1 and events[0].participant_id == anna.id
    # Reviews do not move the workshop version: no phone must fetch anything per review.
    assert events[0].version == workshop.version
    assert follow_up.own_reviews(session, workshop, anna) == [
        {"goal_id": goal.id, "light": "yellow", "comment": "Läuft an,\ndauert"}
    ]


def test_a_second_review_replaces_the_first_and_can_be_taken_back(session, recap):
    workshop, (goal, _other), (anna, *_rest) = recap
    follow_up.set_review(session, workshop, anna, goal.id, "red", "Stockt")
    follow_up.set_review(session, workshop, anna, goal.id, "green")
    session.commit()
    summary = follow_up.review_summary(session, workshop)[0]
    assert summary["counts"] == {"green": 1, "yellow": 0, "red": 0}
    assert summary["total"] == 1 and summary["comments"] == []
    assert len(follow_up.clear_review(session, workshop, anna, goal.id)) == 1
    assert follow_up.clear_review(session, workshop, anna, goal.id) == []
    assert follow_up.own_reviews(session, workshop, anna) == []
    assert follow_up.review_summary(session, workshop)[0]["total"] == 0


def test_reviews_only_in_the_recap_phase(session, recap):
    workshop, (goal, _other), (anna, *_rest) = recap
    follow_up.set_review(session, workshop, anna, goal.id, "green")
    step_phase(session, workshop, 1)
    for attempt in (
        lambda: follow_up.set_review(session, workshop, anna, goal.id, "red"),
        lambda: follow_up.clear_review(session, workshop, anna, goal.id),
    ):
        with pytest.raises(Conflict) as error:
            attempt()
        assert error.value.code == "not_recap_phase"
    assert follow_up.own_reviews(session, workshop, anna)[0]["light"] == "green"


def test_only_taken_over_goals_can_be_reviewed(session, recap, workshop):
    follow, _taken, (anna, *_rest) = recap
    set_phase(session, follow, "goals")
    new_goal, _ = goals.create_goal(session, follow, "Neues Ziel")
    set_phase(session, follow, "recap")
    with pytest.raises(Conflict) as error:
        follow_up.set_review(session, follow, anna, new_goal.id, "green")
    assert error.value.code == "goal_not_taken_over"
    # A goal of the previous workshop is not one of this workshop's goals at all.
    old_goal = goals.goals(session, workshop)[0]
    with pytest.raises(NotFound):
        follow_up.set_review(session, follow, anna, old_goal.id, "green")
    # A workshop that is not a follow-up has no phase "recap" to review in.
    with pytest.raises(Conflict):
        set_phase(session, workshop, "recap")


def test_summary_counts_lights_and_keeps_comments_without_names(session, recap):
    workshop, (goal, other), people = recap
    anna, ben, cem = people
    follow_up.set_review(session, workshop, anna, goal.id, "red", "Kein Budget")
    follow_up.set_review(session, workshop, ben, goal.id, "green", "Gut angelaufen")
    follow_up.set_review(session, workshop, cem, goal.id, "green")
    follow_up.set_review(session, workshop, cem, other.id, "yellow", "Teilweise")
    session.commit()
    first, second = follow_up.review_summary(session, workshop)
    assert first["goal_id"] == goal.id and first["status"] == "in_progress"
    assert first["counts"] == {"green": 2, "yellow": 0, "red": 1}
    assert first["total"] == 3
    # Sorted by light, not by time: the order does not tell who wrote which.
    assert first["comments"] == [
        {"light": "green", "text": "Gut angelaufen"},
        {"light": "red", "text": "Kein Budget"},
    ]
    assert [m["text"] for m in first["measures"]] == ["Leitfaden schreiben", "Schulen beraten"]
    assert second["counts"] == {"green": 0, "yellow": 1, "red": 0}
    text = json.dumps(follow_up.review_summary(session, workshop))
    for person in people:
        assert person.display_name not in text
    assert "participant" not in text
    for item in follow_up.review_summary(session, workshop):
        assert set(item) == {
            "goal_id",
            "title",
            "description",
            "field_id",
            "status",
            "measures",
            "counts",
            "total",
            "comments",
        }


def test_each_role_sees_only_its_part_of_the_look_back(session, recap):
    workshop, (goal, _other), (anna, *_rest) = recap
    follow_up.set_review(session, workshop, anna, goal.id, "red", "Kein Budget")
    phone = follow_up.recap_view(session, workshop, "participant")
    projector = follow_up.recap_view(session, workshop, "projector")
    moderator = follow_up.recap_view(session, workshop, "moderator")
    assert "counts" not in phone[0] and "comments" not in phone[0]
    assert phone[0]["status"] == "in_progress" and len(phone[0]["measures"]) == 2
    assert projector[0]["counts"]["red"] == 1 and "comments" not in projector[0]
    assert "Kein Budget" not in json.dumps(projector)
    assert moderator[0]["comments"] == [{"light": "red", "text": "Kein Budget"}]
