"""What the moderator types while a command is on its way stays in the form.

The server pushes a change before it acknowledges the command that made it, and on a weak venue
Wi-Fi the acknowledgement can take seconds more. A moderator who sees the new goal (or card,
proxy, measure) in the list types the next one at once; the late acknowledgement used to empty
the form and take that text with it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_live_workshop import create_workshop
from test_projector_wall import connect, send

pytestmark = pytest.mark.e2e

MODERATOR = {"viewport": {"width": 1280, "height": 800}}

# Submit the form, then change one field in the same task: the acknowledgement, which can only
# arrive in a later task, finds the form already holding the next entry.
SUBMIT_AND_TYPE_ON = """([form, name, next]) => {
  const node = document.querySelector(form);
  node.querySelector("button[type=submit]").click();
  node.elements[name].value = next;
}"""

GOAL_IDS = """async () => {
  const t = window.__test;
  const ack = await new Promise((resolve) =>
    t.socket.emit("snapshot.get", { workshop: t.workshop }, resolve));
  return ack.data.goals.map((goal) => goal.id);
}"""


def submit_and_type_on(page, form: str, name: str, next_text: str) -> None:
    page.evaluate(SUBMIT_AND_TYPE_ON, [form, name, next_text])


def test_a_late_acknowledgement_keeps_what_was_typed_since(server, contexts):
    moderator = contexts(MODERATOR).new_page()
    create_workshop(moderator, server.url)
    connect(moderator)

    # A card written by the moderator during the review.
    send(moderator, "phase.set", phase="collect")
    board = moderator.locator("[data-board]")
    expect(board).to_be_visible()
    moderator.locator("#mod-card-text").fill("Berufsfelderkundung an allen Schulen")
    submit_and_type_on(moderator, "[data-moderator-card]", "text", "Zu wenige Praktikumsplätze")
    expect(board.locator("[data-board-columns]")).to_contain_text(
        "Berufsfelderkundung an allen Schulen"
    )
    expect(board.locator("[data-board-status]")).to_have_attribute("data-state", "ok")
    expect(moderator.locator("#mod-card-text")).to_have_value("Zu wenige Praktikumsplätze")
    # Sent as it is, the second card empties the field as before.
    board.locator("[data-moderator-card] button[type=submit]").click()
    expect(board.locator("[data-board-columns]")).to_contain_text("Zu wenige Praktikumsplätze")
    expect(moderator.locator("#mod-card-text")).to_have_value("")

    # Goals: the next title stays; the description sent with the first goal is emptied.
    send(moderator, "phase.set", phase="goals")
    goals = moderator.locator("[data-goals-panel]")
    expect(goals).to_be_visible()
    moderator.locator("#goal-title").fill("Mehr Praktikumsplätze im Handwerk")
    moderator.locator("#goal-description").fill("Mit der Handwerkskammer")
    submit_and_type_on(moderator, "[data-goal-form]", "title", "Gemeinsame Datenbasis")
    expect(goals.locator(".goal-item", has_text="Mehr Praktikumsplätze im Handwerk")).to_have_count(
        1
    )
    expect(moderator.locator("[data-goal-status]")).to_have_attribute("data-state", "ok")
    expect(moderator.locator("#goal-title")).to_have_value("Gemeinsame Datenbasis")
    expect(moderator.locator("#goal-description")).to_have_value("")
    goals.locator("[data-goal-form] button[type=submit]").click()
    expect(goals.locator(".goal-item", has_text="Gemeinsame Datenbasis")).to_have_count(1)
    expect(moderator.locator("#goal-title")).to_have_value("")

    # Proxies for people without a phone.
    send(moderator, "phase.set", phase="vote")
    proxies = moderator.locator("[data-standins-panel]")
    expect(proxies).to_be_visible()
    moderator.locator("#proxy-name").fill("Herr Muster")
    moderator.locator("#proxy-organisation").fill("Agentur für Arbeit")
    submit_and_type_on(moderator, "[data-proxy-form]", "name", "Frau Beispiel")
    expect(proxies.locator("[data-proxy-list]")).to_contain_text("Herr Muster")
    expect(moderator.locator("[data-standin-status=proxy]")).to_have_attribute("data-state", "ok")
    expect(moderator.locator("#proxy-name")).to_have_value("Frau Beispiel")
    expect(moderator.locator("#proxy-organisation")).to_have_value("")

    # A measure in a goal's plan.
    goal_ids = moderator.evaluate(GOAL_IDS)
    send(moderator, "phase.set", phase="results")
    send(moderator, "priorities.set", goal_ids=goal_ids[:1])
    plan = moderator.locator(f".plan-goal[data-goal-id='{goal_ids[0]}']")
    expect(plan).to_be_visible()
    moderator.locator(f"#plan-{goal_ids[0]}-new-text").fill("Betriebe gezielt ansprechen")
    moderator.locator(f"#plan-{goal_ids[0]}-new-owner").fill("Handwerkskammer")
    submit_and_type_on(
        moderator,
        f".plan-goal[data-goal-id='{goal_ids[0]}'] .plan-measure-form",
        "text",
        "Praktikumsbörse einrichten",
    )
    expect(plan.locator(".plan-measure textarea")).to_have_count(1)
    expect(plan.locator(".plan-measure-form .plan-state")).to_have_attribute("data-state", "ok")
    expect(moderator.locator(f"#plan-{goal_ids[0]}-new-text")).to_have_value(
        "Praktikumsbörse einrichten"
    )
    expect(moderator.locator(f"#plan-{goal_ids[0]}-new-owner")).to_have_value("")
