"""``python -m workshop backup CODE`` and ``import FILE``: a workshop as a JSON backup, and a
backup restored as a new workshop (docs/backup-format.md).

The import prints the new moderator link once, as creating a workshop in the browser does; the
link is not stored anywhere, only its hash.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..db import get_session
from ..exports.backup import build_backup, dumps, load_backup, restore_backup
from ..i18n import error_message
from ..models import LANGUAGES
from ..services.errors import DomainError, NotFound
from ..services.workshops import find_by_join_code
from . import app_context

#: Exit status for an unknown code or a missing or bad file (argparse uses 2 as well).
USAGE_ERROR = 2
#: A one-off command: no heartbeat (it is no server) and no async server library.
CONSOLE = {"HEARTBEAT": False, "ASYNC_MODE": "threading"}


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``backup`` and ``import``."""
    backup = commands.add_parser(
        "backup",
        help="write a workshop as a JSON backup",
        description="Write the whole workshop, found by its join code, as a JSON backup "
        "(docs/backup-format.md). It holds no secrets, and names only if the workshop shows them.",
    )
    backup.add_argument("code", help="the workshop's join code, e.g. K7MPQ2")
    backup.add_argument(
        "--output", type=Path, metavar="FILE", help="file to write (default: standard output)"
    )
    backup.add_argument("--language", choices=LANGUAGES, default="de", help="language of messages")
    backup.set_defaults(run=run_backup)
    restore = commands.add_parser(
        "import",
        help="restore a JSON backup as a new workshop",
        description="Restore a JSON backup as a new workshop with its own join code and "
        "moderator link; the link is printed once.",
    )
    restore.add_argument("file", type=Path, help="the backup file (.json)")
    restore.add_argument("--language", choices=LANGUAGES, default="de", help="language of messages")
    restore.set_defaults(run=run_import)


def run_backup(args: argparse.Namespace) -> int:
    """Write the backup to ``--output`` (readable by its owner only) or to standard output."""
    with app_context(CONSOLE), force_locale(args.language):
        session = get_session()
        try:
            workshop = find_by_join_code(session, args.code)
        except NotFound:
            print(_("No workshop has the code %(code)s.", code=args.code), file=sys.stderr)
            return USAGE_ERROR
        text = dumps(build_backup(session, workshop))
        if args.output is None:
            sys.stdout.write(text)
            return 0
        try:
            _write_private(args.output, text)
        except OSError:
            print(_("The file %(path)s cannot be written.", path=args.output), file=sys.stderr)
            return USAGE_ERROR
        print(_("Written: %(path)s", path=args.output))
    return 0


def _write_private(path: Path, text: str) -> None:
    # A backup may hold names: only its owner may read it, as with any export of personal data.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def run_import(args: argparse.Namespace) -> int:
    """Restore the file as a new workshop; print its join code and moderator link once."""
    with app_context(CONSOLE), force_locale(args.language):
        try:
            raw = args.file.read_bytes()
        except OSError:
            print(_("The file %(path)s cannot be read.", path=args.file), file=sys.stderr)
            return USAGE_ERROR
        session = get_session()
        try:
            workshop, token = restore_backup(session, load_backup(raw))
            session.commit()
        except DomainError as error:
            session.rollback()
            print(error_message(error), file=sys.stderr)
            return USAGE_ERROR
        base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
        print(_("Workshop restored: %(title)s", title=workshop.title))
        print(_("Join code: %(code)s", code=workshop.join_code))
        print(_("Moderator link (shown only this once): %(link)s", link=f"{base}/m/{token}"))
    return 0
