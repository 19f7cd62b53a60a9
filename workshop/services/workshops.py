"""Creating and running workshops: lookup, moderator tokens, phases and the countdown."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import LANGUAGES, PHASES, ActionField, CardKind, Participant, Workshop, utcnow
from .errors import Conflict, Invalid, NotFound
from .events import DomainEvent, PhaseChanged, TimerChanged, WorkshopChanged
from .templates import TEMPLATES
from .text import clean_text
from .tokens import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    hash_token,
    new_join_code,
    new_token,
    normalise_join_code,
)

#: Longest countdown the moderator can set: a whole working session.
MAX_TIMER_SECONDS = 4 * 60 * 60


@dataclass(frozen=True)
class WorkshopDetails:
    """What the moderator types when creating or editing a workshop."""

    title: str
    event_date: date | None = None
    place: str = ""
    description: str = ""
    language: str = "de"
    #: Who moderates (a name or an organisation), for the report's title page.
    moderation: str = ""


def clean_details(details: WorkshopDetails) -> WorkshopDetails:
    """Validate and normalise workshop details; raise ``Invalid`` naming the bad field."""
    if details.language not in LANGUAGES:
        raise Invalid("unknown_language", fields=["language"])
    return WorkshopDetails(
        title=clean_text(details.title, field="title", max_length=200),
        event_date=details.event_date,
        place=clean_text(details.place, field="place", max_length=200, required=False),
        description=clean_text(
            details.description,
            field="description",
            max_length=4000,
            required=False,
            multiline=True,
        ),
        language=details.language,
        moderation=clean_text(
            details.moderation, field="moderation", max_length=120, required=False
        ),
    )


def create_workshop(
    session: Session, details: WorkshopDetails, template: str = "kaoa"
) -> tuple[Workshop, str]:
    """Create a workshop from a template; return it with its moderator token (shown once)."""
    if template not in TEMPLATES:
        raise Invalid("unknown_template", fields=["template"])
    details = clean_details(details)
    chosen = TEMPLATES[template]
    token = new_token()
    for _attempt in range(20):
        workshop = Workshop(
            join_code=new_join_code(),
            title=details.title,
            event_date=details.event_date,
            place=details.place,
            moderation=details.moderation,
            description=details.description,
            language=details.language,
            template=template,
            phase="lobby",
            version=1,
            moderator_token_hash=hash_token(token),
            projector_key=new_token(),
        )
        workshop.fields = [ActionField(name=n, position=i) for i, n in enumerate(chosen.fields)]
        workshop.kinds = [
            CardKind(name=n, color=c, position=i) for i, (n, c) in enumerate(chosen.kinds)
        ]
        try:
            with session.begin_nested():
                session.add(workshop)
                session.flush()
        except IntegrityError:
            # A join code collision: 25^6 codes make it rare; draw again.
            continue
        return workshop, token
    raise Conflict("no_free_join_code")


def update_details(
    session: Session, workshop: Workshop, details: WorkshopDetails
) -> list[DomainEvent]:
    """Change title, date, place, description or language."""
    details = clean_details(details)
    workshop.title = details.title
    workshop.event_date = details.event_date
    workshop.place = details.place
    workshop.moderation = details.moderation
    workshop.description = details.description
    workshop.language = details.language
    return [WorkshopChanged(workshop.id, bump_version(session, workshop))]


def get_workshop(session: Session, workshop_id: int) -> Workshop:
    """The workshop with this id, or ``NotFound``."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound("workshop_not_found")
    return workshop


#: Built once: every phone's form, join and page look the workshop up by its code.
_BY_JOIN_CODE = select(Workshop).where(Workshop.join_code == bindparam("code"))


def find_by_join_code(session: Session, raw_code: str) -> Workshop:
    """The workshop a typed or scanned join code names; ``NotFound`` for unknown codes."""
    code = normalise_join_code(raw_code or "")
    if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in code):
        raise NotFound("unknown_join_code")
    workshop = session.scalar(_BY_JOIN_CODE, {"code": code})
    if workshop is None:
        raise NotFound("unknown_join_code")
    return workshop


def find_by_moderator_token(session: Session, token: str) -> Workshop:
    """The workshop this moderator token opens; ``NotFound`` for a wrong or rotated token."""
    if not token or len(token) > 200:
        raise NotFound("bad_moderator_token")
    workshop = session.scalar(
        select(Workshop).where(Workshop.moderator_token_hash == hash_token(token))
    )
    if workshop is None:
        raise NotFound("bad_moderator_token")
    return workshop


def find_by_projector_key(session: Session, key: str) -> Workshop:
    """The workshop this projector link shows; ``NotFound`` otherwise."""
    if not key or len(key) > 200:
        raise NotFound("bad_projector_key")
    workshop = session.scalar(select(Workshop).where(Workshop.projector_key == key))
    if workshop is None:
        raise NotFound("bad_projector_key")
    return workshop


def moderator_grant(workshop: Workshop) -> str:
    """A value to keep in a moderator's signed cookie; it stops matching once the token rotates."""
    return workshop.moderator_token_hash[:16]


def grant_is_valid(workshop: Workshop, grant: str | None) -> bool:
    """Whether a cookie grant still matches the current moderator token."""
    return bool(grant) and hmac.compare_digest(str(grant), moderator_grant(workshop))


def projector_grant(workshop: Workshop) -> str:
    """A value to keep in the projector's cookie; it stops matching once the link rotates."""
    return workshop.projector_key[:16]


def projector_grant_is_valid(workshop: Workshop, grant: str | None) -> bool:
    """Whether a cookie grant still matches the current projector link."""
    return bool(grant) and hmac.compare_digest(str(grant), projector_grant(workshop))


def rotate_moderator_token(session: Session, workshop: Workshop) -> str:
    """Replace the moderator token; every old link and moderator cookie stops working."""
    token = new_token()
    workshop.moderator_token_hash = hash_token(token)
    session.flush()
    return token


def rotate_projector_key(session: Session, workshop: Workshop) -> None:
    """Replace the projector link, e.g. after it was shared by mistake."""
    workshop.projector_key = new_token()
    session.flush()


def lock_workshop(session: Session, workshop_id: int) -> Workshop | None:
    """Load a workshop for a change, holding its write lock until the transaction ends.

    Taken before anything else is read, it makes the commands of one workshop run one after
    another, so no command computes on state that another is changing. PostgreSQL gets a row
    lock; SQLite takes its database write lock with a no-op update (it has no row locks).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(Workshop).where(Workshop.id == workshop_id).values(version=Workshop.version)
        )
    return session.get(Workshop, workshop_id, with_for_update=True, populate_existing=True)


def lock_participant(session: Session, participant_id: int) -> None:
    """Hold a participant's write lock until the transaction ends (their ballot's guard).

    Two tabs or a double tap of one person then check and change the ballot one after the
    other; other participants are not held up on PostgreSQL.
    """
    lock_participants(session, [participant_id])


_PARTICIPANTS = Participant.__table__
#: ``lock_participants``' statements, built once: an ``in_()`` built for each call leaves
#: bound parameters in reference cycles, garbage that only the collector's pauses free, and a
#: room voting at once locks its voters dozens of times a second (docs/performance.md).
#: SQLite has no row locks: any write takes the database's one write lock. (Not by setting the
#: id to itself: that makes SQLite check every table that refers to it.)
_LOCK_BY_WRITING = (
    _PARTICIPANTS.update()
    .where(_PARTICIPANTS.c.id.in_(bindparam("ids", expanding=True)))
    .values(done=_PARTICIPANTS.c.done)
)
_LOCK_ROWS = (
    select(_PARTICIPANTS.c.id)
    .where(_PARTICIPANTS.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_PARTICIPANTS.c.id)
    .with_for_update()
)


def lock_participants(session: Session, participant_ids: list[int]) -> None:
    """``lock_participant`` for several at once, taken in id order so no two callers deadlock."""
    ids = sorted(set(participant_ids))
    connection = session.connection()
    lock = _LOCK_BY_WRITING if connection.dialect.name == "sqlite" else _LOCK_ROWS
    connection.execute(lock, {"ids": ids})


def bump_version(session: Session, workshop: Workshop) -> int:
    """Increase the workshop version atomically and return the new value.

    The UPDATE takes the row lock on PostgreSQL (and the write lock on SQLite), so concurrent
    commands of one workshop get distinct, increasing versions.
    """
    session.flush()
    new_version = session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(version=Workshop.version + 1)
        .returning(Workshop.version)
    ).scalar_one()
    workshop.version = new_version
    # Mark the attribute as persisted so a later flush doesn't write it back.
    session.flush()
    return new_version


def set_phase(session: Session, workshop: Workshop, phase: str) -> list[DomainEvent]:
    """Move the workshop to ``phase`` (forward or back); the countdown stops with it.

    ``PhaseChanged`` carries the stopped timer too, so clients need no second event. Closing
    records the time, from which the retention setting counts.
    """
    if phase not in PHASES:
        raise Invalid("unknown_phase", fields=["phase"])
    if phase not in workshop.phases:
        raise Conflict("not_a_follow_up")
    if phase == workshop.phase:
        return []
    workshop.phase = phase
    workshop.timer_ends_at = None
    workshop.closed_at = utcnow() if phase == "closed" else None
    return [PhaseChanged(workshop.id, bump_version(session, workshop), phase)]


def step_phase(session: Session, workshop: Workshop, step: int) -> list[DomainEvent]:
    """Move one phase forward (+1) or back (-1) among the workshop's phases."""
    if step not in (-1, 1):
        raise Invalid("bad_step", fields=["step"])
    phases = workshop.phases
    index = phases.index(workshop.phase) + step
    if not 0 <= index < len(phases):
        raise Conflict("no_such_phase_step")
    return set_phase(session, workshop, phases[index])


def start_timer(session: Session, workshop: Workshop, seconds: int) -> list[DomainEvent]:
    """Start (or restart) a countdown of ``seconds`` for the current phase."""
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int)
        or not (1 <= seconds <= MAX_TIMER_SECONDS)
    ):
        raise Invalid("bad_timer_seconds", fields=["seconds"], max=MAX_TIMER_SECONDS)
    workshop.timer_ends_at = utcnow() + timedelta(seconds=seconds)
    return [TimerChanged(workshop.id, bump_version(session, workshop))]


def extend_timer(session: Session, workshop: Workshop, seconds: int = 60) -> list[DomainEvent]:
    """Add time to the running countdown (an expired one restarts from now)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not (1 <= seconds <= 3600):
        raise Invalid("bad_timer_seconds", fields=["seconds"], max=3600)
    if workshop.timer_ends_at is None:
        raise Conflict("no_timer_running")
    base = max(workshop.timer_ends_at, utcnow())
    new_end = base + timedelta(seconds=seconds)
    if new_end - utcnow() > timedelta(seconds=MAX_TIMER_SECONDS):
        raise Invalid("bad_timer_seconds", fields=["seconds"], max=MAX_TIMER_SECONDS)
    workshop.timer_ends_at = new_end
    return [TimerChanged(workshop.id, bump_version(session, workshop))]


def stop_timer(session: Session, workshop: Workshop) -> list[DomainEvent]:
    """Stop the countdown; stopping when none runs changes nothing."""
    if workshop.timer_ends_at is None:
        return []
    workshop.timer_ends_at = None
    return [TimerChanged(workshop.id, bump_version(session, workshop))]
