"""The moderator's downloads: every format with its type and file name, and nobody else's."""

from __future__ import annotations

import html
import io
import json
import zipfile
from urllib.parse import quote

import pytest
from docx import Document
from flask_babel import force_locale
from helpers import join_as_participant
from openpyxl import load_workbook

from workshop.i18n import message_for
from workshop.services import ballots, cards, goals, plans, priorities, votes
from workshop.services.participants import join_workshop
from workshop.services.workshops import set_phase

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def decided(db, make_workshop):
    """A German workshop with a card, two goals, a revealed dot round, a prepared second round,
    a confirmed priority and one goal in a working group."""
    workshop, token = make_workshop(title="Klausur Übergänge 🎯")
    field, kind = workshop.fields[0], workshop.kinds[0]
    set_phase(db, workshop, "collect")
    voter, _ = join_workshop(db, workshop, "Anna", "Schulamt")
    cards.post_card(db, workshop, voter, field.id, kind.id, '=HYPERLINK("x") Praktika')
    set_phase(db, workshop, "goals")
    first, _ = goals.create_goal(db, workshop, "Übergang sichern", field_id=field.id)
    second, _ = goals.create_goal(db, workshop, "Betriebe gewinnen", field_id=field.id)
    set_phase(db, workshop, "vote")
    dots, _ = votes.create_round(db, workshop, votes.RoundSettings(title="Punkte"))
    votes.set_status(db, workshop, dots.id, "open")
    ballots.set_dots(db, workshop, voter, dots.id, first.id, 3)
    votes.set_status(db, workshop, dots.id, "closed")
    votes.set_status(db, workshop, dots.id, "revealed")
    votes.create_round(db, workshop, votes.RoundSettings(title="Zweite Runde"))
    priorities.set_priorities(db, workshop, [first.id, second.id])
    plans.set_goal_plan(db, workshop, first.id, {"working_group": "AG Übergang"})
    plans.add_measure(db, workshop, first.id, {"text": "Elternabende", "owner": "KoKo"})
    db.commit()
    return workshop, token


def base(workshop) -> str:
    return f"/w/{workshop.join_code}/moderate/export"


def opened_docx(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def check_docx_report(data: bytes) -> None:
    assert "Klausur Übergänge 🎯" in opened_docx(data)


def check_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-")


def check_xlsx(data: bytes) -> None:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Karten"  # the workshop speaks German
    assert book["Karten"]["D2"].value == '=HYPERLINK("x") Praktika'
    assert book["Karten"]["D2"].data_type == "s"


def check_csv_zip(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "goals.csv" in archive.namelist()
        text = archive.read("goals.csv").decode("utf-8-sig")
    assert "Übergang sichern;" in text


def check_markdown(data: bytes) -> None:
    assert data.decode("utf-8").startswith("# Klausur Übergänge 🎯")


def check_png(data: bytes) -> None:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")


def check_plan_docx(data: bytes) -> None:
    text = opened_docx(data)
    assert "AG Übergang" in text and "Übergang sichern" in text


def check_plan_xlsx(data: bytes) -> None:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["C5"].value == "Betriebe gewinnen"  # the goal without a working group


def check_plans_zip(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        # The second is the goals without a group ("ohne Arbeitsgruppe" once translated).
        assert len(names) == 2 and names[0] == "plan-ag-uebergang.docx"
        assert "Betriebe gewinnen" in opened_docx(archive.read(names[1]))


def check_backup(data: bytes) -> None:
    assert isinstance(json.loads(data), dict)


DOWNLOADS = [
    ("report.docx?lang=de", DOCX, "docx", check_docx_report),
    ("report.docx?lang=en", DOCX, "docx", check_docx_report),
    ("report.pdf?lang=de", "application/pdf", "pdf", check_pdf),
    ("report.pdf?lang=en", "application/pdf", "pdf", check_pdf),
    ("tables.xlsx", XLSX, "xlsx", check_xlsx),
    ("tables-csv.zip", "application/zip", "zip", check_csv_zip),
    ("summary.md", "text/markdown; charset=utf-8", "md", check_markdown),
    ("round-1.png", "image/png", "png", check_png),
    ("plan.docx?group=AG+%C3%9Cbergang", DOCX, "docx", check_plan_docx),
    ("plan.xlsx?group=", XLSX, "xlsx", check_plan_xlsx),
    ("plans-docx.zip", "application/zip", "zip", check_plans_zip),
    ("plans-xlsx.zip", "application/zip", "zip", None),
    ("backup.json", "application/json", "json", check_backup),
]


@pytest.mark.parametrize("path, mimetype, ending, check", DOWNLOADS)
def test_the_moderator_downloads_every_format(
    moderator_client, decided, path, mimetype, ending, check
):
    browser, workshop = moderator_client(decided)
    response = browser.get(f"{base(workshop)}/{path}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == mimetype
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="klausur-uebergaenge-')
    assert f'.{ending}"; ' in disposition
    assert disposition.split("filename*=", 1)[1].startswith("UTF-8''Klausur%20%C3%9Cberg")
    disposition.encode("ascii")  # the header itself is plain ASCII
    if check:
        check(response.data)


def test_file_names_carry_umlauts_and_emoji_for_browsers_that_read_them(moderator_client, decided):
    browser, workshop = moderator_client(decided)
    response = browser.get(f"{base(workshop)}/plan.docx?group=AG+%C3%9Cbergang&lang=en")
    disposition = response.headers["Content-Disposition"]
    readable = "Klausur Übergänge 🎯 – Work plan AG Übergang.docx"
    assert disposition == (
        'attachment; filename="klausur-uebergaenge-work-plan-ag-uebergang.docx"; '
        f"filename*=UTF-8''{quote(readable, safe='')}"
    )


@pytest.mark.parametrize(
    "path, code",
    [
        ("round-2.png", "round_not_closed"),
        ("round-9.png", "round_not_found"),
        ("plan.docx?group=AG+Unbekannt", "group_not_found"),
    ],
)
def test_what_does_not_exist_is_a_404_that_says_why(app, moderator_client, decided, path, code):
    browser, workshop = moderator_client(decided)
    response = browser.get(f"{base(workshop)}/{path}")
    assert response.status_code == 404
    with app.test_request_context(), force_locale(workshop.language):
        expected = message_for(code)
    assert html.escape(expected) in response.get_data(as_text=True)


def test_nobody_but_the_moderator_gets_a_download(app, decided):
    workshop, _token = decided
    participant = join_as_participant(app, workshop, "Ben")
    projector = app.test_client()
    assert projector.get(f"/p/{workshop.projector_key}").status_code == 200
    stranger = app.test_client()
    for path, *_rest in DOWNLOADS:
        for browser in (participant, projector, stranger):
            response = browser.get(f"{base(workshop)}/{path}")
            assert response.status_code == 403, path
            assert "Content-Disposition" not in response.headers
    assert stranger.get("/w/ZZZZZZ/moderate/export/tables.xlsx").status_code == 404


def test_the_moderator_page_offers_the_downloads(moderator_client, decided):
    browser, workshop = moderator_client(decided)
    page = browser.get(f"/w/{workshop.join_code}/moderate").get_data(as_text=True)
    export = base(workshop)
    for link in (
        f"{export}/report.docx?lang=de",
        f"{export}/report.pdf?lang=en",
        f"{export}/tables.xlsx",
        f"{export}/tables-csv.zip",
        f"{export}/summary.md",
        f"{export}/round-1.png",
        f"{export}/plan.docx?group=AG+%C3%9Cbergang",
        f"{export}/plan.xlsx?group=",
        f"{export}/plans-docx.zip",
        f"{export}/backup.json",
    ):
        assert f'href="{link}"' in page, link
    assert f"{export}/round-2.png" not in page  # prepared, not revealed
    assert "css/exports.css" in page
