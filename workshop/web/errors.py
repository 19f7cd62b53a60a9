"""Error pages: a translated sentence for the person, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from ..i18n import ERROR_MESSAGES, message_for
from ..services.errors import DomainError

log = logging.getLogger(__name__)

_STATUS = {"not_found": 404, "forbidden": 403, "conflict": 409, "invalid": 400}


def _page(message: str, status: int):
    return render_template("error.html", message=message, status=status), status


def _http_error(error: HTTPException):
    code = error.description if error.description in ERROR_MESSAGES else None
    if code:
        message = message_for(code)
    elif error.code == 404:
        message = gettext("This page does not exist.")
    elif error.code == 413:
        message = gettext("The request is too large.")
    elif error.code == 405:
        message = gettext("This action is not possible here.")
    elif error.code == 429:
        message = gettext(
            "Too many attempts from this network. Please wait a few minutes and try again."
        )
    else:
        message = gettext("The request could not be handled.")
    return _page(message, error.code or 500)


def _domain_error(error: DomainError):
    return _page(message_for(error.code, **error.params), _STATUS.get(error.kind, 400))


def _unexpected(error: Exception):
    log.exception("unexpected error", exc_info=error)
    return _page(message_for("internal_error"), 500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(Exception, _unexpected)
