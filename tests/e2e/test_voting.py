"""Dot voting in Chromium: five phones place dots while the projector shows only how many voted;
the moderator reveals, and projector and phones show the ranking the taps make."""

from __future__ import annotations

import re

import pytest
from e2e_support import LAPTOP, PROJECTOR, open_dot_round, screenshot
from playwright.sync_api import expect
from test_live_workshop import create_workshop, join_by_phone

pytestmark = pytest.mark.e2e

GOALS = ["Mehr Praktikumsplätze im Handwerk", "Gemeinsame Datenbasis", "Eltern früh einbinden"]


#: Taps per phone (goal index → dots). Totals: goal 1 → 4, goals 0 and 2 → 3 each (a tie).
TAPS = [{1: 3, 0: 1}, {1: 1}, {2: 2}, {0: 2}, {2: 1}]
#: (rank, goal index, dots): the tie shares rank 2, in the order the goals were made.
EXPECTED = [(1, 1, 4), (2, 0, 3), (2, 2, 3)]


def more(phone, goal: str):
    return phone.get_by_role("button", name=f"Einen Punkt mehr für: {goal}")


def test_five_phones_vote_the_projector_shows_only_progress_then_the_ranking(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    phones = [join_by_phone(contexts, links["join"]) for _ in TAPS]
    projector = contexts(PROJECTOR).new_page()
    projector.goto(links["projector"])
    open_dot_round(moderator, GOALS)

    first, second = phones[:2]
    expect(first.locator("[data-dots-left]")).to_have_text("Noch 5 von 5 Punkten")
    votes = projector.locator("[data-votes]")
    expect(votes.locator("[data-votes-count]")).to_have_text(re.compile(r"^0 von 5 "))
    expect(second.locator("[data-vote-progress]")).to_have_text("0 von 5 haben abgestimmt")
    for voted, (phone, taps) in enumerate(zip(phones, TAPS, strict=True), start=1):
        for goal, dots in taps.items():
            for _ in range(dots):
                more(phone, GOALS[goal]).click()
        left = 5 - sum(taps.values())
        expect(phone.locator("[data-dots-left]")).to_have_text(f"Noch {left} von 5 Punkten")
        # The projector follows the count, and shows nothing per goal while the round is open.
        expect(votes.locator("[data-votes-count]")).to_have_text(re.compile(rf"^{voted} von 5 "))
        expect(votes.locator("[data-votes-bars] li")).to_have_count(0)
        expect(votes.locator("[data-votes-rows] tr")).to_have_count(0)
    # At most 3 on one goal: the button says no more.
    expect(more(first, GOALS[1])).to_be_disabled()
    screenshot(first, "phone-vote")
    expect(moderator.locator(".round-item")).to_contain_text("5 von 5 haben abgestimmt")
    # Phones see how many voted, and nothing per goal, while the round is open.
    for phone in phones:
        expect(phone.locator("[data-vote-progress]")).to_have_text("5 von 5 haben abgestimmt")
        expect(phone.locator("[data-result-list] li")).to_have_count(0)

    item = moderator.locator(".round-item")
    item.get_by_role("button", name="Schließen").click()
    expect(votes.locator("[data-votes-bars] li")).to_have_count(0)
    item.get_by_role("button", name="Ergebnis freigeben").click()

    # The projector's ranking equals the one the taps make: ties share a rank.
    bars = votes.locator("[data-votes-bars] li")
    expect(bars).to_have_count(len(GOALS))
    for index, (rank, goal, dots) in enumerate(EXPECTED):
        expect(bars.nth(index).locator(".vote-title")).to_have_text(GOALS[goal])
        expect(bars.nth(index).locator(".vote-dots")).to_have_text(str(dots))
        expect(bars.nth(index)).to_contain_text(f"{rank}")
    rows = votes.locator("[data-votes-rows] tr")
    expect(rows).to_have_count(len(GOALS))
    for index, (rank, goal, dots) in enumerate(EXPECTED):
        expect(rows.nth(index)).to_contain_text(GOALS[goal])
        expect(rows.nth(index)).to_contain_text(str(dots))
        expect(rows.nth(index).locator("td, th").first).to_have_text(str(rank))
    screenshot(projector, "projector-five-phones-revealed")

    # Every phone sees the same ranking.
    for phone in phones:
        results = phone.locator("[data-result-list] li")
        expect(results).to_have_count(3)
        expect(results.nth(0)).to_contain_text(GOALS[1])
        expect(results.nth(0)).to_contain_text("1. · 4 Punkte")
        expect(results.nth(1)).to_contain_text("2. · 3 Punkte")
        expect(results.nth(2)).to_contain_text("2. · 3 Punkte")
    expect(second.locator("[data-result-list] li").nth(0)).to_contain_text(GOALS[1])
