"""The next retreat in Chromium: the moderator prepares it from the last one, phones rate the
goals taken over, the projector shows the room's traffic lights as counts, never who."""

from __future__ import annotations

import re

import pytest
from e2e_support import LAPTOP, PHONE, screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible
from test_live_workshop import create_workshop
from test_projector_wall import connect, open_projector, send

pytestmark = pytest.mark.e2e

GOALS = [
    "Jede Schule hat ein abgestimmtes Praktikumskonzept",
    "Mehr Ausbildungsbetriebe im Handwerk gewinnen",
]
MORE_GOALS = [
    "Kein Jugendlicher verlässt die Schule ohne Anschlussvereinbarung",
    "Gemeinsame Datenbasis aller Partner mit jährlichem Bericht an den Schulausschuss",
    "Eltern früh in die Berufsorientierung einbinden",
    "Potenzialanalyse wird im Unterricht ausgewertet",
    "Berufsfelderkundungen in allen Schulformen ab Klasse 8",
    "Jugendberufsagentur als feste Anlaufstelle",
    "Duale Ausbildung an Gymnasien sichtbar machen",
    "Matching von Bewerbungen und Ausbildungsplätzen verbessern",
]
# New strings: German once the catalogs have them, the English msgid until then.
PREPARE = re.compile(r"^(Nächste Klausur vorbereiten|Prepare the next retreat)$")
CREATE = re.compile(r"^(Nächste Klausur anlegen|Create the next retreat)$")

LAYOUT = """
() => ({
  width: innerWidth, height: innerHeight,
  scrollWidth: document.documentElement.scrollWidth,
  scrollHeight: document.documentElement.scrollHeight,
})
"""
PROJECTOR_ROWS = """
() => [...document.querySelectorAll("[data-recap-rows] li")].map((li) => {
  const r = li.getBoundingClientRect();
  const title = li.querySelector(".recap-row-title");
  return {
    title: title.textContent, shown: li.offsetParent !== null,
    top: r.top, bottom: r.bottom, right: r.right,
    titlePx: parseFloat(getComputedStyle(title).fontSize),
    countPx: parseFloat(getComputedStyle(li.querySelector(".recap-counts")).fontSize),
  };
})
"""


def decided_retreat(server, contexts, titles: list[str]):
    """A moderator page of a retreat whose goals are confirmed, the first with a plan."""
    moderator = contexts(LAPTOP).new_page()
    create_workshop(moderator, server.url, "Strategieklausur 2026")
    connect(moderator)
    send(moderator, "phase.set", phase="goals")
    ids = [send(moderator, "goal.create", title=title)["goal"]["id"] for title in titles]
    send(moderator, "priorities.set", goal_ids=ids)
    send(moderator, "plan.set", goal_id=ids[0], status="in_progress", working_group="FAG BO")
    send(
        moderator,
        "measure.add",
        goal_id=ids[0],
        text="Leitfaden für Praktika schreiben",
        owner="KoKo",
        due="Schuljahr 2027/28",
    )
    return moderator


def prepare_next(moderator) -> dict:
    """Prepare the next retreat (in English) from the moderator page; returns its links."""
    moderator.get_by_role("link", name=PREPARE).click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text(PREPARE)
    assert_accessible(moderator, "prepare the next retreat")
    expect(moderator.locator("[data-no-goals]")).to_have_count(0)
    moderator.get_by_label("Titel").fill("Strategieklausur 2027")
    moderator.get_by_label("Datum").fill("2027-11-26")
    moderator.get_by_label("Ort").fill("Rathaus Bochum")
    moderator.get_by_label("Moderation").fill("Frau Berger")
    moderator.locator("#language").select_option("en")
    moderator.get_by_role("button", name=CREATE).click()
    expect(moderator.get_by_role("heading", name="Workshop angelegt")).to_be_visible()
    links = {
        "moderator": moderator.locator("#moderator-link").input_value(),
        "projector": moderator.locator("#projector-link").input_value(),
        "join": moderator.locator("#join-link").input_value(),
    }
    assert "/m/" in links["moderator"]
    moderator.get_by_role("link", name="Moderation öffnen").click()
    expect(moderator.locator("[data-workshop-title]").first).to_have_text("Strategieklausur 2027")
    expect(moderator.locator("[data-connection]")).to_have_attribute("data-state", "connected")
    return links


def join(contexts, link: str, name: str):
    phone = contexts(PHONE).new_page()
    phone.goto(link)
    phone.get_by_label("Name").fill(name)
    phone.get_by_role("button", name="Join now").click()
    expect(phone.locator("[data-connection]")).to_have_attribute("data-state", "connected")
    return phone


def goal_on_phone(phone, title: str):
    return phone.locator(".recap-goal").filter(has=phone.get_by_role("heading", name=title))


def test_moderator_prepares_the_next_retreat_and_the_room_looks_back(server, contexts):
    moderator = decided_retreat(server, contexts, GOALS)
    links = prepare_next(moderator)
    projector = open_projector(contexts, links["projector"])
    phones = [join(contexts, links["join"], name) for name in ("Anna Adler", "Ben Berg")]

    moderator.get_by_role("button", name="Next phase").click()
    expect(moderator.locator("[data-recap-panel]")).to_be_visible()
    for phone in phones:
        expect(phone.get_by_role("heading", level=1)).to_have_text("Look back")
        expect(phone.locator(".recap-goal")).to_have_count(2)
    first = goal_on_phone(phones[0], GOALS[0])
    expect(first).to_contain_text("Status: in progress")
    expect(first).to_contain_text("Leitfaden für Praktika schreiben")
    expect(first).to_contain_text("KoKo · Schuljahr 2027/28 · planned")

    # Anna: green. Ben: red with a comment. Each sees their own saved choice only.
    first.get_by_text("Going well / reached").click()
    expect(first.locator(".recap-status")).to_have_text("Saved: Going well / reached")
    ben = goal_on_phone(phones[1], GOALS[0])
    ben.get_by_label("Comment (optional)").fill("Noch kein Budget für die Begleitung")
    ben.get_by_text("Critical / not reached").click()
    expect(ben.locator(".recap-status")).to_have_text(
        "Saved: Critical / not reached · with comment"
    )
    expect(ben.get_by_role("radio", name="Critical / not reached")).to_be_checked()
    expect(phones[0].locator("text=Noch kein Budget")).to_have_count(0)
    expect(first.get_by_role("radio", name="Critical / not reached")).not_to_be_checked()
    expect(phones[0].locator("[data-recap-progress]")).to_have_text("1 of 2 goals rated")

    # The projector: counts per light, in words, and nothing of who or what was written.
    row = projector.locator("[data-recap-rows] li").filter(has_text=GOALS[0])
    expect(row.locator(".recap-count.light-green .recap-count-value")).to_have_text("1")
    expect(row.locator(".recap-count.light-red .recap-count-value")).to_have_text("1")
    expect(row.locator(".recap-count.light-yellow .recap-count-value")).to_have_text("0")
    expect(row).to_contain_text("Going well / reached: 1")
    expect(row).to_contain_text("2 ratings")
    expect(row).to_contain_text("Status: in progress")
    page_text = projector.locator("body").inner_text()
    assert "Anna" not in page_text and "Ben" not in page_text
    assert "Budget" not in projector.content()
    layout = projector.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["width"]
    assert layout["scrollHeight"] <= layout["height"]
    for shown in projector.evaluate(PROJECTOR_ROWS):
        assert shown["shown"] and shown["bottom"] <= 720 and shown["right"] <= 1280
        assert shown["titlePx"] >= 24 and shown["countPx"] >= 20

    # The moderator reads the comment, without a name.
    board = moderator.locator("[data-recap-panel] .recap-goal").filter(has_text=GOALS[0])
    expect(board.locator(".recap-comment")).to_have_text(
        "Critical / not reachedNoch kein Budget für die Begleitung"
    )
    expect(board).not_to_contain_text("Ben")

    # Changing one's mind replaces the rating; the projector follows.
    first.get_by_text("Partly").click()
    expect(first.locator(".recap-status")).to_have_text("Saved: Partly")
    expect(row.locator(".recap-count.light-yellow .recap-count-value")).to_have_text("1")
    expect(row.locator(".recap-count.light-green .recap-count-value")).to_have_text("0")

    # The phone's choices are large enough to tap and the page does not scroll sideways.
    sizes = phones[0].evaluate(
        """() => [...document.querySelectorAll('.light-face')].map((f) => {
             const r = f.getBoundingClientRect(); return [r.width, r.height]; })"""
    )
    assert len(sizes) == 6 and all(w >= 44 and h >= 44 for w, h in sizes)
    phone_layout = phones[0].evaluate(LAYOUT)
    assert phone_layout["scrollWidth"] <= phone_layout["width"] == 360
    assert_accessible(phones[0], "phone look back")
    assert_accessible(projector, "projector look back")
    assert_accessible(moderator, "moderator look back")
    first.scroll_into_view_if_needed()
    screenshot(phones[0], "phone-recap")
    screenshot(projector, "projector-recap")
    moderator.locator("[data-recap-panel]").scroll_into_view_if_needed()
    screenshot(moderator, "moderator-recap")

    # The look back ends with the phase: the phones move on to collecting.
    moderator.get_by_role("button", name="Next phase").click()
    expect(phones[0].locator("[data-recap-view]")).to_be_hidden()
    expect(phones[0].get_by_role("heading", level=1)).to_have_text("Review")


def test_many_goals_turn_pages_on_the_projector(server, contexts):
    moderator = decided_retreat(server, contexts, GOALS + MORE_GOALS)
    links = prepare_next(moderator)
    projector = open_projector(contexts, links["projector"], query="?turn=2")
    moderator.get_by_role("button", name="Next phase").click()
    expect(projector.locator("[data-recap-rows] li")).to_have_count(10)
    expect(projector.locator("[data-recap-page]")).to_have_text(re.compile(r"^Page 1/[2-5]$"))
    rows = projector.evaluate(PROJECTOR_ROWS)
    shown = [row for row in rows if row["shown"]]
    assert 2 <= len(shown) < 10
    assert all(row["bottom"] <= 720 for row in shown)
    layout = projector.evaluate(LAYOUT)
    assert layout["scrollHeight"] <= layout["height"]
    expect(projector.locator("[data-recap-page]")).to_have_text(re.compile(r"^Page 2/"))
    later = {row["title"] for row in projector.evaluate(PROJECTOR_ROWS) if row["shown"]}
    assert later.isdisjoint({row["title"] for row in shown})
