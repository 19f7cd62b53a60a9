// The review wall: a column per action field with its cards, drawn to be read from afar.
//
// Legibility: the card type shrinks in a few fixed steps (fractions of the viewport height) until
// every column fits; below the last step it never goes. A column that still does not fit is cut
// into pages at card (row) boundaries, shows "Seite 2/4" and turns by itself; all columns turn
// together, so the screen changes at most once per interval. A new card on a page that is not
// shown gets its page shown at the next turn (taking turns with the normal rotation), and
// arrives with a short highlight. Card text is only ever set with textContent.
import { el, fill } from "./dom.js";
import { PageTurner } from "./page_turner.js";

/** Card type sizes in vh, largest first; the last one is the smallest legible size. */
export const SIZE_STEPS = [4.2, 3.8, 3.4, 3.1, 2.8];
/** The narrowest column, in ems of the smallest card type (about 20 characters a line). */
const MIN_COLUMN_EM = 12;
const COLORS = new Set(["green", "orange", "blue", "purple", "teal", "grey"]);
const SHAPES = 6;

/** Fill "{name}" placeholders of a translated pattern (kept under this name for the projector). */
export const fillPattern = fill;

/** The CSS class that colours a card of this kind. */
export function kindClass(kind) {
  return `wall-kind-${kind && COLORS.has(kind.color) ? kind.color : "grey"}`;
}

function byWallOrder(a, b) {
  return (a.position ?? 0) - (b.position ?? 0) || a.id - b.id;
}

/** The shape of a kind: drawn in CSS, so it needs no font and survives any projector. */
export function kindMark(shape) {
  const mark = el("span", "", "wall-mark");
  mark.dataset.shape = String(shape % SHAPES);
  mark.setAttribute("aria-hidden", "true");
  return mark;
}

/** The shape in white on the kind's colour, as on the cards' bars (legend, spotlight). */
export function kindChip(shape) {
  const chip = el("span", "", "wall-chip");
  chip.setAttribute("aria-hidden", "true");
  chip.append(kindMark(shape));
  return chip;
}

/** Kind shape, kind name and "+3": the line above the text of a large card. */
function metaLine(kind, shape, supports, className) {
  const meta = el("div", "", className);
  meta.append(kindChip(shape), el("span", kind ? kind.name : "", "wall-kind"));
  if (supports > 0) meta.append(el("span", `+${supports}`, "wall-supports"));
  return meta;
}

export class Wall extends PageTurner {
  /**
   * root: the element that holds the columns (its data-label-page and data-label-empty carry the
   * translated "Page {page}/{pages}" and "No cards yet").
   * options.pageSeconds: how long a page stays before the next one turns up.
   * options.legend: an element to fill with the key to the kinds' shapes and colours.
   */
  constructor(root, options = {}) {
    super(Math.round((options.pageSeconds || 10) * 1000));
    this.root = root;
    this.labels = {
      page: root.dataset.labelPage || "{page}/{pages}",
      empty: root.dataset.labelEmpty || "",
      ...(options.labels || {}),
    };
    this.legend = options.legend || null;
    this.fields = [];
    this.kinds = new Map(); // kind id -> {kind, shape}
    this.cards = new Map(); // card id -> card
    this.nodes = new Map(); // card id -> <li>
    this.columns = new Map(); // field id -> column state
    this.unseen = new Set(); // ids of new cards not shown yet
    this.authors = false;
    this.loaded = false;
    this.onlyGrown = false;
    root.addEventListener("animationend", (event) => {
      if (event.animationName.startsWith("wall-arrive")) event.target.classList.remove("is-new");
    });
    window.addEventListener("resize", () => this.refit());
  }

  /** Action fields (columns, in order) and card kinds. */
  setStructure(fields, kinds) {
    this.fields = fields.slice();
    this.kinds = new Map(kinds.map((kind, index) => [kind.id, { kind, shape: index }]));
    for (const column of this.columns.values()) column.section.remove();
    this.columns.clear();
    for (const field of this.fields) {
      const section = el("section", "", "wall-column");
      const headId = `wall-field-${field.id}`;
      section.setAttribute("aria-labelledby", headId);
      const head = el("div", "", "wall-head");
      const title = el("h2", field.name);
      title.id = headId;
      head.append(title);
      const empty = el("p", this.labels.empty, "wall-empty");
      const list = el("ul", "", "wall-list");
      list.setAttribute("role", "list");
      // Shown for every column once one column has pages, so all lists keep the same height.
      const foot = el("div", "", "wall-foot");
      const page = el("p", "", "wall-page");
      page.hidden = true;
      foot.append(page);
      section.append(head, empty, list, foot);
      this.root.append(section);
      this.columns.set(field.id, {
        section, list, page, empty, items: [], pageOf: new Map(),
        pages: 1, current: 0, cursor: 0, jumped: false,
      });
    }
    for (const [id, card] of this.cards) this.renderCard(this.nodes.get(id), card);
    this.renderLegend(this.legend);
    this.order();
    this.refit();
  }

  /** Whether cards show their author's name (only when the card carries one). */
  setAuthors(allowed) {
    if (this.authors === allowed) return;
    this.authors = allowed;
    for (const [id, card] of this.cards) this.renderCard(this.nodes.get(id), card);
    this.refit();
  }

  /** All visible cards (a snapshot). After the first one, cards that are new get highlighted. */
  setCards(cards) {
    const ids = new Set(cards.map((card) => card.id));
    for (const id of Array.from(this.cards.keys())) if (!ids.has(id)) this.dropCard(id);
    for (const card of cards) this.storeCard(card, this.loaded && !this.cards.has(card.id));
    this.loaded = true;
    this.order();
    this.refit();
  }

  /** A card was posted or changed. */
  putCard(card) {
    const known = this.cards.get(card.id);
    this.storeCard(card, !known);
    if (!known || known.field_id !== card.field_id || known.position !== card.position) {
      this.order();
    }
    // A card more never makes the type larger again: when already paging, only re-cut pages.
    this.refit(!known);
  }

  /** A card may no longer be seen. */
  removeCard(id) {
    this.dropCard(id);
    this.refit();
  }

  card(id) {
    return this.cards.get(id) || null;
  }

  fieldName(id) {
    const field = this.fields.find((f) => f.id === id);
    return field ? field.name : "";
  }

  kind(id) {
    return this.kinds.get(id) || { kind: null, shape: 0 };
  }

  // ---- cards ----

  storeCard(card, fresh) {
    this.cards.set(card.id, card);
    let node = this.nodes.get(card.id);
    if (!node) {
      node = el("li");
      node.dataset.cardId = String(card.id);
      this.nodes.set(card.id, node);
      if (fresh) {
        node.classList.add("is-new");
        this.unseen.add(card.id);
      }
    }
    this.renderCard(node, card);
  }

  dropCard(id) {
    const node = this.nodes.get(id);
    if (node) node.remove();
    this.nodes.delete(id);
    this.cards.delete(id);
    this.unseen.delete(id);
  }

  renderCard(node, card) {
    const { kind, shape } = this.kind(card.kind_id);
    const keep = ["is-new", "is-off-page"].filter((name) => node.classList.contains(name));
    if (card.supports > 0) keep.push("has-supports");
    node.className = ["wall-card", kindClass(kind), ...keep].join(" ");
    // On the wall the kind is the colour of the bar, the shape on it (explained by the legend)
    // and, for screen readers, its name: a label line on every card would cost a quarter of the
    // cards a page.
    const parts = [kindMark(shape)];
    if (card.supports > 0) parts.push(el("span", `+${card.supports}`, "wall-supports"));
    const text = el("p", "", "wall-text");
    text.append(el("span", `${kind ? kind.name : ""}: `, "visually-hidden"));
    text.append(document.createTextNode(card.text));
    parts.push(text);
    if (this.authors && card.author) parts.push(el("p", `– ${card.author}`, "wall-author"));
    node.replaceChildren(...parts);
  }

  /** The key to the shapes and colours: one entry per kind. */
  renderLegend(container) {
    if (!container) return;
    const entries = Array.from(this.kinds.values()).map(({ kind, shape }) => {
      const entry = el("span", "", `wall-legend-entry ${kindClass(kind)}`);
      entry.append(kindChip(shape), el("span", kind.name, "wall-legend-name"));
      return entry;
    });
    container.replaceChildren(...entries);
  }

  /** Put every card into its column, in wall order; moves only what is out of place. */
  order() {
    const perField = new Map(this.fields.map((field) => [field.id, []]));
    for (const card of Array.from(this.cards.values()).sort(byWallOrder)) {
      const list = perField.get(card.field_id);
      if (list) list.push(this.nodes.get(card.id));
      else this.nodes.get(card.id).remove(); // a field that is gone: not shown
    }
    for (const [fieldId, nodes] of perField) {
      // Insert only what is missing or out of place: moving a node restarts its highlight.
      const list = this.columns.get(fieldId).list;
      let ref = list.firstElementChild;
      for (const node of nodes) {
        if (node === ref) ref = ref.nextElementSibling;
        else list.insertBefore(node, ref);
      }
      while (ref) {
        const next = ref.nextElementSibling;
        ref.remove();
        ref = next;
      }
    }
    for (const column of this.columns.values()) {
      column.empty.hidden = column.list.children.length > 0 || !this.labels.empty;
    }
  }

  // ---- fitting and pages ----

  refit(grown = false) {
    this.onlyGrown = (this.frame === null || this.onlyGrown) && grown;
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.fit(this.onlyGrown);
    });
  }

  fit(onlyGrown = false) {
    if (!this.active || this.root.offsetParent === null || this.columns.size === 0) return;
    const minPx = (SIZE_STEPS[SIZE_STEPS.length - 1] * window.innerHeight) / 100;
    const count = this.columns.size;
    const most = Math.max(1, Math.floor(this.root.clientWidth / (MIN_COLUMN_EM * minPx)));
    const rows = Math.ceil(count / most);
    this.root.style.setProperty("--wall-rows", String(rows));
    this.root.style.setProperty("--wall-cols", String(Math.ceil(count / rows)));

    if (onlyGrown && this.root.dataset.paged === "true") {
      for (const column of this.columns.values()) this.paginate(column);
      return;
    }
    for (const node of this.nodes.values()) node.classList.remove("is-off-page");
    this.root.dataset.paged = "false";
    let step = -1;
    for (let i = 0; i < SIZE_STEPS.length; i += 1) {
      this.root.style.setProperty("--card-size", `${SIZE_STEPS[i]}vh`);
      if (this.allFit()) {
        step = i;
        break;
      }
    }
    if (step < 0) {
      // Even the smallest legible type does not fit: keep it and turn pages.
      step = SIZE_STEPS.length - 1;
      this.root.style.setProperty("--card-size", `${SIZE_STEPS[step]}vh`);
      this.root.dataset.paged = "true";
    }
    this.root.dataset.size = String(step);
    for (const column of this.columns.values()) this.paginate(column);
  }

  allFit() {
    for (const column of this.columns.values()) {
      const rows = this.rows(column.list);
      if (rows.length && rows[rows.length - 1].bottom > this.room(column.list) + 0.5) return false;
    }
    return true;
  }

  /** The height cards may use in a list (inside its padding), in CSS pixels. */
  room(list) {
    const style = getComputedStyle(list);
    return list.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  }

  /** The list's cards grouped in rows (cards side by side), with exact (fractional) top and
   * bottom measured from the top of the list's content. */
  rows(list) {
    const style = getComputedStyle(list);
    const origin = list.getBoundingClientRect().top + list.clientTop + parseFloat(style.paddingTop);
    const rows = [];
    for (const node of list.children) {
      const box = node.getBoundingClientRect();
      const top = box.top - origin;
      const last = rows[rows.length - 1];
      if (last && Math.abs(last.top - top) < 0.5) {
        last.nodes.push(node);
        last.bottom = Math.max(last.bottom, box.bottom - origin);
      } else {
        rows.push({ top, bottom: box.bottom - origin, nodes: [node] });
      }
    }
    return rows;
  }

  /** Cut a column into pages at row boundaries, so that each page fits the list exactly. */
  paginate(column) {
    const items = Array.from(column.list.children);
    for (const node of items) node.classList.remove("is-off-page");
    const room = this.room(column.list);
    column.items = items;
    column.pageOf = new Map();
    let page = 0;
    let pageTop = 0;
    for (const row of this.rows(column.list)) {
      if (row.bottom - pageTop > room + 0.5 && row.top > pageTop + 0.5) {
        page += 1;
        pageTop = row.top;
      }
      for (const node of row.nodes) {
        column.pageOf.set(node, page);
        node.dataset.page = String(page);
      }
    }
    column.pages = page + 1;
    column.current = Math.min(column.current, page);
    column.cursor = Math.min(column.cursor, page);
    this.showPage(column, column.current, false);
  }

  showPage(column, page, animate) {
    column.current = page;
    for (const node of column.items) {
      const off = column.pageOf.get(node) !== page;
      node.classList.toggle("is-off-page", off);
      const id = Number(node.dataset.cardId);
      if (!off) this.unseen.delete(id);
      else if (!this.unseen.has(id)) node.classList.remove("is-new");
    }
    column.page.hidden = column.pages <= 1;
    column.page.textContent =
      column.pages > 1 ? fillPattern(this.labels.page, { page: page + 1, pages: column.pages }) : "";
    column.section.dataset.pages = String(column.pages);
    column.section.dataset.page = String(page + 1);
    if (animate) {
      column.list.classList.remove("is-turning");
      void column.list.offsetWidth; // restart the fade
      column.list.classList.add("is-turning");
    }
  }

  /** Every interval: each paged column shows its next page, or the page of a new card. */
  turn() {
    if (this.paused) return;
    for (const column of this.columns.values()) {
      if (column.pages <= 1) continue;
      let next = null;
      if (!column.jumped) {
        const waiting = column.items.filter((node) => this.unseen.has(Number(node.dataset.cardId)));
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

/** One card large over everything (null ends it); its type shrinks until the text fits. */
export function renderSpotlight(container, card, wall) {
  if (!card) {
    container.hidden = true;
    container.replaceChildren();
    delete container.dataset.cardId;
    return;
  }
  const { kind, shape } = wall.kind(card.kind_id);
  const box = el("article", "", `spotlight-card ${kindClass(kind)}`);
  const field = wall.fieldName(card.field_id);
  if (field) box.append(el("p", field, "spotlight-field"));
  box.append(metaLine(kind, shape, card.supports || 0, "spotlight-meta"));
  const text = el("p", card.text, "spotlight-text");
  box.append(text);
  if (wall.authors && card.author) box.append(el("p", `– ${card.author}`, "spotlight-author"));
  container.replaceChildren(box);
  container.dataset.cardId = String(card.id);
  container.hidden = false;
  for (let size = 7; size >= 3; size -= 0.5) {
    text.style.setProperty("--spotlight-size", `${size}vh`);
    if (text.scrollHeight <= text.clientHeight + 1) break;
  }
}
