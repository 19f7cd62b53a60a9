"""A whole room in Chromium: moderator, projector and phones follow one workshop live."""

from __future__ import annotations

import re

import pytest
from e2e_support import LAPTOP, PHONE, PROJECTOR, screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def create_workshop(page, base: str, title: str = "Strategieklausur Lenkungskreis KAoA") -> dict:
    page.goto(f"{base}/new")
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Datum").fill("2026-11-27")
    page.get_by_label("Ort").fill("Rathaus Bochum")
    page.get_by_role("button", name="Workshop anlegen").click()
    expect(page.get_by_role("heading", name="Workshop angelegt")).to_be_visible()
    links = {
        "moderator": page.locator("#moderator-link").input_value(),
        "projector": page.locator("#projector-link").input_value(),
        "join": page.locator("#join-link").input_value(),
    }
    page.get_by_role("link", name="Moderation öffnen").click()
    expect(page.locator("[data-connection]")).to_have_attribute("data-state", "connected")
    return links


def join_by_phone(contexts, link: str, name: str = ""):
    phone = contexts(PHONE).new_page()
    phone.goto(link)
    if name:
        phone.get_by_label("Name").fill(name)
    phone.get_by_role("button", name="Jetzt teilnehmen").click()
    expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "connected")
    return phone


def test_room_follows_the_moderator_live(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)

    projector = contexts(PROJECTOR).new_page()
    projector.goto(links["projector"])
    code = re.search(r"/j/(\w+)", links["join"]).group(1)
    expect(projector.locator(".join-code")).to_have_text(code)
    expect(projector.locator(".qr")).to_be_visible()

    phone = join_by_phone(contexts, links["join"])
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ankommen")
    expect(projector.locator("[data-joined]")).to_have_text("1")
    expect(projector.locator("[data-connected]")).to_have_text("1")
    expect(moderator.locator("[data-connected]").first).to_have_text("1")
    screenshot(phone, "phone-lobby")
    screenshot(projector, "projector-lobby")

    # The phone must change view without a reload: a marker set now survives.
    phone.evaluate("window.__sameDocument = true")
    moderator.get_by_role("button", name="Nächste Phase").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Zwischenbilanz")
    expect(projector.locator(".projector-phase")).to_contain_text("Zwischenbilanz")
    assert phone.evaluate("window.__sameDocument") is True

    # Countdown with +1 minute reaches phone and projector.
    moderator.get_by_role("button", name="5 Min.", exact=True).click()
    # The phone has a countdown in its phase card and one in the voting bar; one shows at a time.
    expect(phone.locator("[data-timer-value]:visible")).to_have_text(re.compile(r"^[45]:\d\d$"))
    moderator.get_by_role("button", name="+1 Minute").click()
    expect(projector.locator("[data-timer-value]")).to_have_text(re.compile(r"^[56]:\d\d$"))
    moderator.get_by_role("button", name="Anhalten").click()
    expect(phone.locator("[data-timer]:visible")).to_have_count(0)
    screenshot(moderator, "moderator")


def test_phone_that_was_offline_catches_up_and_sends_what_it_kept(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    phone_context = contexts(PHONE)
    phone = phone_context.new_page()
    phone.goto(links["join"])
    phone.get_by_role("button", name="Jetzt teilnehmen").click()
    expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "connected")

    # Wi-Fi drops: the socket closes; the phone says so.
    phone_context.set_offline(True)
    phone.evaluate("window.__sameDocument = true")
    expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "offline")
    # Input while offline is kept and marked as being sent.
    phone.get_by_label("Name").fill("Anna")
    phone.get_by_role("button", name="Speichern").click()
    expect(phone.locator("[data-profile-status]")).to_have_text("wird gesendet …")
    expect(phone.locator("[data-pending]")).to_be_visible()
    # Meanwhile the moderator moves on twice.
    moderator.get_by_role("button", name="Nächste Phase").click()
    moderator.get_by_role("button", name="Clustern").click()
    expect(moderator.locator(".phase-button[aria-pressed=true]")).to_have_text("Clustern")

    phone_context.set_offline(False)
    expect(phone.locator("[data-connection]")).to_have_attribute(
        "data-state", "connected", timeout=15000
    )
    expect(phone.get_by_role("heading", level=1)).to_have_text("Clustern")
    expect(phone.locator("[data-profile-status]")).to_have_text("Gespeichert")
    expect(phone.locator("[data-pending]")).to_be_hidden()
    assert phone.evaluate("window.__sameDocument") is True


def test_reload_keeps_the_same_participant(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    projector = contexts(PROJECTOR).new_page()
    projector.goto(links["projector"])
    phone = join_by_phone(contexts, links["join"], name="Ben")
    phone.reload()
    expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "connected")
    expect(phone.get_by_label("Name")).to_have_value("Ben")
    expect(projector.locator("[data-joined]")).to_have_text("1")


def test_moderator_works_by_keyboard_alone(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    create_workshop(moderator, server.url)
    for _ in range(60):
        moderator.keyboard.press("Tab")
        if (
            moderator.evaluate("document.activeElement.textContent")
            .strip()
            .startswith("Nächste Phase")
        ):
            break
    else:
        pytest.fail("the next-phase button cannot be reached by keyboard")
    moderator.keyboard.press("Enter")
    expect(moderator.locator(".phase-button[aria-pressed=true]")).to_have_text("Zwischenbilanz")
    focused_style = moderator.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused_style != "none"


def test_closed_workshop_refuses_new_phones(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    phone = join_by_phone(contexts, links["join"])
    moderator.get_by_role("button", name="Abgeschlossen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Abgeschlossen")
    late = contexts(PHONE).new_page()
    late.goto(links["join"])
    expect(late.get_by_role("alert")).to_contain_text("abgeschlossen")
