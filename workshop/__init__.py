"""workshop: a self-hosted real-time app for moderated strategy retreats."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

from flask import Flask, abort
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import load_config
from .db import Database, close_session, upgrade_database
from .extensions import JsonPacket, babel, socketio
from .once_per_socket import OncePerEnvironSessionInterface, WorkshopFlask

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: settings, database, extensions, blueprints and socket handlers."""
    app = WorkshopFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=instance_path or os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
    )
    settings = load_config(app.instance_path, config)
    app.config.update(settings)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="workshop_session",
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        # The cookie is sent again only when it changes (a join, a grant, a language), not
        # re-signed on every page: 14 days count from then. Saves a phone the bytes and the
        # server the signing on every response.
        SESSION_REFRESH_EACH_REQUEST=False,
        MAX_CONTENT_LENGTH=256 * 1024,
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        BABEL_DEFAULT_LOCALE="de",
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.session_interface = OncePerEnvironSessionInterface()
    # Identifies this process in the connection table (see services.presence).
    app.config["SERVER_ID"] = secrets.token_hex(8)

    _configure_database(app)
    # Handlers must be registered before init_app: Flask-SocketIO only keeps handlers that it
    # receives while unbound, and re-binds them to the server of every app created later.
    from .realtime import (
        handlers,  # noqa: F401
        vote_queue,
    )
    from .realtime.presence_task import start_heartbeat

    _configure_extensions(app)
    vote_queue.init_app(app)
    _configure_web(app)
    if app.config.get("HEARTBEAT", True):
        start_heartbeat(app)
    return app


def _configure_database(app: Flask) -> None:
    database = Database(app.config["DATABASE_URL"])
    app.extensions["workshop_db"] = database
    if app.config["AUTO_MIGRATE"]:
        upgrade_database(database.engine)
    app.teardown_appcontext(close_session)


def _configure_extensions(app: Flask) -> None:
    from .i18n import install_page_translations, select_locale

    babel.init_app(app, locale_selector=select_locale)
    install_page_translations(app)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        # None: same-origin only; pages and socket come from this server.
        cors_allowed_origins=app.config.get("CORS_ORIGINS"),
        # engine.io refuses larger packets outright; the handlers check a tighter limit.
        max_http_buffer_size=64 * 1024,
        ping_interval=20,
        ping_timeout=20,
        logger=False,
        engineio_logger=False,
        serializer=JsonPacket,
    )


def _name_the_socket_path(app: Flask) -> None:
    """Give Socket.IO's path a URL rule, which only Flask's URL matching ever sees.

    Flask-SocketIO runs each event in a request context on its socket's connect request, and
    pushing one matches that request's URL. Without a rule for the path, every match raised
    ``NotFound`` and kept it, traceback and frames included: some forty-five objects of cyclic
    garbage per vote, which the garbage collector then had to find (docs/performance.md).
    Requests for the path itself go to Socket.IO's middleware before Flask; the view answers
    404 should one ever get through.
    """

    def socket_path_is_not_a_page() -> NoReturn:
        abort(404)

    for websocket in (False, True):  # a socket's first request: long-polling or a websocket
        app.add_url_rule(
            "/socket.io/",
            "socketio",
            socket_path_is_not_a_page,
            strict_slashes=False,
            websocket=websocket,
        )


def _configure_web(app: Flask) -> None:
    from . import metrics
    from .web import errors, limits, security
    from .web.admin import bp as admin_bp
    from .web.exports import bp as exports_bp
    from .web.follow_up import bp as follow_up_bp
    from .web.join import bp as join_bp
    from .web.main import bp as main_bp
    from .web.moderate import bp as moderate_bp
    from .web.projector import bp as projector_bp
    from .web.restore import bp as restore_bp

    security.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    metrics.init_app(app)
    if app.config["PROXY_COUNT"]:
        # Behind nginx: the client's address and scheme come from the proxy's headers. Wraps
        # Socket.IO's middleware too, so both see the same client.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _name_the_socket_path(app)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "de")
    for blueprint in (
        main_bp,
        join_bp,
        moderate_bp,
        projector_bp,
        follow_up_bp,
        admin_bp,
        exports_bp,
        restore_bp,
    ):
        app.register_blueprint(blueprint)
