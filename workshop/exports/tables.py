"""The workshop as tables, one per kind of thing: the common source of XLSX, CSV and Markdown.

Every value keeps its type (int, float, date, datetime, str; None for "not applicable"), so
each writer formats it the way its format expects. Only aggregates of votes appear, authors'
names only when the workshop shows names, and no secret (token, projector key) at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Protocol

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ..i18n import plan_status_labels
from ..models import Card, Cluster, Goal, VoteRound, Workshop
from ..services.cards import all_cards
from ..services.clusters import clusters
from ..services.goals import goals
from ..services.tally import BordaResult, DotResult, MatrixResult
from ..services.votes import Result, round_results, rounds, turnout

Value = str | int | float | date | datetime | None
#: Rounds whose results leave the workshop: counted and closed (revealed or not yet).
COUNTED_STATUSES: tuple[str, ...] = ("closed", "revealed")
#: German letters spelled out before accents are dropped ("Übergang" → "Uebergang").
_SPELLED_OUT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


@dataclass(frozen=True)
class Column:
    """A column: its header in the export's language and the kind of its values: "int",
    "float", "percent" (a share 0…1), "date", "datetime" (UTC), "text", or "long" (wraps)."""

    header: str
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    """One kind of thing as rows; ``key`` names its sheet or file in every language."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Value, ...]]


@dataclass(frozen=True)
class WorkingGroup:
    """The goals one working group carries out; ``name`` "" holds the goals without a group."""

    name: str
    label: str
    goals: list[Goal]


def plan_status_label(status: str) -> str:
    """The translated name of a goal's or measure's status."""
    return plan_status_labels().get(status, status)


def method_label(method: str) -> str:
    """The translated name of a voting method."""
    labels = {"dots": _("Dots"), "matrix": _("Impact × feasibility"), "ranking": _("Ranking")}
    return labels.get(method, method)


def round_status_label(status: str) -> str:
    """The translated name of a round's status."""
    labels = {
        "draft": _("prepared"),
        "open": _("open"),
        "closed": _("closed"),
        "revealed": _("revealed"),
    }
    return labels.get(status, status)


class _HasId(Protocol):
    id: int


class Numbers:
    """Numbers people can refer to (1, 2, 3 … per workshop) instead of database ids."""

    def __init__(self, items: Sequence[_HasId]) -> None:
        self._by_id = {item.id: number for number, item in enumerate(items, start=1)}

    def __call__(self, item_id: int | None) -> int | None:
        return None if item_id is None else self._by_id.get(item_id)


@dataclass
class Snapshot:
    """What every table is made from, loaded once per export."""

    workshop: Workshop
    cards: list[Card]
    clusters: list[Cluster]
    goals: list[Goal]
    rounds: list[VoteRound]
    card_no: Numbers
    cluster_no: Numbers
    goal_no: Numbers
    round_no: Numbers

    @classmethod
    def load(cls, session: Session, workshop: Workshop) -> Snapshot:
        """Cards the moderator deleted stay out: they are kept only so they can be restored."""
        field_order = {field.id: field.position for field in workshop.fields}
        kind_order = {kind.id: kind.position for kind in workshop.kinds}
        kept = [card for card in all_cards(session, workshop) if card.deleted_at is None]
        kept.sort(
            key=lambda c: (field_order.get(c.field_id, 0), kind_order.get(c.kind_id, 0), c.id)
        )
        all_clusters = clusters(session, workshop)
        all_goals = goals(session, workshop)
        all_rounds = rounds(session, workshop)
        return cls(
            workshop=workshop,
            cards=kept,
            clusters=all_clusters,
            goals=all_goals,
            rounds=all_rounds,
            card_no=Numbers(kept),
            cluster_no=Numbers(all_clusters),
            goal_no=Numbers(all_goals),
            round_no=Numbers(all_rounds),
        )

    @cached_property
    def _field_names(self) -> dict[int, str]:
        return {field.id: field.name for field in self.workshop.fields}

    @cached_property
    def _kind_names(self) -> dict[int, str]:
        return {kind.id: kind.name for kind in self.workshop.kinds}

    @cached_property
    def _cluster_names(self) -> dict[int, str]:
        return {cluster.id: cluster.name or _("Unnamed cluster") for cluster in self.clusters}

    def field_name(self, field_id: int | None) -> str:
        """The action field's name; goals and clusters without one are across fields."""
        if field_id is None:
            return _("Across action fields")
        return self._field_names.get(field_id, "")

    def kind_name(self, kind_id: int) -> str:
        return self._kind_names.get(kind_id, "")

    def cluster_name(self, cluster_id: int | None) -> str:
        """The cluster's name ("" for none; unnamed clusters are called so)."""
        return "" if cluster_id is None else self._cluster_names.get(cluster_id, "")

    def source_cards(self, goal: Goal) -> list[int]:
        """The numbers of a goal's source cards that are still in the export, in order."""
        numbers = (self.card_no(link.card_id) for link in goal.cards)
        return sorted(number for number in numbers if number is not None)


def _card_state(card: Card) -> str:
    if card.merged_into_id is not None:
        return _("merged")
    return _("hidden") if card.hidden else _("visible")


def cards_table(snapshot: Snapshot) -> Table:
    """Every card that was not deleted, with its place, state and support (+1) count."""
    names = snapshot.workshop.card_names == "names"
    columns = [
        Column(_("No."), "int"),
        Column(_("Action field")),
        Column(_("Kind of card")),
        Column(_("Text"), "long"),
        Column(_("Cluster")),
        Column(_("Supports (+1)"), "int"),
        Column(_("State")),
        Column(_("Merged into No."), "int"),
    ]
    if names:
        columns.append(Column(_("Author")))
    columns.append(Column(_("Created (UTC)"), "datetime"))
    rows = []
    for card in snapshot.cards:
        row: list[Value] = [
            snapshot.card_no(card.id),
            snapshot.field_name(card.field_id),
            snapshot.kind_name(card.kind_id),
            card.text,
            snapshot.cluster_name(card.cluster_id),
            len(card.supports),
            _card_state(card),
            snapshot.card_no(card.merged_into_id),
        ]
        if names:
            row.append(card.author.display_name if card.author else "")
        row.append(card.created_at)
        rows.append(tuple(row))
    return Table("cards", _("Cards"), tuple(columns), rows)


def clusters_table(snapshot: Snapshot) -> Table:
    """The themes with their action field and how many cards each holds."""
    in_cluster = Counter(
        card.cluster_id for card in snapshot.cards if card.is_visible and card.cluster_id
    )
    columns = (
        Column(_("No."), "int"),
        Column(_("Cluster")),
        Column(_("Action field")),
        Column(_("Cards"), "int"),
    )
    rows: list[tuple[Value, ...]] = [
        (
            snapshot.cluster_no(cluster.id),
            cluster.name or _("Unnamed cluster"),
            snapshot.field_name(cluster.field_id),
            in_cluster[cluster.id],
        )
        for cluster in snapshot.clusters
    ]
    return Table("clusters", _("Clusters"), columns, rows)


def goals_table(snapshot: Snapshot) -> Table:
    """Every goal, voted on or not, traceable to its cluster and source cards, with its plan."""
    columns = (
        Column(_("No."), "int"),
        Column(_("Goal")),
        Column(_("Description"), "long"),
        Column(_("Action field")),
        Column(_("Cluster")),
        Column(_("Source cards"), "int"),
        Column(_("Source card numbers")),
        Column(_("Priority"), "int"),
        Column(_("Decision note"), "long"),
        Column(_("Working group")),
        Column(_("Lead")),
        Column(_("Target")),
        Column(_("Indicator of success"), "long"),
        Column(_("Status")),
        Column(_("Measures"), "int"),
    )
    rows = []
    for goal in snapshot.goals:
        sources = snapshot.source_cards(goal)
        rows.append(
            (
                snapshot.goal_no(goal.id),
                goal.title,
                goal.description,
                snapshot.field_name(goal.field_id),
                snapshot.cluster_name(goal.cluster_id),
                len(sources),
                ", ".join(str(number) for number in sources),
                goal.priority,
                goal.decision_note,
                goal.working_group,
                goal.lead,
                goal.target,
                goal.indicator,
                plan_status_label(goal.status),
                len(goal.measures),
            )
        )
    return Table("goals", _("Goals"), columns, rows)


def rounds_table(session: Session, snapshot: Snapshot) -> Table:
    """Every round with its settings and turnout (how many voted, never who)."""
    columns = (
        Column(_("No."), "int"),
        Column(_("Title")),
        Column(_("Method")),
        Column(_("Status")),
        Column(_("Goals"), "int"),
        Column(_("Dots per person"), "int"),
        Column(_("At most per goal"), "int"),
        Column(_("Scale from"), "int"),
        Column(_("Scale to"), "int"),
        Column(_("First scale")),
        Column(_("Second scale")),
        Column(_("From round No."), "int"),
        Column(_("Voted"), "int"),
        Column(_("Could vote"), "int"),
        Column(_("By proxy"), "int"),
        Column(_("On paper"), "int"),
        Column(_("Created (UTC)"), "datetime"),
    )
    rows = []
    for vote_round in snapshot.rounds:
        dots = vote_round.method == "dots"
        matrix = vote_round.method == "matrix"
        counted = turnout(session, snapshot.workshop, vote_round)
        rows.append(
            (
                snapshot.round_no(vote_round.id),
                vote_round.title,
                method_label(vote_round.method),
                round_status_label(vote_round.status),
                len(vote_round.goals),
                vote_round.budget if dots else None,
                vote_round.max_per_goal if dots else None,
                vote_round.scale_min if matrix else None,
                vote_round.scale_max if matrix else None,
                vote_round.label_x if matrix else None,
                vote_round.label_y if matrix else None,
                snapshot.round_no(vote_round.source_round_id),
                counted.voted,
                counted.eligible,
                counted.proxy,
                counted.paper,
                vote_round.created_at,
            )
        )
    return Table("rounds", _("Voting rounds"), columns, rows)


def counted_results(session: Session, snapshot: Snapshot) -> list[tuple[VoteRound, list[Result]]]:
    """The results of the closed and revealed rounds; open and prepared ones have none yet."""
    return [
        (vote_round, round_results(session, vote_round))
        for vote_round in snapshot.rounds
        if vote_round.status in COUNTED_STATUSES
    ]


def results_table(session: Session, snapshot: Snapshot) -> Table:
    """One row per counted round and goal: rank (ties shared) and the method's aggregates."""
    columns = (
        Column(_("Round No."), "int"),
        Column(_("Round")),
        Column(_("Method")),
        Column(_("Goal No."), "int"),
        Column(_("Goal")),
        Column(_("Rank"), "int"),
        # Distinct names: German says "Punkte" for both dots and points.
        Column(_("Dots given"), "int"),
        Column(_("Share of voters"), "percent"),
        Column(_("Borda points"), "int"),
        Column(_("First scale (mean)"), "float"),
        Column(_("Second scale (mean)"), "float"),
        Column(_("Ratings"), "int"),
    )
    titles = {goal.id: goal.title for goal in snapshot.goals}
    rows = []
    for vote_round, results in counted_results(session, snapshot):
        for result in results:
            dots = result if isinstance(result, DotResult) else None
            borda = result if isinstance(result, BordaResult) else None
            matrix = result if isinstance(result, MatrixResult) else None
            rows.append(
                (
                    snapshot.round_no(vote_round.id),
                    vote_round.title,
                    method_label(vote_round.method),
                    snapshot.goal_no(int(result.goal)),  # type: ignore[call-overload]
                    titles.get(result.goal, ""),  # type: ignore[call-overload]
                    result.rank,
                    dots.dots if dots else None,
                    round(dots.voter_share, 4) if dots else None,
                    borda.points if borda else None,
                    matrix.x if matrix else None,
                    matrix.y if matrix else None,
                    matrix.raters if matrix else None,
                )
            )
    return Table("results", _("Results"), columns, rows)


def measures_table(snapshot: Snapshot) -> Table:
    """Every measure of every goal, with the goal's working group for filtering."""
    columns = (
        Column(_("Goal No."), "int"),
        Column(_("Goal")),
        Column(_("Working group")),
        Column(_("No."), "int"),
        Column(_("Measure"), "long"),
        Column(_("Responsible")),
        Column(_("By when")),
        Column(_("Status")),
    )
    rows: list[tuple[Value, ...]] = [
        (
            snapshot.goal_no(goal.id),
            goal.title,
            goal.working_group,
            number,
            measure.text,
            measure.owner,
            measure.due,
            plan_status_label(measure.status),
        )
        for goal in snapshot.goals
        for number, measure in enumerate(goal.measures, start=1)
    ]
    return Table("measures", _("Measures"), columns, rows)


def workshop_tables(session: Session, workshop: Workshop, language: str) -> list[Table]:
    """All tables of a workshop, headers and labels in ``language``."""
    with force_locale(language):
        snapshot = Snapshot.load(session, workshop)
        return [
            cards_table(snapshot),
            clusters_table(snapshot),
            goals_table(snapshot),
            rounds_table(session, snapshot),
            results_table(session, snapshot),
            measures_table(snapshot),
        ]


def planned_goals(session: Session, workshop: Workshop) -> list[Goal]:
    """The goals a plan covers: confirmed ones, and any other that already has a group or
    measures, by priority and then in the goals' order."""
    chosen = [
        goal
        for goal in goals(session, workshop)
        if goal.priority is not None or goal.working_group or goal.measures
    ]
    return sorted(chosen, key=lambda g: (g.priority is None, g.priority or 0, g.position, g.id))


def working_groups(session: Session, workshop: Workshop, language: str) -> list[WorkingGroup]:
    """The planned goals per working group, groups by name; goals without one come last."""
    by_name: dict[str, list[Goal]] = {}
    for goal in planned_goals(session, workshop):
        by_name.setdefault(goal.working_group, []).append(goal)
    with force_locale(language):
        none_label = _("no working group")
    named = sorted((name for name in by_name if name), key=str.casefold)
    groups = [WorkingGroup(name, name, by_name[name]) for name in named]
    if "" in by_name:
        groups.append(WorkingGroup("", none_label, by_name[""]))
    return groups


def goal_number(session: Session, workshop: Workshop) -> Numbers:
    """The numbers the goals carry in every table of this workshop."""
    return Numbers(goals(session, workshop))


def ascii_slug(text: str, fallback: str, limit: int = 60) -> str:
    """A file-name part that every system and mail program keeps: ASCII letters, digits, "-"."""
    plain = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
    # Accents go; anything else that is not an ASCII letter or digit separates words.
    letters = "".join(ch for ch in plain if unicodedata.category(ch) != "Mn")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", letters).strip("-").lower()[:limit].strip("-")
    return slug or fallback
