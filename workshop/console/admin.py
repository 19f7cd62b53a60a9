"""``python -m workshop list`` and ``purge``: the workshops on this server, and retention.

``purge`` deletes every workshop closed more than ``RETENTION_DAYS`` (or ``--days``) days ago,
with all its data; run it daily from cron or a systemd timer. ``--dry-run`` only lists them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from ..db import get_session
from ..services import retention
from . import app_context

#: Exit status when no retention period is known (argparse uses 2 for usage errors as well).
USAGE_ERROR = 2


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``list`` and ``purge``."""
    listing = commands.add_parser(
        "list",
        help="list all workshops with code, phase and closing date",
        description="List all workshops, newest first: code, phase, closed or archived, title.",
    )
    listing.set_defaults(run=run_list)
    purge = commands.add_parser(
        "purge",
        help="delete workshops closed longer ago than the retention period",
        description=(
            "Delete every workshop closed more than N days ago, with all its data "
            "(participants, cards, votes, goals). N is RETENTION_DAYS unless --days is given."
        ),
    )
    purge.add_argument(
        "--days", type=int, help="delete workshops closed more than this many days ago"
    )
    purge.add_argument(
        "--dry-run", action="store_true", help="only list what would be deleted; delete nothing"
    )
    purge.set_defaults(run=run_purge)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "-"


def run_list(args: argparse.Namespace) -> int:
    """Print one line per workshop (tab-separated, so scripts can cut it)."""
    with app_context({"HEARTBEAT": False, "ASYNC_MODE": "threading"}):
        rows = retention.overview(get_session())
        print("code\tphase\tclosed\tarchived\tparticipants\ttitle")
        for row in rows:
            w = row.workshop
            fields = (w.join_code, w.phase, _when(w.closed_at), _when(w.archived_at))
            print("\t".join((*fields, str(row.participants), w.title)))
    return 0


def run_purge(args: argparse.Namespace) -> int:
    """Delete (or with ``--dry-run`` list) the workshops past the retention period."""
    with app_context({"HEARTBEAT": False, "ASYNC_MODE": "threading"}) as app:
        days = args.days if args.days is not None else app.config["RETENTION_DAYS"]
        if not days or days < 1:
            print(
                "Retention is off: set RETENTION_DAYS or pass --days N (N at least 1).",
                file=sys.stderr,
            )
            return USAGE_ERROR
        db = get_session()
        if args.dry_run:
            due = retention.closed_before(db, days)
            for w in due:
                print(f"would delete {w.join_code}\tclosed {_when(w.closed_at)}\t{w.title}")
            print(f"{len(due)} workshop(s) closed more than {days} days ago; nothing deleted.")
            return 0
        deleted = retention.purge_closed(db, days)
        db.commit()
        for gone in deleted:
            print(f"deleted {gone.join_code}\t{gone.title}")
        print(f"{len(deleted)} workshop(s) closed more than {days} days ago deleted.")
    return 0
