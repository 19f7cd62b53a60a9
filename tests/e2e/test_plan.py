"""Working groups in Chromium: the moderator splits the room per goal, two phones join one
goal's group and plan it together, the moderator and the projector follow live, and the
moderator still edits the plan after the retreat.

The new texts have no German translation yet, so assertions use structure, data attributes and
the data typed in (goal titles, measures), never the interface's words."""

from __future__ import annotations

import pytest
from e2e_support import PHONE, screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible
from test_live_workshop import create_workshop, join_by_phone
from test_projector_wall import connect, open_projector, send

pytestmark = pytest.mark.e2e

MODERATOR = {"viewport": {"width": 1280, "height": 800}}
GOALS = [
    "Jede Schule hat ein abgestimmtes Praktikumskonzept",
    "Mehr Ausbildungsbetriebe im Handwerk gewinnen",
    "Gemeinsame Datenbasis aller Partner",
]
# Where everything on the projector is: nothing may scroll or stick out of the screen.
PROJECTOR_LAYOUT = """
() => {
  const cards = [...document.querySelectorAll(".plan-card")].filter(
    (card) => getComputedStyle(card).display !== "none");
  return {
    width: innerWidth, height: innerHeight,
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    fontPx: parseFloat(getComputedStyle(document.querySelector(".plan-cards")).fontSize),
    outside: cards.filter((card) => {
      const r = card.getBoundingClientRect();
      return r.bottom > innerHeight || r.right > innerWidth;
    }).length,
  };
}
"""


def plan_of(page, goal_id: int):
    return page.locator(f".plan-goal[data-goal-id='{goal_id}']")


def add_measure(page, goal_id: int, text: str, owner: str = "", due: str = "") -> None:
    page.locator(f"#plan-{goal_id}-new-text").fill(text)
    page.locator(f"#plan-{goal_id}-new-owner").fill(owner)
    page.locator(f"#plan-{goal_id}-new-due").fill(due)
    form = plan_of(page, goal_id).locator(".plan-measure-form")
    form.locator("button[type=submit]").click()
    expect(form.locator(".plan-state")).to_have_attribute("data-state", "ok")


def measure_texts(page, goal_id: int):
    return plan_of(page, goal_id).locator(".plan-measure textarea")


def expect_measures(page, goal_id: int, texts: list[str]) -> None:
    """The goal's measures on this page, in this order (the texts stay editable fields)."""
    fields = measure_texts(page, goal_id)
    expect(fields).to_have_count(len(texts))
    for index, text in enumerate(texts):
        expect(fields.nth(index)).to_have_value(text)


@pytest.mark.timeout(300)
def test_groups_plan_their_goal_together_and_the_room_follows(server, contexts):
    moderator = contexts(MODERATOR).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    fields = structure["fields"]
    send(moderator, "phase.set", phase="goals")
    goals = [
        send(moderator, "goal.create", title=title, field_id=fields[n]["id"])["goal"]["id"]
        for n, title in enumerate(GOALS)
    ]
    send(moderator, "phase.set", phase="results")
    send(moderator, "priorities.set", goal_ids=goals[:2])
    # In the phase "results" the panel is already there, the confirmed goals in their order.
    panel = moderator.locator("[data-plan-panel]")
    expect(panel).to_be_visible()
    expect(panel.locator(".plan-goal")).to_have_count(2)
    expect(panel.locator(".plan-goal-title")).to_have_text(GOALS[:2])
    # The toggle shows the other goal too.
    panel.locator("[data-plan-show-all]").check()
    expect(panel.locator(".plan-goal")).to_have_count(3)
    panel.locator("[data-plan-show-all]").uncheck()

    send(moderator, "phase.set", phase="plan")
    projector = open_projector(contexts, links["projector"])
    expect(projector.locator(".projector-grid")).to_have_attribute("data-stage", "plan")
    expect(projector.locator(".plan-card")).to_have_count(2)

    # Without a split, phones show the plans read-only.
    phones = [join_by_phone(contexts, links["join"]) for _ in range(2)]
    view = phones[0].locator("[data-plan-view]")
    expect(view).to_have_attribute("data-mode", "read")
    expect(view.locator(".plan-summary")).to_have_count(2)
    expect(view.locator("input, textarea, select")).to_have_count(0)

    # The moderator splits the room per goal; the phones choose the first goal's group.
    split = panel.locator("[data-grouping='goal']")
    split.click()
    expect(split).to_have_attribute("aria-pressed", "true")
    expect(panel.locator("[data-grouping-status]")).to_have_attribute("data-state", "ok")
    expect(panel.locator("[data-group-counts] .group-count")).to_have_count(2)
    for phone in phones:
        picker = phone.locator("[data-group-picker]")
        expect(picker).to_be_visible()
        expect(picker.locator(".group-choice")).to_have_count(2)
        expect(picker.locator(".group-choice .group-name")).to_have_text(GOALS[:2])
        picker.locator(f".group-choice[data-group-id='{goals[0]}']").click()
        expect(phone.locator("[data-plan-view]")).to_have_attribute("data-mode", "group")
        # Only the group's goal, editable.
        expect(phone.locator("[data-plan-goals] .plan-goal")).to_have_count(1)
        expect(plan_of(phone, goals[0])).to_be_visible()
    counts = panel.locator(f"[data-group-counts] [data-group-id='{goals[0]}']")
    expect(counts.locator(".group-members")).to_contain_text("2")
    expect(
        projector.locator(f".plan-card[data-goal-id='{goals[0]}'] .plan-card-members")
    ).to_contain_text("2")

    # Another split would send everybody back to choosing: the moderator is asked first.
    asked = []
    moderator.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    panel.locator("[data-grouping='field']").click()
    expect(split).to_have_attribute("aria-pressed", "true")
    assert len(asked) == 1
    expect(phones[0].locator("[data-plan-view]")).to_have_attribute("data-mode", "group")

    # One phone adds a measure; the other phone, the moderator and the projector see it.
    add_measure(phones[0], goals[0], "Musterkonzept für alle Schulen schreiben", "KoKo", "03/2027")
    for page in (phones[1], moderator):
        expect_measures(page, goals[0], ["Musterkonzept für alle Schulen schreiben"])
        expect(plan_of(page, goals[0]).locator(".plan-measure input").first).to_have_value("KoKo")
    card = projector.locator(f".plan-card[data-goal-id='{goals[0]}']")
    expect(card.locator(".plan-card-measure-text")).to_have_text(
        ["Musterkonzept für alle Schulen schreiben"]
    )
    expect(card.locator(".plan-card-measure-meta")).to_have_text(["KoKo · 03/2027"])

    # The second phone sets the lead (Enter saves); the first phone gets it.
    lead = [phone.locator(f"#plan-{goals[0]}-lead") for phone in phones]
    lead[1].fill("Schulamt")
    lead[1].press("Enter")
    expect(plan_of(phones[1], goals[0]).locator(".plan-field-lead .plan-state")).to_have_attribute(
        "data-state", "ok"
    )
    expect(lead[0]).to_have_value("Schulamt")
    # The first phone is typing in the lead while the second changes it: the typing stays.
    lead[0].click()
    lead[0].press("End")
    lead[0].type(" Bochum")
    lead[1].fill("Agentur für Arbeit")
    lead[1].press("Enter")
    expect(card.locator(".plan-card-fact").nth(1).locator("dd")).to_have_text("Agentur für Arbeit")
    expect(lead[0]).to_have_value("Schulamt Bochum")
    lead[0].press("Enter")
    expect(lead[1]).to_have_value("Schulamt Bochum")
    expect(card.locator(".plan-card-fact").nth(1).locator("dd")).to_have_text("Schulamt Bochum")

    # A measure without text: the server's error next to the form, nothing added.
    form = plan_of(phones[1], goals[0]).locator(".plan-measure-form")
    form.locator("button[type=submit]").click()
    expect(form.locator(".plan-state")).to_have_attribute("data-state", "error")
    expect(phones[1].locator(f"#plan-{goals[0]}-new-text")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(measure_texts(phones[0], goals[0])).to_have_count(1)

    # The moderator adds a second measure, moves it up by keyboard, deletes and restores it.
    add_measure(moderator, goals[0], "Schulleitungen beraten")
    second = plan_of(moderator, goals[0]).locator(".plan-measure").nth(1)
    up = second.locator(".plan-move").first
    up.focus()
    moderator.keyboard.press("Enter")
    expected = ["Schulleitungen beraten", "Musterkonzept für alle Schulen schreiben"]
    expect_measures(phones[0], goals[0], expected)
    expect(card.locator(".plan-card-measure-text")).to_have_text(expected)
    # The focus stays on the moved measure's arrows (↑ is now disabled: ↓ has it).
    expect(moderator.locator(":focus")).to_have_class("button small plan-move")
    first = plan_of(moderator, goals[0]).locator(".plan-measure").first
    first.locator(".danger").click()
    expect(measure_texts(phones[1], goals[0])).to_have_count(1)
    undo = plan_of(moderator, goals[0]).locator(".plan-undo")
    expect(undo).to_be_visible()
    undo.locator("button").first.click()
    expect_measures(phones[1], goals[0], expected)
    expect_measures(moderator, goals[0], expected)

    # A phone sets the goal's status; the projector writes it on the card.
    phones[0].locator(f"#plan-{goals[0]}-status").select_option("in_progress")
    expect(card).to_have_attribute("data-status", "in_progress")
    expect(moderator.locator(f"#plan-{goals[0]}-status")).to_have_value("in_progress")

    layout = projector.evaluate(PROJECTOR_LAYOUT)
    assert layout["scrollWidth"] <= layout["width"], layout
    assert layout["scrollHeight"] <= layout["height"], layout
    assert layout["outside"] == 0, layout
    assert layout["fontPx"] >= 0.028 * 720 - 0.5, layout
    phones[0].locator("[data-plan-view]").evaluate("n => n.scrollIntoView({block: 'start'})")
    screenshot(phones[0], "phone-plan")
    plan_of(phones[0], goals[0]).locator(".plan-measures").evaluate(
        "n => n.scrollIntoView({block: 'start'})"
    )
    screenshot(phones[0], "phone-plan-measures")
    screenshot(projector, "projector-plan")
    panel.evaluate("n => n.scrollIntoView({block: 'start'})")
    screenshot(moderator, "moderator-plan")
    assert_accessible(phones[0], "phone plan editor")
    assert_accessible(projector, "projector plans")
    assert_accessible(moderator, "moderator plan panel")

    # "Gruppe wechseln": the choice again, the current group marked.
    phones[1].locator("[data-group-bar] button").click()
    picker = phones[1].locator("[data-group-picker]")
    expect(picker.locator(f".group-choice[data-group-id='{goals[0]}']")).to_have_attribute(
        "aria-pressed", "true"
    )
    # While choosing, neither the group's line nor its goals are in the way.
    expect(phones[1].locator("[data-group-bar]")).to_be_hidden()
    expect(phones[1].locator("[data-plan-goals]")).to_be_hidden()
    screenshot(phones[1], "phone-plan-groups")
    assert_accessible(phones[1], "phone group choice")
    picker.locator(f".group-choice[data-group-id='{goals[1]}']").click()
    expect(plan_of(phones[1], goals[1])).to_be_visible()
    expect(counts.locator(".group-members")).to_contain_text("1")

    # After the retreat the moderator still plans; the projector says goodbye.
    send(moderator, "phase.set", phase="closed")
    expect(panel).to_be_visible()
    target = moderator.locator(f"#plan-{goals[1]}-target")
    target.fill("Schuljahr 2027/28")
    target.press("Tab")
    expect(
        plan_of(moderator, goals[1]).locator(".plan-field-target .plan-state")
    ).to_have_attribute("data-state", "ok")
    expect(projector.locator(".projector-grid")).to_have_attribute("data-view", "closed")
    moderator.reload()
    expect(moderator.locator(f"#plan-{goals[1]}-target")).to_have_value("Schuljahr 2027/28")
    expect_measures(moderator, goals[0], expected)


def test_a_phone_without_a_group_split_sees_nothing_to_edit(server, contexts):
    moderator = contexts(MODERATOR).new_page()
    links = create_workshop(moderator, server.url)
    connect(moderator)
    send(moderator, "phase.set", phase="goals")
    goal = send(moderator, "goal.create", title=GOALS[0])["goal"]["id"]
    send(moderator, "phase.set", phase="results")
    send(moderator, "priorities.set", goal_ids=[goal])
    send(moderator, "plan.set", goal_id=goal, working_group="FAG Berufsorientierung")
    send(moderator, "measure.add", goal_id=goal, text="Leitfaden erstellen", owner="KoKo")
    send(moderator, "phase.set", phase="plan")
    phone = join_by_phone(contexts, links["join"])
    summary = phone.locator(f"[data-plan-view] .plan-summary[data-goal-id='{goal}']")
    expect(summary).to_contain_text("FAG Berufsorientierung")
    expect(summary.locator(".plan-measure")).to_contain_text("Leitfaden erstellen")
    expect(phone.locator("[data-plan-intro]")).to_be_visible()
    expect(phone.locator("[data-group-bar]")).to_be_hidden()
    expect(phone.locator("[data-group-picker]")).to_be_hidden()
    # The moderator's later edits arrive on the phone.
    send(moderator, "plan.set", goal_id=goal, lead="Schulamt")
    expect(summary).to_contain_text("Schulamt")
    assert phone.viewport_size["width"] == PHONE["viewport"]["width"]
    no_overflow = phone.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert no_overflow
    screenshot(phone, "phone-plan-read")


#: Nearly as long as a goal may be (120 characters).
LONG_TITLE = (
    "Übergangsbegleitung für Jugendliche ohne Anschluss systematisch mit"
    " Jugendberufsagentur und Kammern abstimmen"
)


def test_many_plans_fit_the_projector_and_turn_pages(server, contexts):
    moderator = contexts(MODERATOR).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    send(moderator, "phase.set", phase="goals")
    goals = [
        send(
            moderator,
            "goal.create",
            title=f"{LONG_TITLE} ({n + 1})",
            field_id=structure["fields"][n % len(structure["fields"])]["id"],
        )["goal"]["id"]
        for n in range(9)
    ]
    send(moderator, "phase.set", phase="results")
    send(moderator, "priorities.set", goal_ids=goals)
    for goal in goals:
        send(
            moderator,
            "plan.set",
            goal_id=goal,
            working_group="FAG Übergang Schule–Beruf",
            lead="Kommunale Koordinierungsstelle",
            target="Schuljahr 2027/28",
        )
        for n in range(5):
            send(
                moderator,
                "measure.add",
                goal_id=goal,
                text=f"Maßnahme {n + 1}: {LONG_TITLE}",
                owner="Agentur für Arbeit",
                due="31.07.2027",
            )
    send(moderator, "grouping.set", grouping="field")
    send(moderator, "phase.set", phase="plan")
    projector = open_projector(contexts, links["projector"], query="?turn=1")
    cards = projector.locator(".plan-cards")
    expect(cards).to_have_attribute("data-paged", "true")
    # The groups per action field with their (empty) counts above the cards.
    expect(projector.locator(".plan-group")).to_have_count(len(structure["fields"]))
    pages = int(cards.get_attribute("data-pages"))
    assert pages > 1
    screenshot(projector, "projector-plan-pages")
    seen: set[str] = set()
    # Pages turn every second: look often enough to see each of them.
    for _ in range(pages * 4):
        layout = projector.evaluate(PROJECTOR_LAYOUT)
        assert layout["scrollWidth"] <= layout["width"], layout
        assert layout["scrollHeight"] <= layout["height"], layout
        assert layout["outside"] == 0, layout
        assert layout["fontPx"] >= 0.028 * 720 - 0.5, layout
        shown = projector.evaluate(
            """() => [...document.querySelectorAll(".plan-card")]
                 .filter((card) => getComputedStyle(card).display !== "none")
                 .map((card) => card.dataset.goalId)"""
        )
        seen.update(shown)
        projector.wait_for_timeout(350)
    # Every goal had its turn; each card lists three measures and counts the rest.
    assert seen == {str(goal) for goal in goals}
    first = projector.locator(f".plan-card[data-goal-id='{goals[0]}']")
    expect(first.locator(".plan-card-measure")).to_have_count(3)
    expect(first.locator(".plan-card-more")).to_contain_text("2")
