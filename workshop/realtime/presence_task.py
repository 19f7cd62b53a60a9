"""The heartbeat that tells other processes this one (and its connections) are alive."""

from __future__ import annotations

import logging

from flask import Flask

from ..extensions import socketio
from ..services.presence import HEARTBEAT_SECONDS, beat

log = logging.getLogger(__name__)


def _beat_once(app: Flask) -> None:
    database = app.extensions["workshop_db"]
    with database.sessionmaker() as db:
        beat(db, app.config["SERVER_ID"])
        db.commit()


def start_heartbeat(app: Flask) -> None:
    """Beat now (which also drops connections of crashed processes) and every few seconds."""
    _beat_once(app)

    def loop() -> None:
        while True:
            socketio.sleep(HEARTBEAT_SECONDS)
            try:
                _beat_once(app)
            except Exception:  # keep beating through a database hiccup
                log.exception("heartbeat failed")

    socketio.start_background_task(loop)
