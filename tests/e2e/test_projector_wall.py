"""The projector's review wall: cards arrive live, hidden cards go, the spotlight shows one card,
and hundreds of cards stay legible (smallest type, then pages that turn by themselves)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from e2e_support import LAPTOP, PROJECTOR, screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible
from test_live_workshop import create_workshop, join_by_phone

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[1] / "data"
FULL_HD = {"viewport": {"width": 1920, "height": 1080}}
#: The smallest card type wall.js may use, in vh (SIZE_STEPS[-1] in static/js/lib/wall.js).
MIN_CARD_VH = 2.8

# A second socket on a page that already holds the cookie of its role: commands from the test.
CONNECT = """
async (role) => {
  const config = JSON.parse(document.getElementById("page-config").textContent);
  const socket = io({ auth: { workshop: config.workshop, role } });
  const snapshot = await new Promise((resolve) => socket.once("snapshot", resolve));
  window.__test = { socket, workshop: config.workshop, n: 0 };
  return { fields: snapshot.fields, kinds: snapshot.kinds };
}
"""
SEND = """
async ([event, payload]) => {
  const t = window.__test;
  t.n += 1;
  const id = `e2e-${Date.now()}-${t.n}`;
  return await new Promise((resolve) =>
    t.socket.emit(event, { id, workshop: t.workshop, ...payload }, resolve));
}
"""
POST_MANY = """
async (cards) => {
  const t = window.__test;
  const queue = cards.slice();
  const failed = [];
  async function worker() {
    while (queue.length) {
      const card = queue.shift();
      t.n += 1;
      const id = `e2e-${Date.now()}-${t.n}`;
      const ack = await new Promise((resolve) =>
        t.socket.emit("card.post", { id, workshop: t.workshop, ...card }, resolve));
      if (!ack.ok) failed.push(ack.error.code);
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  return failed;
}
"""
# Where every shown card is, against its list and the viewport.
LAYOUT = """
() => {
  const lists = [...document.querySelectorAll(".wall-list")];
  const out = { width: innerWidth, height: innerHeight,
                scrollWidth: document.documentElement.scrollWidth,
                scrollHeight: document.documentElement.scrollHeight,
                fontPx: parseFloat(getComputedStyle(lists[0]).fontSize), columns: [] };
  for (const list of lists) {
    const box = list.getBoundingClientRect();
    const cards = [...list.children].map((li) => {
      const r = li.getBoundingClientRect();
      const shown = getComputedStyle(li).display !== "none";
      const inside = r.top >= box.top - 1 && r.bottom <= box.bottom + 1 &&
                     r.left >= box.left - 1 && r.right <= box.right + 1 &&
                     r.bottom <= innerHeight && r.right <= innerWidth;
      return { id: li.dataset.cardId, page: li.dataset.page, shown, inside };
    });
    const section = list.closest(".wall-column");
    out.columns.push({ pages: Number(section.dataset.pages), cards });
  }
  return out;
}
"""


def connect(page, role: str = "moderator") -> dict:
    return page.evaluate(CONNECT, role)


def send(page, event: str, **payload) -> dict:
    ack = page.evaluate(SEND, [event, payload])
    assert ack["ok"], ack
    return ack["data"]


def open_projector(contexts, link: str, kind: dict = PROJECTOR, query: str = ""):
    projector = contexts(kind).new_page()
    projector.goto(link + query)
    expect(projector.locator("[data-connection]")).to_have_attribute("data-state", "connected")
    return projector


def kind_ids(structure: dict) -> tuple[int, int]:
    kinds = {kind["name"]: kind["id"] for kind in structure["kinds"]}
    return kinds["Erfolg"], kinds["Herausforderung"]


def sample_cards(structure: dict, count: int) -> list[dict]:
    """Realistic review cards from the test data, repeated with a number when more are needed."""
    success, challenge = kind_ids(structure)
    fields = [field["id"] for field in structure["fields"]]
    texts = []
    for name in ("cards_de.json", "cards_de_holdout.json"):
        texts += json.loads((DATA / name).read_text(encoding="utf-8"))["cards"]
    cards = []
    for i in range(count):
        card = texts[i % len(texts)]
        text = card["text"] if i < len(texts) else f"{card['text']} ({i // len(texts) + 1})"
        cards.append(
            {
                "field_id": fields[(card["field_id"] - 1) % len(fields)],
                "kind_id": success if card["kind"] == "success" else challenge,
                "text": text,
            }
        )
    return cards


def no_scrollbars(layout: dict) -> None:
    assert layout["scrollWidth"] <= layout["width"], layout["scrollWidth"]
    assert layout["scrollHeight"] <= layout["height"], layout["scrollHeight"]


def test_cards_arrive_change_and_go_live(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    success, challenge = kind_ids(structure)
    second_field = structure["fields"][1]

    projector = open_projector(contexts, links["projector"])
    phone = join_by_phone(contexts, links["join"])
    projector.evaluate("window.__sameDocument = true")
    send(moderator, "phase.set", phase="collect")
    expect(projector.locator(".projector-phase")).to_contain_text("Zwischenbilanz")
    expect(projector.locator(".wall-column")).to_have_count(4)
    expect(projector.locator(".qr")).to_be_hidden()
    # The header: who is done, and how latecomers still get in.
    expect(projector.locator("[data-done-line]")).to_have_text(re.compile(r"^0 (von|of) 1 "))
    code = re.search(r"/j/(\w+)", links["join"])[1]
    expect(projector.locator(".wall-join")).to_contain_text(code)
    expect(projector.locator(".wall-legend")).to_contain_text("Erfolg")
    expect(projector.locator(".wall-legend")).to_contain_text("Herausforderung")

    card = send(
        moderator,
        "card.post",
        field_id=second_field["id"],
        kind_id=challenge,
        text="Anschlussvereinbarung klappt, aber die Qualität schwankt stark",
    )["card"]
    column = projector.locator(".wall-column").nth(1)
    expect(column.get_by_role("heading", level=2)).to_have_text(second_field["name"])
    shown = column.locator(f'[data-card-id="{card["id"]}"]')
    expect(shown).to_contain_text("Qualität schwankt stark")
    # The kind is named (for screen readers), coloured and shaped, not colour alone.
    expect(shown).to_contain_text("Herausforderung")
    expect(shown).to_have_class(re.compile(r"wall-kind-orange"))
    expect(shown.locator(".wall-mark")).to_have_attribute("data-shape", "1")
    expect(shown).to_have_class(re.compile(r"is-new"))
    assert projector.locator(".wall-card").count() == 1

    # Edited text and a +1 from a phone follow live.
    send(moderator, "card.edit", card_id=card["id"], text="Anschlussvereinbarungen: Qualität")
    expect(shown).to_contain_text("Anschlussvereinbarungen: Qualität")
    connect(phone, "participant")
    send(phone, "card.support", card_id=card["id"], support=True)
    expect(shown.locator(".wall-supports")).to_have_text("+1")

    # More cards, then one hidden by the moderator disappears.
    for item in sample_cards(structure, 19):
        send(moderator, "card.post", **item)
    expect(projector.locator(".wall-card")).to_have_count(20)
    other = send(moderator, "card.post", field_id=second_field["id"], kind_id=success, text="Weg")
    # At 1280×720 this column has pages by now: the page with the new card turns up next.
    expect(column.locator(f'[data-card-id="{other["card"]["id"]}"]')).to_be_visible(timeout=12000)
    send(moderator, "card.hide", card_id=other["card"]["id"], hidden=True)
    expect(projector.locator(f'[data-card-id="{other["card"]["id"]}"]')).to_have_count(0)
    expect(projector.locator(".wall-card")).to_have_count(20)
    assert projector.evaluate("window.__sameDocument") is True

    # A running countdown shows in the header line.
    send(moderator, "timer.start", seconds=600)
    expect(projector.locator("[data-timer-value]")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))
    projector.wait_for_timeout(5500)  # let the arrival highlights fade before the pictures
    no_scrollbars(projector.evaluate(LAYOUT))
    assert_accessible(projector, "projector wall")
    screenshot(projector, "wall-20-cards-1280x720")
    full_hd = open_projector(contexts, links["projector"], FULL_HD)
    expect(full_hd.locator(".wall-card")).to_have_count(20)
    no_scrollbars(full_hd.evaluate(LAYOUT))
    screenshot(full_hd, "wall-20-cards-1920x1080")


def test_spotlight_shows_one_card_large_and_goes_again(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    send(moderator, "phase.set", phase="collect")
    moderator.evaluate(POST_MANY, sample_cards(structure, 24))
    projector = open_projector(contexts, links["projector"])
    expect(projector.locator(".wall-card")).not_to_have_count(0)
    card_id = int(projector.locator(".wall-card").nth(2).get_attribute("data-card-id"))
    # The card's own text (without the kind's name in front, which is there for screen readers).
    card_text = (
        projector.locator(".wall-card")
        .nth(2)
        .evaluate(
            r"(li) => li.querySelector('.wall-text').lastChild.textContent.replace(/\u2060/g, '')"
        )
    )

    spotlight = projector.locator("[data-spotlight]")
    expect(spotlight).to_be_hidden()
    send(moderator, "card.spotlight", card_id=card_id)
    expect(spotlight).to_be_visible()
    expect(spotlight.locator(".spotlight-text")).to_have_text(card_text)
    expect(spotlight.locator(".spotlight-meta")).to_contain_text(
        re.compile("Erfolg|Herausforderung", re.IGNORECASE)
    )
    projector.wait_for_timeout(600)
    assert_accessible(projector, "projector spotlight")
    screenshot(projector, "wall-spotlight-1280x720")
    full_hd = open_projector(contexts, links["projector"], FULL_HD)
    expect(full_hd.locator("[data-spotlight]")).to_be_visible()
    full_hd.wait_for_timeout(600)
    screenshot(full_hd, "wall-spotlight-1920x1080")

    send(moderator, "card.spotlight", card_id=None)
    expect(spotlight).to_be_hidden()
    expect(full_hd.locator("[data-spotlight]")).to_be_hidden()

    # A spotlighted card that the moderator hides leaves the beamer at once.
    send(moderator, "card.spotlight", card_id=card_id)
    expect(spotlight).to_be_visible()
    send(moderator, "card.hide", card_id=card_id, hidden=True)
    expect(spotlight).to_be_hidden()
    expect(projector.locator(f'[data-card-id="{card_id}"]')).to_have_count(0)

    # Closing the workshop: a calm thank-you, no wall, no spotlight, no join area.
    send(moderator, "card.hide", card_id=card_id, hidden=False)
    send(moderator, "card.spotlight", card_id=card_id)
    expect(spotlight).to_be_visible()
    send(moderator, "phase.set", phase="closed")
    expect(spotlight).to_be_hidden()
    expect(projector.locator(".projector-closed")).to_be_visible()
    expect(projector.locator(".projector-wall")).to_be_hidden()
    expect(projector.locator(".qr")).to_be_hidden()


@pytest.mark.timeout(300)
def test_hundreds_of_cards_stay_legible_and_every_card_gets_its_turn(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    send(moderator, "phase.set", phase="collect")
    cards = sample_cards(structure, 320)
    cards[5] = {**cards[5], "text": "Sehr lange Karte: " + "viel Text und noch mehr " * 20}
    cards[6] = {**cards[6], "text": "Berufsorientierungsmaßnahmenkoordinierungsstelle" * 3}
    failed = moderator.evaluate(POST_MANY, cards)
    assert not failed, failed

    # Pages turn every second here (?turn=1) so the test can watch a whole round.
    projector = open_projector(contexts, links["projector"], query="?turn=1")
    expect(projector.locator(".wall-card")).to_have_count(320)
    expect(projector.locator(".wall-page").first).to_have_text(re.compile(r"^\D*\d+/\d+$"))
    layout = projector.evaluate(LAYOUT)
    no_scrollbars(layout)
    assert layout["fontPx"] >= MIN_CARD_VH * layout["height"] / 100 - 0.5, layout["fontPx"]
    assert all(column["pages"] > 1 for column in layout["columns"])
    for column in layout["columns"]:
        for card in column["cards"]:
            assert card["page"] is not None and int(card["page"]) < column["pages"], card
    screenshot(projector, "wall-320-cards-1280x720")

    # Watch the pages turn: every card is shown, whole and inside the screen, on some page.
    all_ids = {card["id"] for column in layout["columns"] for card in column["cards"]}
    seen: set[str] = set()
    deadline = time.monotonic() + 60
    while seen != all_ids and time.monotonic() < deadline:
        layout = projector.evaluate(LAYOUT)
        no_scrollbars(layout)
        for column in layout["columns"]:
            for card in column["cards"]:
                if card["shown"]:
                    assert card["inside"], card
                    seen.add(card["id"])
        projector.wait_for_timeout(300)
    assert seen == all_ids, f"{len(all_ids - seen)} cards were never shown"

    full_hd = open_projector(contexts, links["projector"], FULL_HD)
    expect(full_hd.locator(".wall-card")).to_have_count(320)
    layout = full_hd.evaluate(LAYOUT)
    no_scrollbars(layout)
    assert layout["fontPx"] >= MIN_CARD_VH * layout["height"] / 100 - 0.5
    for column in layout["columns"]:
        assert all(card["inside"] for card in column["cards"] if card["shown"])
    assert_accessible(full_hd, "projector wall with pages")
    screenshot(full_hd, "wall-320-cards-1920x1080")
