"""The projector after the review: the themes follow the moderator live while clustering, the
strategic goals show per action field in their order from the goal phase on, and many of either
stay legible without scrollbars (smallest type, then pages that turn by themselves)."""

from __future__ import annotations

import re
import time

import pytest
from e2e_support import LAPTOP, screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible
from test_live_workshop import create_workshop
from test_projector_wall import (
    FULL_HD,
    MIN_CARD_VH,
    POST_MANY,
    connect,
    kind_ids,
    open_projector,
    sample_cards,
    send,
)

pytestmark = pytest.mark.e2e

# New strings of this view: German once the catalogs have them, the English msgid until then.
LOOSE = re.compile(r"^(Noch ohne Thema|Not yet in a theme)$")
UNNAMED = re.compile(r"^(Thema ohne Namen|Theme without a name)$")
ONE_CARD = re.compile(r"^1 (Karte|card)$")

SNAPSHOT = """
async () => {
  const t = window.__test;
  const ack = await new Promise((resolve) =>
    t.socket.emit("snapshot.get", { workshop: t.workshop }, resolve));
  return ack.data;
}
"""
# Every unit of the shown board (cards, themes without cards, goals), against its list and the
# viewport, and the page's scroll size.
LAYOUT = """
(board) => {
  const root = document.querySelector(board);
  const lists = [...root.querySelectorAll(".stage-list")];
  const out = { width: innerWidth, height: innerHeight,
                scrollWidth: document.documentElement.scrollWidth,
                scrollHeight: document.documentElement.scrollHeight,
                fontPx: parseFloat(getComputedStyle(lists[0]).fontSize), columns: [] };
  for (const list of lists) {
    const box = list.getBoundingClientRect();
    const units = [...list.querySelectorAll(".stage-unit")].map((node) => {
      const r = node.getBoundingClientRect();
      const shown = node.offsetParent !== null;
      const inside = r.top >= box.top - 1 && r.bottom <= box.bottom + 1 &&
                     r.left >= box.left - 1 && r.right <= box.right + 1 &&
                     r.bottom <= innerHeight && r.right <= innerWidth;
      const key = node.dataset.cardId ? `card-${node.dataset.cardId}`
        : node.dataset.goalId ? `goal-${node.dataset.goalId}` : node.textContent;
      return { key, page: node.dataset.page, shown, inside };
    });
    const section = list.closest(".stage-column");
    out.columns.push({ title: section.querySelector("h2").textContent,
                       pages: Number(section.dataset.pages), units });
  }
  return out;
}
"""

GOALS = [
    (
        "Jede Schule hat bis 2028 ein abgestimmtes Praktikumskonzept",
        "Mit festen Ansprechpersonen in Betrieben und einer gemeinsamen Praktikumsbörse.",
    ),
    ("Potenzialanalyse wird im Unterricht ausgewertet", ""),
    (
        "Kein Jugendlicher geht ohne Anschlussvereinbarung von der Schule ab",
        "Die Jugendberufsagentur begleitet alle Jugendlichen ohne Anschluss bis zum Start.",
    ),
    ("Mehr Ausbildungsbetriebe im Handwerk", "Besonders im Kfz- und Elektrohandwerk."),
    ("Gemeinsame Datenbasis aller Partner", "Jährlicher Bericht an den Schulausschuss."),
]


def snapshot(page) -> dict:
    return page.evaluate(SNAPSHOT)


def no_scrollbars(layout: dict) -> None:
    assert layout["scrollWidth"] <= layout["width"], layout["scrollWidth"]
    assert layout["scrollHeight"] <= layout["height"], layout["scrollHeight"]


def every_unit_gets_its_turn(page, board: str, seconds: float = 60) -> None:
    """Watch the pages turn: every unit is shown, whole and inside the screen, on some page."""
    layout = page.evaluate(LAYOUT, board)
    everything = {unit["key"] for column in layout["columns"] for unit in column["units"]}
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while seen != everything and time.monotonic() < deadline:
        layout = page.evaluate(LAYOUT, board)
        no_scrollbars(layout)
        for column in layout["columns"]:
            for unit in column["units"]:
                assert unit["page"] is not None and int(unit["page"]) < column["pages"], unit
                if unit["shown"]:
                    assert unit["inside"], (column["title"], unit)
                    seen.add(unit["key"])
        page.wait_for_timeout(250)
    assert seen == everything, f"never shown: {sorted(everything - seen)[:5]}"


def test_themes_follow_the_moderator_live(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    success, challenge = kind_ids(structure)
    first, second, third = (field["id"] for field in structure["fields"][:3])
    send(moderator, "phase.set", phase="collect")
    posted = [
        (first, success, "Praktikumsbörse der Kammern wird gut genutzt"),
        (first, challenge, "Zu wenige Praktikumsplätze im Handwerk"),
        (first, challenge, "Praktika in den Sommerferien sind kaum zu bekommen"),
        (second, challenge, "Anschlussvereinbarungen werden zu spät abgeschlossen"),
        (third, success, "Ausbildungsbotschafter kommen gut an"),
    ]
    cards = [
        send(moderator, "card.post", field_id=field, kind_id=kind, text=text)["card"]
        for field, kind, text in posted
    ]

    projector = open_projector(contexts, links["projector"])
    projector.evaluate("window.__sameDocument = true")
    send(moderator, "phase.set", phase="cluster")
    themes = projector.locator("[data-themes]")
    expect(themes).to_be_visible()
    expect(projector.locator("[data-wall]")).to_be_hidden()
    expect(themes.locator(".stage-column")).to_have_count(4)
    # Nothing clustered yet: every card waits, quietly, under "not yet in a theme".
    column = themes.locator(".stage-column").first
    loose = column.locator(".theme-group.is-loose")
    expect(loose.locator(".theme-name")).to_have_text(LOOSE)
    expect(loose.locator(".theme-card")).to_have_count(3)

    # The moderator makes a theme and moves a card into it: the room sees both at once.
    cluster = send(moderator, "cluster.create", field_id=first, name="Praktika")["cluster"]
    group = column.locator(f'.theme-group[data-cluster-id="{cluster["id"]}"]')
    expect(group.locator(".theme-name")).to_have_text("Praktika")
    expect(group.locator(".theme-card")).to_have_count(0)
    send(moderator, "card.move", card_id=cards[1]["id"], cluster_id=cluster["id"], index=0)
    moved = group.locator(f'[data-card-id="{cards[1]["id"]}"]')
    expect(moved).to_contain_text("Zu wenige Praktikumsplätze im Handwerk")
    expect(moved).to_have_class(re.compile(r"\bis-new\b"))
    expect(moved).to_have_class(re.compile(r"wall-kind-orange"))
    expect(group.locator(".theme-count .visually-hidden")).to_have_text(ONE_CARD)
    expect(loose.locator(".theme-card")).to_have_count(2)
    send(moderator, "card.move", card_id=cards[2]["id"], cluster_id=cluster["id"], index=0)
    expect(group.locator(".theme-card").first).to_have_attribute(
        "data-card-id", str(cards[2]["id"])
    )
    expect(group.locator(".theme-count .visually-hidden")).to_have_text("2 Karten")
    # Renamed live; the themes come before the loose cards.
    send(moderator, "cluster.rename", cluster_id=cluster["id"], name="Praktika und Betriebe")
    expect(group.locator(".theme-name")).to_have_text("Praktika und Betriebe")
    assert column.locator(".theme-group").first.get_attribute("data-cluster-id") == str(
        cluster["id"]
    )

    # A theme across fields, still without a name: its own column appears.
    across = send(
        moderator,
        "cluster.create",
        field_id=None,
        name="",
        card_ids=[cards[3]["id"], cards[4]["id"]],
    )["cluster"]
    expect(themes.locator(".stage-column")).to_have_count(5)
    last = themes.locator(".stage-column").last
    expect(last.get_by_role("heading", level=2)).to_have_text("Übergreifend")
    across_group = last.locator(f'[data-cluster-id="{across["id"]}"]')
    expect(across_group.locator(".theme-name")).to_have_text(UNNAMED)
    expect(across_group.locator(".theme-card")).to_have_count(2)
    # The fields those cards came from have nothing left: they say so.
    expect(themes.locator(".stage-column").nth(1).locator(".stage-empty")).to_be_visible()

    projector.wait_for_timeout(5500)  # let the highlights fade before the pictures
    no_scrollbars(projector.evaluate(LAYOUT, "[data-themes]"))
    assert_accessible(projector, "projector themes")
    screenshot(projector, "themes-few-1280x720")
    full_hd = open_projector(contexts, links["projector"], FULL_HD)
    expect(full_hd.locator("[data-themes] .theme-card")).to_have_count(5)
    no_scrollbars(full_hd.evaluate(LAYOUT, "[data-themes]"))
    screenshot(full_hd, "themes-few-1920x1080")

    # Dissolving: the theme goes, its cards are back under "not yet in a theme".
    send(moderator, "cluster.dissolve", cluster_id=cluster["id"])
    expect(group).to_have_count(0)
    expect(loose.locator(".theme-card")).to_have_count(3)
    send(moderator, "cluster.dissolve", cluster_id=across["id"])
    expect(themes.locator(".stage-column")).to_have_count(4)
    expect(full_hd.locator("[data-themes] .theme-group:not(.is-loose)")).to_have_count(0)
    assert projector.evaluate("window.__sameDocument") is True

    # The spotlight still comes over the themes, and the wall is back in the review phase.
    send(moderator, "card.spotlight", card_id=cards[0]["id"])
    expect(projector.locator("[data-spotlight]")).to_be_visible()
    send(moderator, "card.spotlight", card_id=None)
    expect(projector.locator("[data-spotlight]")).to_be_hidden()
    send(moderator, "phase.set", phase="collect")
    expect(projector.locator("[data-wall] .wall-card")).to_have_count(5)
    expect(themes).to_be_hidden()


def test_goals_show_per_field_in_their_order(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    fields = [field["id"] for field in structure["fields"]]
    send(moderator, "phase.set", phase="goals")
    projector = open_projector(contexts, links["projector"])
    goals_board = projector.locator("[data-goals]")
    expect(goals_board).to_be_visible()
    expect(goals_board.locator(".stage-empty").first).to_have_text("Noch keine Ziele.")

    made = []
    goal_fields = [fields[0], fields[0], fields[1], fields[2], None]
    for (title, description), field in zip(GOALS, goal_fields, strict=True):
        ack = send(moderator, "goal.create", title=title, description=description, field_id=field)
        made.append(ack["goal"])
    columns = goals_board.locator(".stage-column")
    expect(columns).to_have_count(5)
    expect(columns.last.get_by_role("heading", level=2)).to_have_text("Übergreifend")
    first = columns.first.locator(".goal-board-item")
    expect(first).to_have_count(2)
    expect(first.nth(0).locator(".goal-board-title")).to_have_text(f"1 {GOALS[0][0]}")
    expect(first.nth(0).locator(".goal-board-number")).to_have_text("1")
    expect(first.nth(0).locator(".goal-board-text")).to_have_text(GOALS[0][1])
    expect(first.nth(1).locator(".goal-board-number")).to_have_text("2")
    expect(first.nth(1).locator(".goal-board-text")).to_have_count(0)

    # Reordered by the moderator: the second goal comes first, numbers follow.
    send(moderator, "goal.move", goal_id=made[1]["id"], index=0)
    expect(first.nth(0).locator(".goal-board-title")).to_have_text(f"1 {GOALS[1][0]}")
    expect(first.nth(0).locator(".goal-board-number")).to_have_text("1")
    expect(first.nth(1).locator(".goal-board-title")).to_have_text(f"2 {GOALS[0][0]}")
    # Reworded live, and a deleted goal goes.
    send(
        moderator,
        "goal.update",
        goal_id=made[3]["id"],
        title="Mehr Ausbildungsbetriebe im Handwerk gewinnen",
        description="",
        field_id=fields[2],
    )
    changed = goals_board.locator(f'[data-goal-id="{made[3]["id"]}"]')
    expect(changed.locator(".goal-board-title")).to_have_text(
        "1 Mehr Ausbildungsbetriebe im Handwerk gewinnen"
    )
    expect(changed).to_have_class(re.compile(r"\bis-new\b"))

    # Voting and results show the same list (never votes before the results).
    send(moderator, "phase.set", phase="vote")
    expect(goals_board.locator(".goal-board-item")).to_have_count(5)
    projector.wait_for_timeout(5500)
    no_scrollbars(projector.evaluate(LAYOUT, "[data-goals]"))
    assert_accessible(projector, "projector goals")
    screenshot(projector, "goals-few-1280x720")
    full_hd = open_projector(contexts, links["projector"], FULL_HD)
    expect(full_hd.locator("[data-goals] .goal-board-item")).to_have_count(5)
    no_scrollbars(full_hd.evaluate(LAYOUT, "[data-goals]"))
    screenshot(full_hd, "goals-few-1920x1080")
    send(moderator, "phase.set", phase="results")
    expect(full_hd.locator("[data-goals] .goal-board-item")).to_have_count(5)
    send(moderator, "phase.set", phase="goals")
    send(moderator, "goal.delete", goal_id=made[4]["id"])
    expect(columns).to_have_count(4)
    expect(goals_board.locator(".goal-board-item")).to_have_count(4)


@pytest.mark.timeout(300)
def test_many_themes_and_goals_fit_without_scrollbars(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    send(moderator, "phase.set", phase="collect")
    failed = moderator.evaluate(POST_MANY, sample_cards(structure, 300))
    assert not failed, failed
    send(moderator, "phase.set", phase="cluster")

    # 40 themes: ten per field, each taking five of the field's cards; the rest stay loose.
    state = snapshot(moderator)
    names = [
        "Praktika",
        "Potenzialanalyse",
        "Berufsfelderkundung",
        "Elternarbeit",
        "Lehrkräfte",
        "Digitale Angebote",
        "Inklusion",
        "Zugewanderte Jugendliche",
        "Gymnasien",
        "Daten",
    ]
    fields = [field["id"] for field in structure["fields"]]
    for field in fields:
        ids = [card["id"] for card in state["cards"] if card["field_id"] == field]
        for i, name in enumerate(names):
            label = "" if i == 9 else f"{name} und Kooperation mit Betrieben" if i == 3 else name
            send(
                moderator,
                "cluster.create",
                field_id=field,
                name=label,
                card_ids=ids[i * 5 : i * 5 + 5],
            )
    projector = open_projector(contexts, links["projector"], query="?turn=1")
    themes = projector.locator("[data-themes]")
    expect(themes.locator(".theme-group:not(.is-loose)")).to_have_count(40)
    expect(themes.locator(".theme-card")).to_have_count(300)
    expect(themes.locator(".stage-page").first).to_have_text(re.compile(r"^\D*\d+/\d+$"))
    layout = projector.evaluate(LAYOUT, "[data-themes]")
    no_scrollbars(layout)
    assert layout["fontPx"] >= MIN_CARD_VH * layout["height"] / 100 - 0.5, layout["fontPx"]
    screenshot(projector, "themes-many-1280x720")
    every_unit_gets_its_turn(projector, "[data-themes]")
    full_hd = open_projector(contexts, links["projector"], FULL_HD)
    expect(full_hd.locator("[data-themes] .theme-card")).to_have_count(300)
    no_scrollbars(full_hd.evaluate(LAYOUT, "[data-themes]"))
    assert_accessible(full_hd, "projector themes with pages")
    screenshot(full_hd, "themes-many-1920x1080")

    # 30 goals, some with long descriptions, six of them across fields.
    send(moderator, "phase.set", phase="goals")
    for i in range(30):
        title, description = GOALS[i % len(GOALS)]
        send(
            moderator,
            "goal.create",
            title=f"{title} ({i + 1})",
            description=description * (1 + i % 3),
            field_id=fields[i % 4] if i % 5 else None,
        )
    goals_board = projector.locator("[data-goals]")
    expect(goals_board.locator(".goal-board-item")).to_have_count(30)
    projector.wait_for_timeout(5500)
    layout = projector.evaluate(LAYOUT, "[data-goals]")
    no_scrollbars(layout)
    assert layout["fontPx"] >= MIN_CARD_VH * layout["height"] / 100 - 0.5, layout["fontPx"]
    screenshot(projector, "goals-many-1280x720")
    every_unit_gets_its_turn(projector, "[data-goals]")
    expect(full_hd.locator("[data-goals] .goal-board-item")).to_have_count(30)
    full_hd.wait_for_timeout(5500)
    no_scrollbars(full_hd.evaluate(LAYOUT, "[data-goals]"))
    assert_accessible(full_hd, "projector goals, many")
    screenshot(full_hd, "goals-many-1920x1080")
