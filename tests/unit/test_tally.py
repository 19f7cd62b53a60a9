import pytest

from workshop.services.tally import (
    competition_ranks,
    quadrant,
    rank_dots,
    tally_borda,
    tally_matrix,
)


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    assert competition_ranks({"a": 9, "b": 7, "c": 7, "d": 3}) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert competition_ranks({"a": 0, "b": 0}) == {"a": 1, "b": 1}
    assert competition_ranks({}) == {}


def test_dot_totals_are_ranked_and_shared_by_voters():
    results = rank_dots(["A", "B", "C", "D"], {"A": 5, "B": 5, "C": 5}, {"A": 2, "B": 2}, 3)
    assert [(r.goal, r.dots, r.rank) for r in results] == [
        ("A", 5, 1),
        ("B", 5, 1),
        ("C", 5, 1),
        ("D", 0, 4),
    ]
    assert results[0].voter_share == pytest.approx(2 / 3)
    assert results[-1].voter_share == 0


def test_totals_of_goals_outside_the_round_are_ignored():
    results = rank_dots(["A"], {"A": 1, "Z": 5}, {"A": 1, "Z": 1}, 1)
    assert [(r.goal, r.dots) for r in results] == [("A", 1)]


def test_no_votes_give_zero_everywhere():
    results = rank_dots(["A", "B"], {}, {}, 0)
    assert [(r.dots, r.rank, r.voter_share) for r in results] == [(0, 1, 0.0), (0, 1, 0.0)]


def test_borda_points_and_ranks():
    rankings = [["A", "B", "C"], ["B", "A", "C"], ["A", "C", "B"]]
    results = tally_borda(["A", "B", "C"], rankings)
    assert [(r.goal, r.points, r.rank) for r in results] == [("A", 5, 1), ("B", 3, 2), ("C", 1, 3)]


def test_borda_ignores_unknown_and_repeated_goals_and_partial_rankings_count():
    results = tally_borda(["A", "B", "C"], [["X", "B", "B", "A"]])
    assert {r.goal: r.points for r in results} == {"A": 1, "B": 2, "C": 0}


def test_matrix_averages_and_quadrants():
    ratings = [("A", 5, 4), ("A", 4, 5), ("B", 1, 2)]
    results = tally_matrix(["A", "B", "C"], ratings)
    assert [(r.goal, r.x, r.y, r.raters) for r in results] == [
        ("A", 4.5, 4.5, 2),
        ("B", 1.0, 2.0, 1),
        ("C", None, None, 0),
    ]
    assert [quadrant(r, 1, 5) for r in results] == ["high-high", "low-low", None]
