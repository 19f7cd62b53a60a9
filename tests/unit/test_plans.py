"""Operationalising the goals: plans, measures, and the working groups that edit them."""

import pytest

from workshop.services import goals, plans, priorities
from workshop.services.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.services.events import GoalChanged, GroupsChanged, WorkshopChanged
from workshop.services.participants import join_workshop
from workshop.services.workshops import set_phase


@pytest.fixture
def planned(session, workshop):
    """Three goals in two action fields; goals 0 and 2 confirmed as priorities 2 and 1."""
    set_phase(session, workshop, "goals")
    first, second = workshop.fields[0].id, workshop.fields[1].id
    ids = [
        goals.create_goal(session, workshop, f"Ziel {n}", field_id=field)[0].id
        for n, field in enumerate((first, first, second))
    ]
    priorities.set_priorities(session, workshop, [ids[2], ids[0]])
    session.commit()
    return workshop, ids


def goal(session, workshop, goal_id):
    return goals.get_goal(session, workshop, goal_id)


def test_the_moderator_fills_in_a_plan_and_only_changes_move_the_version(session, planned):
    workshop, ids = planned
    version = workshop.version
    events = plans.set_goal_plan(
        session,
        workshop,
        ids[0],
        {
            "working_group": "  FAG Übergang  ",
            "lead": "Agentur für Arbeit",
            "target": "Schuljahr 2027/28",
            "indicator": "Quote der Anschlüsse\n+5 Prozentpunkte",
            "status": "in_progress",
        },
    )
    assert events == [GoalChanged(workshop.id, version + 1, ids[0])]
    saved = goal(session, workshop, ids[0])
    assert (saved.working_group, saved.lead, saved.target, saved.status) == (
        "FAG Übergang",
        "Agentur für Arbeit",
        "Schuljahr 2027/28",
        "in_progress",
    )
    assert saved.indicator == "Quote der Anschlüsse\n+5 Prozentpunkte"
    # The same values again change nothing; a partial change keeps the rest.
    assert plans.set_goal_plan(session, workshop, ids[0], {"lead": "Agentur für Arbeit"}) == []
    plans.set_goal_plan(session, workshop, ids[0], {"status": "done"})
    assert goal(session, workshop, ids[0]).working_group == "FAG Übergang"


@pytest.mark.parametrize(
    "values",
    [
        {"status": "finished"},
        {"status": None},
        {"working_group": "x" * 121},
        {"target": 2027},
        {"priority": 1},
        {"title": "Neu"},
    ],
)
def test_bad_plan_values_are_refused_and_change_nothing(session, planned, values):
    workshop, ids = planned
    plans.set_goal_plan(session, workshop, ids[0], {"working_group": "FAG 1"})
    version = workshop.version
    with pytest.raises(Invalid):
        plans.set_goal_plan(session, workshop, ids[0], {"lead": "Neu", **values})
    saved = goal(session, workshop, ids[0])
    assert (saved.working_group, saved.lead, workshop.version) == ("FAG 1", "", version)


def test_measures_are_added_edited_moved_and_deleted_in_order(session, planned):
    workshop, ids = planned
    made = [
        plans.add_measure(session, workshop, ids[2], {"text": text, "due": "03/2027"})[0]
        for text in ("Praktikumsbörse", "Elternabend", "Datenbericht")
    ]
    assert [m.text for m in goal(session, workshop, ids[2]).measures] == [
        "Praktikumsbörse",
        "Elternabend",
        "Datenbericht",
    ]
    plans.update_measure(
        session, workshop, made[1].id, {"owner": "Schulamt", "status": "done", "text": "Eltern"}
    )
    assert (made[1].owner, made[1].status, made[1].text, made[1].due) == (
        "Schulamt",
        "done",
        "Eltern",
        "03/2027",
    )
    plans.move_measure(session, workshop, made[2].id, 0)
    order = [m.text for m in goal(session, workshop, ids[2]).measures]
    assert order == ["Datenbericht", "Praktikumsbörse", "Eltern"]
    assert plans.move_measure(session, workshop, made[2].id, 0) == []
    plans.delete_measure(session, workshop, made[0].id)
    kept = goal(session, workshop, ids[2]).measures
    assert [(m.text, m.position) for m in kept] == [("Datenbericht", 0), ("Eltern", 1)]
    with pytest.raises(NotFound):
        plans.update_measure(session, workshop, made[0].id, {"text": "weg"})


def test_bad_measures_are_refused(session, planned):
    from workshop.services.workshops import WorkshopDetails, create_workshop

    workshop, ids = planned
    other_workshop, _ = create_workshop(session, WorkshopDetails(title="Andere"))
    measure, _ = plans.add_measure(session, workshop, ids[0], {"text": "Börse"})
    for values in ({}, {"text": "   "}, {"text": "x" * 501}, {"text": "a", "status": "?"}):
        with pytest.raises(Invalid):
            plans.add_measure(session, workshop, ids[0], values)
    for position in (-1, 1, "0", True, None):
        with pytest.raises(Invalid):
            plans.move_measure(session, workshop, measure.id, position)
    for measure_id in (99999, "1", True, None):
        with pytest.raises(NotFound):
            plans.delete_measure(session, workshop, measure_id)
    # A measure of another workshop is as unknown as one that does not exist.
    with pytest.raises(NotFound):
        plans.delete_measure(session, other_workshop, measure.id)
    assert [m.text for m in goal(session, workshop, ids[0]).measures] == ["Börse"]


def test_a_goal_holds_a_bounded_number_of_measures(session, planned):
    workshop, ids = planned
    for n in range(plans.MAX_MEASURES):
        plans.add_measure(session, workshop, ids[0], {"text": f"Schritt {n}"})
    with pytest.raises(Conflict):
        plans.add_measure(session, workshop, ids[0], {"text": "einer zu viel"})


def test_groups_per_goal_let_members_edit_only_their_confirmed_goal(session, planned):
    workshop, ids = planned
    anna, bernd = (join_workshop(session, workshop)[0] for _ in range(2))
    # Before the moderator opens the working groups, phones cannot edit.
    with pytest.raises(Conflict):
        plans.set_goal_plan(session, workshop, ids[0], {"lead": "x"}, anna)
    set_phase(session, workshop, "plan")
    with pytest.raises(Conflict):
        plans.join_group(session, workshop, anna, ids[0])
    events = plans.set_grouping(session, workshop, "goal")
    assert [type(e) for e in events] == [WorkshopChanged, GroupsChanged]
    # Only confirmed goals are groups, in priority order.
    assert [g["id"] for g in plans.group_choices(session, workshop)] == [ids[2], ids[0]]
    with pytest.raises(NotFound):
        plans.join_group(session, workshop, anna, ids[1])
    plans.join_group(session, workshop, anna, ids[0])
    plans.join_group(session, workshop, bernd, ids[0])
    counts = {g["id"]: g["members"] for g in plans.group_choices(session, workshop)}
    assert counts == {ids[2]: 0, ids[0]: 2}
    plans.add_measure(session, workshop, ids[0], {"text": "Börse"}, anna)
    plans.set_goal_plan(session, workshop, ids[0], {"lead": "IHK"}, bernd)
    with pytest.raises(Forbidden):
        plans.set_goal_plan(session, workshop, ids[2], {"lead": "IHK"}, anna)
    with pytest.raises(Conflict):
        plans.set_goal_plan(session, workshop, ids[1], {"lead": "IHK"}, anna)
    # Leaving the group ends the right to edit.
    plans.join_group(session, workshop, anna, None)
    with pytest.raises(Forbidden):
        plans.add_measure(session, workshop, ids[0], {"text": "mehr"}, anna)
    # After the phase, phones read only; the moderator still edits.
    set_phase(session, workshop, "closed")
    with pytest.raises(Conflict):
        plans.set_goal_plan(session, workshop, ids[0], {"lead": "HWK"}, bernd)
    plans.set_goal_plan(session, workshop, ids[0], {"lead": "HWK"})
    assert goal(session, workshop, ids[0]).lead == "HWK"


def test_groups_per_action_field_cover_the_fields_confirmed_goals(session, planned):
    workshop, ids = planned
    set_phase(session, workshop, "plan")
    plans.set_grouping(session, workshop, "field")
    anna = join_workshop(session, workshop)[0]
    plans.join_group(session, workshop, anna, workshop.fields[0].id)
    assert plans.participant_group(workshop, anna) == workshop.fields[0].id
    plans.set_goal_plan(session, workshop, ids[0], {"lead": "Schulaufsicht"}, anna)
    with pytest.raises(Conflict):  # in the field, but not a confirmed priority
        plans.set_goal_plan(session, workshop, ids[1], {"lead": "x"}, anna)
    with pytest.raises(Forbidden):  # confirmed, but another field
        plans.set_goal_plan(session, workshop, ids[2], {"lead": "x"}, anna)
    # A new split sends everybody back to choosing.
    plans.set_grouping(session, workshop, "goal")
    assert plans.participant_group(workshop, anna) is None
    with pytest.raises(Invalid):
        plans.set_grouping(session, workshop, "table")
    assert plans.set_grouping(session, workshop, "goal") == []


def test_new_priorities_refresh_the_groups_of_a_split_per_goal(session, planned):
    workshop, ids = planned
    set_phase(session, workshop, "plan")
    plans.set_grouping(session, workshop, "goal")
    events = priorities.set_priorities(session, workshop, [ids[1]])
    assert events[-1] == GroupsChanged(workshop.id, workshop.version)
    assert [g["id"] for g in plans.group_choices(session, workshop)] == [ids[1]]
