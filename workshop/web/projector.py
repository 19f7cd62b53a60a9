"""The read-only projector (beamer) view."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template

from ..db import get_session
from ..services import workshops as workshop_service
from ..services.errors import DomainError
from .access import join_url, remember_projector
from .pages import page_config

bp = Blueprint("projector", __name__)


@bp.get("/p/<key>")
def show(key: str):
    """The beamer view: join QR, code, title, phase and who is here."""
    try:
        workshop = workshop_service.find_by_projector_key(get_session(), key)
    except DomainError as error:
        abort(404, description=error.code)
    g.workshop_language = workshop.language
    remember_projector(workshop)
    return render_template(
        "projector/show.html",
        workshop=workshop,
        join_link=join_url(workshop),
        config=page_config(workshop, "projector"),
    )
