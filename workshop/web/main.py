"""Start page, creating a workshop, language choice and the health check."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import text

from ..db import get_session
from ..i18n import error_message, message_for
from ..models import LANGUAGES
from ..services import workshops as workshop_service
from ..services.errors import DomainError
from ..services.templates import TEMPLATES
from .admin_auth import form_password_ok
from .forms import details_from_form
from .limits import limit_passwords
from .pages import created_page

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Landing page: type a join code, or create a workshop."""
    return render_template("main/index.html", code="", error=None)


@bp.post("/")
def enter_code():
    """A typed join code: open the workshop's join page, or say the code is unknown."""
    code = request.form.get("code", "")[:40]
    try:
        workshop = workshop_service.find_by_join_code(get_session(), code)
    except DomainError as error:
        return render_template("main/index.html", code=code, error=error_message(error)), 404
    return redirect(url_for("join.join_form", code=workshop.join_code))


@bp.route("/new", methods=["GET", "POST"])
@limit_passwords
def new_workshop():
    """Create a workshop from a template (asks for ADMIN_PASSWORD when it is set)."""
    needs_password = bool(current_app.config.get("ADMIN_PASSWORD"))
    form = request.form if request.method == "POST" else {}
    if request.method == "GET":
        return _new_form(needs_password, form, None, [])
    if not form_password_ok():
        return _new_form(needs_password, form, message_for("bad_password"), ["admin_password"], 403)
    db = get_session()
    try:
        details = details_from_form(request.form)
        workshop, token = workshop_service.create_workshop(
            db, details, template=request.form.get("template", "kaoa")
        )
        db.commit()
    except DomainError as error:
        db.rollback()
        return _new_form(needs_password, form, error_message(error), error.fields)
    return created_page(workshop, token)


def _new_form(
    needs_password: bool, form, error: str | None, fields: list[str], status: int | None = None
):
    status = status or (200 if error is None else 400)
    return (
        render_template(
            "main/new.html",
            needs_password=needs_password,
            form=form,
            error=error,
            error_fields=fields,
            templates=list(TEMPLATES),
            languages=LANGUAGES,
        ),
        status,
    )


@bp.post("/lang")
def set_language():
    """Remember the chosen interface language and go back to the page."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    target = request.form.get("next", "/")
    # Only local paths: never redirect to another host.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    return redirect(target)


@bp.get("/healthz")
def healthz():
    """Liveness and database check for a load balancer."""
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}
