"""Dot voting in Chromium: phones place dots, the moderator reveals, phones see the ranking."""

from __future__ import annotations

import pytest
from e2e_support import LAPTOP, screenshot
from playwright.sync_api import expect
from test_live_workshop import create_workshop, join_by_phone

pytestmark = pytest.mark.e2e

GOALS = ["Mehr Praktikumsplätze im Handwerk", "Gemeinsame Datenbasis", "Eltern früh einbinden"]


def test_phones_vote_and_see_the_revealed_ranking(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    phones = [join_by_phone(contexts, links["join"]) for _ in range(2)]
    moderator.get_by_role("button", name="Ziele").click()
    for title in GOALS:
        moderator.locator("#goal-title").fill(title)
        moderator.get_by_role("button", name="Ziel anlegen").click()
        expect(moderator.locator(".goal-item", has_text=title)).to_have_count(1)
    moderator.get_by_role("button", name="Abstimmung", exact=True).click()
    moderator.get_by_role("button", name="Runde über alle Ziele vorbereiten").click()
    moderator.locator(".round-item").get_by_role("button", name="Öffnen").click()

    first, second = phones
    expect(first.locator("[data-dots-left]")).to_have_text("Noch 5 von 5 Punkten")
    for _ in range(3):
        first.get_by_role("button", name=f"Einen Punkt mehr für: {GOALS[1]}").click()
    first.get_by_role("button", name=f"Einen Punkt mehr für: {GOALS[0]}").click()
    expect(first.locator("[data-dots-left]")).to_have_text("Noch 1 von 5 Punkten")
    # At most 3 on one goal: the button says no more.
    expect(first.get_by_role("button", name=f"Einen Punkt mehr für: {GOALS[1]}")).to_be_disabled()
    second.get_by_role("button", name=f"Einen Punkt mehr für: {GOALS[1]}").click()
    expect(second.locator("[data-dots-left]")).to_have_text("Noch 4 von 5 Punkten")
    screenshot(first, "phone-vote")
    expect(moderator.locator(".round-item")).to_contain_text("2 von 2 haben abgestimmt")

    item = moderator.locator(".round-item")
    item.get_by_role("button", name="Schließen").click()
    item.get_by_role("button", name="Ergebnis freigeben").click()
    results = first.locator("[data-result-list] li")
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text(GOALS[1])
    expect(results.nth(0)).to_contain_text("1. · 4 Punkte")
    expect(results.nth(1)).to_contain_text("2. · 1 Punkt")
    expect(results.nth(1)).not_to_contain_text("Punkte")
    expect(second.locator("[data-result-list] li").nth(0)).to_contain_text(GOALS[1])
