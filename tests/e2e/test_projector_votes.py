"""The projector during dot voting: only the progress while a round is open (never a number per
goal), "result follows" once closed, the ranking with shared ranks once revealed; live bars only
for a round the moderator made live. Fits 1280×720 and 1920×1080, with up to 30 goals."""

from __future__ import annotations

import re
import time

import pytest
from e2e_support import LAPTOP, screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible
from test_live_workshop import create_workshop, join_by_phone
from test_projector_wall import FULL_HD, connect, open_projector, send

pytestmark = pytest.mark.e2e

ROUND = "Priorisierung der strategischen Ziele"
# New strings of this view: German once the catalogs have them, the English msgid until then.
OPEN = re.compile(r"^(Abstimmung läuft|Voting is open)$")
LIVE = re.compile(r"^(Live-Ergebnis|Live result)$")
CLOSED = re.compile(
    r"^(Die Abstimmung ist beendet\. Das Ergebnis folgt\."
    r"|The vote is closed\. The result follows\.)$"
)
RESULT = re.compile(r"^(Ergebnis|Result)$")

GOALS = [
    "Jede Schule hat ein abgestimmtes Praktikumskonzept",
    "Kein Jugendlicher verlässt die Schule ohne Anschlussvereinbarung",
    "Mehr Ausbildungsbetriebe im Handwerk gewinnen",
    "Gemeinsame Datenbasis aller Partner mit jährlichem Bericht an den Schulausschuss",
    "Eltern früh in die Berufsorientierung einbinden",
    "Potenzialanalyse wird im Unterricht ausgewertet",
    "Berufsfelderkundungen in allen Schulformen ab Klasse 8",
    "Jugendberufsagentur als feste Anlaufstelle",
    "Duale Ausbildung an Gymnasien sichtbar machen",
    "Matching von Bewerbungen und Ausbildungsplätzen verbessern",
    "Zusammenarbeit mit den Nachbarstädten verbindlich regeln",
    "Übergangsangebote übersichtlich bündeln",
]
# Ballots of four phones (goal index -> dots), budget 5, at most 3 on one goal.
BALLOTS = [
    {0: 3, 1: 2},
    {0: 3, 2: 2},
    {1: 1, 2: 1, 3: 3},
    {3: 1, 4: 2, 0: 1},
]
# Totals 7, 4, 3, 3, 2, then 0 for the rest: ranks 1, 2, 3, 3, 5, 6, …; shares of 4 voters.
EXPECTED = [
    (1, 0, 7, "75"),
    (2, 3, 4, "50"),
    (3, 1, 3, "50"),
    (3, 2, 3, "50"),
    (5, 4, 2, "25"),
] + [(6, index, 0, "0") for index in range(5, 12)]

# What the voting screen shows: its state, the texts, and every row of the ranking (the bars
# and the table), each bar against its list and the viewport.
VIEW = """
() => {
  const root = document.querySelector("[data-votes]");
  const stage = root.closest("[data-stage]");
  const bars = root.querySelector("[data-votes-bars]");
  const box = bars.getBoundingClientRect();
  const text = (node) => node.textContent.replace(/\\s+/g, " ").trim();
  return {
    width: innerWidth, height: innerHeight,
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    shown: !stage.hidden && stage.offsetParent !== null,
    state: root.dataset.state,
    status: text(root.querySelector("[data-votes-status]")),
    count: text(root.querySelector("[data-votes-count]")),
    pages: Number(bars.dataset.pages || 1),
    goals: [...root.querySelectorAll("[data-votes-goal-list] li")].map((li) => ({
      id: Number(li.dataset.goalId), text: text(li), shown: li.offsetParent !== null })),
    bars: [...bars.children].map((li) => {
      const r = li.getBoundingClientRect();
      const shown = li.offsetParent !== null;
      return {
        id: Number(li.dataset.goalId),
        rank: text(li.querySelector(".vote-rank")),
        title: text(li.querySelector(".vote-title")),
        dots: text(li.querySelector(".vote-dots")),
        share: text(li.querySelector(".vote-share")),
        page: li.dataset.page, shown,
        inside: r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.right <= innerWidth &&
                r.bottom <= innerHeight,
        fontPx: parseFloat(getComputedStyle(li).fontSize),
      };
    }),
    table: [...root.querySelectorAll("[data-votes-rows] tr")].map((tr) =>
      [...tr.children].map(text)),
    caption: text(root.querySelector("caption")),
  };
}
"""


def view(page) -> dict:
    return page.evaluate(VIEW)


def no_scrollbars(layout: dict) -> None:
    assert layout["scrollWidth"] <= layout["width"], layout["scrollWidth"]
    assert layout["scrollHeight"] <= layout["height"], layout["scrollHeight"]


def no_numbers_per_goal(page) -> None:
    """Nothing of a tally anywhere in the page: no bars, no table rows, no dots."""
    votes = page.locator("[data-votes]")
    expect(votes.locator("[data-votes-bars] li")).to_have_count(0)
    expect(votes.locator("[data-votes-rows] tr")).to_have_count(0)
    expect(votes.locator(".vote-dots")).to_have_count(0)
    expect(votes.locator("[data-votes-result]")).to_be_hidden()


def count_text(voted: int, eligible: int) -> re.Pattern:
    return re.compile(rf"^{voted} (von|of) {eligible} ")


def make_goals(moderator, titles: list[str]) -> list[dict]:
    send(moderator, "phase.set", phase="goals")
    return [send(moderator, "goal.create", title=title)["goal"] for title in titles]


def vote(phone, round_id: int, ballot: dict[int, int], goals: list[dict]) -> None:
    for index, dots in ballot.items():
        send(phone, "vote.dots", round_id=round_id, goal_id=goals[index]["id"], dots=dots)


def every_bar_gets_its_turn(page, seconds: float = 40) -> None:
    """Watch the pages turn: every row is shown, whole and inside the screen, on some page."""
    layout = view(page)
    everything = {bar["id"] for bar in layout["bars"]}
    seen: set[int] = set()
    deadline = time.monotonic() + seconds
    while seen != everything and time.monotonic() < deadline:
        layout = view(page)
        no_scrollbars(layout)
        for bar in layout["bars"]:
            assert bar["page"] is not None and int(bar["page"]) < layout["pages"], bar
            if bar["shown"]:
                assert bar["inside"], bar
                seen.add(bar["id"])
        page.wait_for_timeout(250)
    assert seen == everything, f"never shown: {sorted(everything - seen)[:5]}"


@pytest.mark.timeout(300)
def test_progress_while_open_then_the_ranking(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    connect(moderator)
    phones = [join_by_phone(contexts, links["join"]) for _ in BALLOTS]
    for phone in phones:
        connect(phone, "participant")
    goals = make_goals(moderator, GOALS)
    projector = open_projector(contexts, links["projector"])
    full_hd = open_projector(contexts, links["projector"], FULL_HD)

    # Vote phase without a round: today's goals, as before.
    send(moderator, "phase.set", phase="vote")
    expect(projector.locator("[data-goals] .goal-board-item")).to_have_count(len(GOALS))
    expect(projector.locator("[data-votes]")).to_be_hidden()

    # A prepared round and an open one: the round's goals and how many have voted, nothing else.
    made = send(moderator, "round.create", title=ROUND)["round"]
    votes = projector.locator("[data-votes]")
    expect(votes).to_be_visible()
    expect(projector.locator("[data-goals]")).to_be_hidden()
    expect(votes.locator("[data-votes-title]")).to_have_text(ROUND)
    send(moderator, "round.status", round_id=made["id"], status="open")
    expect(votes.locator("[data-votes-status]")).to_have_text(OPEN)
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(0, 4))
    goal_list = votes.locator("[data-votes-goal-list] li")
    expect(goal_list).to_have_count(len(GOALS))
    expect(goal_list.nth(0)).to_have_text(f"1{GOALS[0]}")
    expect(goal_list.nth(11)).to_have_text(f"12{GOALS[11]}")
    expect(votes.locator(".votes-secret")).to_be_visible()
    no_numbers_per_goal(projector)

    vote(phones[0], made["id"], BALLOTS[0], goals)
    vote(phones[1], made["id"], BALLOTS[1], goals)
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(2, 4))
    expect(full_hd.locator("[data-votes-count]")).to_have_text(count_text(2, 4))
    no_numbers_per_goal(projector)
    no_numbers_per_goal(full_hd)
    vote(phones[2], made["id"], BALLOTS[2], goals)
    vote(phones[3], made["id"], BALLOTS[3], goals)
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(4, 4))
    no_numbers_per_goal(projector)
    for page in (projector, full_hd):
        layout = view(page)
        no_scrollbars(layout)
        assert all(goal["shown"] for goal in layout["goals"]), layout["goals"]
    assert_accessible(projector, "projector vote open")
    screenshot(projector, "open-12-goals-1280x720")
    screenshot(full_hd, "open-12-goals-1920x1080")

    # Closed: the result follows, still no numbers per goal.
    send(moderator, "round.status", round_id=made["id"], status="closed")
    expect(votes.locator("[data-votes-status]")).to_have_text(CLOSED)
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(4, 4))
    no_numbers_per_goal(projector)
    screenshot(projector, "closed-1280x720")

    # Revealed: the ranking, ties sharing a rank, bars and table alike.
    send(moderator, "phase.set", phase="results")
    send(moderator, "round.status", round_id=made["id"], status="revealed")
    expect(votes.locator("[data-votes-status]")).to_have_text(RESULT)
    expect(votes.locator("[data-votes-bars] li")).to_have_count(len(GOALS))
    expect(full_hd.locator("[data-votes-bars] li")).to_have_count(len(GOALS))
    projector.wait_for_timeout(1200)  # the bars grow in
    screenshot(projector, "revealed-12-goals-1280x720")
    screenshot(full_hd, "revealed-12-goals-1920x1080")
    for page in (projector, full_hd):
        layout = view(page)
        assert layout["state"] == "revealed"
        shown = [
            (int(bar["rank"]), bar["id"], int(bar["dots"]), bar["share"]) for bar in layout["bars"]
        ]
        expected = [(rank, goals[i]["id"], dots, share) for rank, i, dots, share in EXPECTED]
        assert [row[:3] for row in shown] == [row[:3] for row in expected]
        for (_, _, _, share), bar in zip(expected, layout["bars"], strict=True):
            assert re.fullmatch(rf"{share}\s?%", bar["share"]), bar
        titles = [GOALS[i] for _, i, _, _ in EXPECTED]
        assert [bar["title"] for bar in layout["bars"]] == titles
        assert [row[:3] for row in layout["table"]] == [
            [str(rank), GOALS[i], str(dots)] for rank, i, dots, _ in EXPECTED
        ]
        assert ROUND in layout["caption"]
        # Twelve goals fit on one page, in legible type, without scrollbars.
        no_scrollbars(layout)
        assert layout["pages"] == 1, layout["pages"]
        assert all(bar["shown"] and bar["inside"] for bar in layout["bars"]), layout["bars"]
        assert min(bar["fontPx"] for bar in layout["bars"]) >= 0.028 * layout["height"] - 0.5
    assert_accessible(projector, "projector vote revealed")

    # A second round, live on the projector: bars labelled as live, then hidden once closed.
    live = send(
        moderator,
        "round.create",
        title="Fokus: Attraktivität des dualen Systems",
        goal_ids=[goals[2]["id"], goals[8]["id"], goals[9]["id"]],
        live_results=True,
    )["round"]
    # A prepared round does not replace the revealed ranking.
    expect(votes.locator("[data-votes-title]")).to_have_text(ROUND)
    send(moderator, "round.status", round_id=live["id"], status="open")
    expect(votes.locator("[data-votes-status]")).to_have_text(LIVE)
    expect(votes.locator("[data-votes-title]")).to_have_text(
        "Fokus: Attraktivität des dualen Systems"
    )
    send(phones[0], "vote.dots", round_id=live["id"], goal_id=goals[9]["id"], dots=2)
    first = votes.locator("[data-votes-bars] li").first
    expect(first.locator(".vote-title")).to_have_text(GOALS[9])
    expect(first.locator(".vote-dots")).to_have_text("2")
    expect(votes.locator("[data-votes-summary]")).to_have_text(count_text(1, 4))
    assert_accessible(projector, "projector vote live")
    screenshot(projector, "live-1280x720")
    # Closed, the live round's numbers go; the latest revealed round is shown again.
    send(moderator, "round.status", round_id=live["id"], status="closed")
    expect(votes.locator("[data-votes-title]")).to_have_text(ROUND)
    expect(votes.locator("[data-votes-status]")).to_have_text(RESULT)
    expect(votes.locator("[data-votes-bars] li")).to_have_count(len(GOALS))
    expect(votes.locator("[data-votes-bars] li").first.locator(".vote-title")).to_have_text(
        GOALS[0]
    )


@pytest.mark.timeout(300)
def test_thirty_goals_fit_or_turn_pages(server, contexts):
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    connect(moderator)
    phones = [join_by_phone(contexts, links["join"]) for _ in range(3)]
    for phone in phones:
        connect(phone, "participant")
    titles = [f"{GOALS[i % len(GOALS)]} ({i + 1})" for i in range(30)]
    goals = make_goals(moderator, titles)
    send(moderator, "phase.set", phase="vote")
    made = send(moderator, "round.create", budget=10)["round"]
    send(moderator, "round.status", round_id=made["id"], status="open")
    projector = open_projector(contexts, links["projector"], query="?turn=2")
    full_hd = open_projector(contexts, links["projector"], FULL_HD, query="?turn=2")
    votes = projector.locator("[data-votes]")
    expect(votes.locator("[data-votes-goal-list] li")).to_have_count(30)
    for i, phone in enumerate(phones):
        for j in range(4):
            goal = goals[(i * 7 + j * 3) % 30]
            send(phone, "vote.dots", round_id=made["id"], goal_id=goal["id"], dots=1 + j % 3)
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(3, 3))
    for page in (projector, full_hd):
        no_scrollbars(view(page))
        no_numbers_per_goal(page)
    screenshot(projector, "open-30-goals-1280x720")
    screenshot(full_hd, "open-30-goals-1920x1080")

    send(moderator, "round.status", round_id=made["id"], status="closed")
    send(moderator, "round.status", round_id=made["id"], status="revealed")
    expect(votes.locator("[data-votes-bars] li")).to_have_count(30)
    expect(full_hd.locator("[data-votes-bars] li")).to_have_count(30)
    projector.wait_for_timeout(1000)
    screenshot(projector, "revealed-30-goals-1280x720")
    screenshot(full_hd, "revealed-30-goals-1920x1080")
    for page in (projector, full_hd):
        layout = view(page)
        ranks = [int(bar["rank"]) for bar in layout["bars"]]
        assert ranks == sorted(ranks) and ranks[0] == 1
        assert min(bar["fontPx"] for bar in layout["bars"]) >= 0.028 * layout["height"] - 0.5
        every_bar_gets_its_turn(page)
    assert_accessible(projector, "projector 30 goals revealed")
