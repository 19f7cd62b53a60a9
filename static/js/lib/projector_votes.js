// The projector's voting screen (phases "vote" and "results"): one round at a time.
//
// What it shows depends only on the round's status, never on what happens to be in memory:
//   draft     the round's goals, "the vote starts soon";
//   open      the round's goals and, large, "23 von 31 haben abgestimmt" (from round.progress),
//             with a plain word on what stays secret; no number per goal, unless the moderator
//             made the round a live one (live_results): then the live bars, labelled as such;
//   closed    "vote closed – result follows" with the final progress, still no number per goal;
//   revealed  the ranking as horizontal bars (rank, title, dots, share of voters), ties sharing a
//             rank, with the same numbers as a real <table> for screen readers and print.
// Which round: the open one; else the latest revealed one; else the latest round.
//
// Fitting works like the wall: the type shrinks in fixed steps (fractions of the viewport
// height), a long goal list may take two columns, and whatever still does not fit turns pages.
// Text is only ever set with textContent.
import { byPosition } from "./arrange.js";
import { PageTurner } from "./page_turner.js";
import { $, el, reorderChildren } from "./dom.js";
import { fillPattern } from "./wall.js";

/** Type sizes in vh, largest first; the last one is the smallest legible size (as on the wall). */
const STEPS = [5.4, 4.8, 4.2, 3.8, 3.4, 3.1, 2.8];
/** A goal list column is at least this many ems wide before it may split into two. */
const MIN_GOAL_COLUMN_EM = 15;



/** Replace the text of a node only when it changed (no needless layout or announcements). */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** The round chosen for the projector: the open one, else the latest revealed, else the latest. */
export function chooseRound(rounds) {
  const list = rounds.slice().sort(byPosition);
  return (
    list.find((round) => round.status === "open") ||
    list.filter((round) => round.status === "revealed").pop() ||
    list[list.length - 1] ||
    null
  );
}

/** What may be shown of a round. Numbers per goal only when revealed, or live when open. */
export function roundState(round) {
  const hasResults = Array.isArray(round.results);
  if (round.status === "revealed") return hasResults ? "revealed" : "closed";
  if (round.status === "open") return round.live_results && hasResults ? "live" : "open";
  if (round.status === "draft") return "draft";
  return "closed"; // closed, or anything unknown: no numbers
}

/**
 * A list that fits itself: tries each layout ({size, cols}) in order until all items fit; below
 * the last it keeps the last one and cuts the items into pages that turn by themselves.
 */
class Pager extends PageTurner {
  constructor(list, pageNode, { layouts, pageMs, pageLabel, minColumnEm = 0, sizeTarget = list }) {
    super(pageMs);
    this.list = list;
    this.sizeTarget = sizeTarget; // where --vote-size is set (a header may share the list's size)
    this.pageNode = pageNode;
    this.layouts = layouts;
    this.pageLabel = pageLabel || "{page}/{pages}";
    this.minColumnEm = minColumnEm;
    this.pages = [[]];
    this.current = 0;
  }

  items() {
    return Array.from(this.list.children);
  }

  apply(layout) {
    this.sizeTarget.style.setProperty("--vote-size", `${layout.size}vh`);
    this.list.dataset.cols = String(layout.cols);
  }

  /** Whether every shown item lies inside the list (nothing cut off, no extra column). */
  fits() {
    const box = this.list.getBoundingClientRect();
    if (this.list.scrollHeight > this.list.clientHeight + 1) return false;
    for (const item of this.list.children) {
      if (item.classList.contains("is-off-page")) continue;
      const r = item.getBoundingClientRect();
      if (r.bottom > box.bottom + 1 || r.right > box.right + 1) return false;
    }
    return true;
  }

  showOnly(shown) {
    for (const item of this.items()) item.classList.toggle("is-off-page", Boolean(shown) && !shown.has(item));
  }

  fit() {
    if (!this.active || this.list.offsetParent === null) return;
    const items = this.items();
    this.showOnly(null);
    let chosen = null;
    for (const layout of this.layouts) {
      if (layout.cols > 1) {
        const px = (layout.size * window.innerHeight) / 100;
        if (this.list.clientWidth / layout.cols / px < this.minColumnEm) continue;
      }
      this.apply(layout);
      if (this.fits()) {
        chosen = layout;
        break;
      }
    }
    this.list.dataset.paged = "false";
    if (!chosen || !items.length) {
      chosen = chosen || this.layouts[this.layouts.length - 1];
      this.apply(chosen);
    }
    this.pages = [items];
    if (!this.fits() && items.length > 1) {
      // Even the smallest legible type does not fit: cut into pages at item boundaries.
      this.pages = [];
      let start = 0;
      while (start < items.length) {
        let count = 1;
        while (start + count < items.length) {
          this.showOnly(new Set(items.slice(start, start + count + 1)));
          if (!this.fits()) break;
          count += 1;
        }
        this.pages.push(items.slice(start, start + count));
        start += count;
      }
      this.list.dataset.paged = "true";
    }
    this.list.dataset.size = String(this.layouts.indexOf(chosen));
    this.current = Math.min(this.current, this.pages.length - 1);
    this.showPage(this.current, false);
  }

  showPage(index, animate) {
    this.current = index;
    const paged = this.pages.length > 1;
    this.showOnly(paged ? new Set(this.pages[index]) : null);
    for (const [number, page] of this.pages.entries()) {
      for (const item of page) item.dataset.page = String(number);
    }
    this.list.dataset.pages = String(this.pages.length);
    if (this.pageNode) {
      this.pageNode.hidden = !paged;
      setText(this.pageNode, paged ? fillPattern(this.pageLabel, { page: index + 1, pages: this.pages.length }) : "");
    }
    if (animate) {
      this.list.classList.remove("is-turning");
      void this.list.offsetWidth; // restart the fade
      this.list.classList.add("is-turning");
    }
  }

  turn() {
    if (this.paused || this.pages.length <= 1) return;
    this.showPage((this.current + 1) % this.pages.length, true);
  }
}

export class ProjectorVotes {
  /**
   * root: the [data-votes] element of templates/projector/show.html; its parts carry the
   * translated strings in data attributes. options.onChange() is called when whether there is a
   * round to show may have changed. options.pageSeconds: how long a page stays.
   */
  constructor(root, options = {}) {
    this.root = root;
    this.onChange = options.onChange || (() => {});
    const pageMs = Math.round((options.pageSeconds || 10) * 1000);
    const d = root.dataset;
    this.labels = {
      round: d.labelRound || "{n}",
      page: d.labelPage || "{page}/{pages}",
      caption: d.labelCaption || "{title}",
      captionLive: d.labelCaptionLive || "{title}",
    };
    this.parts = {
      title: $("[data-votes-title]", root),
      status: $("[data-votes-status]", root),
      summary: $("[data-votes-summary]", root),
      goals: $("[data-votes-goals]", root),
      goalList: $("[data-votes-goal-list]", root),
      progress: $("[data-votes-progress]", root),
      count: $("[data-votes-count]", root),
      meter: $("[data-votes-meter]", root),
      result: $("[data-votes-result]", root),
      bars: $("[data-votes-bars]", root),
      table: $("[data-votes-table]", root),
      caption: $("[data-votes-caption]", root),
      rows: $("[data-votes-rows]", root),
    };
    const layouts = (colsList) => STEPS.flatMap((size) => colsList.map((cols) => ({ size, cols })));
    // The goal list: larger type in two columns beats smaller type in one.
    this.goalPager = new Pager(this.parts.goalList, $("[data-votes-goal-page]", root), {
      layouts: layouts([1, 2]),
      pageMs,
      pageLabel: this.labels.page,
      minColumnEm: MIN_GOAL_COLUMN_EM,
    });
    // The ranking reads best in one column: all steps there first, then pages.
    this.barPager = new Pager(this.parts.bars, $("[data-votes-bar-page]", root), {
      layouts: layouts([1]),
      pageMs,
      pageLabel: this.labels.page,
      sizeTarget: $(".votes-chart", root),
    });
    this.percent = new Intl.NumberFormat(document.documentElement.lang || undefined, {
      style: "percent",
      maximumFractionDigits: 0,
    });
    this.goals = new Map(); // goal id -> goal
    this.rounds = new Map(); // round id -> round view
    this.goalNodes = new Map(); // goal id -> <li> of the goal list
    this.barNodes = new Map(); // goal id -> <li> of the bars
    this.shown = null; // id of the round on screen
    this.active = false;
    window.addEventListener("resize", () => this.refit());
  }

  // ---- data ----

  setGoals(goals) {
    this.goals = new Map(goals.map((goal) => [goal.id, goal]));
    this.render();
  }

  putGoal(goal) {
    this.goals.set(goal.id, goal);
    this.render();
  }

  removeGoal(id) {
    this.goals.delete(id);
    this.render();
  }

  setRounds(rounds) {
    this.rounds = new Map(rounds.map((round) => [round.id, { ...round }]));
    this.render();
    this.onChange();
  }

  /** round.changed: the whole round view (its results are null unless they may be seen). */
  putRound(round) {
    this.rounds.set(round.id, { ...round });
    this.render();
    this.onChange();
  }

  /** round.progress: how many have voted. Only the numbers change, nothing moves. */
  progress({ round_id: id, voted, eligible }) {
    const round = this.rounds.get(id);
    if (!round) return;
    round.progress = { voted, eligible };
    if (this.shown === id) this.renderProgress(round);
  }

  /** round.tally: live results, only ever used for an open round that is meant to show them. */
  tally({ round_id: id, results }) {
    const round = this.rounds.get(id);
    if (!round || round.status !== "open" || !round.live_results || !Array.isArray(results)) return;
    round.results = results;
    if (this.shown === id) this.render();
  }

  /** The round the projector shows, or null (then the goal board shows instead). */
  current() {
    return chooseRound(Array.from(this.rounds.values()));
  }

  setActive(active) {
    this.active = active;
    this.render();
  }

  pause(paused) {
    this.goalPager.pause(paused);
    this.barPager.pause(paused);
  }

  refit() {
    if (!this.active) return;
    this.goalPager.refit();
    this.barPager.refit();
  }

  // ---- drawing ----

  render() {
    const round = this.current();
    if (!round) {
      this.shown = null;
      this.goalPager.setActive(false);
      this.barPager.setActive(false);
      return;
    }
    if (this.shown !== round.id) {
      // Another round: start at its first page, and its bars grow from nothing.
      this.goalPager.current = 0;
      this.barPager.current = 0;
      this.clearBars();
    }
    this.shown = round.id;
    const state = roundState(round);
    const withBars = state === "revealed" || state === "live";
    this.root.dataset.state = state;
    this.root.dataset.roundId = String(round.id);
    const index = Array.from(this.rounds.values()).sort(byPosition).indexOf(round);
    setText(this.parts.title, round.title || fillPattern(this.labels.round, { n: index + 1 }));
    const status = this.parts.status;
    setText(status, status.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] || "");
    // Large progress while voting runs and after it closed; with bars, a line in the head.
    this.parts.progress.hidden = !(state === "open" || state === "closed");
    this.parts.summary.hidden = !withBars;
    this.parts.goals.hidden = withBars;
    this.parts.result.hidden = !withBars;
    this.renderProgress(round);
    if (withBars) {
      this.renderBars(round, state);
    } else {
      this.renderGoalList(round);
      // No numbers per goal may stay anywhere in the page, not even hidden.
      this.clearBars();
    }
    this.goalPager.setActive(this.active && !withBars);
    this.barPager.setActive(this.active && withBars);
    this.refit();
  }

  renderProgress(round) {
    const voted = Math.max(0, round.progress?.voted ?? 0);
    const eligible = Math.max(0, round.progress?.eligible ?? 0);
    const count = this.parts.count;
    const pattern = count.dataset.pattern;
    const key = `${pattern}|${voted}|${eligible}`;
    if (count.dataset.drawn !== key) {
      count.dataset.drawn = key;
      // The numbers large, the words between them smaller: "23 von 31 haben abgestimmt".
      const parts = String(pattern || "{voted}/{eligible}").split(/(\{voted\}|\{eligible\})/);
      count.replaceChildren(
        ...parts.filter(Boolean).map((part) => {
          if (part === "{voted}") return el("span", String(voted), "vote-num");
          if (part === "{eligible}") return el("span", String(eligible), "vote-num");
          return document.createTextNode(part);
        }),
      );
      const summary = this.parts.summary;
      setText(summary, fillPattern(pattern, { voted, eligible }));
    }
    const share = eligible ? Math.min(1, voted / eligible) : 0;
    this.parts.meter.style.width = `${(share * 100).toFixed(1)}%`;
  }

  goalTitle(id) {
    const goal = this.goals.get(id);
    return goal ? goal.title : "…";
  }

  renderGoalList(round) {
    const ids = Array.isArray(round.goal_ids) ? round.goal_ids : [];
    const nodes = ids.map((id, index) => {
      let node = this.goalNodes.get(id);
      if (!node) {
        node = el("li", "", "vote-goal");
        node.dataset.goalId = String(id);
        this.goalNodes.set(id, node);
      }
      const title = this.goalTitle(id);
      const key = `${index + 1}|${title}`;
      if (node.dataset.drawn !== key) {
        node.dataset.drawn = key;
        const number = el("span", String(index + 1), "vote-goal-number");
        number.setAttribute("aria-hidden", "true");
        node.replaceChildren(number, el("span", title, "vote-goal-title"));
      }
      return node;
    });
    reorderChildren(this.parts.goalList, nodes);
  }

  clearBars() {
    this.parts.bars.replaceChildren();
    this.parts.rows.replaceChildren();
    this.barNodes.clear();
    setText(this.parts.caption, "");
  }

  renderBars(round, state) {
    const inRound = new Set(Array.isArray(round.goal_ids) ? round.goal_ids : []);
    const results = round.results.filter((r) => !inRound.size || inRound.has(r.goal_id));
    const most = Math.max(1, ...results.map((r) => r.dots || 0));
    const nodes = results.map((result) => {
      let node = this.barNodes.get(result.goal_id);
      if (!node) {
        node = el("li", "", "vote-row");
        node.dataset.goalId = String(result.goal_id);
        const bar = el("span", "", "vote-bar");
        bar.append(el("span", "", "vote-fill"), el("span", "", "vote-dots"));
        node.append(el("span", "", "vote-rank"), el("span", "", "vote-title"), bar, el("span", "", "vote-share"));
        this.barNodes.set(result.goal_id, node);
      }
      const [rank, title, bar, share] = node.children;
      const [fill, dots] = bar.children;
      node.dataset.rank = String(result.rank);
      node.dataset.dots = String(result.dots || 0);
      setText(rank, String(result.rank));
      setText(title, this.goalTitle(result.goal_id));
      setText(dots, String(result.dots));
      setText(share, this.percent.format(result.voter_share || 0));
      fill.style.setProperty("--fill", ((result.dots || 0) / most).toFixed(4));
      return node;
    });
    for (const [id, node] of this.barNodes) {
      if (!results.some((r) => r.goal_id === id)) {
        node.remove();
        this.barNodes.delete(id);
      }
    }
    reorderChildren(this.parts.bars, nodes);
    // The same numbers as a table: for screen readers (the bars are hidden from them) and print.
    const title = this.parts.title.textContent;
    setText(this.parts.caption, fillPattern(state === "live" ? this.labels.captionLive : this.labels.caption, { title }));
    const rows = results.map((result) => {
      const row = el("tr");
      row.dataset.goalId = String(result.goal_id);
      const head = el("th", this.goalTitle(result.goal_id));
      head.scope = "row";
      row.append(
        el("td", String(result.rank)),
        head,
        el("td", String(result.dots)),
        el("td", this.percent.format(result.voter_share || 0)),
      );
      return row;
    });
    this.parts.rows.replaceChildren(...rows);
  }
}
