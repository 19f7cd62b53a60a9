// One voting round on the projector, as a panel (one alone, or up to three side by side).
//
// What it shows depends only on the round's status, never on what happens to be in memory:
//   draft     the round's goals, "the vote starts soon";
//   open      the round's goals and, large, "23 von 31 haben abgestimmt" (from round.progress),
//             "davon 2 per Vertretung, 3 auf Papier" when there are such votes, and a plain word
//             on what stays secret; no number per goal, unless the moderator made the round a live
//             one (live_results): then the live result, labelled as such;
//   closed    "vote closed – result follows" with the final progress, still no number per goal;
//   revealed  the result by method: dots and ranking (Borda points) as horizontal bars with
//             shared ranks, the matrix as a 2×2 scatter (js/lib/projector_matrix.js).
// Side by side, a round that is not revealed yet only says "result follows" (and its progress).
// Every result also fills a real <table> with the same numbers, for screen readers and print.
// A results filter shows only the goals of one action field; ranks stay those of the whole round.
// Text is only ever set with textContent.
import { el, fill, reorderChildren } from "./dom.js";
import { Pager, layouts, priorityBadge, setText } from "./projector_fit.js";
import { MatrixView } from "./projector_matrix.js";

/** A goal list column is at least this many ems wide before it may split into two. */
const MIN_GOAL_COLUMN_EM = 15;

/** What may be shown of a round. Numbers per goal only when revealed, or live when open. */
export function roundState(round) {
  const hasResults = Array.isArray(round.results);
  if (round.status === "revealed") return hasResults ? "revealed" : "closed";
  if (round.status === "open") return round.live_results && hasResults ? "live" : "open";
  if (round.status === "draft") return "draft";
  return "closed"; // closed, or anything unknown: no numbers
}

/** "davon 2 per Vertretung, 3 auf Papier", or "" when every vote came from a phone. */
export function standInsText(progress, labels) {
  const proxy = Math.max(0, progress?.proxy ?? 0);
  const paper = Math.max(0, progress?.paper ?? 0);
  if (proxy && paper) return fill(labels.proxyPaper, { proxy, paper });
  if (proxy) return fill(labels.proxyOnly, { proxy });
  if (paper) return fill(labels.paperOnly, { paper });
  return "";
}

export class RoundPanel {
  /**
   * node: a clone of the panel template of templates/projector/show.html; labels: the
   * translated strings (see ProjectorVotes); id: a number unique on the page (for ids).
   */
  constructor(node, labels, { pageMs, id }) {
    this.node = node;
    this.labels = labels;
    const part = (name) => node.querySelector(`[data-votes-${name}]`);
    this.parts = {
      title: part("title"),
      status: part("status"),
      summary: part("summary"),
      goals: part("goals"),
      goalsHead: part("goals-head"),
      goalList: part("goal-list"),
      progress: part("progress"),
      follows: part("follows"),
      count: part("count"),
      standIns: part("standins"),
      meter: part("meter"),
      result: part("result"),
      chart: part("chart"),
      valueHead: part("value-head"),
      bars: part("bars"),
      matrix: part("matrix"),
      empty: part("empty"),
      note: part("note"),
      caption: part("caption"),
      thead: part("thead"),
      rows: part("rows"),
    };
    this.parts.title.id = `votes-title-${id}`;
    this.parts.goalsHead.id = `votes-goals-${id}`;
    node.setAttribute("aria-labelledby", this.parts.title.id);
    this.parts.goals.setAttribute("aria-labelledby", this.parts.goalsHead.id);
    this.parts.result.setAttribute("aria-labelledby", this.parts.title.id);
    // The goal list: larger type in two columns beats smaller type in one.
    this.goalPager = new Pager(this.parts.goalList, part("goal-page"), {
      layouts: layouts([1, 2]),
      pageMs,
      pageLabel: labels.page,
      minColumnEm: MIN_GOAL_COLUMN_EM,
    });
    // The bars read best in one column: all steps there first, then pages.
    this.barPager = new Pager(this.parts.bars, part("bar-page"), {
      layouts: layouts([1]),
      pageMs,
      pageLabel: labels.page,
      sizeTarget: this.parts.chart,
      clamped: ".vote-title",
    });
    this.matrix = new MatrixView(this.parts.matrix, labels, { pageMs, pageLabel: labels.page });
    const lang = document.documentElement.lang || undefined;
    this.percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
    this.exact = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
    this.goalNodes = new Map(); // goal id -> <li> of the goal list
    this.barNodes = new Map(); // goal id -> <li> of the bars
    this.roundId = null;
    this.state = "none";
    this.active = false;
    this.view = null; // what is on screen: "goals", "bars", "matrix" or "follows"
  }

  /**
   * Draw round. context: {goals (Map id -> goal), number (the round's place, for a title),
   * field (the action field of the results filter, or null), sideBySide (bool)}.
   */
  update(round, context) {
    if (this.roundId !== round.id) {
      // Another round: start at its first page, and its bars grow from nothing.
      this.goalPager.current = 0;
      this.barPager.current = 0;
      this.clearResult();
    }
    this.roundId = round.id;
    this.goals = context.goals;
    const state = roundState(round);
    const withResult = state === "revealed" || state === "live";
    this.state = state;
    this.node.dataset.state = state;
    this.node.dataset.method = round.method || "dots";
    this.node.dataset.roundId = String(round.id);
    setText(this.parts.title, round.title || fill(this.labels.round, { n: context.number }));
    // Side by side, a round without a result yet only says that one follows.
    const follows = context.sideBySide && !withResult;
    this.node.dataset.follows = String(follows);
    setText(this.parts.status, follows ? this.labels.status.follows : this.labels.status[state] || "");
    // Side by side, "result follows" stands large where the result will be, with the progress.
    const counting = state === "open" || state === "closed";
    this.parts.progress.hidden = !(counting || follows);
    this.parts.follows.hidden = !follows;
    setText(this.parts.follows, follows ? this.labels.status.follows : "");
    for (const part of [this.parts.count, this.parts.meter.parentElement]) part.hidden = !counting;
    this.parts.summary.hidden = !withResult;
    this.parts.goals.hidden = withResult || follows;
    this.parts.result.hidden = !withResult;
    this.progress(round);
    if (withResult) {
      this.view = this.renderResult(round, state, context.field);
    } else {
      this.view = follows ? "follows" : "goals";
      if (!follows) this.renderGoalList(round);
      // No numbers per goal may stay anywhere in the page, not even hidden.
      this.clearResult();
    }
    this.setActive(this.active);
  }

  /** The progress line and meter (round.progress pushes change only these). */
  progress(round) {
    const voted = Math.max(0, round.progress?.voted ?? 0);
    const eligible = Math.max(0, round.progress?.eligible ?? 0);
    const count = this.parts.count;
    const pattern = this.labels.count;
    const key = `${voted}|${eligible}`;
    if (count.dataset.drawn !== key) {
      count.dataset.drawn = key;
      // The numbers large, the words between them smaller: "23 von 31 haben abgestimmt".
      const parts = String(pattern).split(/(\{voted\}|\{eligible\})/);
      count.replaceChildren(
        ...parts.filter(Boolean).map((part) => {
          if (part === "{voted}") return el("span", String(voted), "vote-num");
          if (part === "{eligible}") return el("span", String(eligible), "vote-num");
          return document.createTextNode(part);
        }),
      );
    }
    const standIns = standInsText(round.progress, this.labels);
    setText(this.parts.standIns, standIns);
    this.parts.standIns.hidden = !standIns || this.parts.count.hidden;
    // In the head over a result: the count, and under it who voted through a stand-in.
    const summary = fill(pattern, { voted, eligible });
    const drawn = `${summary}|${standIns}`;
    if (this.parts.summary.dataset.drawn !== drawn) {
      this.parts.summary.dataset.drawn = drawn;
      const lines = [el("span", standIns ? `${summary},` : summary)];
      if (standIns) lines.push(el("span", standIns, "votes-summary-standins"));
      this.parts.summary.replaceChildren(...lines);
    }
    const share = eligible ? Math.min(1, voted / eligible) : 0;
    this.parts.meter.style.width = `${(share * 100).toFixed(1)}%`;
  }

  setActive(active) {
    this.active = active;
    this.goalPager.setActive(active && this.view === "goals");
    this.barPager.setActive(active && this.view === "bars");
    this.matrix.setActive(active && this.view === "matrix");
  }

  pause(paused) {
    this.goalPager.pause(paused);
    this.barPager.pause(paused);
    this.matrix.pause(paused);
  }

  refit() {
    if (!this.active) return;
    if (this.view === "goals") this.goalPager.refit();
    if (this.view === "bars") this.barPager.refit();
    if (this.view === "matrix") this.matrix.refit();
  }

  /** Stop the timers; the node goes. */
  destroy() {
    this.setActive(false);
    this.node.remove();
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

  clearResult() {
    this.parts.bars.replaceChildren();
    this.parts.rows.replaceChildren();
    this.parts.thead.replaceChildren();
    this.barNodes.clear();
    this.matrix.clear();
    setText(this.parts.caption, "");
  }

  /** The result of a revealed (or live) round, filtered to one action field when asked. */
  renderResult(round, state, field) {
    const method = ["dots", "ranking", "matrix"].includes(round.method) ? round.method : "dots";
    const inRound = new Set(Array.isArray(round.goal_ids) ? round.goal_ids : []);
    const results = round.results.filter(
      (r) =>
        (!inRound.size || inRound.has(r.goal_id)) &&
        (!field || this.goals.get(r.goal_id)?.field_id === field.id),
    );
    this.parts.empty.hidden = results.length > 0;
    this.parts.chart.hidden = method === "matrix" || !results.length;
    this.parts.matrix.hidden = method !== "matrix" || !results.length;
    const goal = (id) => this.goals.get(id);
    if (method === "matrix") {
      this.parts.bars.replaceChildren();
      this.barNodes.clear();
      this.matrix.update(round, results, goal, this.labels.priority);
    } else {
      this.matrix.clear();
      this.renderBars(method, results);
    }
    const goals = Array.isArray(round.goal_ids) ? round.goal_ids.length : results.length;
    setText(this.parts.note, fill(this.labels.notes[method], { top: Math.max(0, goals - 1) }));
    this.renderTable(round, method, results, state, field);
    return method === "matrix" ? "matrix" : "bars";
  }

  /** Dots or Borda points as bars: rank, goal (with its priority), bar and number, share. */
  renderBars(method, results) {
    const value = (r) => (method === "ranking" ? r.points : r.dots) || 0;
    setText(this.parts.valueHead, method === "ranking" ? this.labels.head.points : this.labels.head.dots);
    const most = Math.max(1, ...results.map(value));
    const nodes = results.map((result) => {
      let node = this.barNodes.get(result.goal_id);
      if (!node) {
        node = el("li", "", "vote-row");
        node.dataset.goalId = String(result.goal_id);
        const bar = el("span", "", "vote-track");
        bar.append(el("span", "", "vote-fill"), el("span", "", "vote-value"));
        const goal = el("span", "", "vote-goal-cell");
        goal.append(el("span", "", "vote-title"));
        node.append(el("span", "", "vote-rank"), goal, bar, el("span", "", "vote-share"));
        this.barNodes.set(result.goal_id, node);
      }
      const [rank, goal, bar, share] = node.children;
      const [meter, number] = bar.children;
      const known = this.goals.get(result.goal_id);
      node.dataset.rank = String(result.rank);
      node.dataset.value = String(value(result));
      number.classList.toggle("vote-dots", method === "dots");
      setText(rank, String(result.rank));
      setText(goal.lastElementChild, this.goalTitle(result.goal_id));
      this.setBadge(goal, known?.priority || null);
      setText(number, String(value(result)));
      setText(share, method === "dots" ? this.percent.format(result.voter_share || 0) : "");
      meter.style.setProperty("--fill", (value(result) / most).toFixed(4));
      return node;
    });
    const shown = new Set(results.map((r) => r.goal_id));
    for (const [id, node] of this.barNodes) {
      if (shown.has(id)) continue;
      node.remove();
      this.barNodes.delete(id);
    }
    reorderChildren(this.parts.bars, nodes);
  }

  /** The priority badge in front of a goal's title, or none. */
  setBadge(cell, priority) {
    const badge = cell.querySelector(".wall-priority");
    if (badge && badge.dataset.priority === String(priority)) return;
    if (badge) badge.remove();
    if (priority) cell.prepend(priorityBadge(priority, this.labels.priority));
  }

  /** The same numbers as a table: for screen readers (the charts are hidden from them) and print. */
  renderTable(round, method, results, state, field) {
    const head = this.labels.head;
    const columns = {
      dots: [head.rank, head.goal, head.dots, head.share, head.priority],
      ranking: [head.rank, head.goal, head.points, head.priority],
      matrix: [
        head.rank, head.goal, fill(head.average, { label: round.label_x || "" }),
        fill(head.average, { label: round.label_y || "" }), head.quadrant, head.raters, head.priority,
      ],
    }[method];
    const headRow = el("tr");
    headRow.append(...columns.map((text) => {
      const cell = el("th", text);
      cell.scope = "col";
      return cell;
    }));
    this.parts.thead.replaceChildren(headRow);
    const title = this.parts.title.textContent;
    const caption = fill(state === "live" ? this.labels.captionLive : this.labels.caption, { title });
    // The filter belongs to the table's name: it lists only that action field's goals.
    setText(this.parts.caption, field ? `${caption} – ${fill(this.labels.field, { name: field.name })}` : caption);
    const rows = results.map((result) => {
      const row = el("tr");
      row.dataset.goalId = String(result.goal_id);
      const name = el("th", this.goalTitle(result.goal_id));
      name.scope = "row";
      const priority = this.goals.get(result.goal_id)?.priority;
      const rated = result.x !== null && result.x !== undefined;
      const cells = {
        dots: () => [String(result.dots), this.percent.format(result.voter_share || 0)],
        ranking: () => [String(result.points)],
        matrix: () =>
          rated
            ? [this.exact.format(result.x), this.exact.format(result.y), this.labels.quadrants[result.quadrant] || "", String(result.raters)]
            : [this.labels.unrated, this.labels.unrated, "", String(result.raters || 0)],
      }[method]();
      row.append(el("td", String(result.rank)), name, ...cells.map((text) => el("td", text)), el("td", priority ? String(priority) : ""));
      return row;
    });
    this.parts.rows.replaceChildren(...rows);
  }
}
