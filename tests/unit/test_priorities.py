"""Confirming the final priorities and recording a decision note per goal."""

import pytest

from workshop.services import ballots, goals, priorities, votes
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.participants import join_workshop
from workshop.services.workshops import set_phase


@pytest.fixture
def decided(session, workshop):
    """Four goals and a closed dot round: goal 2 first, goals 0 and 1 tied second."""
    set_phase(session, workshop, "goals")
    ids = [goals.create_goal(session, workshop, f"Ziel {n}")[0].id for n in range(4)]
    set_phase(session, workshop, "vote")
    vote_round, _ = votes.create_round(session, workshop, votes.RoundSettings())
    votes.set_status(session, workshop, vote_round.id, "open")
    a, b = (join_workshop(session, workshop)[0] for _ in range(2))
    ballots.set_dots(session, workshop, a, vote_round.id, ids[2], 3)
    ballots.set_dots(session, workshop, a, vote_round.id, ids[0], 2)
    ballots.set_dots(session, workshop, b, vote_round.id, ids[2], 1)
    ballots.set_dots(session, workshop, b, vote_round.id, ids[1], 2)
    return workshop, ids, vote_round


def priority_of(session, workshop):
    return {g.id: g.priority for g in goals.goals(session, workshop)}


def test_top_of_a_round_keeps_ties_at_the_cut(session, decided):
    workshop, ids, vote_round = decided
    with pytest.raises(Conflict):
        priorities.priorities_from_round(session, workshop, vote_round.id, 2)
    votes.set_status(session, workshop, vote_round.id, "closed")
    events = priorities.priorities_from_round(session, workshop, vote_round.id, 2)
    assert priority_of(session, workshop) == {ids[2]: 1, ids[0]: 2, ids[1]: 3, ids[3]: None}
    assert len(events) == 3  # one versioned change per goal that changed
    for top in (0, 5, "2"):
        with pytest.raises(Invalid):
            priorities.priorities_from_round(session, workshop, vote_round.id, top)


def test_priorities_by_hand_replace_the_earlier_choice(session, decided):
    workshop, ids, _ = decided
    priorities.set_priorities(session, workshop, [ids[3], ids[0]])
    assert priority_of(session, workshop) == {ids[0]: 2, ids[1]: None, ids[2]: None, ids[3]: 1}
    assert priorities.set_priorities(session, workshop, [ids[3], ids[0]]) == []
    with pytest.raises(Invalid):
        priorities.set_priorities(session, workshop, [ids[0], ids[0]])
    with pytest.raises(NotFound):
        priorities.set_priorities(session, workshop, [ids[0], 99999])
    assert priority_of(session, workshop)[ids[3]] == 1  # a refused change changed nothing
    priorities.set_priorities(session, workshop, [])
    assert set(priority_of(session, workshop).values()) == {None}


def test_decision_notes_are_clean_text(session, decided):
    workshop, ids, _ = decided
    priorities.set_decision_note(
        session, workshop, ids[0], "  AG Übergang übernimmt;\nbis 06/2027 "
    )
    assert goals.get_goal(session, workshop, ids[0]).decision_note == (
        "AG Übergang übernimmt;\nbis 06/2027"
    )
    assert (
        priorities.set_decision_note(
            session, workshop, ids[0], "AG Übergang übernimmt;\nbis 06/2027"
        )
        == []
    )
    with pytest.raises(Invalid):
        priorities.set_decision_note(session, workshop, ids[0], "x" * 2001)
    priorities.set_decision_note(session, workshop, ids[0], "")
    assert goals.get_goal(session, workshop, ids[0]).decision_note == ""
