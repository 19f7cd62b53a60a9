"""The interim review in Chromium: phones post cards, the moderator moderates, live."""

from __future__ import annotations

import pytest
from e2e_support import LAPTOP, PHONE, PROJECTOR, screenshot
from playwright.sync_api import expect
from test_live_workshop import create_workshop, join_by_phone

pytestmark = pytest.mark.e2e


def start_review(moderator) -> None:
    moderator.get_by_role("button", name="Zwischenbilanz").click()
    expect(moderator.locator("[data-board]")).to_be_visible()


def write_card(phone, field: str, kind: str, text: str) -> None:
    phone.get_by_role("radio", name=field).check()
    phone.get_by_role("radio", name=kind).check()
    phone.get_by_role("textbox", name="Ihre Karte").fill(text)
    phone.get_by_role("button", name="Karte senden").click()


def test_phones_post_and_the_moderator_moderates_live(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    anna = join_by_phone(contexts, links["join"], name="Anna")
    ben = join_by_phone(contexts, links["join"], name="Ben")
    start_review(moderator)
    expect(anna.get_by_role("heading", name="Neue Karte")).to_be_visible()

    write_card(
        anna,
        "Attraktivität des dualen Systems",
        "Herausforderung",
        "Zu wenige Praktikumsplätze im Handwerk",
    )
    expect(anna.locator(".my-card")).to_have_count(1)
    expect(anna.locator("[data-card-status]")).to_have_text("Karte gesendet. Danke!")
    board_card = moderator.locator(".board-card", has_text="Zu wenige Praktikumsplätze")
    expect(board_card).to_contain_text("Herausforderung")
    expect(board_card).to_contain_text("Anna")  # the moderator sees who wrote it

    # Ben types something similar: the existing card is offered and he supports it.
    ben.get_by_role("radio", name="Attraktivität des dualen Systems").check()
    ben.get_by_role("textbox", name="Ihre Karte").fill("praktikumsplaetze handwerk fehlen")
    expect(ben.locator("[data-similar]")).to_contain_text("Zu wenige Praktikumsplätze")
    ben.get_by_role("button", name="Unterstützen (+1)").click()
    expect(ben.locator("[data-similar]")).to_contain_text("Unterstützt")
    expect(board_card).to_contain_text("+1")
    screenshot(ben, "phone-similar")

    # The moderator edits and hides: the author sees both.
    board_card.get_by_role("button", name="Bearbeiten").click()
    board_card.get_by_role("textbox").fill(
        "Zu wenige Praktikumsplätze im Handwerk und in der Pflege"
    )
    board_card.get_by_role("button", name="Speichern").click()
    expect(anna.locator(".my-card")).to_contain_text("von der Moderation bearbeitet")
    board_card.get_by_role("button", name="Ausblenden").click()
    expect(anna.locator(".my-card")).to_contain_text("von der Moderation ausgeblendet")

    # Locking ends editing on the phones.
    moderator.get_by_role("button", name="Sammlung schließen").click()
    expect(anna.locator("[data-locked-note]")).to_be_visible()
    expect(anna.locator(".my-card").get_by_role("button", name="Bearbeiten")).to_have_count(0)
    screenshot(moderator, "moderator-board")


def test_a_card_written_offline_arrives_exactly_once(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    phone_context = contexts(PHONE)
    phone = phone_context.new_page()
    phone.goto(links["join"])
    phone.get_by_role("button", name="Jetzt teilnehmen").click()
    start_review(moderator)
    expect(phone.get_by_role("heading", name="Neue Karte")).to_be_visible()

    phone_context.set_offline(True)
    expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "offline")
    write_card(phone, "Kommunale Koordinierung", "Erfolg", "Gute Zusammenarbeit im Lenkungskreis")
    pending = phone.locator(".my-card.pending")
    expect(pending).to_contain_text("wird gesendet")
    # Back online: the kept card is sent once; a reload then shows it once, from the server.
    phone_context.set_offline(False)
    expect(phone.locator("[data-connection]")).to_have_attribute(
        "data-state", "connected", timeout=15000
    )
    expect(phone.locator(".my-card.pending")).to_have_count(0)
    expect(phone.locator(".my-card")).to_have_count(1)
    phone.reload()
    expect(phone.locator(".my-card")).to_have_count(1)
    expect(moderator.locator(".board-card", has_text="Gute Zusammenarbeit")).to_have_count(1)


def test_three_phones_post_and_the_projector_shows_them_live(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    projector = contexts(PROJECTOR).new_page()
    projector.goto(links["projector"])
    phones = [join_by_phone(contexts, links["join"]) for _ in range(3)]
    start_review(moderator)
    texts = [
        ("Studien- und Berufsorientierung", "Erfolg", "Potenzialanalyse läuft an allen Schulen"),
        ("Attraktivität des dualen Systems", "Herausforderung", "Betriebe finden keine Azubis"),
        ("Kommunale Koordinierung", "Erfolg", "Lenkungskreis trifft sich regelmäßig"),
    ]
    for phone, (field, kind, text) in zip(phones, texts, strict=True):
        expect(phone.get_by_role("heading", name="Neue Karte")).to_be_visible()
        write_card(phone, field, kind, text)
    for column, (_field, kind, text) in zip((0, 2, 3), texts, strict=True):
        card = projector.locator(".wall-column").nth(column).locator(".wall-card", has_text=text)
        expect(card).to_be_visible()
        expect(card).to_contain_text(kind)
    screenshot(projector, "projector-wall")
