"""Pushes domain events to the rooms that may see them, after the transaction committed.

Every role room gets a message for every version, so no client mistakes a change it may not
see for a lost message: roles that may not see a change get a bare ``sync.tick``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from ..db import get_session
from ..extensions import socketio
from ..models import Card, Cluster, Goal, Participant, VoteRound, Workshop
from ..services import events as ev
from ..services.clusters import list_order
from ..services.follow_up import recap_view
from ..services.goals import goals
from ..services.participants import get_participant
from ..services.plans import group_choices
from ..services.views import (
    ROLES,
    card_view,
    cluster_view,
    goal_view,
    me_view,
    presence_view,
    round_views,
    stand_ins_view,
    structure_view,
    timer_view,
    wall_view,
    workshop_view,
)
from ..services.votes import open_round
from ..services.workshops import get_workshop
from . import events as names
from .coalesce import Coalescer
from .rooms import participant_room, role_room
from .tallies import DELAY as PRESENCE_DELAY
from .tallies import schedule as schedule_tallies


def _emit_all(workshop_id: int, event: str, payload: dict[str, Any]) -> None:
    for role in ROLES:
        socketio.emit(event, payload, to=role_room(workshop_id, role))


def publish(events: Iterable[ev.DomainEvent]) -> None:
    """Send each event, in order, to every client that may see it."""
    db = get_session()
    events = list(events)
    for event in events:
        workshop = get_workshop(db, event.workshop_id)
        wid, version = event.workshop_id, event.version
        if isinstance(event, ev.PhaseChanged):
            payload = {"v": version, "phase": event.phase, "timer": timer_view(workshop)}
            _emit_all(wid, names.PHASE_CHANGED, payload)
        elif isinstance(event, ev.TimerChanged):
            _emit_all(wid, names.TIMER_CHANGED, {"v": version, "timer": timer_view(workshop)})
        elif isinstance(event, ev.WorkshopChanged):
            payload = {
                "v": version,
                "workshop": workshop_view(workshop),
                **structure_view(workshop),
            }
            _emit_all(wid, names.WORKSHOP_CHANGED, payload)
        elif isinstance(event, ev.ParticipantJoined):
            # The phone has no socket yet: only the head count changes.
            publish_presence(wid)
        elif isinstance(event, ev.ParticipantChanged):
            # Nobody sees other people's profiles; the person's own devices get theirs.
            send_me(workshop, get_participant(db, workshop, event.participant_id))
            publish_presence(wid)
        elif isinstance(event, ev.CardChanged):
            _publish_card(workshop, version, db.get(Card, event.card_id))
        elif isinstance(event, ev.CardRemoved):
            _emit_all(wid, names.CARD_REMOVED, {"v": version, "card_id": event.card_id})
        elif isinstance(event, ev.ClusterChanged):
            payload = {"v": version, "cluster": cluster_view(db.get(Cluster, event.cluster_id))}
            _emit_all(wid, names.CLUSTER_CHANGED, payload)
        elif isinstance(event, ev.ClusterRemoved):
            _emit_all(wid, names.CLUSTER_REMOVED, {"v": version, "cluster_id": event.cluster_id})
        elif isinstance(event, ev.CardsArranged):
            lists = [list_order(db, workshop, key) for key in event.lists]
            _emit_all(wid, names.CARDS_ARRANGED, {"v": version, "lists": lists})
        elif isinstance(event, ev.GoalChanged):
            payload = {"v": version, "goal": goal_view(db.get(Goal, event.goal_id))}
            _emit_all(wid, names.GOAL_CHANGED, payload)
        elif isinstance(event, ev.GoalRemoved):
            _emit_all(wid, names.GOAL_REMOVED, {"v": version, "goal_id": event.goal_id})
        elif isinstance(event, ev.GoalsArranged):
            goal_ids = [goal.id for goal in goals(db, workshop)]
            _emit_all(wid, names.GOALS_ARRANGED, {"v": version, "goal_ids": goal_ids})
        elif isinstance(event, ev.RoundChanged):
            views = round_views(db, workshop, db.get(VoteRound, event.round_id))
            for role, view in views.items():
                payload = {"v": version, "round": view}
                socketio.emit(names.ROUND_CHANGED, payload, to=role_room(wid, role))
        elif isinstance(event, ev.StandInsChanged):
            # Proxies' names are for the moderator only; the others just move their version on.
            for role in ROLES:
                payload = {"v": version}
                if role == "moderator":
                    payload["stand_ins"] = stand_ins_view(db, workshop)
                    event_name = names.STAND_INS_CHANGED
                else:
                    event_name = names.SYNC_TICK
                socketio.emit(event_name, payload, to=role_room(wid, role))
        elif isinstance(event, ev.GroupsChanged):
            _emit_all(wid, names.GROUPS_CHANGED, {"groups": group_choices(db, workshop)})
        elif isinstance(event, ev.ReviewsChanged):
            send_me(workshop, get_participant(db, workshop, event.participant_id))
            publish_recap(workshop, ("moderator", "projector"))
        elif isinstance(event, ev.WallChanged):
            payload = {"v": version, "wall": wall_view(db, workshop)}
            if event.names_changed:
                payload["resync"] = True
            _emit_all(wid, names.WALL_CHANGED, payload)
        else:  # pragma: no cover - a new event type without a route is a programming error
            raise TypeError(f"no route for {type(event).__name__}")
    _refresh_recaps(events)


def _refresh_recaps(events: list[ev.DomainEvent]) -> None:
    """Goals of a follow-up changed: its look back follows, once per command, not per goal."""
    goal_events = (ev.GoalChanged, ev.GoalRemoved, ev.GoalsArranged)
    db = get_session()
    for workshop_id in sorted({e.workshop_id for e in events if isinstance(e, goal_events)}):
        workshop = get_workshop(db, workshop_id)
        if workshop.is_follow_up:
            publish_recap(workshop)


def _publish_card(workshop: Workshop, version: int, card: Card | None) -> None:
    """A changed card: its view to who may see it, a removal to who may not any more."""
    if card is None:  # pragma: no cover - deleted by a later command in the same burst
        _emit_all(workshop.id, names.SYNC_TICK, {"v": version})
        return
    for role in ROLES:
        room = role_room(workshop.id, role)
        if role == "moderator" or card.is_visible:
            payload = {"v": version, "card": card_view(card, workshop, role)}
            socketio.emit(names.CARD_CHANGED, payload, to=room)
        else:
            socketio.emit(names.CARD_REMOVED, {"v": version, "card_id": card.id}, to=room)
    if card.author is not None:
        send_me(workshop, card.author)


def publish_recap(workshop: Workshop, roles: tuple[str, ...] = ROLES) -> None:
    """The look back at the previous goals, unversioned, as each of ``roles`` may see it.

    A review goes to moderator and projector only (phones never learn the room's lights); a
    change of a taken-over goal goes to every role, phones show its status and measures.
    """
    db = get_session()
    for role in roles:
        payload = {"recap": recap_view(db, workshop, role)}
        socketio.emit(names.RECAP_CHANGED, payload, to=role_room(workshop.id, role))


def _push_presence(db: Session, workshop_id: int) -> None:
    payload = presence_view(db, workshop_id)
    for role in ("moderator", "projector"):
        socketio.emit(names.PRESENCE_CHANGED, payload, to=role_room(workshop_id, role))
    # Somebody who joins while a vote is open is one more who could vote: "23 von 32".
    workshop = db.get(Workshop, workshop_id)
    voting = open_round(db, workshop) if workshop is not None else None
    if voting is not None:
        schedule_tallies(current_app._get_current_object(), voting.id)  # type: ignore[attr-defined]


#: A room joining: hundreds of joins and connections in a few seconds, one head count each
#: fifth of a second (as the vote aggregates, see tallies.py).
_presence = Coalescer(PRESENCE_DELAY, _push_presence)


def publish_presence(workshop_id: int) -> None:
    """Unversioned head count for moderator and projector (it is not workshop state), soon."""
    _presence.schedule(current_app._get_current_object(), workshop_id)  # type: ignore[attr-defined]


def send_me(workshop: Workshop, participant: Participant) -> None:
    """A participant's own profile and cards, unversioned, to that participant's devices only."""
    payload = {"me": me_view(get_session(), workshop, participant)}
    socketio.emit(names.ME_CHANGED, payload, to=participant_room(participant.id))
