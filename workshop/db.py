"""Engine, session factory, per-context session and schema upgrades through Alembic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app, g
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from .services.views import SnapshotCache

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout and foreign keys."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # One connection per thread/greenlet; 15 s covers a burst of 40 phones writing at once.
        # A file does not go away like a server's connection: no ping before each use.
        kwargs["connect_args"] = {"timeout": 15, "check_same_thread": False}
    else:
        # A database server restarted meanwhile: find out before a request fails on it.
        kwargs["pool_pre_ping"] = True
    if make_url(url).get_driver_name() == "psycopg2":
        # psycopg2 sends an UPDATE with many rows as one round trip per row; a batch of votes
        # changes dozens of ballots. Batched, a page of rows goes in one (docs/performance.md).
        kwargs["executemany_mode"] = "values_plus_batch"
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> AlembicConfig:
    """Alembic configured in code, so no alembic.ini is needed next to the app."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The option parser treats "%" as interpolation: escape it (URL-encoded passwords have it).
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    command.upgrade(alembic_config(engine), "head")


class Database:
    """The engine and session factory of one app."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        #: Snapshot parts per workshop version, shared by this process's connections.
        self.snapshots = SnapshotCache()


def get_db() -> Database:
    """The current app's database."""
    return current_app.extensions["workshop_db"]


def get_session() -> Session:
    """The session of the current app context, created on first use and closed on teardown."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Teardown hook: close the context's session (rolling back anything uncommitted)."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
