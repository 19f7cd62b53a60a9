"""Downloads of a workshop's exports for its moderator: report, tables, plans, chart, backup.

Every download is an attachment that no cache keeps (it may hold what the room wrote), named
after the workshop in ASCII plus its real name for browsers that read RFC 5987 ``filename*``.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ..db import get_session
from ..exports.backup import build_backup
from ..exports.charts import round_chart_png
from ..exports.csv_export import csv_zip
from ..exports.markdown import workshop_markdown
from ..exports.report_docx import build_report_docx
from ..exports.report_pdf import build_report_pdf
from ..exports.spreadsheet import plan_docx, plan_files, plan_xlsx, workshop_xlsx
from ..exports.tables import COUNTED_STATUSES, ascii_slug, working_groups
from ..models import LANGUAGES, Workshop
from ..services.votes import rounds
from .access import require_moderator
from .pages import load_workshop

bp = Blueprint("exports", __name__, url_prefix="/w/<code>/moderate/export")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {
    "docx": DOCX,
    "xlsx": XLSX,
    "pdf": "application/pdf",
    "zip": "application/zip",
    "md": "text/markdown",  # Flask adds "; charset=utf-8"
    "png": "image/png",
    "json": "application/json",
}
#: Characters no file system takes in a name (and line breaks, which would split the header).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def _moderated(code: str) -> Workshop:
    """The workshop, for its moderators (and the coordination office, see ``is_moderator``)."""
    workshop = load_workshop(code)
    require_moderator(workshop)
    return workshop


def _language(workshop: Workshop) -> str:
    """``?lang=de|en``, else the workshop's language (the report's audience reads that)."""
    chosen = request.args.get("lang")
    return chosen if chosen in LANGUAGES else workshop.language


def download_name(workshop: Workshop, what: str, ending: str) -> tuple[str, str]:
    """The file name as ASCII (for every browser) and as written (for ``filename*``)."""
    title = " ".join(_UNSAFE.sub(" ", unicodedata.normalize("NFC", workshop.title)).split())
    readable = f"{title[:80].strip()} – {' '.join(_UNSAFE.sub(' ', what).split())}.{ending}"
    plain = f"{ascii_slug(title, 'workshop')}-{ascii_slug(what, 'export')}.{ending}"
    return plain, readable


def attachment(data: bytes, workshop: Workshop, what: str, ending: str) -> Response:
    """``data`` as a download that is not cached anywhere."""
    plain, readable = download_name(workshop, what, ending)
    disposition = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(readable, safe='')}"
    return Response(
        data,
        mimetype=MIMETYPES[ending],
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@bp.get("/report.<any(docx, pdf):ending>")
def report(code: str, ending: str) -> Response:
    """The committee report as Word document or PDF."""
    workshop = _moderated(code)
    language = _language(workshop)
    session = get_session()
    build = build_report_docx if ending == "docx" else build_report_pdf
    data = build(session, workshop, language)
    with force_locale(language):  # file names in the export's language
        what = _("Report")
    return attachment(data, workshop, what, ending)


@bp.get("/tables.xlsx")
def tables_xlsx(code: str) -> Response:
    """Cards, clusters, goals, rounds, results and measures: one sheet each."""
    workshop = _moderated(code)
    language = _language(workshop)
    data = workshop_xlsx(get_session(), workshop, language)
    with force_locale(language):  # file names in the export's language
        what = _("Tables")
    return attachment(data, workshop, what, "xlsx")


@bp.get("/tables-csv.zip")
def tables_csv(code: str) -> Response:
    """The same tables as CSV files in one ZIP."""
    workshop = _moderated(code)
    language = _language(workshop)
    data = csv_zip(get_session(), workshop, language)
    with force_locale(language):  # file names in the export's language
        what = _("Tables (CSV)")
    return attachment(data, workshop, what, "zip")


@bp.get("/summary.md")
def summary(code: str) -> Response:
    """The Markdown summary."""
    workshop = _moderated(code)
    language = _language(workshop)
    data = workshop_markdown(get_session(), workshop, language).encode("utf-8")
    with force_locale(language):  # file names in the export's language
        what = _("Summary")
    return attachment(data, workshop, what, "md")


@bp.get("/round-<int:number>.png")
def round_png(code: str, number: int) -> Response:
    """The result chart of round ``number`` (1 = first), once the round is closed."""
    workshop = _moderated(code)
    language = _language(workshop)
    session = get_session()
    all_rounds = rounds(session, workshop)
    if not 1 <= number <= len(all_rounds):
        abort(404, description="round_not_found")
    vote_round = all_rounds[number - 1]
    if vote_round.status not in COUNTED_STATUSES:
        abort(404, description="round_not_closed")
    data = round_chart_png(session, vote_round, language)
    with force_locale(language):
        what = _("Chart of round %(n)s", n=number)
    return attachment(data, workshop, what, "png")


@bp.get("/plan.<any(docx, xlsx):ending>")
def plan(code: str, ending: str) -> Response:
    """The plan of the working group named in ``?group=`` ("" for goals without a group)."""
    workshop = _moderated(code)
    language = _language(workshop)
    session = get_session()
    wanted = request.args.get("group", "")
    group = next((g for g in working_groups(session, workshop, language) if g.name == wanted), None)
    if group is None:
        abort(404, description="group_not_found")
    build = plan_docx if ending == "docx" else plan_xlsx
    data = build(session, workshop, group, language)
    with force_locale(language):
        what = _("Work plan %(group)s", group=group.label)
    return attachment(data, workshop, what, ending)


@bp.get("/plans-<any(docx, xlsx):kind>.zip")
def plans(code: str, kind: str) -> Response:
    """Every working group's plan, one file each, in one ZIP."""
    workshop = _moderated(code)
    language = _language(workshop)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in plan_files(get_session(), workshop, language, kind).items():
            archive.writestr(name, data)
    with force_locale(language):  # file names in the export's language
        what = _("Work plans")
    return attachment(buffer.getvalue(), workshop, what, "zip")


@bp.get("/backup.json")
def backup(code: str) -> Response:
    """The whole workshop as versioned JSON, to restore it later as a new workshop."""
    workshop = _moderated(code)
    content = json.dumps(build_backup(get_session(), workshop), ensure_ascii=False, indent=2)
    return attachment(content.encode("utf-8"), workshop, _("Backup"), "json")


@bp.app_template_global()
def export_choices(workshop: Workshop) -> dict[str, Any]:
    """What the moderator page's export section offers: charts of the revealed rounds, by
    number, and the working groups that have a plan."""
    session = get_session()
    revealed = [
        {"number": number, "title": vote_round.title}
        for number, vote_round in enumerate(rounds(session, workshop), start=1)
        if vote_round.status == "revealed"
    ]
    groups = working_groups(session, workshop, str(get_locale() or workshop.language))
    return {
        "rounds": revealed,
        "groups": [{"name": group.name, "label": group.label} for group in groups],
    }
