import pytest

from workshop.services import cards, clusters, goals
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.events import GoalChanged, GoalRemoved, GoalsArranged
from workshop.services.views import goal_view
from workshop.services.workshops import set_phase


@pytest.fixture
def themed(session, workshop):
    """A cluster "Praktika" with two cards, in the goals phase."""
    set_phase(session, workshop, "collect")
    made = [
        cards.post_card(session, workshop, None, workshop.fields[2].id, workshop.kinds[1].id, text)[
            0
        ]
        for text in ("Zu wenige Praktikumsplätze", "Praktika im Handwerk fehlen")
    ]
    set_phase(session, workshop, "cluster")
    cluster, _ = clusters.create_cluster(
        session, workshop, workshop.fields[2].id, "Praktika", [c.id for c in made]
    )
    set_phase(session, workshop, "goals")
    return workshop, cluster, made


def test_a_cluster_becomes_a_goal_with_its_cards_and_field(session, themed):
    workshop, cluster, made = themed
    goal, events = goals.create_goal(
        session,
        workshop,
        "Bis 2028 doppelt so viele Praktikumsplätze im Handwerk",
        "Mit IHK und HWK",
        cluster_id=cluster.id,
    )
    view = goal_view(goal)
    assert view["field_id"] == workshop.fields[2].id
    assert view["card_ids"] == [c.id for c in made]
    assert isinstance(events[0], GoalChanged)


def test_a_goal_can_be_written_directly_and_across_fields(session, themed):
    workshop, _, _ = themed
    goal, _ = goals.create_goal(session, workshop, "Gemeinsame Datenbasis aufbauen")
    assert goal.field_id is None and goal_view(goal)["card_ids"] == []


@pytest.mark.parametrize("title", ["", "  ", "x" * 121])
def test_title_is_required_and_short(session, themed, title):
    workshop, _, _ = themed
    with pytest.raises(Invalid):
        goals.create_goal(session, workshop, title)
    assert goals.goals(session, workshop) == []


def test_edit_reorder_merge_delete(session, themed):
    workshop, cluster, made = themed
    first, _ = goals.create_goal(session, workshop, "Eins", cluster_id=cluster.id)
    second, _ = goals.create_goal(
        session, workshop, "Zwei", "Beschreibung zwei", card_ids=[made[0].id]
    )
    third, _ = goals.create_goal(session, workshop, "Drei")
    goals.update_goal(session, workshop, third.id, "Drei neu", "", workshop.fields[0].id)
    assert (third.title, third.field_id) == ("Drei neu", workshop.fields[0].id)
    assert isinstance(goals.move_goal(session, workshop, third.id, 0)[0], GoalsArranged)
    assert [g.title for g in goals.goals(session, workshop)] == ["Drei neu", "Eins", "Zwei"]
    events = goals.merge_goals(session, workshop, second.id, first.id)
    assert [type(e) for e in events] == [GoalChanged, GoalRemoved]
    assert events[0].version < events[1].version
    assert first.description == "Beschreibung zwei"
    assert goal_view(first)["card_ids"] == [c.id for c in made]
    goals.delete_goal(session, workshop, third.id)
    assert [g.title for g in goals.goals(session, workshop)] == ["Eins"]
    with pytest.raises(NotFound):
        goals.delete_goal(session, workshop, third.id)
    with pytest.raises(Invalid):
        goals.merge_goals(session, workshop, first.id, first.id)


def test_goals_are_fixed_once_voting_starts(session, themed):
    workshop, _, _ = themed
    goal, _ = goals.create_goal(session, workshop, "Eins")
    set_phase(session, workshop, "vote")
    with pytest.raises(Conflict) as caught:
        goals.update_goal(session, workshop, goal.id, "Anders", "", None)
    assert caught.value.code == "not_goal_phase"
    assert goal.title == "Eins"
