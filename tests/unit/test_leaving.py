"""A participant leaves: personal data goes, settled results stay, cards stay without a name."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workshop.models import (
    Card,
    Connection,
    DotVote,
    GoalReview,
    Participant,
    ProcessedCommand,
    ServerProcess,
)
from workshop.services import ballots, cards, goals, participants, votes
from workshop.services.errors import Forbidden
from workshop.services.events import CardChanged, GroupsChanged
from workshop.services.stand_ins import create_proxy
from workshop.services.workshops import set_phase


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def room(session, workshop):
    """Anna (named) and Ben in the review; Anna wrote a card, Ben supports it, and the
    other way round."""
    set_phase(session, workshop, "collect")
    anna, _ = participants.join_workshop(session, workshop, "Anna", "Agentur für Arbeit")
    ben, _ = participants.join_workshop(session, workshop)
    field, kind = workshop.fields[0].id, workshop.kinds[0].id
    annas, _ = cards.post_card(session, workshop, anna, field, kind, "Mehr Praktika")
    bens, _ = cards.post_card(session, workshop, ben, field, kind, "Bessere Busse")
    cards.set_support(session, workshop, ben, annas.id, True)
    cards.set_support(session, workshop, anna, bens.id, True)
    session.commit()
    return workshop, anna, ben, annas, bens


def test_leaving_removes_the_person_and_keeps_the_card_without_a_name(session, room):
    workshop, anna, ben, annas, bens = room
    session.add(ServerProcess(id="s"))
    session.flush()
    session.add_all(
        [
            Connection(
                sid="x",
                workshop_id=workshop.id,
                server_id="s",
                role="participant",
                participant_id=anna.id,
            ),
            ProcessedCommand(
                workshop_id=workshop.id,
                command_id="c1",
                sender=f"participant:{anna.id}",
                ack_json='{"me": "Anna"}',
            ),
        ]
    )
    session.commit()
    anna_id, version = anna.id, workshop.version

    withdrawn, events = participants.leave_workshop(session, workshop, anna)
    session.commit()

    assert withdrawn == []
    assert session.get(Participant, anna_id) is None
    assert count(session, Participant, Participant.display_name == "Anna") == 0
    assert count(session, Participant, Participant.organisation != "") == 0
    card = session.get(Card, annas.id)
    assert card.text == "Mehr Praktika" and card.author is not None
    assert card.author.display_name == "" and card.author.id != anna_id
    # Her +1 on Ben's card is gone; Ben's +1 on her card stays.
    assert [s.participant_id for s in session.get(Card, bens.id).supports] == []
    assert [s.participant_id for s in card.supports] == [ben.id]
    assert count(session, Connection, Connection.participant_id == anna_id) == 0
    assert count(session, ProcessedCommand) == 0
    # Both cards' views changed (her name, her support), one version each.
    assert [(type(e), e.card_id) for e in events] == [
        (CardChanged, annas.id),
        (CardChanged, bens.id),
    ]
    assert [e.version for e in events] == [version + 1, version + 2]


def test_an_anonymous_person_without_contributions_leaves_no_row(session, workshop):
    person, _ = participants.join_workshop(session, workshop)
    session.commit()
    withdrawn, events = participants.leave_workshop(session, workshop, person)
    session.commit()
    assert (withdrawn, events) == ([], [])
    assert count(session, Participant) == 0


def test_open_ballots_are_withdrawn_and_settled_ones_stay_anonymous(session, workshop):
    set_phase(session, workshop, "goals")
    goal = goals.create_goal(session, workshop, "Ziel")[0]
    set_phase(session, workshop, "vote")
    settled = votes.create_round(session, workshop, votes.RoundSettings(title="Eins"))[0]
    votes.set_status(session, workshop, settled.id, "open")
    person, _ = participants.join_workshop(session, workshop, "Anna")
    other, _ = participants.join_workshop(session, workshop)
    ballots.set_dots(session, workshop, person, settled.id, goal.id, 3)
    ballots.set_dots(session, workshop, other, settled.id, goal.id, 1)
    votes.set_status(session, workshop, settled.id, "closed")
    votes.set_status(session, workshop, settled.id, "revealed")
    running = votes.create_round(session, workshop, votes.RoundSettings(title="Zwei"))[0]
    votes.set_status(session, workshop, running.id, "open")
    ballots.set_dots(session, workshop, person, running.id, goal.id, 2)
    session.add(GoalReview(goal_id=goal.id, participant_id=person.id, light="red"))
    session.commit()
    results_before = votes.round_results(session, settled)

    withdrawn, _events = participants.leave_workshop(session, workshop, person)
    session.commit()

    assert withdrawn == [running.id]
    assert count(session, DotVote, DotVote.round_id == running.id) == 0
    assert votes.round_results(session, settled) == results_before
    assert votes.turnout(session, workshop, settled) == votes.Turnout(2, 2, 0, 0)
    # Who left counts where they voted, not in the round they left, nor in the head count.
    assert votes.turnout(session, workshop, running) == votes.Turnout(0, 1, 0, 0)
    assert participants.count_participants(session, workshop.id) == 1
    heirs = session.scalars(select(Participant).where(Participant.id.not_in([other.id]))).all()
    assert [(h.display_name, h.kind) for h in heirs] == [("", "left")]
    assert count(session, GoalReview, GoalReview.participant_id == heirs[0].id) == 1


def test_leaving_a_working_group_updates_its_count(session, workshop):
    person, _ = participants.join_workshop(session, workshop)
    person.group_field_id = workshop.fields[0].id
    session.commit()
    _withdrawn, events = participants.leave_workshop(session, workshop, person)
    assert [type(e) for e in events] == [GroupsChanged]


def test_stand_ins_cannot_leave(session, workshop):
    proxy, _ = create_proxy(session, workshop, "Vertretung", "")
    with pytest.raises(Forbidden):
        participants.leave_workshop(session, workshop, proxy)
    assert session.get(Participant, proxy.id).display_name == "Vertretung"
