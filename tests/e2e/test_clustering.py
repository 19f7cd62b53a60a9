"""Clustering in Chromium: a drag (and a keyboard move) that every other screen follows."""

from __future__ import annotations

import pytest
from e2e_support import LAPTOP, screenshot
from playwright.sync_api import expect
from test_collect import start_review
from test_live_workshop import create_workshop, join_by_phone

pytestmark = pytest.mark.e2e

CARDS = [
    "Zu wenige Praktikumsplätze im Handwerk",
    "Praktikumsplaetze im Handwerk fehlen",
    "Gute Kooperation mit der Agentur für Arbeit",
]


def add_cards(moderator) -> None:
    for text in CARDS:
        moderator.get_by_label("Text der Karte").fill(text)
        moderator.get_by_role("button", name="Karte hinzufügen").click()
        expect(moderator.locator(".board-card", has_text=text)).to_have_count(1)


def drag(page, source, target) -> None:
    """Drag with real pointer moves, as a hand on a mouse or touch screen does."""
    start = source.bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(
            start["x"] + (end["x"] + end["width"] / 2 - start["x"]) * step / 20,
            start["y"] + (end["y"] + end["height"] / 2 - start["y"]) * step / 20,
        )
        page.wait_for_timeout(20)
    page.mouse.up()


def test_moderator_clusters_and_a_second_screen_follows(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    co = contexts(LAPTOP).new_page()
    co.goto(links["moderator"])
    phone = join_by_phone(contexts, links["join"])
    start_review(moderator)
    add_cards(moderator)
    moderator.get_by_role("button", name="Clustern").click()
    expect(moderator.get_by_role("button", name="Cluster vorschlagen")).to_be_visible()

    # A new cluster in the first field, named, then a card dragged into it.
    column = moderator.get_by_role("region", name="Studien- und Berufsorientierung")
    column.get_by_role("button", name="Neues Cluster").click()
    name = column.get_by_role("textbox", name="Name des Clusters")
    name.fill("Praktika")
    name.press("Enter")
    expect(co.get_by_role("textbox", name="Name des Clusters")).to_have_value("Praktika")
    card = column.locator(".board-card", has_text=CARDS[0])
    drag(moderator, card.locator(".card-text"), column.locator(".cluster-box .drop-list"))
    co_cluster = co.locator(".cluster-box")
    expect(co_cluster.locator(".board-card")).to_have_count(1)
    expect(co_cluster.locator(".board-card")).to_contain_text(CARDS[0])

    # The keyboard way: the move list on a card.
    second = column.locator(".board-card", has_text=CARDS[1])
    second.get_by_role("combobox").select_option(label="Praktika")
    expect(co_cluster.locator(".board-card")).to_have_count(2)
    screenshot(moderator, "moderator-clusters")
    # Phones see the themes, read-only.
    theme = phone.locator(".theme", has_text="Praktika")
    expect(theme.locator(".theme-card")).to_have_count(2)
    expect(phone.get_by_role("button", name="Auflösen")).to_have_count(0)
    screenshot(phone, "phone-themes")

    # Dissolving sends the cards back to their field, on every screen.
    moderator.locator(".cluster-box").get_by_role("button", name="Auflösen").click()
    expect(co.locator(".cluster-box")).to_have_count(0)
    expect(co.locator(".board-card")).to_have_count(3)


def test_a_cluster_becomes_a_goal_that_phones_see(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    phone = join_by_phone(contexts, links["join"])
    start_review(moderator)
    add_cards(moderator)
    moderator.get_by_role("button", name="Clustern").click()
    column = moderator.get_by_role("region", name="Studien- und Berufsorientierung")
    column.get_by_role("button", name="Neues Cluster").click()
    name = column.get_by_role("textbox", name="Name des Clusters")
    name.fill("Praktika")
    name.press("Enter")
    for text in CARDS[:2]:
        column.locator(".board-card", has_text=text).get_by_role("combobox").select_option(
            label="Praktika"
        )
    expect(moderator.locator(".cluster-box .board-card")).to_have_count(2)

    moderator.get_by_role("button", name="Ziele").click()
    moderator.get_by_role("button", name="Als Ziel übernehmen").click()
    title = moderator.locator("#goal-title")
    expect(title).to_have_value("Praktika")
    title.fill("Bis 2028 doppelt so viele Praktikumsplätze im Handwerk")
    moderator.get_by_role("button", name="Ziel anlegen").click()
    goal = moderator.locator(".goal-item", has_text="doppelt so viele")
    expect(goal).to_contain_text("2 Karten")
    expect(phone.locator("[data-goals-view]")).to_contain_text(
        "Bis 2028 doppelt so viele Praktikumsplätze im Handwerk"
    )
    screenshot(moderator, "moderator-goals")
    screenshot(phone, "phone-goals")
