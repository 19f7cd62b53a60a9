"""A phone leaves the workshop in Chromium: its name disappears, a rejoin is somebody new.

The workshop is English, so the test does not depend on the German catalog having the new
texts yet.
"""

from __future__ import annotations

import pytest
from e2e_support import LAPTOP, PHONE, screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible

pytestmark = pytest.mark.e2e


def create_english_workshop(page, base: str) -> str:
    """Create a workshop in English through the form; return its join link."""
    page.goto(f"{base}/new")
    page.get_by_label("Titel").fill("Retreat of the steering committee")
    page.get_by_label("Sprache des Workshops").select_option("en")
    page.get_by_role("button", name="Workshop anlegen").click()
    join_link = page.locator("#join-link").input_value()
    page.get_by_role("link", name="Moderation öffnen").click()
    expect(page.locator("[data-connection]")).to_have_attribute("data-state", "connected")
    return join_link


def join(phone, link: str, name: str = "") -> None:
    phone.goto(link)
    if name:
        phone.get_by_label("Name").fill(name)
    phone.get_by_role("button", name="Join now").click()
    expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "connected")


def test_a_phone_leaves_and_comes_back_as_somebody_new(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    join_link = create_english_workshop(moderator, server.url)
    moderator.get_by_role("button", name="Review").click()
    moderator.locator("[data-card-names]").select_option("names")

    phone = contexts(PHONE).new_page()
    join(phone, join_link, name="Anna Beispiel")
    phone.get_by_role("radio", name="Kommunale Koordinierung").check()
    phone.get_by_role("radio", name="Erfolg").check()
    phone.get_by_role("textbox", name="Your card").fill("Regular meetings of the committee")
    phone.get_by_role("button", name="Send card").click()
    board_card = moderator.locator(".board-card", has_text="Regular meetings")
    expect(board_card).to_contain_text("Anna Beispiel")
    expect(moderator.locator("[data-joined]").first).to_have_text("1")

    # Leaving asks first and says what happens to cards and votes.
    phone.get_by_role("button", name="Leave workshop").click()
    panel = phone.locator("[data-leave-panel]")
    expect(panel).to_contain_text("Your cards stay in the workshop, without your name")
    expect(panel).to_contain_text("anonymous counts")
    assert_accessible(phone, "leave confirmation")
    phone.get_by_role("button", name="Cancel").click()
    expect(panel).to_be_hidden()
    phone.get_by_role("button", name="Leave workshop").click()
    screenshot(phone, "phone-leave")
    phone.get_by_role("button", name="Yes, leave the workshop").click()

    # The phone is back at the join page; the card stays, without the name.
    expect(phone.get_by_role("button", name="Join now")).to_be_visible()
    expect(board_card).not_to_contain_text("Anna Beispiel")
    expect(board_card).to_contain_text("anonymous")
    moderator.reload()
    expect(moderator.locator(".board-card", has_text="Regular meetings")).not_to_contain_text(
        "Anna Beispiel"
    )

    # Joining again on the same phone is a fresh participant: no name, no cards.
    phone.reload()
    expect(phone.get_by_role("button", name="Join now")).to_be_visible()
    join(phone, join_link)
    expect(phone.get_by_label("Name")).to_have_value("")
    expect(phone.locator(".my-card")).to_have_count(0)
