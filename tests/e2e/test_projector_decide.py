"""The projector while the room decides: progress of matrix and ranking rounds (with proxies and
paper ballots), the revealed matrix as a scatter at the averages, Borda points as bars, chosen
rounds side by side filtered to one action field, and confirmed priorities marked live.
Fits 1280×720 and 1920×1080 without scrollbars."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from e2e_support import LAPTOP, screenshot
from playwright.sync_api import expect
from test_accessibility import assert_accessible
from test_live_workshop import create_workshop, join_by_phone
from test_projector_votes import count_text, no_scrollbars
from test_projector_wall import FULL_HD, connect, open_projector, send

pytestmark = pytest.mark.e2e

# New strings of these views: German once the catalogs have them, the English msgid until then.
FOLLOWS = re.compile(r"^Ergebnis folgt$")
LIVE = re.compile(r"^Live-Ergebnis$")
RESULT = re.compile(r"^Ergebnis$")
UNRATED = re.compile(r"^nicht bewertet$")
WHOLE_ROUND = re.compile(r"Rang im ganzen Durchgang")


def priority(n: int) -> re.Pattern:
    return re.compile(rf"^Priorität {n}$")


def field_heading(name: str) -> re.Pattern:
    return re.compile(rf"^Handlungsfeld: {re.escape(name)}$")


# Several commands in one round trip, each acknowledged before the next is sent.
SEND_ALL = """
async (commands) => {
  const t = window.__test;
  const acks = [];
  for (const [event, payload] of commands) {
    t.n += 1;
    const id = `e2e-${Date.now()}-${t.n}`;
    acks.push(await new Promise((resolve) =>
      t.socket.emit(event, { id, workshop: t.workshop, ...payload }, resolve)));
  }
  return acks;
}
"""

# Everything the voting screen shows, and whether anything is cut off or scrolls.
VIEW = """
() => {
  const root = document.querySelector("[data-votes]");
  const text = (node) => (node ? node.textContent.replace(/\\s+/g, " ").trim() : "");
  const shown = (node) => Boolean(node) && node.offsetParent !== null;
  const shownText = (node) => (shown(node) ? text(node) : null);
  const inside = (node, box) => {
    const r = node.getBoundingClientRect();
    return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.left >= box.left - 1 &&
           r.right <= box.right + 1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1;
  };
  const cut = [];
  const lists = "[data-votes-bars], [data-matrix-legend], [data-votes-goal-list], " +
                "[data-votes-priority-list]";
  for (const list of root.querySelectorAll(lists)) {
    if (!shown(list)) continue;
    const box = list.getBoundingClientRect();
    for (const item of list.children) {
      if (shown(item) && !inside(item, box)) cut.push(text(item).slice(0, 40));
    }
  }
  for (const node of root.querySelectorAll(".votes-panel, [data-matrix-svg], .votes-field")) {
    if (shown(node) && !inside(node, { top: 0, left: 0, bottom: innerHeight, right: innerWidth })) {
      cut.push(node.className.baseVal ?? node.className);
    }
  }
  const panels = [...root.querySelectorAll(".votes-panel")].map((panel) => {
    const svg = panel.querySelector("[data-matrix-svg]");
    return {
      state: panel.dataset.state,
      method: panel.dataset.method,
      title: text(panel.querySelector("[data-votes-title]")),
      status: text(panel.querySelector("[data-votes-status]")),
      follows: shownText(panel.querySelector("[data-votes-follows]")),
      count: shownText(panel.querySelector("[data-votes-count]")),
      standIns: shownText(panel.querySelector("[data-votes-standins]")),
      note: text(panel.querySelector("[data-votes-note]")),
      caption: text(panel.querySelector("caption")),
      bars: [...panel.querySelectorAll("[data-votes-bars] > li")].map((li) => ({
        id: Number(li.dataset.goalId),
        rank: text(li.querySelector(".vote-rank")),
        title: text(li.querySelector(".vote-title")),
        value: text(li.querySelector(".vote-value")),
        badge: text(li.querySelector(".wall-priority")),
        shown: shown(li),
      })),
      table: [...panel.querySelectorAll("[data-votes-rows] tr")]
        .map((tr) => [...tr.children].map(text)),
      head: [...panel.querySelectorAll("[data-votes-thead] th")].map(text),
      matrix: shown(svg) ? {
        x0: Number(svg.dataset.x0), x1: Number(svg.dataset.x1),
        y0: Number(svg.dataset.y0), y1: Number(svg.dataset.y1),
        width: Number(svg.getAttribute("width")), height: Number(svg.getAttribute("height")),
        points: [...svg.querySelectorAll(".matrix-point")].map((c) => ({
          id: Number(c.dataset.goalId), cx: Number(c.getAttribute("cx")),
          cy: Number(c.getAttribute("cy")), x: Number(c.dataset.x), y: Number(c.dataset.y) })),
        markers: [...svg.querySelectorAll(".matrix-marker")].map((g) => ({
          id: Number(g.dataset.goalId), number: g.dataset.number,
          cx: Number(g.dataset.cx), cy: Number(g.dataset.cy),
          r: Number(g.querySelector(".matrix-marker-disc").getAttribute("r")),
          label: text(g) })),
        quadrants: Object.fromEntries([...svg.querySelectorAll(".matrix-quadrant-name")]
          .map((t) => [t.dataset.quadrant, t.textContent])),
        axes: [...svg.querySelectorAll(".matrix-axis")].map(text),
      } : null,
      legend: [...panel.querySelectorAll("[data-matrix-legend] > li")].map((li) => ({
        id: Number(li.dataset.goalId),
        number: text(li.querySelector(".matrix-number")),
        title: text(li.querySelector(".matrix-title")),
        values: [...li.querySelectorAll(".matrix-value, .matrix-unrated")].map(text),
        badge: text(li.querySelector(".wall-priority")),
        shown: shown(li),
      })),
    };
  });
  return {
    width: innerWidth, height: innerHeight,
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    shown: shown(root),
    view: root.dataset.view, state: root.dataset.state,
    field: shownText(root.querySelector("[data-votes-field]")),
    panels, cut,
    priorities: [...root.querySelectorAll("[data-votes-priority-list] > li")].map((li) => ({
      id: Number(li.dataset.goalId),
      badge: text(li.querySelector(".wall-priority")),
      title: text(li.querySelector(".wall-priority-title")),
      note: li.querySelector(".wall-priority-note")?.innerText ?? "",
      badgePx: parseFloat(getComputedStyle(li.querySelector(".wall-priority")).fontSize),
    })),
  };
}
"""


def view(page) -> dict:
    return page.evaluate(VIEW)


def fits(page) -> dict:
    """No scrollbars, nothing cut off; returns the view."""
    layout = view(page)
    no_scrollbars(layout)
    assert layout["cut"] == [], layout["cut"]
    return layout


def send_all(page, commands: list[tuple[str, dict]]) -> list[dict]:
    acks = page.evaluate(SEND_ALL, [[event, payload] for event, payload in commands])
    for ack in acks:
        assert ack["ok"], ack
    return [ack["data"] for ack in acks]


def german(value: float, digits: int) -> str:
    """A number as the projector writes it in a German workshop (up to `digits` decimals)."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def one_decimal(value: float) -> str:
    """As the legend writes an average: one decimal, rounded half up, German comma."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(rounded).replace(".", ",")


def room(server, contexts, phones: int):
    """Moderator, phones and both projectors of a new workshop; the action fields."""
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    structure = connect(moderator)
    devices = [join_by_phone(contexts, links["join"]) for _ in range(phones)]
    for phone in devices:
        connect(phone, "participant")
    projector = open_projector(contexts, links["projector"])
    full_hd = open_projector(contexts, links["projector"], FULL_HD)
    return moderator, devices, projector, full_hd, structure["fields"]


def make_goals(moderator, goals: list[tuple[str, int]]) -> list[dict]:
    send(moderator, "phase.set", phase="goals")
    made = send_all(
        moderator, [("goal.create", {"title": title, "field_id": field}) for title, field in goals]
    )
    return [data["goal"] for data in made]


def reveal(moderator, round_id: int) -> None:
    for status in ("closed", "revealed"):
        send(moderator, "round.status", round_id=round_id, status=status)


def rate(voter: int | None, round_id: int, goal_id: int, x: int, y: int) -> list:
    extra = {"voter_id": voter} if voter else {}
    return [
        (
            "vote.rate",
            {"round_id": round_id, "goal_id": goal_id, "axis": axis, "value": value, **extra},
        )
        for axis, value in (("x", x), ("y", y))
    ]


# ---- (a) the matrix ----

MATRIX_GOALS = [
    "Jede Schule hat ein abgestimmtes Praktikumskonzept",
    "Jugendberufsagentur als feste Anlaufstelle",
    "Eltern früh in die Berufsorientierung einbinden",
    "Zusammenarbeit mit den Nachbarstädten verbindlich regeln",
    "Potenzialanalyse wird im Unterricht ausgewertet",
    "Gemeinsame Datenbasis aller Partner",
]
# Ratings (impact, feasibility) of four voters: two phones, a proxy, a paper ballot. Goal 4 is
# rated exactly like goal 0 (their markers must part); goal 5 is rated by nobody.
RATINGS = {
    0: [(5, 4), (5, 5), (4, 5), (4, 5)],
    1: [(5, 2), (4, 1), (4, 2), (4, 1)],
    2: [(2, 5), (1, 4), (2, 4), (1, 4)],
    3: [(2, 1), (2, 2), (1, 2), (1, 1)],
    4: [(5, 4), (5, 5), (4, 5), (4, 5)],
}
QUADRANT = {0: "high-high", 1: "high-low", 2: "low-high", 3: "low-low", 4: "high-high"}


@pytest.mark.timeout(300)
def test_matrix_progress_then_markers_at_the_averages(server, contexts):
    moderator, phones, projector, full_hd, fields = room(server, contexts, 2)
    goals = make_goals(moderator, [(t, fields[i % 4]["id"]) for i, t in enumerate(MATRIX_GOALS)])
    send(moderator, "phase.set", phase="vote")
    made = send(
        moderator,
        "round.create",
        method="matrix",
        title="Wirkung und Umsetzbarkeit",
        goal_ids=[goal["id"] for goal in goals],
    )["round"]
    round_id = made["id"]
    proxy = send(moderator, "proxy.create", name="Frau Schulte", organisation="Schulamt")["voter"]
    paper = send(moderator, "paper.create", round_id=round_id)["voter"]
    send(moderator, "round.status", round_id=round_id, status="open")
    votes = projector.locator("[data-votes]")
    expect(votes.locator("[data-votes-status]")).to_have_text(re.compile(r"^Abstimmung läuft$"))
    # Two phones, the proxy and the paper ballot could vote.
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(0, 4))

    voters = [None, None, proxy["id"], paper["id"]]
    senders = [phones[0], phones[1], moderator, moderator]
    for index, (sender, voter) in enumerate(zip(senders, voters, strict=True)):
        commands = []
        for goal, ratings in RATINGS.items():
            commands += rate(voter, round_id, goals[goal]["id"], *ratings[index])
        send_all(sender, commands)
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(4, 4))
    stand_ins = re.compile(
        r"^(davon 1 per Vertretung, 1 auf Papier|of them 1 by proxy, 1 on paper)$"
    )
    expect(votes.locator("[data-votes-standins]")).to_have_text(stand_ins)
    expect(full_hd.locator("[data-votes-standins]")).to_have_text(stand_ins)
    # While open: progress only, no marker, no number per goal anywhere in the page.
    for page in (projector, full_hd):
        expect(page.locator("[data-votes] .matrix-marker")).to_have_count(0)
        expect(page.locator("[data-votes] .matrix-point")).to_have_count(0)
        expect(page.locator("[data-votes] [data-votes-rows] tr")).to_have_count(0)
        expect(page.locator("[data-votes] [data-matrix-legend] li")).to_have_count(0)
        fits(page)
    screenshot(projector, "matrix-open-1280x720")
    screenshot(full_hd, "matrix-open-1920x1080")

    send(moderator, "phase.set", phase="results")
    reveal(moderator, round_id)
    expect(votes.locator(".matrix-marker")).to_have_count(5)
    expect(full_hd.locator("[data-votes] .matrix-marker")).to_have_count(5)
    expect(votes.locator("[data-votes-status]")).to_have_text(RESULT)
    averages = {
        goal: (sum(x for x, _ in r) / len(r), sum(y for _, y in r) / len(r))
        for goal, r in RATINGS.items()
    }
    by_id = {goals[goal]["id"]: goal for goal in range(len(goals))}
    for page in (projector, full_hd):
        layout = fits(page)
        assert layout["state"] == "revealed"
        (panel,) = layout["panels"]
        matrix = panel["matrix"]
        assert matrix is not None
        # Every rated goal's dot lies exactly at its averages on the scale 1–5.
        assert sorted(point["id"] for point in matrix["points"]) == sorted(
            goals[goal]["id"] for goal in RATINGS
        )
        for point in matrix["points"]:
            x, y = averages[by_id[point["id"]]]
            assert (point["x"], point["y"]) == (x, y)
            assert point["cx"] == pytest.approx(
                matrix["x0"] + (x - 1) / 4 * (matrix["x1"] - matrix["x0"]), abs=0.02
            )
            assert point["cy"] == pytest.approx(
                matrix["y0"] + (y - 1) / 4 * (matrix["y1"] - matrix["y0"]), abs=0.02
            )
        assert matrix["x1"] > matrix["x0"] and matrix["y1"] < matrix["y0"]  # up is more feasible
        # Markers: next to their dot, never on top of each other, inside the chart.
        points = {point["id"]: point for point in matrix["points"]}
        markers = matrix["markers"]
        for marker in markers:
            dot = points[marker["id"]]
            assert math.dist((marker["cx"], marker["cy"]), (dot["cx"], dot["cy"])) < 4 * marker["r"]
            assert marker["r"] <= marker["cx"] <= matrix["width"] - marker["r"]
            assert marker["r"] <= marker["cy"] <= matrix["height"] - marker["r"]
        for i, a in enumerate(markers):
            for b in markers[i + 1 :]:
                assert math.dist((a["cx"], a["cy"]), (b["cx"], b["cy"])) >= 2 * a["r"] - 0.5, (a, b)
        # Goal 0 and goal 4 share their averages: same dot, two markers.
        assert points[goals[0]["id"]]["cx"] == points[goals[4]["id"]]["cx"]
        assert re.match(r"^(Wirkung|Impact) →$", matrix["axes"][0])
        assert re.match(r"^(Umsetzbarkeit|Feasibility) →$", matrix["axes"][1])
        assert set(matrix["quadrants"]) == {"high-high", "high-low", "low-high", "low-low"}
        # The legend numbers the markers in the order of the result; the unrated goal says so.
        legend = panel["legend"]
        numbers = {marker["id"]: marker["label"] for marker in markers}
        for row in legend:
            if row["id"] == goals[5]["id"]:
                assert row["number"] == "–" and UNRATED.match(row["values"][0]), row
            else:
                assert row["number"] == numbers[row["id"]]
                x, y = averages[by_id[row["id"]]]
                assert row["values"] == [one_decimal(x), one_decimal(y)], row
            assert row["shown"]
        assert [row["number"] for row in legend] == ["1", "2", "3", "4", "5", "–"]
        # The table lists the same values: rank, goal, averages, quadrant, ratings.
        ranked = sorted(RATINGS, key=lambda g: (-(averages[g][0] + averages[g][1]), g))
        rows = {row[1]: row for row in panel["table"]}
        assert [row[1] for row in panel["table"]] == [MATRIX_GOALS[g] for g in ranked] + [
            MATRIX_GOALS[5]
        ]
        for goal in RATINGS:
            x, y = averages[goal]
            row = rows[MATRIX_GOALS[goal]]
            assert row[2:4] == [german(x, 2), german(y, 2)], row
            assert row[4] == matrix["quadrants"][QUADRANT[goal]]
            assert row[5] == "4"
        assert [rows[MATRIX_GOALS[g]][0] for g in ranked] == ["1", "1", "3", "3", "5"]
        assert UNRATED.match(rows[MATRIX_GOALS[5]][2])
        # Progress in the head says that stand-ins voted too.
        summary = page.locator("[data-votes-summary]")
        expect(summary).to_have_text(re.compile(r"^4 von 4 .*1 per Vertretung"))
    assert_accessible(projector, "projector matrix revealed")
    screenshot(projector, "matrix-revealed-1280x720")
    screenshot(full_hd, "matrix-revealed-1920x1080")


# ---- (b) ranking: Borda points ----

RANK_GOALS = [
    "Kein Jugendlicher verlässt die Schule ohne Anschlussvereinbarung",
    "Mehr Ausbildungsbetriebe im Handwerk gewinnen",
    "Duale Ausbildung an Gymnasien sichtbar machen",
    "Matching von Bewerbungen und Ausbildungsplätzen verbessern",
    "Übergangsangebote übersichtlich bündeln",
]
ORDERS = [[1, 0, 2, 3, 4], [0, 1, 3, 2, 4], [2, 0, 1, 4, 3]]


def borda(orders: list[list[int]], n: int) -> dict[int, int]:
    points = dict.fromkeys(range(n), 0)
    for order in orders:
        for place, goal in enumerate(order):
            points[goal] += n - 1 - place
    return points


@pytest.mark.timeout(300)
def test_ranking_round_live_then_revealed_as_borda_points(server, contexts):
    moderator, phones, projector, full_hd, fields = room(server, contexts, 3)
    goals = make_goals(moderator, [(t, fields[1]["id"]) for t in RANK_GOALS])
    send(moderator, "phase.set", phase="vote")
    made = send(
        moderator,
        "round.create",
        method="ranking",
        title="Rangfolge der Ziele",
        goal_ids=[goal["id"] for goal in goals],
        live_results=True,
    )["round"]
    send(moderator, "round.status", round_id=made["id"], status="open")
    votes = projector.locator("[data-votes]")

    def rank(phone, order):
        send(phone, "vote.rank", round_id=made["id"], order=[goals[i]["id"] for i in order])

    # A live round: the points move as ballots arrive, labelled as live.
    rank(phones[0], ORDERS[0])
    expect(votes.locator("[data-votes-status]")).to_have_text(LIVE)
    first = votes.locator("[data-votes-bars] li").first
    expect(first.locator(".vote-title")).to_have_text(RANK_GOALS[1])
    expect(first.locator(".vote-value")).to_have_text("4")
    rank(phones[1], ORDERS[1])
    expect(first.locator(".vote-title")).to_have_text(RANK_GOALS[0])
    expect(first.locator(".vote-value")).to_have_text("7")
    fits(projector)
    screenshot(projector, "ranking-live-1280x720")
    rank(phones[2], ORDERS[2])
    expect(votes.locator("[data-votes-summary]")).to_have_text(count_text(3, 3))

    send(moderator, "round.status", round_id=made["id"], status="closed")
    expect(votes.locator("[data-votes-bars] li")).to_have_count(0)
    send(moderator, "phase.set", phase="results")
    send(moderator, "round.status", round_id=made["id"], status="revealed")
    expect(votes.locator("[data-votes-status]")).to_have_text(RESULT)
    points = borda(ORDERS, len(RANK_GOALS))  # 0: 10, 1: 9, 2: 6, 3: 3, 4: 2
    order = sorted(points, key=lambda g: (-points[g], g))
    ranks = {g: 1 + sum(points[o] > points[g] for o in points) for g in points}
    expect(votes.locator("[data-votes-bars] li")).to_have_count(len(RANK_GOALS))
    projector.wait_for_timeout(1000)  # the bars grow in
    for page in (projector, full_hd):
        layout = fits(page)
        (panel,) = layout["panels"]
        assert panel["method"] == "ranking"
        assert [(b["rank"], b["title"], b["value"]) for b in panel["bars"]] == [
            (str(ranks[g]), RANK_GOALS[g], str(points[g])) for g in order
        ]
        assert all(bar["shown"] for bar in panel["bars"])
        assert [row[:3] for row in panel["table"]] == [
            [str(ranks[g]), RANK_GOALS[g], str(points[g])] for g in order
        ]
        # One line says how Borda counts: with five goals a first place earns 4.
        assert "4" in panel["note"] and "Borda" in panel["note"], panel["note"]
    assert_accessible(projector, "projector ranking revealed")
    screenshot(projector, "ranking-revealed-1280x720")
    screenshot(full_hd, "ranking-revealed-1920x1080")


# ---- (c) side by side, one action field ----

SIDE_GOALS = [
    ("Jede Schule hat ein abgestimmtes Praktikumskonzept", 0),
    ("Berufsfelderkundungen in allen Schulformen ab Klasse 8", 0),
    ("Potenzialanalyse wird im Unterricht ausgewertet", 0),
    ("Kein Jugendlicher verlässt die Schule ohne Anschlussvereinbarung", 1),
    ("Jugendberufsagentur als feste Anlaufstelle", 1),
    ("Mehr Ausbildungsbetriebe im Handwerk gewinnen", 2),
    ("Matching von Bewerbungen und Ausbildungsplätzen verbessern", 2),
    ("Gemeinsame Datenbasis aller Partner mit jährlichem Bericht an den Schulausschuss", 3),
]
DOT_BALLOTS = [{0: 3, 3: 2}, {1: 2, 5: 2, 0: 1}, {3: 1, 7: 2, 4: 2}]


def dot_round_voted(moderator, phones, goals: list[dict]) -> dict:
    """An open dot round in which each phone has cast its ballot of DOT_BALLOTS."""
    send(moderator, "phase.set", phase="vote")
    dots = send(moderator, "round.create", title="Punktabfrage")["round"]
    send(moderator, "round.status", round_id=dots["id"], status="open")
    for phone, ballot in zip(phones, DOT_BALLOTS, strict=True):
        send_all(
            phone,
            [
                ("vote.dots", {"round_id": dots["id"], "goal_id": goals[g]["id"], "dots": n})
                for g, n in ballot.items()
            ],
        )
    return dots


@pytest.mark.timeout(300)
def test_rounds_side_by_side_filtered_to_one_action_field(server, contexts):
    moderator, phones, projector, full_hd, fields = room(server, contexts, 3)
    goals = make_goals(moderator, [(t, fields[f]["id"]) for t, f in SIDE_GOALS])
    dots = dot_round_voted(moderator, phones, goals)
    reveal(moderator, dots["id"])
    # The matrix of the dot result's top 5.
    matrix = send(
        moderator,
        "round.create",
        method="matrix",
        title="Top 5: Wirkung und Umsetzbarkeit",
        source_round_id=dots["id"],
        top=5,
    )["round"]
    send(moderator, "round.status", round_id=matrix["id"], status="open")
    votes = projector.locator("[data-votes]")
    expect(votes.locator("[data-votes-title]")).to_have_text("Top 5: Wirkung und Umsetzbarkeit")
    for i, phone in enumerate(phones):
        commands = []
        for j, goal_id in enumerate(matrix["goal_ids"]):
            commands += rate(None, matrix["id"], goal_id, 1 + (i + j) % 5, 5 - (i * j) % 5)
        send_all(phone, commands)
    reveal(moderator, matrix["id"])
    ranking = send(
        moderator, "round.create", method="ranking", title="Rangfolge", goal_ids=matrix["goal_ids"]
    )["round"]
    send(moderator, "phase.set", phase="results")

    # Three rounds side by side, only the first action field.
    field = fields[0]
    send(
        moderator,
        "results.show",
        round_ids=[dots["id"], matrix["id"], ranking["id"]],
        field_id=field["id"],
    )
    panels = votes.locator(".votes-panel")
    expect(panels).to_have_count(3)
    expect(votes.locator("[data-votes-field-name]")).to_have_text(field_heading(field["name"]))
    expect(votes.locator("[data-votes-field]")).to_contain_text(WHOLE_ROUND)
    expect(panels.nth(2).locator("[data-votes-follows]")).to_have_text(FOLLOWS)
    expect(panels.nth(2).locator("[data-votes-follows]")).to_be_visible()
    expect(panels.nth(1).locator(".matrix-marker").first).to_be_attached()
    in_field = {goal["id"] for goal in goals if goal["field_id"] == field["id"]}
    titles = {goal["id"]: goal["title"] for goal in goals}
    # Whole-round ranks of the dot round: totals 0: 4, 3: 3, 1: 2, 5: 2, 7: 2, 4: 2, rest 0.
    whole = {0: "1", 1: "3", 2: "7"}
    projector.wait_for_timeout(1000)
    for page in (projector, full_hd):
        layout = fits(page)
        assert layout["state"] == "side-by-side"
        first, second, third = layout["panels"]
        assert [first["title"], second["title"], third["title"]] == [
            "Punktabfrage",
            "Top 5: Wirkung und Umsetzbarkeit",
            "Rangfolge",
        ]
        assert {bar["id"] for bar in first["bars"]} == in_field
        assert [(bar["title"], bar["rank"]) for bar in first["bars"]] == [
            (SIDE_GOALS[g][0], whole[g]) for g in (0, 1, 2)
        ]
        assert all(bar["shown"] for bar in first["bars"])
        assert {row[1] for row in first["table"]} == {titles[i] for i in in_field}
        assert field["name"] in first["caption"] and field["name"] in second["caption"]
        shown_matrix = {row["id"] for row in second["legend"]}
        assert shown_matrix == in_field & set(matrix["goal_ids"])
        assert {marker["id"] for marker in second["matrix"]["markers"]} == shown_matrix
        assert third["bars"] == [] and third["table"] == []
        assert FOLLOWS.match(third["follows"])
    assert_accessible(projector, "projector side by side")
    screenshot(projector, "side-by-side-3-field-1280x720")
    screenshot(full_hd, "side-by-side-3-field-1920x1080")

    # Two rounds without a filter: every goal, no field heading.
    send(moderator, "results.show", round_ids=[dots["id"], matrix["id"]], field_id=None)
    expect(panels).to_have_count(2)
    expect(votes.locator("[data-votes-field]")).to_be_hidden()
    expect(panels.nth(0).locator("[data-votes-bars] li")).to_have_count(len(goals))
    expect(panels.nth(1).locator(".matrix-marker")).to_have_count(len(matrix["goal_ids"]))
    projector.wait_for_timeout(1000)
    screenshot(projector, "side-by-side-2-1280x720")
    screenshot(full_hd, "side-by-side-2-1920x1080")
    for page in (projector, full_hd):
        fits(page)

    # A round opened that is not among the chosen ones takes the screen while it is open.
    send(moderator, "round.status", round_id=ranking["id"], status="open")
    expect(panels).to_have_count(1)
    expect(votes.locator("[data-votes-title]")).to_have_text("Rangfolge")
    expect(votes.locator("[data-votes-count]")).to_have_text(count_text(0, 3))
    expect(votes.locator("[data-votes-bars] li")).to_have_count(0)
    send(moderator, "round.status", round_id=ranking["id"], status="closed")
    expect(panels).to_have_count(2)


# ---- (d) confirmed priorities ----


@pytest.mark.timeout(300)
def test_confirmed_priorities_appear_live(server, contexts):
    moderator, phones, projector, full_hd, fields = room(server, contexts, 3)
    goals = make_goals(moderator, [(t, fields[f]["id"]) for t, f in SIDE_GOALS])
    dots = dot_round_voted(moderator, phones, goals)
    send(moderator, "phase.set", phase="results")
    reveal(moderator, dots["id"])
    send(moderator, "results.show", round_ids=[dots["id"]], field_id=None)
    votes = projector.locator("[data-votes]")
    expect(votes.locator("[data-votes-bars] li")).to_have_count(len(goals))

    # Confirmed: the badge appears live on the projector's result.
    send(moderator, "priorities.set", goal_ids=[goals[3]["id"], goals[0]["id"]])
    row = votes.locator(f'[data-votes-bars] li[data-goal-id="{goals[3]["id"]}"]')
    expect(row.locator(".wall-priority")).to_have_text(priority(1))
    expect(
        votes.locator(f'[data-votes-bars] li[data-goal-id="{goals[0]["id"]}"] .wall-priority')
    ).to_have_text(priority(2))
    expect(votes.locator(".wall-priority")).to_have_count(2)
    # Readable from afar: the badge's type is at least the smallest step (2.8 vh × 0.86).
    badge_px = row.locator(".wall-priority").evaluate(
        "(n) => parseFloat(getComputedStyle(n).fontSize)"
    )
    assert badge_px >= 0.024 * 720 - 0.5
    projector.wait_for_timeout(1000)
    layout = fits(projector)
    (panel,) = layout["panels"]
    assert [r[-1] for r in panel["table"] if r[-1]] == ["2", "1"]  # goal 0 ranks above goal 3
    assert_accessible(projector, "projector priorities in the result")
    screenshot(projector, "priority-badges-1280x720")
    screenshot(full_hd, "priority-badges-1920x1080")

    # Decision notes, and no round chosen: the confirmed priorities in order.
    note = "Start mit dem Schuljahr 2027/28.\nFederführung: Agentur für Arbeit und Schulamt."
    send(moderator, "goal.note", goal_id=goals[3]["id"], note=note)
    send(moderator, "results.show", round_ids=[], field_id=None)
    items = votes.locator("[data-votes-priority-list] li")
    expect(items).to_have_count(2)
    expect(votes).to_have_attribute("data-view", "priorities")
    expect(items.nth(0).locator(".wall-priority")).to_have_text(priority(1))
    expect(items.nth(0).locator(".wall-priority-title")).to_have_text(SIDE_GOALS[3][0])
    expect(items.nth(1).locator(".wall-priority-title")).to_have_text(SIDE_GOALS[0][0])
    for page in (projector, full_hd):
        expect(page.locator("[data-votes-priority-list] li")).to_have_count(2)
        layout = fits(page)
        assert layout["priorities"][0]["note"].splitlines() == note.splitlines()
        assert layout["priorities"][1]["note"] == ""
    assert_accessible(projector, "projector priorities")
    screenshot(projector, "priorities-1280x720")
    screenshot(full_hd, "priorities-1920x1080")

    # One action field: only its priority, under the field's heading.
    send(moderator, "results.show", round_ids=[], field_id=fields[0]["id"])
    expect(items).to_have_count(1)
    expect(items.first.locator(".wall-priority-title")).to_have_text(SIDE_GOALS[0][0])
    expect(votes.locator("[data-votes-field-name]")).to_have_text(field_heading(fields[0]["name"]))

    # The projector's goals view marks them too, live.
    send(moderator, "phase.set", phase="goals")
    board = projector.locator("[data-goals]")
    expect(board.locator(f'[data-goal-id="{goals[3]["id"]}"] .wall-priority')).to_have_text(
        priority(1)
    )
    send(moderator, "priorities.set", goal_ids=[goals[0]["id"]])
    expect(board.locator(f'[data-goal-id="{goals[0]["id"]}"] .wall-priority')).to_have_text(
        priority(1)
    )
    expect(board.locator(".wall-priority")).to_have_count(1)
    projector.wait_for_timeout(600)
    no_scrollbars(view(projector))
    screenshot(projector, "goals-priority-1280x720")
