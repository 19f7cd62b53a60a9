"""Counting votes: pure functions over ballots, so every method is tested without a database.

Only aggregates leave these functions: totals, ranks, averages, shares. Nothing here knows or
returns who voted how.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import mean

Key = Hashable


def competition_ranks(scores: Mapping[Key, float]) -> dict[Key, int]:
    """Ranks by descending score with shared ranks for ties (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    first_place = {}
    for index, score in enumerate(ordered):
        first_place.setdefault(score, index + 1)
    return {key: first_place[score] for key, score in scores.items()}


@dataclass(frozen=True)
class DotResult:
    """Dots per goal, the goal's rank, and the share of voters who gave it any dot."""

    goal: Key
    dots: int
    rank: int
    voter_share: float


def rank_dots(
    goals: Sequence[Key], totals: Mapping[Key, int], supporters: Mapping[Key, int], voters: int
) -> list[DotResult]:
    """Rank the dot totals of ``goals``, best first, ties sharing a rank.

    The database sums the ballots (a big room's tally is pushed several times a second):
    ``totals`` are the dots per goal, ``supporters`` the voters who gave a goal any dot, and
    ``voters`` those who gave any dot at all.
    """
    totals = {goal: totals.get(goal, 0) for goal in goals}
    ranks = competition_ranks(totals)
    results = [
        DotResult(
            goal, totals[goal], ranks[goal], supporters.get(goal, 0) / voters if voters else 0.0
        )
        for goal in goals
    ]
    return sorted(results, key=lambda r: (r.rank, goals.index(r.goal)))


@dataclass(frozen=True)
class BordaResult:
    goal: Key
    points: int
    rank: int


def tally_borda(goals: Sequence[Key], rankings: Iterable[Sequence[Key]]) -> list[BordaResult]:
    """Borda count: with n goals, a first place earns n-1 points, the last 0.

    A ranking that leaves goals out gives the unranked ones no points; unknown or repeated
    goals in a ranking are ignored after their first appearance.
    """
    points = {goal: 0 for goal in goals}
    top = len(goals) - 1
    for ranking in rankings:
        seen: set[Key] = set()
        place = 0
        for goal in ranking:
            if goal in points and goal not in seen:
                points[goal] += top - place
                seen.add(goal)
                place += 1
    ranks = competition_ranks(points)
    results = [BordaResult(goal, points[goal], ranks[goal]) for goal in goals]
    return sorted(results, key=lambda r: (r.rank, goals.index(r.goal)))


@dataclass(frozen=True)
class MatrixResult:
    """Average impact (x) and feasibility (y) of a goal, how many rated it, and its rank.

    The rank orders goals by the mean of both averages (high impact and easy to do first);
    goals nobody rated share the last rank.
    """

    goal: Key
    x: float | None
    y: float | None
    raters: int
    rank: int


def tally_matrix(
    goals: Sequence[Key], ratings: Iterable[tuple[Key, float, float]]
) -> list[MatrixResult]:
    """Average the (goal, x, y) ratings per goal; goals nobody rated have no position."""
    collected: dict[Key, list[tuple[float, float]]] = {goal: [] for goal in goals}
    for goal, x, y in ratings:
        if goal in collected:
            collected[goal].append((x, y))
    averages: dict[Key, tuple[float, float] | None] = {
        goal: (round(mean(p[0] for p in pairs), 2), round(mean(p[1] for p in pairs), 2))
        if pairs
        else None
        for goal, pairs in collected.items()
    }
    # Ranked by the averages shown; unrated goals score below any rating and share the last rank.
    ranks = competition_ranks(
        {goal: (xy[0] + xy[1]) / 2 if xy else float("-inf") for goal, xy in averages.items()}
    )
    results = []
    for goal in goals:
        xy = averages[goal]
        x, y = xy if xy else (None, None)
        results.append(MatrixResult(goal, x, y, len(collected[goal]), ranks[goal]))
    return sorted(results, key=lambda r: (r.rank, goals.index(r.goal)))


def quadrant(result: MatrixResult, scale_min: float, scale_max: float) -> str | None:
    """Which quadrant of the 2×2 matrix a goal falls in ("high-high" = quick wins first)."""
    if result.x is None or result.y is None:
        return None
    middle = (scale_min + scale_max) / 2
    return f"{'high' if result.x >= middle else 'low'}-{'high' if result.y >= middle else 'low'}"
