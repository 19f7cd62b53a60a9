// The projector's boards after the review: the themes (clusters) while the moderator clusters,
// and the strategic goals from the goal phase on. Both are read-only and follow the pushes live.
//
// Layout: a column per action field, plus an "across fields" column when something is across
// fields, as on the card wall. Fitting works like the wall: the type shrinks in fixed steps
// (fractions of the viewport height) until every column fits; below the last step it never goes.
// A column that still does not fit is cut into pages at item boundaries (a theme may go on on
// the next page, its name shown again there), shows "Seite 2/4", and all columns turn together.
// Text is only ever set with textContent.
import { byPosition } from "./arrange.js";
import { PageTurner } from "./page_turner.js";
import { el, reorderChildren } from "./dom.js";
import { SIZE_STEPS, fillPattern, kindClass, kindMark } from "./wall.js";
import { priorityBadge } from "./projector_fit.js";

/** Goal type sizes in vh, largest first (titles are short: they may start larger). */
const GOAL_STEPS = [5.4, 4.8, 4.2, 3.8, 3.4, 3.1, 2.8];
/** The narrowest column, in ems of the smallest type (about 17 characters a line). */
const MIN_COLUMN_EM = 10;
/** The key of the column for clusters and goals across action fields. */
const ACROSS = "across";



/**
 * Columns that fit themselves: the owner fills each column's list with elements; those with the
 * class "stage-unit" are what pages are cut at, "stage-group" elements hold units (a theme) and
 * are shown on every page that shows one of them.
 */
class Stage extends PageTurner {
  constructor(root, { steps, pageMs, prefix, lineEm }) {
    super(pageMs);
    this.root = root;
    this.steps = steps;
    this.lineEm = lineEm;
    this.prefix = prefix;
    this.pageLabel = root.dataset.labelPage || "{page}/{pages}";
    this.columns = new Map(); // key -> column state
    this.unseen = new Set(); // highlighted units that were not on screen yet
    root.addEventListener("animationend", (event) => {
      if (event.animationName.startsWith("stage-arrive")) event.target.classList.remove("is-new");
    });
    window.addEventListener("resize", () => this.refit());
  }

  /** The columns in order, [{key, title}]; a column that stays keeps its content. */
  setColumns(specs) {
    const wanted = new Set(specs.map((spec) => spec.key));
    for (const [key, column] of this.columns) {
      if (!wanted.has(key)) column.section.remove();
    }
    const columns = new Map();
    for (const spec of specs) {
      const column = this.columns.get(spec.key) || this.makeColumn(spec.key);
      if (column.title.textContent !== spec.title) column.title.textContent = spec.title;
      column.section.classList.toggle("is-across", spec.key === ACROSS);
      columns.set(spec.key, column);
    }
    this.columns = columns;
    reorderChildren(this.root, Array.from(columns.values(), (column) => column.section));
  }

  column(key) {
    return this.columns.get(key);
  }

  makeColumn(key) {
    const section = el("section", "", "stage-column");
    const head = el("div", "", "stage-head");
    const title = el("h2");
    title.id = `${this.prefix}-${key}`;
    head.append(title);
    section.setAttribute("aria-labelledby", title.id);
    const list = el("div", "", "stage-list");
    const foot = el("div", "", "stage-foot");
    const page = el("p", "", "stage-page");
    page.hidden = true;
    foot.append(page);
    section.append(head, list, foot);
    return {
      key, section, title, list, page, units: [], groups: new Map(), pageOf: new Map(),
      pages: 1, current: 0, cursor: 0, jumped: false,
    };
  }

  /** Something that changed: highlighted, and the page of its unit comes up at the next turn. */
  mark(node, unit = node) {
    node.classList.remove("is-new");
    void node.offsetWidth; // restart the highlight
    node.classList.add("is-new");
    if (unit && unit.classList.contains("stage-unit")) this.unseen.add(unit);
  }

  fit() {
    if (!this.active || this.root.offsetParent === null || this.columns.size === 0) return;
    const minPx = (this.steps[this.steps.length - 1] * window.innerHeight) / 100;
    const count = this.columns.size;
    const most = Math.max(1, Math.floor(this.root.clientWidth / (MIN_COLUMN_EM * minPx)));
    const rows = Math.ceil(count / most);
    this.root.style.setProperty("--stage-rows", String(rows));
    this.root.style.setProperty("--stage-cols", String(Math.ceil(count / rows)));
    for (const column of this.columns.values()) this.collect(column);
    for (const column of this.columns.values()) this.showOnly(column, null);
    this.root.dataset.paged = "false";
    // Narrow columns take smaller type: a line holds at least lineEm ems (a few words), or the
    // text would break in the middle of nearly every German word.
    const width = Math.min(...Array.from(this.columns.values(), (column) => column.list.clientWidth));
    let step = -1;
    for (let i = 0; i < this.steps.length; i += 1) {
      const px = (this.steps[i] * window.innerHeight) / 100;
      if (i < this.steps.length - 1 && width / px < this.lineEm) continue;
      this.root.style.setProperty("--stage-size", `${this.steps[i]}vh`);
      if (Array.from(this.columns.values()).every((column) => this.fits(column))) {
        step = i;
        break;
      }
    }
    if (step < 0) {
      // Even the smallest legible type does not fit: keep it and turn pages.
      step = this.steps.length - 1;
      this.root.style.setProperty("--stage-size", `${this.steps[step]}vh`);
      this.root.dataset.paged = "true";
    }
    this.root.dataset.size = String(step);
    for (const column of this.columns.values()) this.paginate(column);
  }

  fits(column) {
    return column.list.scrollHeight <= column.list.clientHeight + 1;
  }

  /** The column's units in order, and each group's units. */
  collect(column) {
    column.units = Array.from(column.list.querySelectorAll(".stage-unit"));
    column.groups = new Map();
    for (const group of column.list.querySelectorAll(".stage-group")) {
      const inner = Array.from(group.querySelectorAll(".stage-unit"));
      column.groups.set(group, group.classList.contains("stage-unit") ? [group] : inner);
    }
  }

  /** Show only these units (null: all) and the groups that hold one of them. */
  showOnly(column, shown) {
    for (const unit of column.units) {
      unit.classList.toggle("is-off-page", Boolean(shown) && !shown.has(unit));
    }
    for (const [group, units] of column.groups) {
      const any = !shown || units.some((unit) => shown.has(unit));
      group.classList.toggle("is-off-page", !any);
      // A theme that began on an earlier page says so at its name.
      group.classList.toggle("is-continued", Boolean(shown) && any && !shown.has(units[0]));
    }
  }

  /** Cut a column into pages, each of which fits the list (at least one unit a page). */
  paginate(column) {
    column.pageOf = new Map();
    let page = 0;
    if (!this.fits(column)) {
      let rest = column.units;
      while (rest.length) {
        const taken = this.takePage(column, rest);
        for (const unit of taken) column.pageOf.set(unit, page);
        rest = rest.slice(taken.length);
        if (rest.length) page += 1;
      }
    }
    for (const unit of column.units) {
      if (!column.pageOf.has(unit)) column.pageOf.set(unit, 0);
      unit.dataset.page = String(column.pageOf.get(unit));
    }
    column.pages = page + 1;
    column.current = Math.min(column.current, page);
    column.cursor = Math.min(column.cursor, page);
    this.showPage(column, column.current, false);
  }

  takePage(column, rest) {
    const list = column.list;
    this.showOnly(column, new Set(rest));
    const style = getComputedStyle(list);
    const padTop = parseFloat(style.paddingTop);
    const room = list.clientHeight - padTop - parseFloat(style.paddingBottom);
    const origin = list.getBoundingClientRect().top + list.clientTop + padTop;
    // What a group adds below its last unit on a page (its padding and border).
    const closing = new Map();
    for (const [group, units] of column.groups) {
      const last = units.filter((unit) => rest.includes(unit)).pop();
      if (last && last !== group) {
        closing.set(group, group.getBoundingClientRect().bottom - last.getBoundingClientRect().bottom);
      }
    }
    let count = 0;
    for (const unit of rest) {
      const group = unit.closest(".stage-group");
      const bottom = unit.getBoundingClientRect().bottom + (closing.get(group) || 0) - origin;
      if (count > 0 && bottom > room + 0.5) break;
      count += 1;
    }
    // Check the page as it will be seen; give back units while it overflows.
    while (count > 1) {
      this.showOnly(column, new Set(rest.slice(0, count)));
      if (this.fits(column)) break;
      count -= 1;
    }
    return rest.slice(0, count);
  }

  showPage(column, page, animate) {
    column.current = page;
    const shown = new Set(column.units.filter((unit) => column.pageOf.get(unit) === page));
    this.showOnly(column, column.pages > 1 ? shown : null);
    for (const unit of column.units) {
      if (shown.has(unit)) this.unseen.delete(unit);
      else if (!this.unseen.has(unit)) unit.classList.remove("is-new");
    }
    column.page.hidden = column.pages <= 1;
    column.page.textContent =
      column.pages > 1 ? fillPattern(this.pageLabel, { page: page + 1, pages: column.pages }) : "";
    column.section.dataset.pages = String(column.pages);
    column.section.dataset.page = String(page + 1);
    if (animate) {
      column.list.classList.remove("is-turning");
      void column.list.offsetWidth; // restart the fade
      column.list.classList.add("is-turning");
    }
  }

  /** Every interval: each paged column shows its next page, or the page of a changed unit. */
  turn() {
    if (this.paused) return;
    for (const unit of this.unseen) if (!unit.isConnected) this.unseen.delete(unit);
    for (const column of this.columns.values()) {
      if (column.pages <= 1) continue;
      let next = null;
      if (!column.jumped) {
        const waiting = column.units.filter((unit) => this.unseen.has(unit));
        if (waiting.length) next = column.pageOf.get(waiting[waiting.length - 1]);
      }
      if (next === null || next === undefined) {
        column.cursor = (column.cursor + 1) % column.pages;
        next = column.cursor;
        column.jumped = false;
      } else {
        column.jumped = true;
      }
      if (next !== column.current) this.showPage(column, next, true);
    }
  }
}

/**
 * The themes board (phase "cluster") and the goals board ("goals", "vote", "results").
 * themesRoot / goalsRoot carry the translated labels in data attributes.
 */
export class ProjectorBoards {
  constructor(themesRoot, goalsRoot, options = {}) {
    const pageMs = Math.round((options.pageSeconds || 10) * 1000);
    this.themes = new Stage(themesRoot, { steps: SIZE_STEPS, pageMs, prefix: "theme-field", lineEm: 11 });
    this.goals = new Stage(goalsRoot, { steps: GOAL_STEPS, pageMs, prefix: "goal-field", lineEm: 8.5 });
    const t = themesRoot.dataset;
    const g = goalsRoot.dataset;
    this.labels = {
      across: t.labelAcross || "",
      unnamed: t.labelUnnamed || "",
      loose: t.labelLoose || "",
      noCards: t.labelEmpty || "",
      card: t.labelCard || "1",
      cards: t.labelCards || "{n}",
      noGoals: g.labelEmpty || "",
      priority: g.labelPriority || "{n}",
    };
    this.fields = [];
    this.kinds = new Map(); // kind id -> {kind, shape}
    this.cards = new Map();
    this.clusters = new Map();
    this.goalsById = new Map();
    this.cardNodes = new Map(); // card id -> <li>
    this.groupNodes = new Map(); // cluster id (or "loose-<field>") -> group
    this.goalNodes = new Map(); // goal id -> <li>
    this.emptyNodes = new Map(); // column key -> "no cards / no goals" line
    this.mode = null;
  }

  setStructure(fields, kinds) {
    this.fields = fields.slice();
    this.kinds = new Map(kinds.map((kind, index) => [kind.id, { kind, shape: index }]));
    // Kinds may have changed colour: draw every card again.
    for (const node of this.cardNodes.values()) node.remove();
    this.cardNodes.clear();
    this.render();
  }

  /** Everything from a snapshot. */
  setData(cards, clusters, goals) {
    this.cards = new Map(cards.map((card) => [card.id, { ...card }]));
    this.clusters = new Map(clusters.map((cluster) => [cluster.id, cluster]));
    this.goalsById = new Map(goals.map((goal) => [goal.id, { ...goal }]));
    this.render();
  }

  /** "themes", "goals" or null (neither shown). */
  setMode(mode) {
    if (this.mode === mode) return;
    this.mode = mode;
    this.render();
    this.themes.setActive(mode === "themes");
    this.goals.setActive(mode === "goals");
  }

  pause(paused) {
    this.themes.pause(paused);
    this.goals.pause(paused);
  }

  /** Cards: after the wall has taken them. */
  putCard(card) {
    const known = this.cards.get(card.id);
    this.cards.set(card.id, { ...card });
    this.render();
    if (this.mode === "themes" && (!known || known.text !== card.text)) this.markCard(card.id);
  }

  removeCard(id) {
    this.cards.delete(id);
    const node = this.cardNodes.get(id);
    if (node) node.remove();
    this.cardNodes.delete(id);
    this.render();
  }

  putCluster(cluster) {
    const known = this.clusters.get(cluster.id);
    this.clusters.set(cluster.id, cluster);
    this.render();
    if (this.mode === "themes" && (!known || known.name !== cluster.name)) {
      const group = this.groupNodes.get(cluster.id);
      if (group) {
        const unit = group.classList.contains("stage-unit") ? group : group.querySelector(".stage-unit");
        this.themes.mark(group.querySelector(".theme-head"), unit);
      }
    }
  }

  removeCluster(id) {
    this.clusters.delete(id);
    const group = this.groupNodes.get(id);
    if (group) group.remove();
    this.groupNodes.delete(id);
    this.render(); // its cards wait as loose cards for the cards.arranged that follows
  }

  arrangeCards(lists) {
    const moved = [];
    for (const list of lists) {
      list.card_ids.forEach((id, position) => {
        const card = this.cards.get(id);
        if (!card) return;
        if (card.cluster_id !== list.cluster_id) moved.push(id);
        card.cluster_id = list.cluster_id;
        card.position = position;
      });
    }
    this.render();
    if (this.mode === "themes") for (const id of moved) this.markCard(id);
  }

  putGoal(goal) {
    const known = this.goalsById.get(goal.id);
    this.goalsById.set(goal.id, { ...goal });
    this.render();
    const changed =
      !known || known.title !== goal.title || known.description !== goal.description ||
      known.field_id !== goal.field_id || (known.priority || null) !== (goal.priority || null);
    const node = this.goalNodes.get(goal.id);
    if (this.mode === "goals" && changed && node) this.goals.mark(node);
  }

  removeGoal(id) {
    this.goalsById.delete(id);
    const node = this.goalNodes.get(id);
    if (node) node.remove();
    this.goalNodes.delete(id);
    this.render();
  }

  arrangeGoals(ids) {
    ids.forEach((id, position) => {
      const goal = this.goalsById.get(id);
      if (goal) goal.position = position;
    });
    this.render();
  }

  markCard(id) {
    const node = this.cardNodes.get(id);
    if (node) this.themes.mark(node);
  }

  // ---- drawing ----

  render() {
    if (this.mode === "themes") this.renderThemes();
    if (this.mode === "goals") this.renderGoals();
  }

  fieldKeys(items) {
    const known = new Set(this.fields.map((field) => field.id));
    const specs = this.fields.map((field) => ({ key: String(field.id), title: field.name }));
    if (items.some((item) => item.field_id === null || !known.has(item.field_id))) {
      specs.push({ key: ACROSS, title: this.labels.across });
    }
    return specs;
  }

  columnKey(fieldId) {
    return fieldId === null || fieldId === undefined ? ACROSS : String(fieldId);
  }

  emptyLine(stage, key, text) {
    const id = `${stage}-${key}`;
    let node = this.emptyNodes.get(id);
    if (!node) {
      node = el("p", text, "stage-empty stage-unit");
      this.emptyNodes.set(id, node);
    }
    return node;
  }

  renderThemes() {
    const clusters = Array.from(this.clusters.values()).sort(byPosition);
    const fieldIds = new Set(this.fields.map((field) => field.id));
    // A cluster of a field that is gone shows with those across fields.
    const shownClusters = clusters.map((c) => ({ ...c, field_id: fieldIds.has(c.field_id) ? c.field_id : null }));
    this.themes.setColumns(this.fieldKeys(shownClusters));
    const members = new Map(clusters.map((cluster) => [cluster.id, []]));
    const loose = new Map(this.fields.map((field) => [field.id, []]));
    for (const card of Array.from(this.cards.values()).sort(byPosition)) {
      if (card.cluster_id !== null && members.has(card.cluster_id)) {
        members.get(card.cluster_id).push(card);
      } else if (loose.has(card.field_id)) {
        loose.get(card.field_id).push(card);
      }
    }
    const perColumn = new Map(Array.from(this.themes.columns.keys(), (key) => [key, []]));
    for (const cluster of shownClusters) {
      const group = this.clusterGroup(cluster, members.get(cluster.id));
      perColumn.get(this.columnKey(cluster.field_id)).push(group);
    }
    for (const field of this.fields) {
      const cards = loose.get(field.id);
      const key = `loose-${field.id}`;
      if (cards.length) {
        perColumn.get(String(field.id)).push(this.group(key, this.labels.loose, cards, "is-loose"));
      } else if (this.groupNodes.has(key)) {
        this.groupNodes.get(key).remove();
        this.groupNodes.delete(key);
      }
    }
    for (const [key, nodes] of perColumn) {
      const column = this.themes.column(key);
      reorderChildren(column.list, nodes.length ? nodes : [this.emptyLine("themes", key, this.labels.noCards)]);
    }
    this.themes.refit();
  }

  clusterGroup(cluster, cards) {
    const named = Boolean(cluster.name && cluster.name.trim());
    const group = this.group(cluster.id, named ? cluster.name : this.labels.unnamed, cards, "");
    group.classList.toggle("is-unnamed", !named);
    group.dataset.clusterId = String(cluster.id);
    return group;
  }

  /** A theme: its name, the number of its cards and the cards (compact). */
  group(key, name, cards, className) {
    let group = this.groupNodes.get(key);
    if (!group) {
      group = el("section", "", `theme-group stage-group ${className}`.trim());
      const head = el("div", "", "theme-head");
      const title = el("h3", "", "theme-name");
      title.id = `theme-${key}`;
      group.setAttribute("aria-labelledby", title.id);
      const count = el("span", "", "theme-count");
      head.append(title, count);
      const list = el("ul", "", "theme-cards");
      list.setAttribute("role", "list");
      group.append(head, list);
      this.groupNodes.set(key, group);
    }
    const [head, list] = group.children;
    const [title, count] = head.children;
    if (title.textContent !== name) title.textContent = name;
    const spoken = cards.length === 1 ? this.labels.card : fillPattern(this.labels.cards, { n: cards.length });
    if (count.dataset.n !== String(cards.length)) {
      count.dataset.n = String(cards.length);
      const shown = el("span", String(cards.length));
      shown.setAttribute("aria-hidden", "true");
      count.replaceChildren(shown, el("span", spoken, "visually-hidden"));
    }
    reorderChildren(list, cards.map((card) => this.cardNode(card)));
    // An empty theme is a unit of its own (it still needs its place on a page).
    group.classList.toggle("stage-unit", cards.length === 0);
    list.hidden = cards.length === 0;
    return group;
  }

  cardNode(card) {
    let node = this.cardNodes.get(card.id);
    if (!node) {
      node = el("li");
      node.dataset.cardId = String(card.id);
      this.cardNodes.set(card.id, node);
    }
    const { kind, shape } = this.kinds.get(card.kind_id) || { kind: null, shape: 0 };
    const keep = ["is-new", "is-off-page"].filter((name) => node.classList.contains(name));
    if (card.supports > 0) keep.push("has-supports");
    node.className = ["theme-card", "stage-unit", kindClass(kind), ...keep].join(" ");
    const key = `${card.kind_id}|${card.text}|${card.supports || 0}`;
    if (node.dataset.drawn !== key) {
      node.dataset.drawn = key;
      const text = el("p", "", "theme-text");
      text.append(el("span", `${kind ? kind.name : ""}: `, "visually-hidden"));
      text.append(document.createTextNode(card.text));
      const parts = [kindMark(shape), text];
      if (card.supports > 0) parts.push(el("span", `+${card.supports}`, "wall-supports"));
      node.replaceChildren(...parts);
    }
    return node;
  }

  renderGoals() {
    const goals = Array.from(this.goalsById.values()).sort(byPosition);
    const fieldIds = new Set(this.fields.map((field) => field.id));
    const columnOf = (goal) => this.columnKey(fieldIds.has(goal.field_id) ? goal.field_id : null);
    this.goals.setColumns(this.fieldKeys(goals.map((goal) => ({ field_id: fieldIds.has(goal.field_id) ? goal.field_id : null }))));
    const perColumn = new Map(Array.from(this.goals.columns.keys(), (key) => [key, []]));
    for (const goal of goals) perColumn.get(columnOf(goal)).push(goal);
    for (const [key, mine] of perColumn) {
      const column = this.goals.column(key);
      if (!mine.length) {
        reorderChildren(column.list, [this.emptyLine("goals", key, this.labels.noGoals)]);
        continue;
      }
      let list = column.list.querySelector(":scope > .goal-board");
      if (!list) {
        list = el("ol", "", "goal-board");
        list.setAttribute("role", "list");
      }
      reorderChildren(column.list, [list]);
      reorderChildren(list, mine.map((goal, index) => this.goalNode(goal, index + 1)));
    }
    this.goals.refit();
  }

  goalNode(goal, number) {
    let node = this.goalNodes.get(goal.id);
    if (!node) {
      node = el("li", "", "goal-board-item stage-unit");
      node.dataset.goalId = String(goal.id);
      this.goalNodes.set(goal.id, node);
    }
    const key = `${number}|${goal.title}|${goal.description || ""}|${goal.priority || ""}`;
    if (node.dataset.drawn !== key) {
      node.dataset.drawn = key;
      // The number sits in the title's first line: the narrow column keeps its width for words.
      const title = el("p", "", "goal-board-title");
      title.append(el("span", String(number), "goal-board-number"), ` ${goal.title}`);
      node.replaceChildren(title);
      // A confirmed priority: a badge above the title, in words ("Priorität 1").
      if (goal.priority) node.prepend(priorityBadge(goal.priority, this.labels.priority));
      node.classList.toggle("is-priority", Boolean(goal.priority));
      if (goal.description) node.append(el("p", goal.description, "goal-board-text"));
    }
    return node;
  }
}
