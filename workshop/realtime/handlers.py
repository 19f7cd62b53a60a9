"""Socket.IO handlers: connect and disconnect, and one small function per command."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, g, request
from flask_socketio import ConnectionRefusedError, emit, join_room
from sqlalchemy.orm import Session

from ..db import get_session
from ..extensions import socketio
from ..i18n import message_for, select_locale
from ..metrics import connection_closed, connection_opened
from ..models import Participant, Workshop
from ..schemas import commands as schemas
from ..services import ballots as ballot_service
from ..services import cards as card_service
from ..services import clusters as cluster_service
from ..services import follow_up as follow_up_service
from ..services import goals as goal_service
from ..services import participants as participant_service
from ..services import plans as plan_service
from ..services import presence
from ..services import priorities as priority_service
from ..services import stand_ins as stand_in_service
from ..services import votes as vote_service
from ..services import workshops as workshop_service
from ..services.cards import RateLimit
from ..services.views import (
    ROLES,
    card_view,
    cluster_view,
    goal_view,
    me_view,
    results_view,
    round_view,
    snapshot,
    stand_in_view,
)
from ..web import access
from . import events as names
from .broadcast import publish_presence
from .commands import (
    ConnectionInfo,
    Result,
    after_commit,
    command,
    connection_info,
    error_ack,
    remember_connection,
)
from .rooms import participant_room, role_room
from .tallies import schedule
from .vote_queue import VOTERS, after_vote, run_dot_vote, voter_for

log = logging.getLogger(__name__)


def _refuse(code: str) -> ConnectionRefusedError:
    return ConnectionRefusedError({"code": code, "message": message_for(code)})


def _authorise(workshop: Workshop, role: str) -> tuple[ConnectionInfo, Participant | None]:
    """Check the cookie grants ``role`` for ``workshop``; raise a refusal otherwise.

    Returns the participant too (None for the screens): the snapshot needs it next.
    """
    db = get_session()
    participant = None
    grant = None
    if role == "moderator":
        if not access.is_moderator(workshop):
            raise _refuse("session_expired")
        grant = workshop_service.moderator_grant(workshop)
    elif role == "projector":
        if not (access.is_projector(workshop) or access.is_moderator(workshop)):
            raise _refuse("session_expired")
        grant = workshop_service.projector_grant(workshop)
    else:
        participant = access.current_participant(db, workshop)
        if participant is None:
            raise _refuse("participant_not_found")
    info = ConnectionInfo(
        workshop_id=workshop.id,
        role=role,
        participant_id=participant.id if participant is not None else None,
        grant=grant,
        language=select_locale(),
    )
    return info, participant


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Admit a phone, moderator or projector to its workshop and send it a snapshot."""
    if not isinstance(auth, dict):
        raise _refuse("invalid_payload")
    workshop_id, role = auth.get("workshop"), auth.get("role")
    if isinstance(workshop_id, bool) or not isinstance(workshop_id, int) or role not in ROLES:
        raise _refuse("invalid_payload")
    db = get_session()
    workshop = db.get(Workshop, workshop_id)
    if workshop is None:
        raise _refuse("workshop_not_found")
    g.workshop_language = workshop.language
    info, participant = _authorise(workshop, role)
    remember_connection(info)
    join_room(role_room(workshop.id, role))
    if info.participant_id is not None:
        join_room(participant_room(info.participant_id))
    presence.add_connection(
        db,
        sid=request.sid,  # type: ignore[attr-defined]
        server_id=current_app.config["SERVER_ID"],
        workshop_id=workshop.id,
        role=role,
        participant_id=info.participant_id,
    )
    # Read in the transaction that records the connection: one transaction per connect, and
    # on a database server no second one to begin and roll back. Sent once committed.
    state = _snapshot(workshop, info, participant)
    db.commit()
    connection_opened(role)
    emit(names.SNAPSHOT, state)
    if role == "participant":
        publish_presence(workshop.id)


@socketio.on("disconnect")
def on_disconnect(*_args: Any) -> None:
    """Forget the connection and update the head count."""
    db = get_session()
    workshop_id = presence.remove_connection(db, request.sid)  # type: ignore[attr-defined]
    db.commit()
    info = connection_info()
    if info is not None:
        connection_closed(info.role)
    if workshop_id is not None and info is not None and info.role == "participant":
        publish_presence(workshop_id)


def _snapshot(
    workshop: Workshop, info: ConnectionInfo, participant: Participant | None = None
) -> dict[str, Any]:
    db = get_session()
    if participant is None and info.participant_id is not None:
        participant = participant_service.get_participant(db, workshop, info.participant_id)
    cache = current_app.extensions["workshop_db"].snapshots
    return snapshot(db, workshop, info.role, access.join_url(workshop), participant, cache)


@command(names.SNAPSHOT_GET, schemas.SnapshotGet, ROLES)
def on_snapshot_get(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.SnapshotGet
) -> Result:
    """The whole current state, for a client that missed a change or reconnected."""
    return _snapshot(workshop, info), []


@command(names.PHASE_SET, schemas.PhaseSet, ("moderator",))
def on_phase_set(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.PhaseSet
) -> Result:
    events = workshop_service.set_phase(db, workshop, cmd.phase)
    return {"v": workshop.version, "phase": workshop.phase}, events


@command(names.PHASE_STEP, schemas.PhaseStep, ("moderator",))
def on_phase_step(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.PhaseStep
) -> Result:
    events = workshop_service.step_phase(db, workshop, cmd.step)
    return {"v": workshop.version, "phase": workshop.phase}, events


@command(names.TIMER_START, schemas.TimerStart, ("moderator",))
def on_timer_start(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.TimerStart
) -> Result:
    events = workshop_service.start_timer(db, workshop, cmd.seconds)
    return {"v": workshop.version}, events


@command(names.TIMER_EXTEND, schemas.TimerExtend, ("moderator",))
def on_timer_extend(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.TimerExtend
) -> Result:
    events = workshop_service.extend_timer(db, workshop, cmd.seconds)
    return {"v": workshop.version}, events


@command(names.TIMER_STOP, schemas.TimerStop, ("moderator",))
def on_timer_stop(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.TimerStop
) -> Result:
    events = workshop_service.stop_timer(db, workshop)
    return {"v": workshop.version}, events


@command(names.PROFILE_UPDATE, schemas.ProfileUpdate, ("participant",))
def on_profile_update(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ProfileUpdate
) -> Result:
    participant = participant_service.get_participant(db, workshop, info.participant_id)
    events = participant_service.update_profile(
        db, workshop, participant, cmd.display_name, cmd.organisation
    )
    return {"me": me_view(db, workshop, participant)}, events


def _participant(db: Session, workshop: Workshop, info: ConnectionInfo) -> Participant | None:
    """The sending participant, or None when the moderator sends."""
    if info.role != "participant":
        return None
    return participant_service.get_participant(db, workshop, info.participant_id)


def _rate_limit() -> RateLimit:
    return RateLimit.parse(current_app.config["CARD_RATE_LIMIT"])


@command(names.PARTICIPANT_DONE, schemas.ParticipantDone, ("participant",))
def on_participant_done(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ParticipantDone
) -> Result:
    participant = participant_service.get_participant(db, workshop, info.participant_id)
    events = card_service.set_done(db, workshop, participant, cmd.done)
    return {"done": participant.done}, events


@command(names.PARTICIPANT_LEAVE, schemas.ParticipantLeave, ("participant",))
def on_participant_leave(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ParticipantLeave
) -> Result:
    """The phone leaves the workshop; its other tabs are told to go, the head count follows."""
    participant = participant_service.get_participant(db, workshop, info.participant_id)
    withdrawn, events = participant_service.leave_workshop(db, workshop, participant)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    room = participant_room(info.participant_id)  # type: ignore[arg-type]

    def tell_others() -> None:
        socketio.emit(names.PARTICIPANT_LEFT, {}, to=room)
        socketio.close_room(room)
        publish_presence(workshop.id)
        for round_id in withdrawn:
            schedule(app, round_id)

    after_commit(tell_others)
    return {"left": True}, events


@command(names.CARD_POST, schemas.CardPost, ("participant", "moderator"))
def on_card_post(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardPost
) -> Result:
    card, events = card_service.post_card(
        db,
        workshop,
        _participant(db, workshop, info),
        cmd.field_id,
        cmd.kind_id,
        cmd.text,
        _rate_limit(),
    )
    return {"v": workshop.version, "card": card_view(card, workshop, info.role)}, events


@command(names.CARD_EDIT, schemas.CardEdit, ("participant", "moderator"))
def on_card_edit(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardEdit
) -> Result:
    events = card_service.edit_card(
        db,
        workshop,
        cmd.card_id,
        cmd.text,
        _participant(db, workshop, info),
        cmd.field_id,
        cmd.kind_id,
    )
    return {"v": workshop.version}, events


@command(names.CARD_DELETE, schemas.CardRef, ("participant", "moderator"))
def on_card_delete(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardRef
) -> Result:
    author = _participant(db, workshop, info)
    if author is None:
        events = card_service.moderate_delete(db, workshop, cmd.card_id, deleted=True)
    else:
        events = card_service.delete_own_card(db, workshop, author, cmd.card_id)
    return {"v": workshop.version}, events


@command(names.CARD_RESTORE, schemas.CardRef, ("moderator",))
def on_card_restore(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardRef
) -> Result:
    events = card_service.moderate_delete(db, workshop, cmd.card_id, deleted=False)
    return {"v": workshop.version}, events


@command(names.CARD_HIDE, schemas.CardHide, ("moderator",))
def on_card_hide(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardHide
) -> Result:
    events = card_service.set_hidden(db, workshop, cmd.card_id, cmd.hidden)
    return {"v": workshop.version}, events


@command(names.CARD_MERGE, schemas.CardMerge, ("moderator",))
def on_card_merge(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardMerge
) -> Result:
    events = card_service.merge_cards(db, workshop, cmd.source_id, cmd.target_id)
    return {"v": workshop.version}, events


@command(names.CARD_SUPPORT, schemas.CardSupport, ("participant",))
def on_card_support(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardSupport
) -> Result:
    participant = participant_service.get_participant(db, workshop, info.participant_id)
    events = card_service.set_support(db, workshop, participant, cmd.card_id, cmd.support)
    return {"v": workshop.version, "support": cmd.support}, events


@command(names.CARD_SIMILAR, schemas.CardSimilar, ("participant", "moderator"))
def on_card_similar(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardSimilar
) -> Result:
    """The visible cards most like a text being typed ("Ähnliche Karten gibt es schon")."""
    return {"cards": card_service.similar_cards(db, workshop, cmd.text, cmd.field_id)}, []


@command(names.CARD_SPOTLIGHT, schemas.CardSpotlight, ("moderator",))
def on_card_spotlight(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardSpotlight
) -> Result:
    events = card_service.set_spotlight(db, workshop, cmd.card_id)
    return {"v": workshop.version}, events


@command(names.WALL_UPDATE, schemas.WallUpdate, ("moderator",))
def on_wall_update(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.WallUpdate
) -> Result:
    events = card_service.update_wall(
        db,
        workshop,
        collect_locked=cmd.collect_locked,
        show_authors=cmd.show_authors,
        card_names=cmd.card_names,
    )
    return {"v": workshop.version}, events


@command(names.CARD_MOVE, schemas.CardMove, ("moderator",))
def on_card_move(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.CardMove
) -> Result:
    """Move a card into a cluster, or back to its field; the server decides the final order."""
    events = cluster_service.move_card(db, workshop, cmd.card_id, cmd.cluster_id, cmd.index)
    return {"v": workshop.version}, events


@command(names.CLUSTER_CREATE, schemas.ClusterCreate, ("moderator",))
def on_cluster_create(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ClusterCreate
) -> Result:
    cluster, events = cluster_service.create_cluster(
        db, workshop, cmd.field_id, cmd.name, cmd.card_ids
    )
    return {"v": workshop.version, "cluster": cluster_view(cluster)}, events


@command(names.CLUSTER_RENAME, schemas.ClusterRename, ("moderator",))
def on_cluster_rename(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ClusterRename
) -> Result:
    events = cluster_service.rename_cluster(db, workshop, cmd.cluster_id, cmd.name)
    return {"v": workshop.version}, events


@command(names.CLUSTER_DISSOLVE, schemas.ClusterRef, ("moderator",))
def on_cluster_dissolve(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ClusterRef
) -> Result:
    events = cluster_service.dissolve_cluster(db, workshop, cmd.cluster_id)
    return {"v": workshop.version}, events


@command(names.CLUSTER_SUGGEST, schemas.ClusterSuggest, ("moderator",))
def on_cluster_suggest(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ClusterSuggest
) -> Result:
    """Proposals only: the moderator accepts one with ``cluster.create``."""
    return {"proposals": cluster_service.suggest(db, workshop, cmd.across_fields)}, []


@command(names.GOAL_CREATE, schemas.GoalCreate, ("moderator",))
def on_goal_create(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.GoalCreate
) -> Result:
    """A goal from a cluster (``cluster_id``) or written directly."""
    goal, events = goal_service.create_goal(
        db, workshop, cmd.title, cmd.description, cmd.field_id, cmd.cluster_id, cmd.card_ids
    )
    return {"v": workshop.version, "goal": goal_view(goal)}, events


@command(names.GOAL_UPDATE, schemas.GoalUpdate, ("moderator",))
def on_goal_update(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.GoalUpdate
) -> Result:
    events = goal_service.update_goal(
        db, workshop, cmd.goal_id, cmd.title, cmd.description, cmd.field_id
    )
    return {"v": workshop.version}, events


@command(names.GOAL_MOVE, schemas.GoalMove, ("moderator",))
def on_goal_move(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.GoalMove
) -> Result:
    events = goal_service.move_goal(db, workshop, cmd.goal_id, cmd.index)
    return {"v": workshop.version}, events


@command(names.GOAL_MERGE, schemas.GoalMerge, ("moderator",))
def on_goal_merge(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.GoalMerge
) -> Result:
    events = goal_service.merge_goals(db, workshop, cmd.source_id, cmd.target_id)
    return {"v": workshop.version}, events


@command(names.GOAL_DELETE, schemas.GoalRef, ("moderator",))
def on_goal_delete(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.GoalRef
) -> Result:
    events = goal_service.delete_goal(db, workshop, cmd.goal_id)
    return {"v": workshop.version}, events


@command(names.ROUND_CREATE, schemas.RoundCreate, ("moderator",))
def on_round_create(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.RoundCreate
) -> Result:
    """Prepare a round (a draft: nobody votes before it opens)."""
    settings = vote_service.RoundSettings(**cmd.model_dump(exclude={"id", "workshop"}))
    vote_round, events = vote_service.create_round(db, workshop, settings)
    return {"v": workshop.version, "round": round_view(db, workshop, vote_round, "moderator")}, (
        events
    )


@command(names.ROUND_STATUS, schemas.RoundStatus, ("moderator",))
def on_round_status(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.RoundStatus
) -> Result:
    vote_round, events = vote_service.set_status(db, workshop, cmd.round_id, cmd.status)
    return {"v": workshop.version, "round": round_view(db, workshop, vote_round, "moderator")}, (
        events
    )


@command(names.ROUND_PREVIEW, schemas.RoundPreview, ("moderator",))
def on_round_preview(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.RoundPreview
) -> Result:
    """The result on the moderator's own screen, whatever the round shows the room."""
    vote_round = vote_service.get_round(db, workshop, cmd.round_id)
    return {"results": results_view(db, vote_round)}, []


def _voted(voter: Participant, round_id: int, ballot: object) -> Result:
    """Acknowledge a ballot change; others learn only the coalesced aggregates (tallies.py)."""
    data = {"round_id": round_id, "voter_id": voter.id, "ballot": ballot}
    sender = request.sid  # type: ignore[attr-defined]
    after_commit(lambda: after_vote(voter, data, sender))
    return data, []


# Votes lock their voter and read the round under a shared lock (services/ballots.py) instead
# of the workshop: a room's votes need not queue behind each other (docs/performance.md).


@socketio.on(names.VOTE_DOTS)
def on_vote_dots(payload: Any = None) -> dict:
    """Dot votes are committed in batches: a room voting at once shares its transactions."""
    return run_dot_vote(payload)


@command(names.VOTE_RATE, schemas.VoteRate, VOTERS, workshop_lock=False)
def on_vote_rate(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.VoteRate
) -> Result:
    voter = voter_for(db, workshop, info, cmd)
    ballot = ballot_service.set_rating(
        db, workshop, voter, cmd.round_id, cmd.goal_id, cmd.axis, cmd.value
    )
    return _voted(voter, cmd.round_id, ballot)


@command(names.VOTE_RANK, schemas.VoteRank, VOTERS, workshop_lock=False)
def on_vote_rank(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.VoteRank
) -> Result:
    voter = voter_for(db, workshop, info, cmd)
    ballot = ballot_service.set_ranking(db, workshop, voter, cmd.round_id, cmd.order)
    return _voted(voter, cmd.round_id, ballot)


def _stand_ins_changed(db: Session, workshop: Workshop) -> None:
    """Who could vote changed: the open round's "x von y" follows (coalesced, like a vote)."""
    open_round = vote_service.open_round(db, workshop)
    if open_round is not None:
        round_id = open_round.id
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        after_commit(lambda: schedule(app, round_id))


@command(names.PROXY_CREATE, schemas.ProxyCreate, ("moderator",))
def on_proxy_create(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ProxyCreate
) -> Result:
    voter, events = stand_in_service.create_proxy(db, workshop, cmd.name, cmd.organisation)
    _stand_ins_changed(db, workshop)
    return {"v": workshop.version, "voter": stand_in_view(db, voter)}, events


@command(names.PAPER_CREATE, schemas.PaperCreate, ("moderator",))
def on_paper_create(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.PaperCreate
) -> Result:
    voter, events = stand_in_service.create_paper_ballot(db, workshop, cmd.round_id)
    _stand_ins_changed(db, workshop)
    return {"v": workshop.version, "voter": stand_in_view(db, voter)}, events


@command(names.STAND_IN_REMOVE, schemas.StandInRef, ("moderator",))
def on_stand_in_remove(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.StandInRef
) -> Result:
    events = stand_in_service.remove_stand_in(db, workshop, cmd.voter_id)
    _stand_ins_changed(db, workshop)
    return {"v": workshop.version}, events


@command(names.STAND_IN_BALLOT, schemas.StandInBallot, ("moderator",))
def on_stand_in_ballot(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.StandInBallot
) -> Result:
    """The ballot of a proxy or paper slip, to the moderator's own device while filling it in."""
    voter = stand_in_service.get_stand_in(db, workshop, cmd.voter_id)
    vote_round = vote_service.get_round(db, workshop, cmd.round_id)
    ballot = ballot_service.ballot(db, vote_round, voter.id)
    return {"round_id": vote_round.id, "voter_id": voter.id, "ballot": ballot}, []


@command(names.PRIORITIES_SET, schemas.PrioritiesSet, ("moderator",))
def on_priorities_set(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.PrioritiesSet
) -> Result:
    """Confirm the final priorities picked by hand, in order (empty clears them)."""
    events = priority_service.set_priorities(db, workshop, cmd.goal_ids)
    return {"v": workshop.version}, events


@command(names.PRIORITIES_TOP, schemas.PrioritiesTop, ("moderator",))
def on_priorities_top(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.PrioritiesTop
) -> Result:
    """Confirm the top N of a closed round (ties at the cut included) as the final priorities."""
    events = priority_service.priorities_from_round(db, workshop, cmd.round_id, cmd.top)
    return {"v": workshop.version}, events


@command(names.GOAL_NOTE, schemas.GoalNote, ("moderator",))
def on_goal_note(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.GoalNote
) -> Result:
    events = priority_service.set_decision_note(db, workshop, cmd.goal_id, cmd.note)
    return {"v": workshop.version}, events


@command(names.RESULTS_SHOW, schemas.ResultsShow, ("moderator",))
def on_results_show(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ResultsShow
) -> Result:
    """Choose the rounds the projector shows side by side and the action field it filters to."""
    events = vote_service.show_results(db, workshop, cmd.round_ids, cmd.field_id)
    return {"v": workshop.version}, events


def _given(cmd: schemas.Command, *keys: str) -> dict[str, object]:
    """The fields the client actually sent (besides ids): a plan edit changes only those."""
    sent = cmd.model_dump(exclude_unset=True, exclude={"id", "workshop", *keys})
    return {name: value for name, value in sent.items() if value is not None}


@command(names.PLAN_SET, schemas.PlanSet, ("participant", "moderator"))
def on_plan_set(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.PlanSet
) -> Result:
    """Change a goal's working group, lead, target, indicator or status."""
    participant = _participant(db, workshop, info)
    values = _given(cmd, "goal_id")
    events = plan_service.set_goal_plan(db, workshop, cmd.goal_id, values, participant)
    return {"v": workshop.version}, events


@command(names.MEASURE_ADD, schemas.MeasureAdd, ("participant", "moderator"))
def on_measure_add(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.MeasureAdd
) -> Result:
    participant = _participant(db, workshop, info)
    values = _given(cmd, "goal_id")
    measure, events = plan_service.add_measure(db, workshop, cmd.goal_id, values, participant)
    return {"v": workshop.version, "measure_id": measure.id}, events


@command(names.MEASURE_UPDATE, schemas.MeasureUpdate, ("participant", "moderator"))
def on_measure_update(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.MeasureUpdate
) -> Result:
    participant = _participant(db, workshop, info)
    values = _given(cmd, "measure_id")
    events = plan_service.update_measure(db, workshop, cmd.measure_id, values, participant)
    return {"v": workshop.version}, events


@command(names.MEASURE_DELETE, schemas.MeasureDelete, ("participant", "moderator"))
def on_measure_delete(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.MeasureDelete
) -> Result:
    participant = _participant(db, workshop, info)
    events = plan_service.delete_measure(db, workshop, cmd.measure_id, participant)
    return {"v": workshop.version}, events


@command(names.MEASURE_MOVE, schemas.MeasureMove, ("participant", "moderator"))
def on_measure_move(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.MeasureMove
) -> Result:
    participant = _participant(db, workshop, info)
    events = plan_service.move_measure(db, workshop, cmd.measure_id, cmd.position, participant)
    return {"v": workshop.version}, events


@command(names.GROUPING_SET, schemas.GroupingSet, ("moderator",))
def on_grouping_set(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.GroupingSet
) -> Result:
    """Split the room into working groups per action field or per goal ("" ends the split)."""
    events = plan_service.set_grouping(db, workshop, cmd.grouping)
    return {"v": workshop.version}, events


@command(names.GROUP_JOIN, schemas.GroupJoin, ("participant",))
def on_group_join(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.GroupJoin
) -> Result:
    """Join one working group (null leaves it)."""
    participant = participant_service.get_participant(db, workshop, info.participant_id)
    events = plan_service.join_group(db, workshop, participant, cmd.group_id)
    return {"group_id": plan_service.participant_group(workshop, participant)}, events


@command(names.REVIEW_SET, schemas.ReviewSet, ("participant",))
def on_review_set(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ReviewSet
) -> Result:
    """Rate a goal of the previous retreat; a second rating of the same goal replaces the first."""
    participant = participant_service.get_participant(db, workshop, info.participant_id)
    review, events = follow_up_service.set_review(
        db, workshop, participant, cmd.goal_id, cmd.light, cmd.comment
    )
    return {"review": follow_up_service.review_view(review)}, events


@command(names.REVIEW_CLEAR, schemas.ReviewClear, ("participant",))
def on_review_clear(
    db: Session, workshop: Workshop, info: ConnectionInfo, cmd: schemas.ReviewClear
) -> Result:
    participant = participant_service.get_participant(db, workshop, info.participant_id)
    events = follow_up_service.clear_review(db, workshop, participant, cmd.goal_id)
    return {"goal_id": cmd.goal_id, "review": None}, events


@socketio.on("*")
def on_unknown_event(event: str, *_args: Any) -> dict:
    """Any event without a handler: answer instead of leaving the client waiting."""
    return error_ack("unknown_event", "invalid")


@socketio.on_error_default
def on_error(error: Exception) -> dict:
    """Last resort: log, and answer with a generic error instead of a traceback."""
    log.exception("socket event failed", exc_info=error)
    get_session().rollback()
    return error_ack("internal_error", "error")
