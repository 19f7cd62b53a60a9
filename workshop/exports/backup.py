"""The JSON backup of a whole workshop (docs/backup-format.md), and restoring one.

A backup holds what the workshop is made of, with ids that are local to the file, and nothing
secret: no join code, tokens, hashes, projector key, connections or processed commands. Ballots
are a shuffled ballot box per round without any link to a participant, and names (display
names, proxies' names, card authors) appear only when the workshop shows names.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Card, Goal, GoalReview, Participant, VoteRound, Workshop, utcnow
from ..services.backup_check import BALLOT_KEYS, FORMAT, VERSION, load_backup
from ..services.ballots import TABLES
from ..services.cards import all_cards
from ..services.clusters import clusters
from ..services.goals import goals
from ..services.plans import PLAN_FIELDS
from ..services.restore import restore_workshop
from ..services.views import iso
from ..services.votes import rounds, shown_round_ids

__all__ = ["build_backup", "dumps", "load_backup", "restore_backup"]

#: Shuffles the ballot box: its order must not follow the order in which people joined.
_shuffle = random.SystemRandom().shuffle


def _local_ids(rows: Iterable[Any]) -> dict[int, int]:
    """Database id → backup-local id (1, 2, 3 … in the given order)."""
    return {row.id: index for index, row in enumerate(rows, start=1)}


def backup_kind(kind: str) -> str:
    """The kind a participant has in a backup: somebody who left stays a (nameless) phone's
    participant, so their cards and settled ballots restore like everybody else's."""
    return "phone" if kind == "left" else kind


def build_backup(session: Session, workshop: Workshop) -> dict[str, Any]:
    """The whole workshop as JSON-ready data in the backup format."""
    names = workshop.card_names == "names"
    people = list(
        session.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop.id, Participant.kind != "paper")
            .order_by(Participant.id)
        )
    )
    # Creation order, so a restore keeps the order of equal positions.
    cards = sorted(all_cards(session, workshop), key=lambda card: card.id)
    all_clusters = clusters(session, workshop)
    all_goals = goals(session, workshop)
    all_rounds = rounds(session, workshop)
    ids = {
        "field": _local_ids(workshop.fields),
        "kind": _local_ids(workshop.kinds),
        "person": _local_ids(people),
        "cluster": _local_ids(all_clusters),
        "card": _local_ids(cards),
        "goal": _local_ids(all_goals),
        "round": _local_ids(all_rounds),
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso(utcnow()),
        "workshop": {
            "title": workshop.title,
            "event_date": iso(workshop.event_date),
            "place": workshop.place,
            "description": workshop.description,
            "moderation": workshop.moderation,
            "language": workshop.language,
            "template": workshop.template,
            "phase": workshop.phase,
            "created_at": iso(workshop.created_at),
            "settings": _settings(workshop, ids),
            "fields": [{"id": ids["field"][f.id], "name": f.name} for f in workshop.fields],
            "kinds": [
                {"id": ids["kind"][k.id], "name": k.name, "color": k.color} for k in workshop.kinds
            ],
            "participants": [_person(workshop, person, ids, names) for person in people],
            "clusters": [
                {
                    "id": ids["cluster"][cluster.id],
                    "name": cluster.name,
                    "field": ids["field"].get(cluster.field_id),
                }
                for cluster in all_clusters
            ],
            "cards": [_card(card, ids, names) for card in cards],
            "goals": _goals(session, all_goals, ids),
            "rounds": _rounds(session, workshop, all_rounds, ids),
        },
    }


def _settings(workshop: Workshop, ids: dict[str, dict[int, int]]) -> dict[str, Any]:
    return {
        "card_names": workshop.card_names,
        "show_authors": workshop.show_authors,
        "collect_locked": workshop.collect_locked,
        "grouping": workshop.grouping,
        "shown_rounds": [
            ids["round"][round_id]
            for round_id in shown_round_ids(workshop)
            if round_id in ids["round"]
        ],
        "results_field": ids["field"].get(workshop.results_field_id),
        "spotlight_card": ids["card"].get(workshop.spotlight_card_id),
    }


def _person(
    workshop: Workshop, person: Participant, ids: dict[str, dict[int, int]], names: bool
) -> dict[str, Any]:
    """A phone's participant or a proxy: what the report needs, the name only if shown."""
    if workshop.grouping == "field":
        group = ids["field"].get(person.group_field_id)
    elif workshop.grouping == "goal":
        group = ids["goal"].get(person.group_goal_id)
    else:
        group = None
    entry: dict[str, Any] = {
        "id": ids["person"][person.id],
        "kind": backup_kind(person.kind),
        "organisation": person.organisation,
        "group": group,
    }
    if names:
        entry["display_name"] = person.display_name
    return entry


def _card(card: Card, ids: dict[str, dict[int, int]], names: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": ids["card"][card.id],
        "field": ids["field"][card.field_id],
        "kind": ids["kind"][card.kind_id],
        "text": card.text,
        "created_at": iso(card.created_at),
        "by_moderator": card.author_id is None,
        "moderator_edited_at": iso(card.moderator_edited_at),
        "hidden": card.hidden,
        "deleted_at": iso(card.deleted_at),
        "merged_into": ids["card"].get(card.merged_into_id),
        "cluster": ids["cluster"].get(card.cluster_id),
        "position": card.position,
        "supports": len(card.supports),
    }
    if names:
        entry["author"] = ids["person"].get(card.author_id)
    return entry


def _goals(
    session: Session, all_goals: list[Goal], ids: dict[str, dict[int, int]]
) -> list[dict[str, Any]]:
    reviews: dict[int, list[GoalReview]] = defaultdict(list)
    for review in session.scalars(
        select(GoalReview)
        .where(GoalReview.goal_id.in_(list(ids["goal"])))
        # By light and text, not by time or reviewer, so the order tells nobody who wrote which.
        .order_by(GoalReview.goal_id, GoalReview.light, GoalReview.comment, GoalReview.id)
    ):
        reviews[review.goal_id].append(review)
    return [
        {
            "id": ids["goal"][goal.id],
            "title": goal.title,
            "description": goal.description,
            "field": ids["field"].get(goal.field_id),
            "cluster": ids["cluster"].get(goal.cluster_id),
            "cards": [
                ids["card"][link.card_id] for link in sorted(goal.cards, key=lambda link: link.id)
            ],
            "created_at": iso(goal.created_at),
            "priority": goal.priority,
            "decision_note": goal.decision_note,
            **{name: getattr(goal, name) for name in PLAN_FIELDS},
            "status": goal.status,
            "previous_goal_id": goal.previous_goal_id,
            "measures": [
                {
                    "text": measure.text,
                    "owner": measure.owner,
                    "due": measure.due,
                    "status": measure.status,
                    "created_at": iso(measure.created_at),
                }
                for measure in goal.measures
            ],
            "reviews": [
                {"light": r.light, "comment": r.comment, "created_at": iso(r.created_at)}
                for r in reviews[goal.id]
            ],
        }
        for goal in all_goals
    ]


def _rounds(
    session: Session,
    workshop: Workshop,
    all_rounds: list[VoteRound],
    ids: dict[str, dict[int, int]],
) -> list[dict[str, Any]]:
    voters = {
        voter: backup_kind(kind)
        for voter, kind in session.execute(
            select(Participant.id, Participant.kind).where(Participant.workshop_id == workshop.id)
        )
    }
    paper = Counter(
        session.scalars(
            select(Participant.round_id).where(
                Participant.workshop_id == workshop.id, Participant.kind == "paper"
            )
        )
    )
    return [
        {
            "id": ids["round"][vote_round.id],
            "title": vote_round.title,
            "method": vote_round.method,
            "status": vote_round.status,
            "budget": vote_round.budget,
            "max_per_goal": vote_round.max_per_goal,
            "scale_min": vote_round.scale_min,
            "scale_max": vote_round.scale_max,
            "label_x": vote_round.label_x,
            "label_y": vote_round.label_y,
            "live_results": vote_round.live_results,
            "source_round": ids["round"].get(vote_round.source_round_id),
            "created_at": iso(vote_round.created_at),
            "goals": [ids["goal"][link.goal_id] for link in vote_round.goals],
            "paper_ballots": paper[vote_round.id],
            "ballots": _ballot_box(session, vote_round, voters, ids["goal"]),
        }
        for vote_round in all_rounds
    ]


def _ballot_box(
    session: Session, vote_round: VoteRound, voters: dict[int, str], goal_ids: dict[int, int]
) -> list[dict[str, Any]]:
    """The round's ballots, one per voter, shuffled and without anything that names the voter.

    Only the voter's kind (phone, proxy, paper) stays, so a restore counts turnout as the app
    does; no key links a ballot to a participant or to the same voter's other ballots.
    """
    table = TABLES[vote_round.method]
    order = {link.goal_id: index for index, link in enumerate(vote_round.goals)}
    by_voter: dict[int, list[Any]] = defaultdict(list)
    for row in session.scalars(select(table).where(table.round_id == vote_round.id)):
        by_voter[row.participant_id].append(row)
    box = []
    for voter, rows in by_voter.items():
        entries = _ballot_entries(vote_round.method, rows, order, goal_ids)
        if entries:
            box.append({"voter": voters[voter], BALLOT_KEYS[vote_round.method]: entries})
    _shuffle(box)
    return box


def _ballot_entries(
    method: str, rows: list[Any], order: dict[int, int], goal_ids: dict[int, int]
) -> list[Any]:
    if method == "ranking":
        return [goal_ids[row.goal_id] for row in sorted(rows, key=lambda row: row.place)]
    rows = sorted(rows, key=lambda row: order.get(row.goal_id, len(order)))
    if method == "matrix":
        return [{"goal": goal_ids[row.goal_id], "x": row.x, "y": row.y} for row in rows]
    # A goal whose dots were taken back keeps a row with 0: not part of the ballot.
    return [{"goal": goal_ids[row.goal_id], "dots": row.dots} for row in rows if row.dots]


def dumps(data: dict[str, Any]) -> str:
    """The backup as readable UTF-8 JSON text (umlauts and emoji stay as they are)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def restore_backup(session: Session, data: object) -> tuple[Workshop, str]:
    """Restore parsed backup data as a new workshop; return it with its moderator token.

    Raises ``Invalid`` (nothing written once the caller rolls back) for a bad file.
    """
    return restore_workshop(session, data)
