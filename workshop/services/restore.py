"""Restoring a checked JSON backup as a new workshop, with its own join code, moderator token
and projector link.

Ballots, supports and reviews carry no participant in the file (docs/backup-format.md). They
are given to restored participants of the right kind, one ballot per voter in each round, which
reproduces every result, turnout and count without anybody knowing who voted how; paper ballots
are new paper voters of their round, as in the app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count, cycle

from sqlalchemy.orm import Session

from ..models import (
    ActionField,
    Card,
    CardKind,
    CardSupport,
    Cluster,
    DotVote,
    Goal,
    GoalCard,
    GoalReview,
    MatrixRating,
    Measure,
    Participant,
    RankVote,
    RoundGoal,
    VoteRound,
    Workshop,
    utcnow,
)
from .backup_check import Backup, BallotEntry, Json, check_backup
from .workshops import create_workshop

#: What a proxy restored without its name is called, numbered, in the workshop's language.
PROXY_LABELS = {"de": "Vertretung", "en": "Proxy"}


@dataclass
class _Ids:
    """The restored rows by backup-local id."""

    fields: dict[int, int] = field(default_factory=dict)
    kinds: dict[int, int] = field(default_factory=dict)
    people: dict[int, Participant] = field(default_factory=dict)
    clusters: dict[int, int] = field(default_factory=dict)
    cards: dict[int, int] = field(default_factory=dict)
    goals: dict[int, int] = field(default_factory=dict)
    rounds: dict[int, int] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Participant]:
        return [person for person in self.people.values() if person.kind == kind]


def restore_workshop(session: Session, data: Json) -> tuple[Workshop, str]:
    """Create a new workshop from a parsed backup; return it with its moderator token.

    The whole file is checked before the first row is written (``Invalid`` otherwise); the
    caller commits, or rolls back on any error.
    """
    backup = check_backup(data)
    workshop, token = create_workshop(session, backup.details, template="blank")
    _write_workshop(workshop, backup)
    workshop.fields = [
        ActionField(name=name, position=i) for i, name in enumerate(backup.fields.values())
    ]
    workshop.kinds = [
        CardKind(name=name, color=color, position=i)
        for i, (name, color) in enumerate(backup.kinds.values())
    ]
    session.flush()
    ids = _Ids(
        fields=dict(zip(backup.fields, (item.id for item in workshop.fields), strict=True)),
        kinds=dict(zip(backup.kinds, (item.id for item in workshop.kinds), strict=True)),
    )
    _write_people(session, workshop, backup, ids)
    _write_cards(session, workshop, backup, ids)
    _write_goals(session, workshop, backup, ids)
    _write_rounds(session, workshop, backup, ids)
    _write_settings(workshop, backup, ids)
    session.flush()
    return workshop, token


def _write_workshop(workshop: Workshop, backup: Backup) -> None:
    values = backup.values
    for name in ("template", "created_at", "card_names", "show_authors", "collect_locked"):
        setattr(workshop, name, values[name])
    workshop.grouping = values["grouping"]
    # The previous retreat is not in the backup, so the restored workshop is no follow-up and
    # has no look back ("recap"): it waits in the lobby instead.
    workshop.phase = "lobby" if values["phase"] == "recap" else values["phase"]
    # The retention period counts from the restore, not from the original closing.
    workshop.closed_at = utcnow() if workshop.phase == "closed" else None


def _write_people(session: Session, workshop: Workshop, backup: Backup, ids: _Ids) -> None:
    label = PROXY_LABELS.get(workshop.language, PROXY_LABELS["de"])
    proxies = count(1)
    for local, person in backup.people.items():
        name = person.display_name
        if person.kind == "proxy" and not name:
            # Without names the file leaves proxies nameless; the moderator votes for each by
            # name, so they are numbered instead.
            name = f"{label} {next(proxies)}"
        ids.people[local] = Participant(
            workshop_id=workshop.id,
            kind=person.kind,
            display_name=name,
            organisation=person.organisation,
        )
    session.add_all(ids.people.values())
    session.flush()


def _write_cards(session: Session, workshop: Workshop, backup: Backup, ids: _Ids) -> None:
    clusters = {
        local: Cluster(
            workshop_id=workshop.id,
            name=name,
            field_id=None if field_local is None else ids.fields[field_local],
            position=position,
        )
        for position, (local, (name, field_local)) in enumerate(backup.clusters.items())
    }
    session.add_all(clusters.values())
    session.flush()
    ids.clusters = {local: cluster.id for local, cluster in clusters.items()}
    phones = ids.of_kind("phone")
    # Without names the file does not say who wrote a card. A participant's card still needs a
    # participant as author (else it reads "by the moderator"): each gets one in turn.
    authors = cycle(phones)
    cards: dict[int, Card] = {}
    for local, entry in backup.cards.items():
        if entry.by_moderator:
            author = None
        elif entry.author is not None:
            author = ids.people[entry.author]
        else:
            author = next(authors)
        card = Card(
            workshop_id=workshop.id,
            field_id=ids.fields[entry.field],
            kind_id=ids.kinds[entry.kind],
            author_id=author.id if author else None,
            cluster_id=None if entry.cluster is None else ids.clusters[entry.cluster],
            **entry.values,
        )
        supporters = [person for person in phones if person is not author][: entry.supports]
        card.supports = [CardSupport(participant_id=person.id) for person in supporters]
        cards[local] = card
    session.add_all(cards.values())
    session.flush()
    ids.cards = {local: card.id for local, card in cards.items()}
    for local, card in cards.items():
        merged = backup.cards[local].merged_into
        if merged is not None:
            card.merged_into_id = ids.cards[merged]
    session.flush()


def _write_goals(session: Session, workshop: Workshop, backup: Backup, ids: _Ids) -> None:
    goals: dict[int, Goal] = {}
    for position, (local, entry) in enumerate(backup.goals.items()):
        goal = Goal(
            workshop_id=workshop.id,
            field_id=None if entry.field is None else ids.fields[entry.field],
            cluster_id=None if entry.cluster is None else ids.clusters[entry.cluster],
            position=position,
            **entry.values,
        )
        goal.cards = [GoalCard(card_id=ids.cards[card]) for card in entry.cards]
        goal.measures = [
            Measure(position=index, **measure) for index, measure in enumerate(entry.measures)
        ]
        goals[local] = goal
    session.add_all(goals.values())
    session.flush()
    ids.goals = {local: goal.id for local, goal in goals.items()}
    phones = ids.of_kind("phone")
    for local, entry in backup.goals.items():
        # One review per participant and goal: each review of a goal gets its own reviewer.
        session.add_all(
            GoalReview(goal_id=ids.goals[local], participant_id=reviewer.id, **review)
            for review, reviewer in zip(entry.reviews, phones, strict=False)
        )
    session.flush()


def _write_rounds(session: Session, workshop: Workshop, backup: Backup, ids: _Ids) -> None:
    rounds = {
        local: VoteRound(
            workshop_id=workshop.id,
            position=position,
            goals=[
                RoundGoal(goal_id=ids.goals[goal], position=index)
                for index, goal in enumerate(entry.goals)
            ],
            **entry.values,
        )
        for position, (local, entry) in enumerate(backup.rounds.items())
    }
    session.add_all(rounds.values())
    session.flush()
    ids.rounds = {local: vote_round.id for local, vote_round in rounds.items()}
    for local, entry in backup.rounds.items():
        vote_round = rounds[local]
        if entry.source is not None:
            vote_round.source_round_id = ids.rounds[entry.source]
        papers = [
            Participant(workshop_id=workshop.id, kind="paper", round_id=vote_round.id)
            for _ in range(entry.paper_ballots)
        ]
        session.add_all(papers)
        session.flush()
        # Each ballot of the round is one voter's; the check made sure there are enough.
        voters = {
            "phone": iter(ids.of_kind("phone")),
            "proxy": iter(ids.of_kind("proxy")),
            "paper": iter(papers),
        }
        for ballot in entry.ballots:
            session.add_all(_ballot_rows(vote_round, next(voters[ballot.voter]), ballot, ids))
    session.flush()


def _ballot_rows(
    vote_round: VoteRound, voter: Participant, ballot: BallotEntry, ids: _Ids
) -> Iterator[DotVote | MatrixRating | RankVote]:
    """The rows of one ballot, cast by the anonymous ``voter`` it was given to."""
    common = {"round_id": vote_round.id, "participant_id": voter.id}
    if vote_round.method == "ranking":
        for place, goal in enumerate(ballot.entries):
            yield RankVote(goal_id=ids.goals[goal], place=place, **common)
    elif vote_round.method == "matrix":
        for goal, x, y in ballot.entries:
            yield MatrixRating(goal_id=ids.goals[goal], x=x, y=y, **common)
    else:
        for goal, dots in ballot.entries:
            yield DotVote(goal_id=ids.goals[goal], dots=dots, **common)


def _write_settings(workshop: Workshop, backup: Backup, ids: _Ids) -> None:
    """What points at restored rows: the projector's choices and the working groups."""
    if backup.results_field is not None:
        workshop.results_field_id = ids.fields[backup.results_field]
    if backup.spotlight_card is not None:
        workshop.spotlight_card_id = ids.cards[backup.spotlight_card]
    workshop.shown_round_ids = json.dumps([ids.rounds[local] for local in backup.shown_rounds])
    for local, person in backup.people.items():
        if person.group is None:
            continue
        if workshop.grouping == "field":
            ids.people[local].group_field_id = ids.fields[person.group]
        else:
            ids.people[local].group_goal_id = ids.goals[person.group]
