"""The coordination office's overview behind ADMIN_PASSWORD: every workshop, archive, delete.

Wrong passwords are rate limited per address (``RATE_LIMIT_PASSWORD``, web/limits.py).
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from ..db import get_session
from ..extensions import socketio
from ..i18n import message_for, phase_labels
from ..models import Card, Goal, Participant, VoteRound, Workshop
from ..realtime import events as names
from ..realtime.rooms import role_room
from ..services import retention
from ..services.views import ROLES
from ..services.workshops import get_workshop
from .admin_auth import admin_password, is_admin, password_matches, sign_in_admin, sign_out_admin
from .limits import limit_passwords

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)


def _require_admin() -> None:
    if not is_admin():
        abort(403, description="admin_required")


def _sign_in_page(error: str | None = None, status: int = 200):
    return render_template(
        "admin/sign_in.html", configured=admin_password() is not None, error=error
    ), status


@bp.get("/")
def overview():
    """The list of all workshops, or the sign-in form (or why there is none)."""
    if not is_admin():
        return _sign_in_page()
    rows = retention.overview(get_session())
    return render_template(
        "admin/overview.html",
        active=[row for row in rows if row.workshop.archived_at is None],
        archived=[row for row in rows if row.workshop.archived_at is not None],
        phases=phase_labels(),
    )


@bp.post("/sign-in")
@limit_passwords
def sign_in():
    """Check the admin password and remember the sign-in in this browser's session."""
    if admin_password() is None:
        return _sign_in_page(status=403)
    if not password_matches(request.form.get("admin_password", "")):
        return _sign_in_page(message_for("bad_password"), 403)
    sign_in_admin()
    return redirect(url_for("admin.overview"))


@bp.post("/sign-out")
def sign_out():
    """Forget the admin sign-in here."""
    sign_out_admin()
    return redirect(url_for("admin.overview"))


def _workshop(workshop_id: int) -> Workshop:
    _require_admin()
    return get_workshop(get_session(), workshop_id)


@bp.post("/w/<int:workshop_id>/archive")
def archive(workshop_id: int):
    """Archive a workshop: listed apart, no new participants."""
    db = get_session()
    retention.archive_workshop(db, _workshop(workshop_id))
    db.commit()
    return redirect(url_for("admin.overview"))


@bp.post("/w/<int:workshop_id>/restore")
def restore(workshop_id: int):
    """Take a workshop out of the archive."""
    db = get_session()
    retention.restore_workshop(db, _workshop(workshop_id))
    db.commit()
    return redirect(url_for("admin.overview"))


def _count(model: type, workshop_id: int) -> int:
    column = model.workshop_id  # type: ignore[attr-defined]
    return get_session().scalar(select(func.count()).where(column == workshop_id)) or 0


@bp.get("/w/<int:workshop_id>/delete")
def confirm_delete(workshop_id: int):
    """The confirmation step: which workshop, and everything that goes with it."""
    workshop = _workshop(workshop_id)
    counts = {
        "participants": _count(Participant, workshop.id),
        "cards": _count(Card, workshop.id),
        "goals": _count(Goal, workshop.id),
        "rounds": _count(VoteRound, workshop.id),
    }
    return render_template(
        "admin/delete.html", workshop=workshop, counts=counts, phases=phase_labels()
    )


@bp.post("/w/<int:workshop_id>/delete")
def delete(workshop_id: int):
    """Delete the workshop and all its data for good, then tell whoever is still connected."""
    db = get_session()
    deleted = retention.delete_workshop(db, _workshop(workshop_id))
    db.commit()
    log.info("workshop %s deleted from the overview", deleted.id)
    tell_deleted(deleted)
    flash(gettext("“%(title)s” and all its data have been deleted.", title=deleted.title))
    return redirect(url_for("admin.overview"))


def tell_deleted(deleted: retention.DeletedWorkshop) -> None:
    """Push ``workshop.deleted`` to every open page of the workshop, then close its sockets."""
    with force_locale(deleted.language):
        payload = {"message": message_for("workshop_deleted")}
    for role in ROLES:
        room = role_room(deleted.id, role)
        socketio.emit(names.WORKSHOP_DELETED, payload, to=room)
        socketio.close_room(room)
    for sid in deleted.connection_sids:
        socketio.server.disconnect(sid, namespace="/")
