// The projector in the phase "plan" (Arbeitsgruppen): one card per confirmed goal, in the order
// of priority, with its working group, lead, target, status and measures (the first few, and
// how many more). When the room is split, how many people are in each group: per action field
// in a line above the cards, per goal on the goal's card (never who).
//
// The cards fit themselves like the other projector lists (js/lib/projector_fit.js): larger type
// first, then two or three columns, and at the smallest legible type pages that turn by
// themselves. Text is only ever set with textContent.
import { EVENTS } from "./events.js";
import { $, el, reorderChildren } from "./dom.js";
import { countLabel, confirmedGoals, membersLabel, statusLabel } from "./plan_panel.js";
import { Pager, layouts, priorityBadge, setText } from "./projector_fit.js";
import { fillPattern } from "./wall.js";

/** How many measures a card lists; the rest is counted ("+ 2 weitere"). */
const SHOWN_MEASURES = 3;

export class ProjectorPlan {
  constructor(root, strings, { pageSeconds = 10 } = {}) {
    this.root = root;
    this.S = strings;
    this.cards = $("[data-plan-cards]", root);
    this.groupLine = $("[data-plan-groups]", root);
    this.empty = $("[data-plan-empty]", root);
    this.pager = new Pager(this.cards, $("[data-plan-page]", root), {
      layouts: layouts([1, 2, 3]),
      pageMs: Math.round(pageSeconds * 1000),
      pageLabel: root.dataset.labelPage,
      // More columns only while a line still holds a few words of the type tried.
      minColumnEm: 16,
      clamped: ".plan-card-title",
    });
    this.goals = new Map();
    this.grouping = "";
    this.groups = [];
    this.nodes = new Map(); // goal id -> <li>
    this.active = false;
    window.addEventListener("resize", () => this.pager.refit());
  }

  setActive(active) {
    this.active = active;
    if (active) this.render();
    this.pager.setActive(active);
  }

  pause(paused) {
    this.pager.pause(paused);
  }

  onSnapshot(snapshot) {
    this.goals = new Map(snapshot.goals.map((g) => [g.id, g]));
    this.grouping = snapshot.workshop.grouping || "";
    this.groups = snapshot.groups || [];
    this.render();
  }

  onEvent(name, payload) {
    if (name === EVENTS.GOAL_CHANGED) this.goals.set(payload.goal.id, payload.goal);
    else if (name === EVENTS.GOAL_REMOVED) this.goals.delete(payload.goal_id);
    else if (name === EVENTS.WORKSHOP_CHANGED) this.grouping = payload.workshop.grouping || "";
    else return;
    this.render();
  }

  onPush(name, payload) {
    if (name !== EVENTS.GROUPS_CHANGED) return;
    this.groups = payload.groups;
    this.render();
  }

  render() {
    if (!this.active) return;
    const goals = confirmedGoals([...this.goals.values()]);
    const members = new Map(this.groups.map((g) => [g.id, g.members]));
    this.renderGroups();
    const nodes = goals.map((goal) =>
      this.card(goal, this.grouping === "goal" ? (members.get(goal.id) ?? 0) : null),
    );
    const shown = new Set(goals.map((g) => g.id));
    for (const id of this.nodes.keys()) if (!shown.has(id)) this.nodes.delete(id);
    reorderChildren(this.cards, nodes);
    this.empty.hidden = goals.length > 0;
    setText(this.empty, this.S.plan_no_goals);
    this.pager.refit();
  }

  /** Per action field: "Name 3 Personen" chips in one line above the cards. */
  renderGroups() {
    const show = this.grouping === "field" && this.groups.length > 0;
    this.groupLine.hidden = !show;
    if (!show) return;
    const key = JSON.stringify(this.groups);
    if (this.groupLine.dataset.drawn === key) return;
    this.groupLine.dataset.drawn = key;
    this.groupLine.replaceChildren(
      ...this.groups.map((group) => {
        const item = el("li", "", "plan-group");
        item.append(
          el("span", group.name, "plan-group-name"),
          el("span", membersLabel(this.S, group.members), "plan-group-members"),
        );
        return item;
      }),
    );
  }

  card(goal, members) {
    const S = this.S;
    let node = this.nodes.get(goal.id);
    if (!node) {
      node = el("li", "", "plan-card");
      node.dataset.goalId = String(goal.id);
      this.nodes.set(goal.id, node);
    }
    const plan = goal.plan || {};
    const key = JSON.stringify([goal.priority, goal.title, plan, goal.measures, members]);
    if (node.dataset.drawn === key) return node;
    node.dataset.drawn = key;
    node.dataset.status = plan.status || "planned";

    const head = el("div", "", "plan-card-head");
    head.append(priorityBadge(goal.priority, S.plan_priority));
    head.append(el("p", goal.title, "plan-card-title"));
    const status = el("span", statusLabel(S, plan.status || "planned"), "plan-card-status");
    head.append(status);

    const facts = el("dl", "", "plan-card-facts");
    for (const [label, value] of [
      [S.plan_working_group_short, plan.working_group],
      [S.plan_lead, plan.lead],
      [S.plan_target_short, plan.target],
    ]) {
      const fact = el("div", "", value ? "plan-card-fact" : "plan-card-fact is-unset");
      fact.append(el("dt", label), el("dd", value || S.plan_not_set));
      facts.append(fact);
    }
    const parts = [head, facts];
    if (members !== null) parts.push(el("p", membersLabel(S, members), "plan-card-members"));

    const measures = el("div", "", "plan-card-measures");
    measures.append(el("p", countLabel(S, goal.measures.length), "plan-card-count"));
    if (goal.measures.length) {
      const list = el("ol", "", "plan-card-measure-list");
      list.setAttribute("role", "list");
      for (const measure of goal.measures.slice(0, SHOWN_MEASURES)) {
        const item = el("li", "", "plan-card-measure");
        item.dataset.status = measure.status;
        item.append(el("span", measure.text, "plan-card-measure-text"));
        const meta = [measure.owner, measure.due].filter(Boolean).join(" · ");
        if (meta) item.append(el("span", meta, "plan-card-measure-meta"));
        list.append(item);
      }
      measures.append(list);
      const more = goal.measures.length - SHOWN_MEASURES;
      if (more > 0) measures.append(el("p", fillPattern(S.plan_more_measures, { n: more }), "plan-card-more"));
    }
    parts.push(measures);
    node.replaceChildren(...parts);
    return node;
  }
}
