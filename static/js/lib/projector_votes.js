// The projector's voting screen (phases "vote" and "results"): which rounds it shows, side by
// side, for which action field, and the confirmed priorities. Each round is a panel drawn by
// js/lib/projector_round.js (progress, "result follows", bars or the matrix).
//
// What is shown (chooseView):
//   1. a round that is open and not among the moderator's chosen rounds: that round alone (the
//      room is voting; its progress comes first);
//   2. else the rounds the moderator chose (wall.shown_round_ids, up to three), side by side;
//   3. else, in the phase "results", once priorities are confirmed: the confirmed priorities in
//      order, with their decision notes (the moderator shows results again by choosing rounds);
//   4. else the latest revealed round, else the latest round; without rounds, nothing (the goal
//      board shows instead).
// The results filter (wall.results_field_id) shows only that action field's goals, under the
// heading "Handlungsfeld: …"; ranks stay those of the whole round, and the heading says so.
// Fitting works like the wall: the type shrinks in fixed steps, then pages turn by themselves.
// Text is only ever set with textContent.
import { byPosition } from "./arrange.js";
import { $, el, fill, reorderChildren } from "./dom.js";
import { Pager, layouts, priorityBadge, setText } from "./projector_fit.js";
import { RoundPanel, roundState } from "./projector_round.js";

export { roundState };

/** The rounds the projector shows, or the priorities view, or null (see the top of this file). */
export function chooseView(rounds, { shownIds = [], phase = null, hasPriorities = false } = {}) {
  const list = rounds.slice().sort(byPosition);
  const open = list.find((round) => round.status === "open");
  if (open && !shownIds.includes(open.id)) return { kind: "rounds", rounds: [open] };
  const chosen = shownIds.map((id) => list.find((round) => round.id === id)).filter(Boolean);
  if (chosen.length) return { kind: "rounds", rounds: chosen };
  if (phase === "results" && hasPriorities) return { kind: "priorities", rounds: [] };
  const latest = list.filter((round) => round.status === "revealed").pop() || list[list.length - 1];
  return latest ? { kind: "rounds", rounds: [latest] } : null;
}

/** The translated strings, from the data attributes of the [data-votes] element. */
function readLabels(d) {
  return {
    round: d.labelRound || "{n}",
    page: d.labelPage || "{page}/{pages}",
    caption: d.labelCaption || "{title}",
    captionLive: d.labelCaptionLive || "{title}",
    count: d.labelCount || "{voted}/{eligible}",
    proxyPaper: d.labelProxyPaper || "",
    proxyOnly: d.labelProxyOnly || "",
    paperOnly: d.labelPaperOnly || "",
    status: {
      draft: d.labelDraft || "",
      open: d.labelOpen || "",
      closed: d.labelClosed || "",
      revealed: d.labelRevealed || "",
      live: d.labelLive || "",
      follows: d.labelFollows || "",
    },
    notes: { dots: d.noteDots || "", ranking: d.noteRanking || "", matrix: d.noteMatrix || "" },
    head: {
      rank: d.headRank || "",
      goal: d.headGoal || "",
      dots: d.headDots || "",
      share: d.headShare || "",
      points: d.headPoints || "",
      average: d.headAverage || "{label}",
      quadrant: d.headQuadrant || "",
      raters: d.headRaters || "",
      priority: d.headPriority || "",
    },
    quadrants: {
      "high-high": d.quadrantHighHigh || "",
      "high-low": d.quadrantHighLow || "",
      "low-high": d.quadrantLowHigh || "",
      "low-low": d.quadrantLowLow || "",
    },
    unrated: d.labelUnrated || "",
    priority: d.labelPriority || "{n}",
    field: d.labelField || "{name}",
  };
}

export class ProjectorVotes {
  /**
   * root: the [data-votes] element of templates/projector/show.html; it carries the translated
   * strings in data attributes and the panel <template>. options.onChange() is called when what
   * the screen should show (a round, the priorities or nothing) may have changed.
   * options.pageSeconds: how long a page stays.
   */
  constructor(root, options = {}) {
    this.root = root;
    this.onChange = options.onChange || (() => {});
    this.pageMs = Math.round((options.pageSeconds || 10) * 1000);
    this.labels = readLabels(root.dataset);
    this.parts = {
      field: $("[data-votes-field]", root),
      fieldName: $("[data-votes-field-name]", root),
      panels: $("[data-votes-panels]", root),
      template: $("[data-votes-panel-template]", root),
      priorities: $("[data-votes-priorities]", root),
      priorityList: $("[data-votes-priority-list]", root),
      priorityEmpty: $("[data-votes-priority-empty]", root),
    };
    this.priorityPager = new Pager(this.parts.priorityList, $("[data-votes-priority-page]", root), {
      layouts: layouts([1]),
      pageMs: this.pageMs,
      pageLabel: this.labels.page,
      clamped: ".wall-priority-title", // a long decision note stays clamped: the report has it in full
    });
    this.fields = [];
    this.goals = new Map(); // goal id -> goal
    this.rounds = new Map(); // round id -> round view
    this.panels = new Map(); // round id -> RoundPanel
    this.priorityNodes = new Map(); // goal id -> <li>
    this.wall = { shown_round_ids: [], results_field_id: null };
    this.phase = null;
    this.made = 0; // panels made so far (for unique ids)
    this.active = false;
    this.paused = false;
    window.addEventListener("resize", () => this.refit());
  }

  // ---- data ----

  setStructure(fields) {
    this.fields = fields.slice();
    this.render();
  }

  setGoals(goals) {
    this.goals = new Map(goals.map((goal) => [goal.id, goal]));
    this.render();
    this.onChange();
  }

  /** goal.changed: also a confirmed priority or decision note, live. */
  putGoal(goal) {
    this.goals.set(goal.id, goal);
    this.render();
    this.onChange();
  }

  removeGoal(id) {
    this.goals.delete(id);
    this.render();
    this.onChange();
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

  /** wall.changed: which rounds side by side, and the action field filter. */
  setWall(wall) {
    this.wall = {
      shown_round_ids: Array.isArray(wall?.shown_round_ids) ? wall.shown_round_ids : [],
      results_field_id: wall?.results_field_id ?? null,
    };
    this.render();
  }

  /** The phase decides whether the confirmed priorities may take the screen ("results" only). */
  setPhase(phase) {
    if (this.phase === phase) return;
    this.phase = phase;
    this.render();
  }

  /** round.progress: how many have voted (and how many of them by proxy or on paper). */
  progress({ round_id: id, voted, eligible, proxy = 0, paper = 0 }) {
    const round = this.rounds.get(id);
    if (!round) return;
    round.progress = { voted, eligible, proxy, paper };
    const panel = this.panels.get(id);
    if (panel) panel.progress(round);
  }

  /** round.tally: live results, only ever used for an open round that is meant to show them. */
  tally({ round_id: id, results }) {
    const round = this.rounds.get(id);
    if (!round || round.status !== "open" || !round.live_results || !Array.isArray(results)) return;
    round.results = results;
    if (this.panels.has(id)) this.render();
  }

  /** What the screen shows now (see chooseView), or null: then the goal board shows instead. */
  current() {
    return chooseView(Array.from(this.rounds.values()), {
      shownIds: this.wall.shown_round_ids,
      phase: this.phase,
      hasPriorities: Array.from(this.goals.values()).some((goal) => goal.priority),
    });
  }

  setActive(active) {
    this.active = active;
    this.render();
  }

  pause(paused) {
    this.paused = paused;
    for (const panel of this.panels.values()) panel.pause(paused);
    this.priorityPager.pause(paused);
  }

  refit() {
    if (!this.active) return;
    for (const panel of this.panels.values()) panel.refit();
    this.priorityPager.refit();
  }

  // ---- drawing ----

  /** The action field of the results filter, or null (none, or a field that is gone). */
  field() {
    const id = this.wall.results_field_id;
    return this.fields.find((field) => field.id === id) || null;
  }

  render() {
    const view = this.current();
    const kind = view ? view.kind : "none";
    const field = this.field();
    this.root.dataset.view = kind;
    this.parts.panels.hidden = kind !== "rounds";
    this.parts.priorities.hidden = kind !== "priorities";
    this.renderPanels(kind === "rounds" ? view.rounds : [], field);
    if (kind === "priorities") this.renderPriorities(field);
    else this.parts.priorityList.replaceChildren();
    this.priorityPager.setActive(this.active && kind === "priorities");
    const panels = Array.from(this.panels.values());
    this.root.dataset.state =
      kind === "priorities" ? "priorities" : panels.length === 1 ? panels[0].state : panels.length ? "side-by-side" : "none";
    // The filter's heading, whenever a filtered result is on screen.
    const filtered = Boolean(field) && (kind === "priorities" || panels.some((p) => ["bars", "matrix"].includes(p.view)));
    this.parts.field.hidden = !filtered;
    setText(this.parts.fieldName, filtered ? fill(this.labels.field, { name: field.name }) : "");
    this.refit();
  }

  renderPanels(rounds, field) {
    const ordered = Array.from(this.rounds.values()).sort(byPosition);
    const wanted = new Set(rounds.map((round) => round.id));
    for (const [id, panel] of this.panels) {
      if (wanted.has(id)) continue;
      panel.destroy();
      this.panels.delete(id);
    }
    const panels = rounds.map((round) => {
      let panel = this.panels.get(round.id);
      if (!panel) {
        this.made += 1;
        const node = this.parts.template.content.firstElementChild.cloneNode(true);
        panel = new RoundPanel(node, this.labels, { pageMs: this.pageMs, id: this.made });
        panel.pause(this.paused);
        this.panels.set(round.id, panel);
      }
      return panel;
    });
    this.panels = new Map(rounds.map((round, index) => [round.id, panels[index]]));
    this.root.dataset.panels = String(panels.length);
    this.root.dataset.sideBySide = String(panels.length > 1);
    this.parts.panels.style.setProperty("--panels", String(Math.max(1, panels.length)));
    reorderChildren(this.parts.panels, panels.map((panel) => panel.node));
    rounds.forEach((round, index) => {
      const panel = panels[index];
      panel.update(round, {
        goals: this.goals,
        number: ordered.indexOf(round) + 1,
        field,
        sideBySide: rounds.length > 1,
      });
      panel.setActive(this.active);
    });
  }

  /** The confirmed priorities in order: a large badge, the goal, its decision note. */
  renderPriorities(field) {
    const goals = Array.from(this.goals.values())
      .filter((goal) => goal.priority && (!field || goal.field_id === field.id))
      .sort((a, b) => a.priority - b.priority || a.id - b.id);
    this.parts.priorityEmpty.hidden = goals.length > 0;
    const nodes = goals.map((goal) => {
      let node = this.priorityNodes.get(goal.id);
      if (!node) {
        node = el("li", "", "wall-priority-item");
        node.dataset.goalId = String(goal.id);
        this.priorityNodes.set(goal.id, node);
      }
      const note = (goal.decision_note || "").trim();
      const key = JSON.stringify([goal.priority, goal.title, note]);
      if (node.dataset.drawn !== key) {
        node.dataset.drawn = key;
        const text = el("div", "", "wall-priority-text");
        text.append(el("p", goal.title, "wall-priority-title"));
        if (note) text.append(el("p", note, "wall-priority-note"));
        node.replaceChildren(priorityBadge(goal.priority, this.labels.priority), text);
      }
      return node;
    });
    const shown = new Set(goals.map((goal) => goal.id));
    for (const id of this.priorityNodes.keys()) if (!shown.has(id)) this.priorityNodes.delete(id);
    reorderChildren(this.parts.priorityList, nodes);
  }
}
