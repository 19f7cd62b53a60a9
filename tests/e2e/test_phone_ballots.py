"""Phones vote in impact × feasibility and ranking rounds, see the revealed results, and see the
confirmed priorities arrive live. Two phones per round, tapped and dragged like real ones."""

from __future__ import annotations

import re

import pytest
from e2e_support import LAPTOP, screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible
from test_clustering import drag
from test_live_workshop import create_workshop, join_by_phone
from test_projector_votes import GOALS as TWELVE_GOALS
from test_projector_votes import count_text, make_goals, no_numbers_per_goal
from test_projector_wall import connect, open_projector, send

pytestmark = pytest.mark.e2e

# Fifteen goals: the most a round puts on a phone in practice (the 360 px layout must hold).
GOALS = [
    *TWELVE_GOALS,
    "Ausbildungsabbrüche früh erkennen und begleiten",
    "Praktikumsbörse für alle Schulen der Stadt",
    "Berufswahlpass digital weiterführen",
]
SAVED = re.compile(r"^Gespeichert$")
NOT_SUBMITTED = re.compile(r"noch nicht abgegeben", re.IGNORECASE)
SUBMIT = re.compile(r"^Diese Reihenfolge abgeben$")

# Taps on one goal's impact buttons within one task: all before the first answer comes back.
QUICK_TAPS = """
([goal, values]) => {
  for (const value of values) {
    document.querySelector(
      `li[data-goal-id="${goal}"] [data-axis="x"] button[data-value="${value}"]`).click();
  }
}
"""
# Width, horizontal overflow and the smallest visible button of the ballot editor.
LAYOUT = """
() => {
  const buttons = [...document.querySelectorAll("[data-ballot-editor] button")]
    .filter((b) => b.offsetParent !== null)
    .map((b) => b.getBoundingClientRect());
  return {
    width: innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    buttons: buttons.length,
    smallest: Math.min(...buttons.map((r) => Math.min(r.width, r.height))),
  };
}
"""


def fits_a_small_phone(page) -> None:
    """No sideways scrolling at 360 px, and every tap target at least 44 px."""
    layout = page.evaluate(LAYOUT)
    assert layout["width"] == 360
    assert layout["scrollWidth"] <= layout["width"], layout
    assert layout["buttons"] > 0 and layout["smallest"] >= 44, layout


def no_sideways_scrolling(page) -> None:
    layout = page.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["width"], layout


def rate_button(phone, goal_id: int, axis: str, value: int):
    return phone.locator(
        f'[data-ballot-editor] li[data-goal-id="{goal_id}"] '
        f'[data-axis="{axis}"] button[data-value="{value}"]'
    )


def rated_values(phone, goal_id: int) -> list[int | None]:
    """The values the phone shows as chosen for one goal, [x, y]."""
    values = []
    for axis in ("x", "y"):
        pressed = phone.locator(
            f'[data-ballot-editor] li[data-goal-id="{goal_id}"] '
            f'[data-axis="{axis}"] button[aria-pressed="true"]'
        )
        values.append(int(pressed.get_attribute("data-value")) if pressed.count() else None)
    return values


def settled(phone) -> None:
    """Every tap acknowledged: nothing left in the outbox, the last status says saved."""
    expect(phone.locator("[data-vote-status]")).to_have_text(SAVED)
    expect(phone.locator("[data-pending]")).to_be_hidden()


def decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def borda(goal_ids: list[int], rankings: list[list[int]]) -> list[tuple[int, int, int]]:
    """(rank, goal, points) best first, ties sharing a rank and kept in the round's order."""
    points = {goal: 0 for goal in goal_ids}
    for order in rankings:
        for place, goal in enumerate(order):
            points[goal] += len(goal_ids) - 1 - place
    ordered = sorted(goal_ids, key=lambda goal: (-points[goal], goal_ids.index(goal)))
    return [
        (1 + sum(points[other] > points[goal] for other in goal_ids), goal, points[goal])
        for goal in ordered
    ]


def start_room(server, contexts, phones: int = 2):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    connect(moderator)
    devices = [join_by_phone(contexts, links["join"]) for _ in range(phones)]
    goals = make_goals(moderator, GOALS)
    send(moderator, "phase.set", phase="vote")
    return moderator, links, devices, [goal["id"] for goal in goals]


@pytest.mark.timeout(240)
def test_matrix_ratings_with_double_taps_then_the_averages(server, contexts):
    moderator, links, (first, second), ids = start_room(server, contexts)
    projector = open_projector(contexts, links["projector"])
    made = send(moderator, "round.create", method="matrix", title="Wirkung und Umsetzbarkeit")
    round_id = made["round"]["id"]
    send(moderator, "round.status", round_id=round_id, status="open")
    send(moderator, "timer.start", seconds=300)

    for phone in (first, second):
        expect(phone.locator("[data-ballot-editor] li")).to_have_count(len(GOALS))
        expect(phone.locator('[data-secret-note="matrix"]')).to_be_visible()
        expect(phone.locator('[data-secret-note="dots"]')).to_be_hidden()
        expect(phone.locator("[data-ballot-summary]")).to_have_text(re.compile(r"^0 von 15 "))
        # The countdown sits next to the ballot, in the bar that stays in sight.
        expect(phone.locator(".vote-bar [data-timer]")).to_be_visible()
    fits_a_small_phone(first)

    a, b, c = ids[0], ids[1], ids[2]
    # First phone: two goals rated; a quick double tap on a third takes its rating back.
    for axis, value in (("x", 4), ("y", 5)):
        rate_button(first, a, axis, value).click()
    rate_button(first, b, "x", 2).click()
    rate_button(first, b, "y", 2).click()
    rate_button(first, c, "x", 3).dblclick()
    expect(rate_button(first, c, "x", 3)).to_have_attribute("aria-pressed", "false")
    expect(first.locator(f'[data-ballot-editor] li[data-goal-id="{a}"]')).to_have_attribute(
        "data-complete", "true"
    )
    expect(first.locator("[data-ballot-summary]")).to_have_text(re.compile(r"^2 von 15 "))
    settled(first)

    # Second phone: a rating taken back by tapping it again, then three quick taps on one
    # scale: the last one counts, wherever the server's answers come in between.
    rate_button(second, a, "x", 5).click()
    expect(rate_button(second, a, "x", 5)).to_have_attribute("aria-pressed", "true")
    rate_button(second, a, "x", 5).click()
    expect(rate_button(second, a, "x", 5)).to_have_attribute("aria-pressed", "false")
    second.evaluate(QUICK_TAPS, [a, [1, 4, 2]])
    expect(rate_button(second, a, "x", 2)).to_have_attribute("aria-pressed", "true")
    rate_button(second, a, "y", 3).click()
    rate_button(second, b, "x", 4).click()
    rate_button(second, b, "y", 1).click()
    rate_button(second, c, "x", 3).click()  # only one axis: the goal is not counted
    expect(second.locator(f'[data-ballot-editor] li[data-goal-id="{c}"]')).to_have_attribute(
        "data-complete", "false"
    )
    settled(second)
    screenshot(second, "phone-matrix")

    # What the server kept is what the phones showed: a reload draws the same ratings.
    expected = {
        first: {a: [4, 5], b: [2, 2], c: [None, None]},
        second: {a: [2, 3], b: [4, 1], c: [3, None]},
    }
    for phone, ballot in expected.items():
        phone.reload()
        expect(phone.locator("[data-ballot-editor] li")).to_have_count(len(GOALS))
        for goal, values in ballot.items():
            assert rated_values(phone, goal) == values

    # The projector shows how many have voted, never a number per goal.
    votes = projector.locator("[data-votes]")
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(2, 2))
    no_numbers_per_goal(projector)
    assert_accessible(first, "phone matrix ballot")

    send(moderator, "round.status", round_id=round_id, status="closed")
    expect(first.locator("[data-vote-waiting]")).to_be_visible()
    expect(first.locator("[data-ballot-editor]")).to_be_hidden()
    send(moderator, "round.status", round_id=round_id, status="revealed")

    # Averages of the complete ratings only: a (4,5)+(2,3), b (2,2)+(4,1); c counts nobody.
    averages = {a: (3.0, 4.0, r"^Wirkung (hoch|high) · Umsetzbarkeit (hoch|high)$", 2)}
    averages[b] = (3.0, 1.5, r"^Wirkung (hoch|high) · Umsetzbarkeit (niedrig|gering|low)$", 2)
    results = first.locator("[data-result-list] li")
    expect(results).to_have_count(len(GOALS))
    expect(results.nth(0)).to_have_attribute("data-goal-id", str(a))
    expect(results.nth(1)).to_have_attribute("data-goal-id", str(b))
    for goal, (x, y, quadrant, raters) in averages.items():
        item = first.locator(f'[data-result-list] li[data-goal-id="{goal}"]')
        expect(item.locator("dd")).to_have_text([decimal(x), decimal(y)])
        expect(item.locator(".quadrant")).to_have_text(re.compile(quadrant))
        expect(item).to_contain_text(f"{raters} ")
    unrated = first.locator(f'[data-result-list] li[data-goal-id="{c}"]')
    expect(unrated.locator("dd")).to_have_text(["–", "–"])
    expect(first.locator(".turnout")).to_have_text(re.compile(r"^2 von 2 "))
    no_sideways_scrolling(first)
    results.nth(0).scroll_into_view_if_needed()
    screenshot(first, "phone-matrix-results")
    assert_accessible(first, "phone matrix results")


@pytest.mark.timeout(240)
def test_ranking_by_drag_and_by_buttons_then_the_borda_order(server, contexts):
    moderator, _, (first, second), ids = start_room(server, contexts)
    made = send(moderator, "round.create", method="ranking", title="Rangfolge der Ziele")
    round_id = made["round"]["id"]
    send(moderator, "round.status", round_id=round_id, status="open")

    for phone in (first, second):
        expect(phone.locator("[data-ballot-editor] .rank-item")).to_have_count(len(GOALS))
        expect(phone.locator("[data-ballot-summary]")).to_have_text(NOT_SUBMITTED)
        expect(phone.locator('[data-secret-note="ranking"]')).to_be_visible()
    fits_a_small_phone(first)
    screenshot(first, "phone-ranking-unsent")

    # First phone: drags the fourth goal to the top by its handle.
    items = first.locator("[data-ballot-editor] .rank-item")
    items.nth(1).evaluate("(el) => el.scrollIntoView({ block: 'center' })")
    drag(first, items.nth(3).locator(".rank-handle"), items.nth(0).locator(".rank-handle"))
    first_order = [ids[3], ids[0], ids[1], ids[2], *ids[4:]]
    expect(items.first).to_have_attribute("data-goal-id", str(ids[3]))
    expect(first.locator("[data-ballot-summary]")).not_to_have_text(NOT_SUBMITTED)
    settled(first)

    # Second phone: by keyboard and buttons: the first goal down three places (the focus stays
    # on it), then the fifth goal up two.
    down = second.get_by_role("button", name=re.compile(rf"^Nach unten: {GOALS[0]}$"))
    down.focus()
    for _ in range(3):
        second.keyboard.press("Enter")
        settled(second)
    focused = second.evaluate("document.activeElement.closest('li').dataset.goalId")
    assert focused == str(ids[0])
    up = second.get_by_role("button", name=re.compile(rf"^Nach oben: {GOALS[4]}$"))
    up.click()
    up.click()
    second_order = [ids[1], ids[2], ids[4], ids[3], ids[0], *ids[5:]]
    settled(second)
    shown = second.locator("[data-ballot-editor] .rank-item")
    assert [int(i) for i in shown.evaluate_all("l => l.map((li) => li.dataset.goalId)")] == (
        second_order
    )
    expect(shown.nth(2).locator(".rank-place")).to_have_text("3")
    screenshot(second, "phone-ranking")

    # A reload shows what the server kept.
    first.reload()
    kept = first.locator("[data-ballot-editor] .rank-item")
    expect(kept).to_have_count(len(GOALS))
    assert [int(i) for i in kept.evaluate_all("l => l.map((li) => li.dataset.goalId)")] == (
        first_order
    )
    assert_accessible(second, "phone ranking ballot")

    send(moderator, "round.status", round_id=round_id, status="closed")
    send(moderator, "round.status", round_id=round_id, status="revealed")
    expected = borda(ids, [first_order, second_order])
    for phone in (first, second):
        results = phone.locator("[data-result-list] li")
        expect(results).to_have_count(len(GOALS))
        shown_ids = results.evaluate_all("l => l.map((li) => Number(li.dataset.goalId))")
        shown_ranks = results.evaluate_all("l => l.map((li) => Number(li.dataset.rank))")
        assert shown_ids == [goal for _, goal, _ in expected]
        assert shown_ranks == [rank for rank, _, _ in expected]
        for index, (rank, _, points) in enumerate(expected[:4]):
            expect(results.nth(index).locator(".result-line")).to_have_text(
                re.compile(rf"^{rank}\. · {points} Punkte$")
            )
    no_sideways_scrolling(first)
    first.locator("[data-result-list] li").nth(0).scroll_into_view_if_needed()
    screenshot(first, "phone-ranking-results")


@pytest.mark.timeout(240)
def test_confirmed_priorities_and_stand_ins_reach_the_phone_live(server, contexts):
    moderator, _, (phone,), ids = start_room(server, contexts, phones=1)
    connect(phone, "participant")
    made = send(moderator, "round.create", budget=5, max_per_goal=3)["round"]
    send(moderator, "round.status", round_id=made["id"], status="open")
    # One phone, one proxy and one paper ballot vote.
    proxy = send(moderator, "proxy.create", name="Frau Beispiel", organisation="Agentur")
    paper = send(moderator, "paper.create", round_id=made["id"])
    send(phone, "vote.dots", round_id=made["id"], goal_id=ids[2], dots=3)
    for voter in (proxy["voter"]["id"], paper["voter"]["id"]):
        send(moderator, "vote.dots", voter_id=voter, round_id=made["id"], goal_id=ids[1], dots=2)
    send(moderator, "round.status", round_id=made["id"], status="closed")
    send(moderator, "round.status", round_id=made["id"], status="revealed")
    send(moderator, "phase.set", phase="results")

    turnout = phone.locator(".turnout")
    expect(turnout).to_have_text(
        re.compile(
            r"^3 von 3 (haben abgestimmt|have voted), "
            r"(davon|of them) 1 (per Vertretung|by proxy), 1 (auf Papier|on paper)$"
        )
    )
    expect(phone.locator(".priority-badge")).to_have_count(0)

    # The moderator confirms two priorities and notes why: the phone follows without a reload.
    phone.evaluate("window.__sameDocument = true")
    send(moderator, "priorities.set", goal_ids=[ids[1], ids[2]])
    note = "Gemeinsame Datenbasis zuerst:\nBericht an den Schulausschuss im Mai."
    send(moderator, "goal.note", goal_id=ids[1], note=note)
    first_place = re.compile(r"^Priorität 1$")
    for where in ("[data-result-list]", "[data-goals-view]"):
        item = phone.locator(f'{where} li[data-goal-id="{ids[1]}"]')
        expect(item.locator(".priority-badge")).to_have_text(first_place)
        expect(item.locator(".decision-note p").last).to_have_text(note)
        other = phone.locator(f'{where} li[data-goal-id="{ids[2]}"]')
        expect(other.locator(".priority-badge")).to_have_text(re.compile(r" 2$"))
    assert phone.evaluate("window.__sameDocument") is True
    no_sideways_scrolling(phone)
    phone.locator(f'[data-result-list] li[data-goal-id="{ids[1]}"]').scroll_into_view_if_needed()
    screenshot(phone, "phone-priorities")
    phone.locator(f'[data-goals-view] li[data-goal-id="{ids[1]}"]').scroll_into_view_if_needed()
    screenshot(phone, "phone-goals-priorities")
    assert_accessible(phone, "phone results with priorities")
