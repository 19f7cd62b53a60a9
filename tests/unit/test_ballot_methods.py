"""Impact × feasibility and ranking rounds, rounds from an earlier result, proxies and paper."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from workshop.models import Participant, RankVote, Workshop
from workshop.services import ballots, goals, stand_ins, votes
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.participants import count_participants, join_workshop
from workshop.services.workshops import set_phase


def make_round(session, workshop, **settings):
    return votes.create_round(session, workshop, votes.RoundSettings(**settings))[0]


def opened(session, workshop, **settings):
    vote_round = make_round(session, workshop, **settings)
    votes.set_status(session, workshop, vote_round.id, "open")
    return vote_round


@pytest.fixture
def room(session, workshop):
    """Five goals and three people with phones."""
    set_phase(session, workshop, "goals")
    made = [goals.create_goal(session, workshop, f"Ziel {n}")[0] for n in range(5)]
    set_phase(session, workshop, "vote")
    people = [join_workshop(session, workshop)[0] for _ in range(3)]
    session.commit()
    return workshop, [g.id for g in made], people


def test_matrix_ratings_average_per_axis_and_count_only_complete_pairs(session, room):
    workshop, ids, (a, b, c) = room
    vote_round = opened(session, workshop, method="matrix", label_x="Wirkung")
    assert (vote_round.label_x, vote_round.label_y) == ("Wirkung", "Umsetzbarkeit")
    ballots.set_rating(session, workshop, a, vote_round.id, ids[0], "x", 5)
    assert ballots.set_rating(session, workshop, a, vote_round.id, ids[0], "y", 4) == {
        ids[0]: [5, 4]
    }
    ballots.set_rating(session, workshop, b, vote_round.id, ids[0], "x", 4)
    ballots.set_rating(session, workshop, b, vote_round.id, ids[0], "y", 5)
    ballots.set_rating(session, workshop, b, vote_round.id, ids[1], "x", 1)
    # c rated only one axis: not counted, not a voter yet.
    ballots.set_rating(session, workshop, c, vote_round.id, ids[2], "x", 5)
    results = {r.goal: r for r in votes.round_results(session, vote_round)}
    assert (results[ids[0]].x, results[ids[0]].y, results[ids[0]].raters) == (4.5, 4.5, 2)
    assert results[ids[0]].rank == 1
    assert results[ids[1]].raters == 0 and results[ids[2]].x is None
    assert votes.turnout(session, workshop, vote_round).voted == 2
    # Taking a rating back removes it.
    assert ballots.set_rating(session, workshop, c, vote_round.id, ids[2], "x", None) == {}


@pytest.mark.parametrize(
    ("axis", "value", "code"),
    [
        ("x", 0, "bad_rating"),
        ("y", 6, "bad_rating"),
        ("x", True, "bad_rating"),
        ("z", 3, "bad_axis"),
    ],
)
def test_bad_ratings_change_nothing(session, room, axis, value, code):
    workshop, ids, (a, _, _) = room
    vote_round = opened(session, workshop, method="matrix")
    with pytest.raises(Invalid) as caught:
        ballots.set_rating(session, workshop, a, vote_round.id, ids[0], axis, value)
    assert caught.value.code == code
    assert ballots.ballot(session, vote_round, a.id) == {}


def test_a_ballot_must_fit_the_rounds_method(session, room):
    workshop, ids, (a, _, _) = room
    vote_round = opened(session, workshop, method="ranking")
    with pytest.raises(Invalid) as caught:
        ballots.set_dots(session, workshop, a, vote_round.id, ids[0], 1)
    assert caught.value.code == "wrong_method"


def test_ranking_is_a_full_order_and_counted_by_borda(session, room):
    workshop, ids, (a, b, c) = room
    three = ids[:3]
    vote_round = opened(session, workshop, method="ranking", goal_ids=three)
    ballots.set_ranking(session, workshop, a, vote_round.id, [three[0], three[1], three[2]])
    ballots.set_ranking(session, workshop, b, vote_round.id, [three[1], three[0], three[2]])
    assert ballots.set_ranking(
        session, workshop, c, vote_round.id, [three[0], three[2], three[1]]
    ) == [
        three[0],
        three[2],
        three[1],
    ]
    results = votes.round_results(session, vote_round)
    # Points: first 2, second 1, last 0 → A 2+1+2, B 1+2+0, C 0+0+1.
    assert [(r.goal, r.points, r.rank) for r in results] == [
        (three[0], 5, 1),
        (three[1], 3, 2),
        (three[2], 1, 3),
    ]
    for bad in ([three[0]], [three[0], three[0], three[1]], [three[0], three[1], ids[4]]):
        with pytest.raises(Invalid):
            ballots.set_ranking(session, workshop, a, vote_round.id, bad)
    assert ballots.ballot(session, vote_round, a.id) == three
    # An empty order withdraws the ranking.
    assert ballots.set_ranking(session, workshop, a, vote_round.id, []) == []
    assert votes.turnout(session, workshop, vote_round).voted == 2


def test_two_tabs_racing_leave_one_whole_ranking(session, room):
    """Real threads: each tab replaces the ranking; the participant lock keeps it whole."""
    workshop, ids, (a, _, _) = room
    vote_round = opened(session, workshop, method="ranking")
    session.commit()
    factory = sessionmaker(session.get_bind(), expire_on_commit=False)
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def tab(n: int) -> None:
        order = ids[n % len(ids) :] + ids[: n % len(ids)]
        with factory() as db:
            mine = db.get(Workshop, workshop.id)
            me = db.get(Participant, a.id)
            start.wait(10)
            try:
                ballots.set_ranking(db, mine, me, vote_round.id, order)
                db.commit()
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    session.expire_all()
    rows = session.scalar(
        select(func.count()).select_from(RankVote).where(RankVote.participant_id == a.id)
    )
    assert rows == len(ids)
    assert sorted(ballots.ballot(session, vote_round, a.id)) == sorted(ids)


def test_a_round_starts_from_the_top_of_an_earlier_one_ties_included(session, room):
    workshop, ids, (a, b, _) = room
    dots = opened(session, workshop, budget=6)
    ballots.set_dots(session, workshop, a, dots.id, ids[0], 3)
    ballots.set_dots(session, workshop, a, dots.id, ids[1], 2)
    ballots.set_dots(session, workshop, b, dots.id, ids[2], 2)
    # ids[0]: 3, ids[1]: 2, ids[2]: 2 → top 2 keeps the tie: three goals.
    with pytest.raises(Conflict) as caught:
        make_round(session, workshop, method="matrix", source_round_id=dots.id, top=2)
    assert caught.value.code == "round_not_closed"
    votes.set_status(session, workshop, dots.id, "closed")
    matrix = make_round(session, workshop, method="matrix", source_round_id=dots.id, top=2)
    assert [g.goal_id for g in matrix.goals] == [ids[0], ids[1], ids[2]]
    assert matrix.source_round_id == dots.id
    top_one = make_round(session, workshop, method="dots", source_round_id=dots.id, top=1)
    assert [g.goal_id for g in top_one.goals] == [ids[0]]
    for top in (0, 6, None):
        with pytest.raises(Invalid):
            make_round(session, workshop, source_round_id=dots.id, top=top)


def test_proxies_and_paper_ballots_vote_under_the_same_rules_and_are_counted(session, room):
    workshop, ids, (a, _, _) = room
    vote_round = opened(session, workshop, budget=3, max_per_goal=2)
    proxy, _ = stand_ins.create_proxy(session, workshop, "Frau Schulte", "Schulamt")
    paper, _ = stand_ins.create_paper_ballot(session, workshop, vote_round.id)
    assert count_participants(session, workshop.id) == 3  # phones only
    ballots.set_dots(session, workshop, a, vote_round.id, ids[0], 2)
    ballots.set_dots(session, workshop, proxy, vote_round.id, ids[0], 2)
    ballots.set_dots(session, workshop, paper, vote_round.id, ids[1], 2)
    with pytest.raises(Conflict):
        ballots.set_dots(session, workshop, paper, vote_round.id, ids[2], 2)
    assert votes.turnout(session, workshop, vote_round) == votes.Turnout(3, 5, 1, 1)
    results = votes.round_results(session, vote_round)
    assert (results[0].goal, results[0].dots) == (ids[0], 4)
    # A paper ballot belongs to its round only; a proxy counts in every round.
    later = make_round(session, workshop, goal_ids=ids[:2])
    assert votes.turnout(session, workshop, later).eligible == 4
    votes.set_status(session, workshop, vote_round.id, "closed")
    votes.set_status(session, workshop, later.id, "open")
    with pytest.raises(Invalid) as caught:
        ballots.set_dots(session, workshop, paper, later.id, ids[0], 1)
    assert caught.value.code == "paper_other_round"


def test_stand_ins_are_checked_and_kept_once_revealed(session, room, workshop):
    _, ids, (a, _, _) = room
    vote_round = opened(session, workshop)
    with pytest.raises(Invalid):
        stand_ins.create_proxy(session, workshop, "   ")
    with pytest.raises(NotFound):
        stand_ins.get_stand_in(session, workshop, a.id)  # a phone's participant is no stand-in
    paper, _ = stand_ins.create_paper_ballot(session, workshop, vote_round.id)
    second, _ = stand_ins.create_paper_ballot(session, workshop, vote_round.id)
    assert [stand_ins.paper_number(session, p) for p in (paper, second)] == [1, 2]
    ballots.set_dots(session, workshop, paper, vote_round.id, ids[0], 1)
    stand_ins.remove_stand_in(session, workshop, second.id)
    votes.set_status(session, workshop, vote_round.id, "closed")
    votes.set_status(session, workshop, vote_round.id, "revealed")
    with pytest.raises(Conflict):
        stand_ins.remove_stand_in(session, workshop, paper.id)
    with pytest.raises(Conflict):
        stand_ins.create_paper_ballot(session, workshop, vote_round.id)
    assert [v.id for v in stand_ins.stand_ins(session, workshop)] == [paper.id]
