"""The moderator's pages: secret-link entry, live control page, setup, token rotation, QR."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext

from ..db import get_session
from ..exports.poster import JoinMaterial, render_poster, render_table_cards
from ..exports.qr import qr_png, qr_svg
from ..i18n import color_labels, error_message
from ..models import Workshop
from ..realtime.broadcast import publish
from ..services import structure
from ..services import workshops as workshop_service
from ..services.errors import DomainError
from .access import (
    base_url_is_loopback,
    is_moderator,
    is_projector,
    join_url,
    public_link,
    remember_moderator,
    remember_projector,
    require_moderator,
)
from .forms import details_from_form
from .pages import load_workshop, page_config

bp = Blueprint("moderate", __name__)


@bp.get("/m/<token>")
def enter(token: str):
    """The secret moderator link: grant this browser moderator rights, then open the page."""
    db = get_session()
    try:
        workshop = workshop_service.find_by_moderator_token(db, token)
    except DomainError as error:
        abort(404, description=error.code)
    remember_moderator(workshop)
    remember_projector(workshop)
    # Redirect so the token leaves the address bar.
    return redirect(url_for("moderate.control", code=workshop.join_code))


def _moderated(code: str) -> Workshop:
    workshop = load_workshop(code)
    require_moderator(workshop)
    return workshop


@bp.get("/w/<code>/moderate")
def control(code: str):
    """The moderator's live control page."""
    workshop = _moderated(code)
    return render_template(
        "moderate/control.html",
        workshop=workshop,
        join_link=join_url(workshop),
        projector_link=public_link("projector.show", key=workshop.projector_key),
        loopback_warning=base_url_is_loopback(),
        config=page_config(workshop, "moderator"),
    )


@bp.route("/w/<code>/moderate/setup", methods=["GET", "POST"])
def setup(code: str):
    """Edit details, action fields and card kinds (fields and kinds only in the lobby)."""
    workshop = _moderated(code)
    db = get_session()
    error = None
    if request.method == "POST":
        try:
            events = _apply_setup_action(db, workshop, request.form)
            db.commit()
        except DomainError as failure:
            db.rollback()
            db.refresh(workshop)
            error = error_message(failure)
        else:
            publish(events)
            anchor = request.form.get("anchor", "")
            target = url_for("moderate.setup", code=workshop.join_code, saved=1)
            return redirect(target + (f"#{anchor}" if anchor.isidentifier() else ""))
    return (
        render_template(
            "moderate/setup.html",
            workshop=workshop,
            error=error,
            saved=request.args.get("saved") == "1",
            colors=structure.KIND_COLORS,
            color_names=color_labels(),
            languages=("de", "en"),
        ),
        400 if error else 200,
    )


def _form_int(form, name: str) -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise DomainError("invalid_payload", fields=[name]) from None


def _apply_setup_action(db, workshop: Workshop, form) -> list:
    action = form.get("action", "")
    what = form.get("what", "")
    if action == "details":
        return workshop_service.update_details(db, workshop, details_from_form(request.form))
    if action == "add":
        return structure.add_item(db, workshop, what, form.get("name", ""), form.get("color"))
    if action == "rename":
        return structure.rename_item(
            db, workshop, what, _form_int(form, "id"), form.get("name", ""), form.get("color")
        )
    if action in ("up", "down"):
        step = -1 if action == "up" else 1
        return structure.move_item(db, workshop, what, _form_int(form, "id"), step)
    if action == "remove":
        return structure.remove_item(db, workshop, what, _form_int(form, "id"))
    raise DomainError("invalid_payload", fields=["action"])


@bp.post("/w/<code>/moderate/rotate")
def rotate(code: str):
    """Replace the moderator link; other devices lose access until they get the new one."""
    workshop = _moderated(code)
    db = get_session()
    token = workshop_service.rotate_moderator_token(db, workshop)
    db.commit()
    remember_moderator(workshop)
    return render_template(
        "moderate/rotated.html",
        workshop=workshop,
        moderator_link=public_link("moderate.enter", token=token),
    )


@bp.post("/w/<code>/moderate/rotate-projector")
def rotate_projector(code: str):
    """Replace the projector link (the old one stops working)."""
    workshop = _moderated(code)
    db = get_session()
    workshop_service.rotate_projector_key(db, workshop)
    db.commit()
    remember_projector(workshop)
    return redirect(url_for("moderate.control", code=workshop.join_code))


def _qr_allowed(workshop: Workshop) -> None:
    if not (is_moderator(workshop) or is_projector(workshop)):
        abort(403, description="session_expired")


@bp.get("/w/<code>/qr.svg")
def qr_svg_file(code: str):
    """The join QR code as SVG (projector and moderator)."""
    workshop = load_workshop(code)
    _qr_allowed(workshop)
    return Response(qr_svg(join_url(workshop)), mimetype="image/svg+xml")


@bp.get("/w/<code>/qr.png")
def qr_png_file(code: str):
    """The join QR code as a PNG download for slides and print."""
    workshop = load_workshop(code)
    _qr_allowed(workshop)
    return Response(
        qr_png(join_url(workshop)),
        mimetype="image/png",
        headers={"Content-Disposition": f'attachment; filename="qr-{workshop.join_code}.png"'},
    )


def _material(workshop: Workshop) -> JoinMaterial:
    parts = []
    if workshop.event_date:
        parts.append(workshop.event_date.strftime("%d.%m.%Y"))
    if workshop.place:
        parts.append(workshop.place)
    return JoinMaterial(
        title=workshop.title,
        join_url=join_url(workshop),
        join_code=workshop.join_code,
        date_place=" · ".join(parts),
        labels={
            "headline": gettext("Join in now"),
            "scan": gettext("Scan the QR code with your phone camera"),
            "or_open": gettext("or open in the browser:"),
            "code": gettext("Code"),
            "no_app": gettext("No account, no app. Anonymous if you like."),
        },
    )


def _pdf(data: bytes, name: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@bp.get("/w/<code>/poster.pdf")
def poster(code: str):
    """A4 poster with the QR code, the code and the address."""
    workshop = _moderated(code)
    return _pdf(render_poster(_material(workshop)), f"poster-{workshop.join_code}.pdf")


@bp.get("/w/<code>/table-cards.pdf")
def table_cards(code: str):
    """Foldable table cards with QR code, code and address."""
    workshop = _moderated(code)
    return _pdf(render_table_cards(_material(workshop)), f"tischkarten-{workshop.join_code}.pdf")
