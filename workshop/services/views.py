"""Role-filtered views of a workshop: what each kind of client may see, as plain JSON data."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Card,
    CardSupport,
    Cluster,
    Goal,
    Measure,
    Participant,
    VoteRound,
    Workshop,
    utcnow,
)
from .ballots import ballot
from .cards import all_cards, visible_cards
from .clusters import clusters
from .follow_up import own_reviews, recap_view
from .goals import goals
from .plans import group_choices, participant_group
from .presence import presence
from .stand_ins import paper_number, stand_ins
from .tally import BordaResult, DotResult, MatrixResult, quadrant
from .votes import results_visible, round_results, rounds, shown_round_ids, turnout

ROLES: tuple[str, ...] = ("participant", "moderator", "projector")


def iso(value: Any) -> str | None:
    """ISO 8601 text for datetimes and dates, None stays None."""
    return None if value is None else value.isoformat()


def workshop_view(workshop: Workshop, join_url: str | None = None) -> dict[str, Any]:
    """Public facts about a workshop, the same for every role (the join URL when known)."""
    view = {
        "id": workshop.id,
        "title": workshop.title,
        "date": iso(workshop.event_date),
        "place": workshop.place,
        "description": workshop.description,
        "language": workshop.language,
        "phase": workshop.phase,
        "join_code": workshop.join_code,
        "moderation": workshop.moderation,
        "grouping": workshop.grouping,
        "follow_up": workshop.is_follow_up,
    }
    if join_url is not None:
        view["join_url"] = join_url
    return view


def structure_view(workshop: Workshop) -> dict[str, Any]:
    """Action fields and card kinds, in order."""
    return {
        "fields": [{"id": f.id, "name": f.name} for f in workshop.fields],
        "kinds": [{"id": k.id, "name": k.name, "color": k.color} for k in workshop.kinds],
    }


def timer_view(workshop: Workshop) -> dict[str, Any]:
    """The countdown, with the server's clock so phones with a wrong clock still count right."""
    return {"ends_at": iso(workshop.timer_ends_at), "server_time": iso(utcnow())}


def presence_view(session: Session, workshop_id: int) -> dict[str, int]:
    """Head count for moderator and projector: joined, connected, and "fertig" (never who)."""
    counts = presence(session, workshop_id)
    done = session.scalar(
        select(func.count())
        .select_from(Participant)
        .where(Participant.workshop_id == workshop_id, Participant.done.is_(True))
    )
    return {"joined": counts.joined, "connected": counts.connected, "done": done or 0}


def _author_name(card: Card, workshop: Workshop, role: str) -> str | None:
    """The author's display name where the workshop's settings allow it for ``role``."""
    if card.author is None or not card.author.display_name:
        return None
    if role == "moderator":
        return card.author.display_name
    if workshop.card_names != "names":
        return None
    if role == "projector" and not workshop.show_authors:
        return None
    return card.author.display_name


def card_view(card: Card, workshop: Workshop, role: str) -> dict[str, Any]:
    """A card as ``role`` may see it; only moderators learn about hidden or deleted cards."""
    view: dict[str, Any] = {
        "id": card.id,
        "field_id": card.field_id,
        "kind_id": card.kind_id,
        "text": card.text,
        "edited": card.moderator_edited_at is not None,
        "supports": len(card.supports),
        "cluster_id": card.cluster_id,
        "position": card.position,
        "author": _author_name(card, workshop, role),
    }
    if role == "moderator":
        view.update(
            hidden=card.hidden,
            deleted=card.deleted_at is not None,
            merged_into=card.merged_into_id,
            by_moderator=card.author_id is None,
        )
    return view


def cards_view(session: Session, workshop: Workshop, role: str) -> list[dict[str, Any]]:
    """Every card ``role`` may see."""
    cards = (
        all_cards(session, workshop) if role == "moderator" else visible_cards(session, workshop)
    )
    return [card_view(card, workshop, role) for card in cards]


def cluster_view(cluster: Cluster) -> dict[str, Any]:
    """A cluster (theme); its cards carry its id."""
    return {
        "id": cluster.id,
        "field_id": cluster.field_id,
        "name": cluster.name,
        "position": cluster.position,
    }


def goal_view(goal: Goal) -> dict[str, Any]:
    """A strategic goal with its source cards."""
    return {
        "id": goal.id,
        "title": goal.title,
        "description": goal.description,
        "field_id": goal.field_id,
        "position": goal.position,
        "cluster_id": goal.cluster_id,
        "card_ids": [link.card_id for link in goal.cards],
        "priority": goal.priority,
        "decision_note": goal.decision_note,
        "plan": {
            "working_group": goal.working_group,
            "lead": goal.lead,
            "target": goal.target,
            "indicator": goal.indicator,
            "status": goal.status,
        },
        "measures": [measure_view(measure) for measure in goal.measures],
        "previous_goal_id": goal.previous_goal_id,
    }


def measure_view(measure: Measure) -> dict[str, Any]:
    """A measure of a goal's plan."""
    return {
        "id": measure.id,
        "text": measure.text,
        "owner": measure.owner,
        "due": measure.due,
        "status": measure.status,
    }


def results_view(session: Session, vote_round: VoteRound) -> list[dict[str, Any]]:
    """Aggregated result of a round, best first, ties sharing a rank; never who voted how.

    Dots: dots and the share of voters who gave the goal any; ranking: Borda points; matrix:
    average impact (x) and feasibility (y), raters and the quadrant.
    """
    views = []
    for r in round_results(session, vote_round):
        view: dict[str, Any] = {"goal_id": r.goal, "rank": r.rank}
        if isinstance(r, DotResult):
            view |= {"dots": r.dots, "voter_share": round(r.voter_share, 3)}
        elif isinstance(r, BordaResult):
            view |= {"points": r.points}
        elif isinstance(r, MatrixResult):
            quarter = quadrant(r, vote_round.scale_min, vote_round.scale_max)
            view |= {"x": r.x, "y": r.y, "raters": r.raters, "quadrant": quarter}
        views.append(view)
    return views


def progress_view(session: Session, workshop: Workshop, vote_round: VoteRound) -> dict[str, int]:
    """How many voted of how many could, and how many of them by proxy or on paper: never who."""
    counted = turnout(session, workshop, vote_round)
    return {
        "voted": counted.voted,
        "eligible": counted.eligible,
        "proxy": counted.proxy,
        "paper": counted.paper,
    }


def round_views(
    session: Session, workshop: Workshop, vote_round: VoteRound, roles: tuple[str, ...] = ROLES
) -> dict[str, dict[str, Any]]:
    """A voting round as each of ``roles`` may see it: tallies only once revealed (or live).

    Progress and the tally are counted once, however many roles the view is made for.
    """
    base = {
        "id": vote_round.id,
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
        "source_round_id": vote_round.source_round_id,
        "goal_ids": [g.goal_id for g in vote_round.goals],
        "position": vote_round.position,
        "progress": progress_view(session, workshop, vote_round),
    }
    results = None
    views = {}
    for role in roles:
        visible = results_visible(vote_round, role)
        if visible and results is None:
            results = results_view(session, vote_round)
        views[role] = {**base, "results": results if visible else None}
    return views


def round_view(
    session: Session, workshop: Workshop, vote_round: VoteRound, role: str
) -> dict[str, Any]:
    """A voting round as ``role`` may see it."""
    return round_views(session, workshop, vote_round, (role,))[role]


def wall_view(session: Session, workshop: Workshop) -> dict[str, Any]:
    """What the projector shows besides the phase: collect settings, the spotlighted card
    (already checked to be visible), and which results it shows side by side, for which field.
    """
    spotlight = (
        session.get(Card, workshop.spotlight_card_id) if workshop.spotlight_card_id else None
    )
    return {
        "collect_locked": workshop.collect_locked,
        "card_names": workshop.card_names,
        "show_authors": workshop.show_authors,
        "spotlight": card_view(spotlight, workshop, "projector") if spotlight else None,
        "shown_round_ids": shown_round_ids(workshop),
        "results_field_id": workshop.results_field_id,
    }


def stand_in_view(session: Session, voter: Participant) -> dict[str, Any]:
    """A proxy or paper ballot, for the moderator who votes for it (never its votes)."""
    view: dict[str, Any] = {"id": voter.id, "kind": voter.kind, "round_id": voter.round_id}
    if voter.kind == "proxy":
        view |= {"name": voter.display_name, "organisation": voter.organisation}
    else:
        view["number"] = paper_number(session, voter)
    return view


def stand_ins_view(session: Session, workshop: Workshop) -> list[dict[str, Any]]:
    """The workshop's proxies and paper ballots."""
    return [stand_in_view(session, voter) for voter in stand_ins(session, workshop)]


def me_view(session: Session, workshop: Workshop, participant: Participant) -> dict[str, Any]:
    """A participant's own profile and cards (only ever sent to that participant).

    Own cards include those the moderator hid, marked as such, so nobody wonders where a card
    went; cards the moderator deleted or merged are gone for the author too.
    """
    own = session.scalars(
        select(Card)
        .where(
            Card.author_id == participant.id,
            Card.deleted_at.is_(None),
            Card.merged_into_id.is_(None),
        )
        .order_by(Card.id)
    )
    supported = session.scalars(
        select(CardSupport.card_id).where(CardSupport.participant_id == participant.id)
    )
    return {
        "id": participant.id,
        "display_name": participant.display_name,
        "organisation": participant.organisation,
        "done": participant.done,
        "cards": [
            {**card_view(card, workshop, "participant"), "hidden": card.hidden} for card in own
        ],
        "supported": sorted(supported),
        "reviews": own_reviews(session, workshop, participant),
        "group_id": participant_group(workshop, participant),
    }


class SnapshotCache:
    """The parts of snapshots that change only with the workshop version, kept per version.

    A room joining, or every phone reconnecting after a restart, asks for the same snapshot
    hundreds of times within seconds; building its cards, clusters and goals each time was most
    of a connection's work. Every change to those parts moves the workshop version (they are
    what the versioned pushes carry), so an entry made at one version is right for anyone who
    reads that version, in this process or another. Everything else in a snapshot (the clock,
    rounds with their progress, the head count, the person's own data) is read fresh.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The entry for ``key``, made by ``make`` if missing (the oldest one goes then).

        Entries are shared between clients: nobody may change what this returns.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        entry = make()
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry


def _versioned_views(
    session: Session, workshop: Workshop, role: str, join_url: str
) -> dict[str, Any]:
    """What ``role`` sees of the workshop that only a new version changes."""
    return {
        "workshop": workshop_view(workshop, join_url),
        **structure_view(workshop),
        "cards": cards_view(session, workshop, role),
        "clusters": [cluster_view(c) for c in clusters(session, workshop)],
        "goals": [goal_view(g) for g in goals(session, workshop)],
        "wall": wall_view(session, workshop),
    }


def snapshot(
    session: Session,
    workshop: Workshop,
    role: str,
    join_url: str,
    participant: Participant | None = None,
    cache: SnapshotCache | None = None,
) -> dict[str, Any]:
    """Everything a client of ``role`` needs to draw its screen, at the current version."""
    if role not in ROLES:
        raise ValueError(role)
    if cache is None:
        versioned = _versioned_views(session, workshop, role, join_url)
    else:
        # The id and creation time name the workshop even where SQLite reuses a deleted id.
        key = (workshop.id, workshop.created_at, workshop.version, role, join_url)
        versioned = cache.get(key, lambda: _versioned_views(session, workshop, role, join_url))
    workshop_rounds = rounds(session, workshop)
    view: dict[str, Any] = {
        "v": workshop.version,
        "role": role,
        **versioned,
        "timer": timer_view(workshop),
        "rounds": [round_view(session, workshop, r, role) for r in workshop_rounds],
        "groups": group_choices(session, workshop),
    }
    if workshop.is_follow_up:
        view["recap"] = recap_view(session, workshop, role)
    if role in ("moderator", "projector"):
        view["presence"] = presence_view(session, workshop.id)
    if role == "moderator":
        view["stand_ins"] = stand_ins_view(session, workshop)
    if role == "participant" and participant is not None:
        view["me"] = me_view(session, workshop, participant)
        view["ballots"] = {r.id: ballot(session, r, participant.id) for r in workshop_rounds}
    return view
