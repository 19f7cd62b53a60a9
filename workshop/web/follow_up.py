"""Preparing the next retreat ("Nächste Klausur vorbereiten") from the moderator's workshop."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ..db import get_session
from ..i18n import error_message, message_for
from ..models import Workshop
from ..services import follow_up as follow_up_service
from ..services.errors import DomainError
from ..services.plans import plannable_goals
from .access import (
    require_moderator,
)
from .admin_auth import form_password_ok
from .forms import details_from_form
from .limits import limit_passwords
from .pages import created_page, load_workshop

bp = Blueprint("follow_up", __name__)


@bp.route("/w/<code>/moderate/next", methods=["GET", "POST"])
@limit_passwords
def prepare(code: str):
    """Ask for the next retreat's details, then create it and show its links once."""
    previous = load_workshop(code)
    require_moderator(previous)
    if request.method == "GET":
        return _form(previous, {"language": previous.language}, None, [])
    if not form_password_ok():
        return _form(previous, request.form, message_for("bad_password"), ["admin_password"], 403)
    db = get_session()
    try:
        workshop, token = follow_up_service.create_follow_up(
            db, previous, details_from_form(request.form)
        )
        db.commit()
    except DomainError as error:
        db.rollback()
        return _form(previous, request.form, error_message(error), error.fields)
    return created_page(workshop, token)


def _form(
    previous: Workshop, form, error: str | None, fields: list[str], status: int | None = None
):
    return (
        render_template(
            "moderate/follow_up.html",
            workshop=previous,
            goal_count=len(plannable_goals(get_session(), previous)),
            needs_password=bool(current_app.config.get("ADMIN_PASSWORD")),
            form=form,
            error=error,
            error_fields=fields,
        ),
        status or (200 if error is None else 400),
    )
