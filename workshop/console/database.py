"""``python -m workshop migrate`` and ``backup-database FILE``: the database as a whole.

Several server processes must not all migrate at start at once: a deployment sets
``AUTO_MIGRATE=false`` for the servers and runs ``migrate`` once before starting them
(deploy/workshop-migrate.service, docs/deploy.md).

``backup-database`` copies a SQLite database while the server runs, through SQLite's online
backup (a consistent snapshot, also in the middle of a vote). PostgreSQL has ``pg_dump`` for
that (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.engine import make_url

from ..models import LANGUAGES
from . import app_context

#: Exit status for a file that cannot be written or a database that is not SQLite.
USAGE_ERROR = 2
CONSOLE = {"HEARTBEAT": False, "ASYNC_MODE": "threading"}


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``migrate`` and ``backup-database``."""
    migrate = commands.add_parser(
        "migrate",
        help="upgrade the database schema to the newest version",
        description="Apply the missing migrations to DATABASE_URL (nothing when up to date).",
    )
    migrate.add_argument("--language", choices=LANGUAGES, default="de", help="language of messages")
    migrate.set_defaults(run=run_migrate)
    backup = commands.add_parser(
        "backup-database",
        help="copy the SQLite database, safely while the server runs",
        description="Copy the whole SQLite database into FILE as a consistent snapshot, also "
        "while the server is serving. For PostgreSQL use pg_dump (docs/deploy.md).",
    )
    backup.add_argument("file", type=Path, help="the copy to write (must not exist yet)")
    backup.add_argument("--language", choices=LANGUAGES, default="de", help="language of messages")
    backup.set_defaults(run=run_backup_database)


def run_migrate(args: argparse.Namespace) -> int:
    # Building the app with AUTO_MIGRATE upgrades the schema, as a server start would.
    with app_context({**CONSOLE, "AUTO_MIGRATE": True}), force_locale(args.language):
        print(_("The database is up to date."))
    return 0


def run_backup_database(args: argparse.Namespace) -> int:
    with app_context({**CONSOLE, "AUTO_MIGRATE": False}), force_locale(args.language):
        url = make_url(current_app.config["DATABASE_URL"])
        if url.get_backend_name() != "sqlite" or not url.database:
            print(_("This is no SQLite database: back it up with pg_dump."), file=sys.stderr)
            return USAGE_ERROR
        try:
            copy_sqlite(Path(url.database), args.file)
        except (OSError, sqlite3.Error):
            print(_("The file %(path)s cannot be written.", path=args.file), file=sys.stderr)
            return USAGE_ERROR
        print(_("Written: %(path)s", path=args.file))
    return 0


def copy_sqlite(source: Path, target: Path) -> None:
    """Snapshot ``source`` into a new file ``target`` (owner-only: it holds everything)."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    try:
        with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
            original.backup(copy)
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
