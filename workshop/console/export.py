"""``python -m workshop export CODE --format …``: every export of a workshop as files.

The coordination office runs it on the server after the retreat (or from a cron job); it
writes exactly what the moderator page offers for download.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ..db import get_session
from ..exports.backup import build_backup
from ..exports.charts import round_chart_png
from ..exports.csv_export import csv_files
from ..exports.markdown import workshop_markdown
from ..exports.report_docx import build_report_docx
from ..exports.report_pdf import build_report_pdf
from ..exports.spreadsheet import plan_files, workshop_xlsx
from ..exports.tables import COUNTED_STATUSES
from ..models import LANGUAGES, VoteRound, Workshop
from ..services.errors import NotFound
from ..services.votes import rounds
from ..services.workshops import find_by_join_code
from . import app_context

#: The formats a single file is written for, and its file name ending.
FILE_FORMATS: dict[str, str] = {
    "report-docx": "report.docx",
    "report-pdf": "report.pdf",
    "xlsx": "tables.xlsx",
    "markdown": "summary.md",
    "png": "chart.png",
    "json": "backup.json",
}
#: The formats that write several files into a directory.
DIRECTORY_FORMATS: dict[str, str] = {"csv": "csv", "plans-docx": "plans", "plans-xlsx": "plans"}
FORMATS: tuple[str, ...] = (*FILE_FORMATS, *DIRECTORY_FORMATS)
#: Exit status for a wrong workshop code, format, round or output (argparse uses 2 as well).
USAGE_ERROR = 2


class UsageError(Exception):
    """Something the person asked for cannot be exported; the message says what."""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``export``."""
    parser = commands.add_parser(
        "export",
        help="export a workshop as report, tables, plans, chart or backup",
        description="Export a workshop, found by its join code, in one format.",
    )
    parser.add_argument("code", help="the workshop's join code, e.g. K7MPQ2")
    parser.add_argument("--format", required=True, choices=FORMATS, dest="format")
    parser.add_argument(
        "--language", choices=LANGUAGES, help="language of the export (default: the workshop's)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="file to write, or directory for csv and plans (default: named after the code, "
        "in the current directory)",
    )
    parser.add_argument(
        "--round",
        type=int,
        dest="round_number",
        metavar="N",
        help="png: the round's number, 1 for the first (default: the latest with a result)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Find the workshop and write the export; a usage problem exits with status 2."""
    # A one-off command: no heartbeat (it is no server) and no async server library.
    with app_context({"HEARTBEAT": False, "ASYNC_MODE": "threading"}):
        session = get_session()
        try:
            workshop = find_by_join_code(session, args.code)
        except NotFound:
            with force_locale(args.language or "de"):
                print(_("No workshop has the code %(code)s.", code=args.code), file=sys.stderr)
            return USAGE_ERROR
        language = args.language or workshop.language
        with force_locale(language):
            try:
                written = export(session, workshop, args, language)
            except UsageError as problem:
                print(problem, file=sys.stderr)
                return USAGE_ERROR
            for path in written:
                print(_("Written: %(path)s", path=path))
    return 0


def export(
    session: Session, workshop: Workshop, args: argparse.Namespace, language: str
) -> list[Path]:
    """Write the chosen format; return the files written."""
    if args.format in DIRECTORY_FORMATS:
        default = Path(f"{workshop.join_code}-{DIRECTORY_FORMATS[args.format]}")
        folder = args.output or default
        if folder.exists() and not folder.is_dir():
            raise UsageError(_("%(path)s is a file, not a directory.", path=folder))
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in _files(session, workshop, args.format, language).items():
            path = folder / name
            path.write_bytes(data)
            written.append(path)
        return written
    path = args.output or Path(f"{workshop.join_code}-{FILE_FORMATS[args.format]}")
    if path.is_dir():
        raise UsageError(_("%(path)s is a directory; please name a file.", path=path))
    data = _single_file(session, workshop, args, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return [path]


def _files(session: Session, workshop: Workshop, fmt: str, language: str) -> dict[str, bytes]:
    if fmt == "csv":
        return csv_files(session, workshop, language)
    return plan_files(session, workshop, language, fmt.removeprefix("plans-"))


def _single_file(
    session: Session, workshop: Workshop, args: argparse.Namespace, language: str
) -> bytes:
    if args.format == "png":
        vote_round = chosen_round(session, workshop, args.round_number)
        return round_chart_png(session, vote_round, language)
    if args.format == "json":
        backup = build_backup(session, workshop)
        return (json.dumps(backup, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    builders: dict[str, Callable[[Session, Workshop, str], bytes]] = {
        "report-docx": build_report_docx,
        "report-pdf": build_report_pdf,
        "xlsx": workshop_xlsx,
        "markdown": lambda *given: workshop_markdown(*given).encode("utf-8"),
    }
    return builders[args.format](session, workshop, language)


def chosen_round(session: Session, workshop: Workshop, number: int | None) -> VoteRound:
    """The round numbered ``number`` (1 = first), or else the latest one with a result."""
    all_rounds = rounds(session, workshop)
    if number is None:
        counted = [r for r in all_rounds if r.status in COUNTED_STATUSES]
        if not counted:
            raise UsageError(_("No voting round of this workshop has a result yet."))
        return counted[-1]
    if not 1 <= number <= len(all_rounds):
        raise UsageError(
            _(
                "There is no round %(n)s; this workshop has %(count)s.",
                n=number,
                count=len(all_rounds),
            )
        )
    vote_round = all_rounds[number - 1]
    if vote_round.status not in COUNTED_STATUSES:
        raise UsageError(_("Round %(n)s has no result yet: it is not closed.", n=number))
    return vote_round
