"""Dot changes applied as one batch (the group commit of a room voting at once)."""

import pytest

from workshop.services import ballots, goals, votes
from workshop.services.ballots import DotsChange
from workshop.services.errors import DomainError
from workshop.services.participants import join_workshop
from workshop.services.workshops import WorkshopDetails, create_workshop, set_phase


@pytest.fixture
def room(session, workshop):
    """Four goals, an open dot round (5 dots, at most 3 per goal), a closed one, three voters."""
    set_phase(session, workshop, "goals")
    made = [goals.create_goal(session, workshop, f"Ziel {n}")[0] for n in range(4)]
    set_phase(session, workshop, "vote")
    closed = votes.create_round(session, workshop, votes.RoundSettings())[0]
    votes.set_status(session, workshop, closed.id, "open")
    votes.set_status(session, workshop, closed.id, "closed")
    settings = votes.RoundSettings(goal_ids=[g.id for g in made[:3]])
    vote_round = votes.create_round(session, workshop, settings)[0]
    votes.set_status(session, workshop, vote_round.id, "open")
    people = [join_workshop(session, workshop)[0] for _ in range(3)]
    session.commit()
    return workshop, vote_round, closed, [g.id for g in made], people


def codes(outcomes):
    return [o.code if isinstance(o, DomainError) else o for o in outcomes]


def test_changes_apply_in_order_and_a_refused_one_leaves_no_trace(session, room):
    workshop, vote_round, _, goal_ids, (ann, ben, _) = room
    r = vote_round.id
    outcomes = ballots.set_dots_many(
        session,
        workshop,
        [
            DotsChange(ann, r, goal_ids[0], 3),
            DotsChange(ann, r, goal_ids[1], 3),  # 6 > 5: refused
            DotsChange(ben, r, goal_ids[1], 3),  # another voter is not held up
            DotsChange(ann, r, goal_ids[1], 2),  # sees the 3, not the refused 3
            DotsChange(ann, r, goal_ids[0], 0),  # takes them back
            DotsChange(ann, r, goal_ids[2], 3),  # the budget freed above is there
        ],
    )
    assert codes(outcomes) == [
        {goal_ids[0]: 3},
        "budget_exceeded",
        {goal_ids[1]: 3},
        {goal_ids[0]: 3, goal_ids[1]: 2},
        {goal_ids[1]: 2},
        {goal_ids[1]: 2, goal_ids[2]: 3},
    ]
    session.commit()
    assert ballots.ballot(session, vote_round, ann.id) == {goal_ids[1]: 2, goal_ids[2]: 3}
    assert ballots.ballot(session, vote_round, ben.id) == {goal_ids[1]: 3}
    assert [(r.goal, r.dots) for r in votes.round_results(session, vote_round)][:2] == [
        (goal_ids[1], 5),
        (goal_ids[2], 3),
    ]


def test_every_rule_holds_per_change(session, room):
    workshop, vote_round, closed, goal_ids, (ann, ben, cem) = room
    r = vote_round.id
    outcomes = ballots.set_dots_many(
        session,
        workshop,
        [
            DotsChange(ann, r, goal_ids[0], -1),
            DotsChange(ann, r, goal_ids[0], True),
            DotsChange(ann, r, goal_ids[0], "2"),
            DotsChange(ann, r, goal_ids[0], 4),
            DotsChange(ann, r, goal_ids[3], 1),  # not in this round
            DotsChange(ann, r, 99999, 1),
            DotsChange(ann, r, True, 1),
            DotsChange(ann, closed.id, goal_ids[0], 1),
            DotsChange(ann, 99999, goal_ids[0], 1),
            DotsChange(ann, True, goal_ids[0], 1),
            DotsChange(ben, r, goal_ids[0], 1),
            DotsChange(cem, r, goal_ids[0], 3),
        ],
    )
    assert codes(outcomes) == [
        "bad_dots",
        "bad_dots",
        "bad_dots",
        "too_many_on_goal",
        "goal_not_in_round",
        "goal_not_in_round",
        "goal_not_in_round",
        "round_not_open",
        "round_not_found",
        "round_not_found",
        {goal_ids[0]: 1},
        {goal_ids[0]: 3},
    ]
    session.commit()
    assert ballots.ballot(session, vote_round, ann.id) == {}


def test_a_round_of_another_workshop_is_not_found(session, room):
    _, vote_round, _, goal_ids, (ann, _, _) = room
    other = create_workshop(session, WorkshopDetails(title="Andere Klausur"))[0]
    change = DotsChange(ann, vote_round.id, goal_ids[0], 1)
    assert codes(ballots.set_dots_many(session, other, [change])) == ["round_not_found"]


def test_many_changes_to_one_goal_write_one_row(session, room):
    workshop, vote_round, _, goal_ids, (ann, _, _) = room
    changes = [DotsChange(ann, vote_round.id, goal_ids[0], n % 4) for n in range(1, 10)]
    ballots.set_dots_many(session, workshop, changes)
    session.commit()
    assert ballots.ballot(session, vote_round, ann.id) == {goal_ids[0]: 1}
    ballots.set_dots(session, workshop, ann, vote_round.id, goal_ids[0], 2)
    assert ballots.ballot(session, vote_round, ann.id) == {goal_ids[0]: 2}


def test_rows_loaded_before_show_the_new_count(session, room):
    workshop, vote_round, _, goal_ids, (ann, _, _) = room
    ballots.set_dots(session, workshop, ann, vote_round.id, goal_ids[0], 1)
    assert ballots.ballot(session, vote_round, ann.id) == {goal_ids[0]: 1}  # now in the session
    ballots.set_dots(session, workshop, ann, vote_round.id, goal_ids[0], 3)
    assert ballots.ballot(session, vote_round, ann.id) == {goal_ids[0]: 3}


def test_the_tally_sums_the_stored_ballots(session, room):
    """Three voters, one empty ballot: dots summed, ranks shared, the share of voters per goal."""
    workshop, vote_round, _, goal_ids, people = room
    a, b, c = goal_ids[:3]
    dee = join_workshop(session, workshop)[0]
    r = vote_round.id
    ballots.set_dots_many(
        session,
        workshop,
        [
            DotsChange(people[0], r, a, 3),
            DotsChange(people[0], r, b, 2),
            DotsChange(people[1], r, b, 3),
            DotsChange(people[1], r, c, 2),
            DotsChange(people[2], r, a, 2),
            DotsChange(people[2], r, c, 3),
            DotsChange(dee, r, a, 1),
            DotsChange(dee, r, a, 0),  # took it back: no vote
        ],
    )
    session.commit()
    results = votes.round_results(session, vote_round)
    assert [(x.goal, x.dots, x.rank) for x in results] == [(a, 5, 1), (b, 5, 1), (c, 5, 1)]
    assert [x.voter_share for x in results] == pytest.approx([2 / 3] * 3)
    assert votes.turnout(session, workshop, vote_round).voted == 3


def test_on_postgresql_a_batch_changes_its_ballots_in_one_round_trip(session, room, monkeypatch):
    """psycopg2 alone sends an UPDATE of many rows as one statement per row, each a round trip
    that a room's votes wait for; the engine has it send them as one batch."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    import psycopg2.extras

    workshop, vote_round, _, goal_ids, people = room
    r = vote_round.id
    ballots.set_dots_many(session, workshop, [DotsChange(p, r, goal_ids[0], 1) for p in people])
    session.commit()
    batches = []
    original = psycopg2.extras.execute_batch

    def counting(cursor, statement, rows, **options):
        batches.append(statement)
        return original(cursor, statement, rows, **options)

    monkeypatch.setattr(psycopg2.extras, "execute_batch", counting)
    outcomes = ballots.set_dots_many(
        session, workshop, [DotsChange(p, r, goal_ids[0], 2) for p in people]
    )
    session.commit()
    assert [o for o in outcomes if isinstance(o, DomainError)] == []
    assert [s for s in batches if s.lstrip().upper().startswith("UPDATE")], batches
    for person in people:
        assert ballots.ballot(session, vote_round, person.id) == {goal_ids[0]: 2}
