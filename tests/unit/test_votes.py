import threading

import pytest
from sqlalchemy.orm import sessionmaker

from workshop.models import Participant, Workshop
from workshop.services import ballots, goals, votes
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.participants import join_workshop
from workshop.services.workshops import set_phase


def make_round(session, workshop, **settings):
    return votes.create_round(session, workshop, votes.RoundSettings(**settings))[0]


@pytest.fixture
def voting(session, workshop):
    """Four goals and an open dot round (5 dots, at most 3 per goal)."""
    set_phase(session, workshop, "goals")
    made = [goals.create_goal(session, workshop, f"Ziel {n}")[0] for n in range(4)]
    set_phase(session, workshop, "vote")
    vote_round = make_round(session, workshop, title="Priorisierung")
    votes.set_status(session, workshop, vote_round.id, "open")
    person = join_workshop(session, workshop)[0]
    session.commit()
    return workshop, vote_round, made, person


def test_dots_within_budget_and_maximum(session, voting):
    workshop, vote_round, made, person = voting
    ballots.set_dots(session, workshop, person, vote_round.id, made[0].id, 3)
    ballot = ballots.set_dots(session, workshop, person, vote_round.id, made[1].id, 2)
    assert ballot == {made[0].id: 3, made[1].id: 2}
    with pytest.raises(Conflict) as caught:
        ballots.set_dots(session, workshop, person, vote_round.id, made[2].id, 1)
    assert caught.value.code == "budget_exceeded"
    with pytest.raises(Invalid) as caught:
        ballots.set_dots(session, workshop, person, vote_round.id, made[1].id, 4)
    assert caught.value.code == "too_many_on_goal"
    # Moving dots: take back first, then place elsewhere.
    ballots.set_dots(session, workshop, person, vote_round.id, made[0].id, 0)
    assert ballots.set_dots(session, workshop, person, vote_round.id, made[2].id, 3) == {
        made[1].id: 2,
        made[2].id: 3,
    }


@pytest.mark.parametrize("dots", [-1, True, 1.5, "2"])
def test_bad_dot_counts_are_refused(session, voting, dots):
    workshop, vote_round, made, person = voting
    with pytest.raises(Invalid):
        ballots.set_dots(session, workshop, person, vote_round.id, made[0].id, dots)
    assert ballots.ballot(session, vote_round, person.id) == {}


def test_votes_only_in_open_rounds_and_on_its_goals(session, voting):
    workshop, vote_round, made, person = voting
    other_round = make_round(session, workshop, goal_ids=[made[0].id])
    with pytest.raises(Conflict) as caught:
        ballots.set_dots(session, workshop, person, other_round.id, made[0].id, 1)
    assert caught.value.code == "round_not_open"
    with pytest.raises(Conflict) as caught:
        votes.set_status(session, workshop, other_round.id, "open")
    assert caught.value.code == "another_round_open"
    votes.set_status(session, workshop, vote_round.id, "closed")
    with pytest.raises(Conflict):
        ballots.set_dots(session, workshop, person, vote_round.id, made[0].id, 1)
    votes.set_status(session, workshop, other_round.id, "open")
    with pytest.raises(Invalid) as caught:
        ballots.set_dots(session, workshop, person, other_round.id, made[1].id, 1)
    assert caught.value.code == "goal_not_in_round"
    with pytest.raises(NotFound):
        ballots.set_dots(session, workshop, person, 99999, made[0].id, 1)


def test_round_settings_are_checked(session, voting):
    workshop, _, made, _ = voting
    for kwargs in (
        {"budget": 0},
        {"budget": 51},
        {"max_per_goal": 6},
        {"goal_ids": []},
        {"goal_ids": [made[0].id, made[0].id]},
        {"method": "poll"},
        {"method": "ranking", "goal_ids": [made[0].id]},
        {"method": "matrix", "scale_min": 3, "scale_max": 3},
        {"method": "matrix", "scale_max": 11},
        {"method": "matrix", "label_x": "x" * 61},
    ):
        with pytest.raises(Invalid):
            make_round(session, workshop, **kwargs)
    with pytest.raises(NotFound):
        make_round(session, workshop, source_round_id=99999, top=2)


def test_status_moves_only_forward_or_reopens(session, voting):
    workshop, vote_round, _, _ = voting
    with pytest.raises(Conflict):
        votes.set_status(session, workshop, vote_round.id, "revealed")
    votes.set_status(session, workshop, vote_round.id, "closed")
    votes.set_status(session, workshop, vote_round.id, "open")
    votes.set_status(session, workshop, vote_round.id, "closed")
    votes.set_status(session, workshop, vote_round.id, "revealed")
    with pytest.raises(Conflict):
        votes.set_status(session, workshop, vote_round.id, "open")


def test_progress_and_results_are_aggregates(session, voting):
    workshop, vote_round, made, person = voting
    other = join_workshop(session, workshop)[0]
    join_workshop(session, workshop)
    ballots.set_dots(session, workshop, person, vote_round.id, made[1].id, 3)
    ballots.set_dots(session, workshop, other, vote_round.id, made[1].id, 1)
    ballots.set_dots(session, workshop, other, vote_round.id, made[2].id, 3)
    assert votes.turnout(session, workshop, vote_round) == votes.Turnout(2, 3, 0, 0)
    results = votes.round_results(session, vote_round)
    assert [(r.goal, r.dots, r.rank) for r in results][:2] == [
        (made[1].id, 4, 1),
        (made[2].id, 3, 2),
    ]


def test_two_tabs_racing_never_exceed_the_budget(session, voting):
    """Real threads with their own sessions: the participant lock keeps the budget."""
    workshop, vote_round, made, person = voting
    factory = sessionmaker(session.get_bind(), expire_on_commit=False)
    start = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def tab(n: int) -> None:
        with factory() as db:
            mine = db.get(Workshop, workshop.id)
            me = db.get(Participant, person.id)
            start.wait(10)
            try:
                ballots.set_dots(db, mine, me, vote_round.id, made[n % 4].id, 2)
                db.commit()
                result = "ok"
            except Conflict as error:
                db.rollback()
                result = error.code
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    session.expire_all()
    ballot = ballots.ballot(session, session.get(type(vote_round), vote_round.id), person.id)
    # Two goals of 2 dots fit the budget of 5, a third never does, whoever wins the race.
    assert sum(ballot.values()) == 4 and len(ballot) == 2
    assert set(outcomes) <= {"ok", "budget_exceeded"} and len(outcomes) == 8
    assert outcomes.count("budget_exceeded") >= 4
