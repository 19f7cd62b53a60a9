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


def send_and_type_on(page, form: str, filled: dict[str, str], typed: str, status: str) -> None:
    """Fill ``form`` with ``filled`` and send it, typing ``typed`` into its first field at once;
    once ``status`` says the server has it, ``typed`` is still there and the rest is empty."""
    box = page.locator(form)
    for name, value in filled.items():
        box.locator(f"[name={name}]").fill(value)
    first, *others = filled
    page.evaluate(SUBMIT_AND_TYPE_ON, [form, first, typed])
    expect(page.locator(status)).to_have_attribute("data-state", "ok")
    expect(box.locator(f"[name={first}]")).to_have_value(typed)
    for name in others:
        expect(box.locator(f"[name={name}]")).to_have_value("")


def test_a_late_acknowledgement_keeps_what_was_typed_since(server, contexts):
    moderator = contexts(MODERATOR).new_page()
    create_workshop(moderator, server.url)
    connect(moderator)

    # A card written by the moderator during the review.
    send(moderator, "phase.set", phase="collect")
    board = moderator.locator("[data-board]")
    first, second = "Berufsfelderkundung an allen Schulen", "Zu wenige Praktikumsplätze"
    send_and_type_on(
        moderator, "[data-moderator-card]", {"text": first}, second, "[data-board-status]"
    )
    expect(board.locator("[data-board-columns]")).to_contain_text(first)
    # Sent as it is, the second card empties the field as before.
    board.locator("[data-moderator-card] button[type=submit]").click()
    expect(board.locator("[data-board-columns]")).to_contain_text(second)
    expect(moderator.locator("#mod-card-text")).to_have_value("")

    # Goals: the next title stays; the description sent with the first goal is emptied.
    send(moderator, "phase.set", phase="goals")
    goals = moderator.locator("[data-goals-panel]")
    first, second = "Mehr Praktikumsplätze im Handwerk", "Gemeinsame Datenbasis"
    filled = {"title": first, "description": "Mit der Handwerkskammer"}
    send_and_type_on(moderator, "[data-goal-form]", filled, second, "[data-goal-status]")
    expect(goals.locator(".goal-item", has_text=first)).to_have_count(1)
    goals.locator("[data-goal-form] button[type=submit]").click()
    expect(goals.locator(".goal-item", has_text=second)).to_have_count(1)
    expect(moderator.locator("#goal-title")).to_have_value("")

    # Proxies for people without a phone.
    send(moderator, "phase.set", phase="vote")
    filled = {"name": "Herr Muster", "organisation": "Agentur für Arbeit"}
    status = "[data-standin-status=proxy]"
    send_and_type_on(moderator, "[data-proxy-form]", filled, "Frau Beispiel", status)
    expect(moderator.locator("[data-proxy-list]")).to_contain_text("Herr Muster")

    # A measure in a goal's plan.
    goal_ids = moderator.evaluate(GOAL_IDS)
    send(moderator, "phase.set", phase="results")
    send(moderator, "priorities.set", goal_ids=goal_ids[:1])
    plan = f".plan-goal[data-goal-id='{goal_ids[0]}']"
    filled = {"text": "Betriebe gezielt ansprechen", "owner": "Handwerkskammer"}
    send_and_type_on(
        moderator,
        f"{plan} .plan-measure-form",
        filled,
        "Praktikumsbörse einrichten",
        f"{plan} .plan-measure-form .plan-state",
    )
    expect(moderator.locator(f"{plan} .plan-measure textarea")).to_have_value(filled["text"])
