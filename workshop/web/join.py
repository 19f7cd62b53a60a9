"""Joining by phone (QR code or typed code) and the participant's page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..db import get_session
from ..i18n import error_message, message_for
from ..realtime.broadcast import publish
from ..services.errors import DomainError
from ..services.participants import join_workshop
from .access import current_participant, remember_participant
from .limits import limit_joins
from .pages import load_workshop, page_config

bp = Blueprint("join", __name__)


@bp.get("/j/<code>")
def join_form(code: str):
    """The page a QR code opens: join anonymously with one tap, or give a name first."""
    workshop = load_workshop(code)
    if current_participant(get_session(), workshop) is not None:
        return redirect(url_for("join.participant_page", code=workshop.join_code))
    if workshop.is_closed:
        return render_template(
            "error.html", message=message_for("workshop_closed"), status=409
        ), 409
    return render_template("join/join.html", workshop=workshop, form={}, error=None)


@bp.post("/j/<code>")
@limit_joins
def join(code: str):
    """Join the workshop and keep the identity in the signed cookie."""
    workshop = load_workshop(code)
    db = get_session()
    existing = current_participant(db, workshop)
    if existing is not None:
        return redirect(url_for("join.participant_page", code=workshop.join_code))
    try:
        participant, events = join_workshop(
            db,
            workshop,
            display_name=request.form.get("display_name", ""),
            organisation=request.form.get("organisation", ""),
        )
        db.commit()
    except DomainError as error:
        db.rollback()
        status = 409 if error.code == "workshop_closed" else 400
        return (
            render_template(
                "join/join.html", workshop=workshop, form=request.form, error=error_message(error)
            ),
            status,
        )
    publish(events)
    remember_participant(workshop, participant)
    return redirect(url_for("join.participant_page", code=workshop.join_code))


@bp.get("/w/<code>")
def participant_page(code: str):
    """The participant's live view of the workshop."""
    workshop = load_workshop(code)
    participant = current_participant(get_session(), workshop)
    if participant is None:
        return redirect(url_for("join.join_form", code=workshop.join_code))
    return render_template(
        "join/participant.html",
        workshop=workshop,
        participant=participant,
        config=page_config(workshop, "participant"),
    )
