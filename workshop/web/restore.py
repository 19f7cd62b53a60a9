"""Restoring a JSON backup as a new workshop from the browser, under the rule for creating one:
ADMIN_PASSWORD when it is set (or the coordination office's sign-in)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..db import get_session
from ..exports.backup import load_backup, restore_backup
from ..i18n import error_message, message_for
from ..services.errors import DomainError
from .admin_auth import form_password_ok, is_admin
from .limits import limit_passwords
from .pages import created_page

bp = Blueprint("restore", __name__, url_prefix="/restore")

#: Largest backup accepted here. The app caps every other request at 256 KB; a long retreat
#: with many cards and ballots makes a larger file (a 40-person day is well under 2 MB).
MAX_BACKUP_BYTES = 16 * 1024 * 1024


@bp.url_value_preprocessor
def _allow_large_upload(_endpoint: str | None, _values: dict | None) -> None:
    # URL value preprocessors run before every before_request hook, and the app-wide CSRF
    # check reads the form: the larger limit must be in place before the body is parsed.
    request.max_content_length = MAX_BACKUP_BYTES


def _needs_password() -> bool:
    return bool(current_app.config.get("ADMIN_PASSWORD")) and not is_admin()


def _form(error: str | None = None, fields: tuple[str, ...] = (), status: int = 200):
    page = render_template(
        "main/restore.html",
        needs_password=_needs_password(),
        error=error,
        error_fields=fields,
        max_mb=MAX_BACKUP_BYTES // (1024 * 1024),
    )
    return page, status


@bp.get("")
def form():
    """The upload form."""
    return _form()


@bp.post("")
@limit_passwords
def upload():
    """Restore the uploaded backup as a new workshop and show its links once."""
    if _needs_password() and not form_password_ok():
        return _form(message_for("bad_password"), ("admin_password",), 403)
    upload = request.files.get("backup")
    if upload is None or not upload.filename:
        return _form(message_for("backup_no_file"), ("backup",), 400)
    db = get_session()
    try:
        workshop, token = restore_backup(db, load_backup(upload.read()))
        db.commit()
    except DomainError as error:
        db.rollback()
        return _form(error_message(error), ("backup",), 400)
    return created_page(workshop, token)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    """A file over the limit: say so on the form instead of a bare error page."""
    return _form(message_for("backup_too_large", max=MAX_BACKUP_BYTES // (1024 * 1024)), (), 413)
