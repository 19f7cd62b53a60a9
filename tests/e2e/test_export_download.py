"""The coordination office's way out of the room: after a vote, the moderator downloads the
committee report (DOCX and PDF) and the tables from the moderator page, and the files hold the
retreat's cards, goals and priorities."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader
from test_live_workshop import create_workshop
from test_projector_wall import connect, send

pytestmark = pytest.mark.e2e

MODERATOR = {"viewport": {"width": 1280, "height": 800}, "accept_downloads": True}

CARDS = [
    ("Erfolg", "Praktikumsbörse mit 40 Betrieben läuft – Schüler:innen finden Plätze 🎉"),
    ("Herausforderung", '=HYPERLINK("http://x") Übergänge ohne Anschluss werden nicht erfasst'),
]
GOALS = ["Jeder Übergang wird erfasst", "Mehr Ausbildungsbetriebe gewinnen"]


def prepare_decided_retreat(moderator) -> None:
    """Cards, two goals from them, a dot round voted by two proxies, revealed and confirmed."""
    structure = connect(moderator)
    kinds = {kind["name"]: kind["id"] for kind in structure["kinds"]}
    field = structure["fields"][1]["id"]
    send(moderator, "phase.set", phase="collect")
    cards = [
        send(moderator, "card.post", field_id=field, kind_id=kinds[kind], text=text)["card"]["id"]
        for kind, text in CARDS
    ]
    send(moderator, "phase.set", phase="goals")
    goals = [
        send(moderator, "goal.create", title=title, field_id=field, card_ids=[card])["goal"]["id"]
        for title, card in zip(GOALS, cards, strict=True)
    ]
    send(moderator, "phase.set", phase="vote")
    round_id = send(moderator, "round.create", method="dots")["round"]["id"]
    voters = [send(moderator, "proxy.create", name=name)["voter"]["id"] for name in ("A", "B")]
    send(moderator, "round.status", round_id=round_id, status="open")
    for voter, dots in zip(voters, (3, 2), strict=True):
        send(moderator, "vote.dots", round_id=round_id, voter_id=voter, goal_id=goals[0], dots=dots)
    send(moderator, "vote.dots", round_id=round_id, voter_id=voters[1], goal_id=goals[1], dots=1)
    send(moderator, "round.status", round_id=round_id, status="closed")
    send(moderator, "round.status", round_id=round_id, status="revealed")
    send(moderator, "priorities.top", round_id=round_id, top=2)
    send(moderator, "phase.set", phase="results")


def download(page, href_part: str) -> bytes:
    link = page.locator(f".exports a[href*='{href_part}']").first
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    return info.value.path().read_bytes()


def test_moderator_downloads_the_report_and_the_tables(server, contexts):
    moderator = contexts(MODERATOR).new_page()
    create_workshop(moderator, server.url, title="Klausur Übergang Schule–Beruf 2026")
    prepare_decided_retreat(moderator)
    moderator.reload()
    expect(moderator.locator("[data-connection]")).to_have_attribute("data-state", "connected")

    report = Document(io.BytesIO(download(moderator, "report.docx?lang=de")))
    text = "\n".join(paragraph.text for paragraph in report.paragraphs)
    text += "\n".join(
        cell.text for table in report.tables for row in table.rows for cell in row.cells
    )
    assert "Klausur Übergang Schule–Beruf 2026" in text
    assert "Rathaus Bochum" in text
    for _kind, card in CARDS:
        assert card in text  # the cards in full, the formula-like one as plain text
    for goal in GOALS:
        assert goal in text

    pdf = PdfReader(io.BytesIO(download(moderator, "report.pdf?lang=de")))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Klausur Übergang Schule" in pdf_text
    assert "Jeder Übergang wird erfasst" in pdf_text

    with zipfile.ZipFile(io.BytesIO(download(moderator, "tables-csv.zip"))) as archive:
        names = archive.namelist()
        cards_file = next(
            name for name in names if "card" in name.lower() or "karte" in name.lower()
        )
        rows = archive.read(cards_file).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(rows), delimiter=";") for cell in row]
    cells += [cell for row in csv.reader(io.StringIO(rows)) for cell in row]
    # The formula-like card arrives neutralised: no spreadsheet would run it.
    assert not any(cell.startswith("=HYPERLINK") for cell in cells)
    assert any("HYPERLINK" in cell for cell in cells)
