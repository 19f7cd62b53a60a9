// The impact × feasibility result on the projector: an SVG scatter of the goals' averages in a
// 2×2 matrix, and beside (or under) it a numbered legend with the averages in words and numbers.
//
// The SVG is drawn at the pixel size of its box (its viewBox is that size), so type in it has the
// same size on every beamer, and it is drawn again whenever the box changes. Each goal has a small
// dot at its exact average and a numbered marker; markers that would overlap are pushed apart
// (then a thin line joins marker and dot). Goals nobody rated have no marker and say so in the
// legend. Numbers in the legend are the markers' numbers, counted in the order of the result.
// Text is only ever set with textContent.
import { el, reorderChildren } from "./dom.js";
import { Pager, layouts, priorityBadge, setText } from "./projector_fit.js";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Quadrants, impact first; "high" is from the middle of the scale up (as the server counts). */
export const QUADRANTS = ["high-high", "high-low", "low-high", "low-low"];

function svgEl(tag, attrs = {}, text = "") {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text) node.textContent = text;
  return node;
}

/**
 * Make an SVG text fit into room pixels: smaller type down to 70 %, then the end of label cut
 * with "…" (suffix, e.g. an arrow, stays).
 */
function fitText(node, room, fontPx, label, suffix = "") {
  let size = fontPx;
  while (node.getComputedTextLength() > room && size > 0.7 * fontPx) {
    size -= 0.05 * fontPx;
    node.style.fontSize = `${size.toFixed(1)}px`;
  }
  let kept = label;
  while (node.getComputedTextLength() > room && kept.length > 1) {
    kept = kept.slice(0, -1);
    node.textContent = `${kept.trimEnd()}…${suffix}`;
  }
}

/** Where value lies between the pixels from (scale minimum) and to (scale maximum). */
export function toPixel(value, min, max, from, to) {
  return max === min ? (from + to) / 2 : from + ((value - min) / (max - min)) * (to - from);
}

/**
 * Push apart points closer than distance (pairwise, a few rounds), and out of obstacles
 * ([{left, top, right, bottom}], e.g. the quadrants' names, already widened by a marker's
 * radius), keeping them inside bounds {left, top, right, bottom}. Returns new points; equal points
 * part in a fixed direction each, so the picture is the same on every screen.
 */
export function spreadMarkers(points, distance, bounds, obstacles = [], rounds = 80) {
  const moved = points.map((point) => ({ x: point.x, y: point.y }));
  const clamp = (point) => {
    point.x = Math.min(bounds.right, Math.max(bounds.left, point.x));
    point.y = Math.min(bounds.bottom, Math.max(bounds.top, point.y));
  };
  // Out of an obstacle by the shortest way that stays inside the bounds.
  const leave = (point, box) => {
    if (point.x <= box.left || point.x >= box.right || point.y <= box.top || point.y >= box.bottom) return false;
    const ways = [
      { x: box.left - 0.5, y: point.y },
      { x: box.right + 0.5, y: point.y },
      { x: point.x, y: box.top - 0.5 },
      { x: point.x, y: box.bottom + 0.5 },
    ].filter((to) => to.x >= bounds.left && to.x <= bounds.right && to.y >= bounds.top && to.y <= bounds.bottom);
    if (!ways.length) return false;
    const best = ways.reduce((a, b) =>
      Math.hypot(a.x - point.x, a.y - point.y) <= Math.hypot(b.x - point.x, b.y - point.y) ? a : b,
    );
    point.x = best.x;
    point.y = best.y;
    return true;
  };
  for (let round = 0; round < rounds; round += 1) {
    let clash = false;
    for (const point of moved) for (const box of obstacles) clash = leave(point, box) || clash;
    for (let i = 0; i < moved.length; i += 1) {
      for (let j = i + 1; j < moved.length; j += 1) {
        const a = moved[i];
        const b = moved[j];
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let d = Math.hypot(dx, dy);
        if (d >= distance - 0.5) continue;
        clash = true;
        if (d < 0.01) {
          const angle = (i + j * 3 + round) * 2.39996; // the golden angle: directions spread evenly
          dx = Math.cos(angle);
          dy = Math.sin(angle);
          d = 1;
        }
        const push = (distance - d) / 2 + 0.5;
        a.x -= (dx / d) * push;
        a.y -= (dy / d) * push;
        b.x += (dx / d) * push;
        b.y += (dy / d) * push;
        clamp(a);
        clamp(b);
      }
    }
    if (!clash) break;
  }
  return moved;
}

/**
 * Draw the matrix into svg. spec: {width, height, fontPx, min, max, labelX, labelY, quadrants
 * (names by key), items: [{goalId, number, x, y, priority}]} with x, y the averages (only rated
 * goals). The exact positions of the scale's ends go to data-x0/x1/y0/y1 (for tests and print).
 */
export function drawMatrix(svg, spec) {
  const { width, height, fontPx: fs, min, max } = spec;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.style.setProperty("--matrix-font", `${fs}px`);
  const digits = Math.max(String(min).length, String(max).length);
  const left = 1.5 * fs + digits * 0.62 * fs + 0.5 * fs;
  const bottom = 1.35 * fs + 1.45 * fs;
  const plot = { left, top: 0.3 * fs, right: width - 0.5 * fs, bottom: height - bottom };
  const r = 0.82 * fs; // a marker holds a two-digit number
  const inset = r + 0.25 * fs; // a marker at the scale's end stays inside the frame
  const x0 = plot.left + inset;
  const x1 = plot.right - inset;
  const y0 = plot.bottom - inset;
  const y1 = plot.top + inset;
  Object.assign(svg.dataset, { x0: x0.toFixed(2), x1: x1.toFixed(2), y0: y0.toFixed(2), y1: y1.toFixed(2) });
  const middle = (min + max) / 2;
  const mx = toPixel(middle, min, max, x0, x1);
  const my = toPixel(middle, min, max, y0, y1);
  const parts = [];

  // The quadrants: "act soon" (high impact, easy) tinted, the others plain; names in the corners.
  const quarter = (key, x, y, w, h) =>
    svgEl("rect", { x, y, width: Math.max(0, w), height: Math.max(0, h), class: `matrix-quadrant is-${key}` });
  parts.push(
    quarter("high-high", mx, plot.top, plot.right - mx, my - plot.top),
    quarter("high-low", mx, my, plot.right - mx, plot.bottom - my),
    quarter("low-high", plot.left, plot.top, mx - plot.left, my - plot.top),
    quarter("low-low", plot.left, my, mx - plot.left, plot.bottom - my),
  );
  const pad = 0.35 * fs;
  const corner = { "high-high": [plot.right - pad, plot.top + pad, "end", "hanging"],
    "low-high": [plot.left + pad, plot.top + pad, "start", "hanging"],
    "high-low": [plot.right - pad, plot.bottom - pad, "end", "auto"],
    "low-low": [plot.left + pad, plot.bottom - pad, "start", "auto"] };
  for (const key of QUADRANTS) {
    const [x, y, anchor, baseline] = corner[key];
    const name = svgEl("text", { x, y, "text-anchor": anchor, "dominant-baseline": baseline, class: "matrix-quadrant-name" }, spec.quadrants[key] || "");
    name.dataset.quadrant = key;
    parts.push(name);
  }
  parts.push(
    svgEl("line", { x1: mx, y1: plot.top, x2: mx, y2: plot.bottom, class: "matrix-middle" }),
    svgEl("line", { x1: plot.left, y1: my, x2: plot.right, y2: my, class: "matrix-middle" }),
    svgEl("rect", { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top, class: "matrix-frame" }),
  );

  // The scale's numbers along both axes, and the axes' names (with the direction of "more").
  const step = max - min > 10 ? 2 : 1;
  for (let value = min; value <= max; value += step) {
    const x = toPixel(value, min, max, x0, x1);
    const y = toPixel(value, min, max, y0, y1);
    parts.push(
      svgEl("line", { x1: x, y1: plot.bottom, x2: x, y2: plot.bottom + 0.3 * fs, class: "matrix-tick" }),
      svgEl("text", { x, y: plot.bottom + 0.35 * fs, "text-anchor": "middle", "dominant-baseline": "hanging", class: "matrix-scale" }, String(value)),
      svgEl("line", { x1: plot.left - 0.3 * fs, y1: y, x2: plot.left, y2: y, class: "matrix-tick" }),
      svgEl("text", { x: plot.left - 0.45 * fs, y, "text-anchor": "end", "dominant-baseline": "central", class: "matrix-scale" }, String(value)),
    );
  }
  const centreX = (plot.left + plot.right) / 2;
  const centreY = (plot.top + plot.bottom) / 2;
  parts.push(
    svgEl("text", { x: centreX, y: height - 0.25 * fs, "text-anchor": "middle", class: "matrix-axis matrix-axis-x" }, `${spec.labelX} →`),
    svgEl("text", { x: 0, y: 0, transform: `translate(${1.05 * fs} ${centreY}) rotate(-90)`, "text-anchor": "middle", class: "matrix-axis matrix-axis-y" }, `${spec.labelY} →`),
  );
  svg.replaceChildren(...parts);
  // Long names get smaller, then shortened, rather than run out of the chart.
  const [axisX, axisY] = svg.querySelectorAll(".matrix-axis");
  fitText(axisX, plot.right - plot.left, fs, spec.labelX, " →");
  fitText(axisY, plot.bottom - plot.top, fs, spec.labelY, " →");
  const quarterRoom = Math.min(plot.right - mx, mx - plot.left) - 2 * pad;
  for (const name of svg.querySelectorAll(".matrix-quadrant-name")) {
    fitText(name, quarterRoom, 0.8 * fs, name.textContent);
  }
  // Markers keep clear of the quadrants' names (measured now that they are drawn).
  const names = Array.from(svg.querySelectorAll(".matrix-quadrant-name"), (name) => {
    const box = name.getBBox();
    const gap = r + 0.1 * fs;
    return { left: box.x - gap, top: box.y - gap, right: box.x + box.width + gap, bottom: box.y + box.height + gap };
  });

  // Each rated goal: a dot at its exact average, its numbered marker as near as room allows.
  const exact = spec.items.map((item) => ({
    x: toPixel(item.x, min, max, x0, x1),
    y: toPixel(item.y, min, max, y0, y1),
  }));
  const bounds = { left: plot.left + r + 1, right: plot.right - r - 1, top: plot.top + r + 1, bottom: plot.bottom - r - 1 };
  const placed = spreadMarkers(exact, 2 * r + 0.15 * fs, bounds, names);
  const leaders = [];
  const dots = [];
  const markers = [];
  spec.items.forEach((item, index) => {
    const at = exact[index];
    const to = placed[index];
    const dot = svgEl("circle", { cx: at.x.toFixed(2), cy: at.y.toFixed(2), r: 0.17 * fs, class: "matrix-point" });
    Object.assign(dot.dataset, { goalId: item.goalId, x: item.x, y: item.y });
    dots.push(dot);
    if (Math.hypot(to.x - at.x, to.y - at.y) > 0.3 * r) {
      leaders.push(svgEl("line", { x1: at.x, y1: at.y, x2: to.x, y2: to.y, class: "matrix-leader" }));
    }
    const marker = svgEl("g", { transform: `translate(${to.x.toFixed(2)} ${to.y.toFixed(2)})`, class: "matrix-marker" });
    Object.assign(marker.dataset, { goalId: item.goalId, number: item.number, cx: to.x.toFixed(2), cy: to.y.toFixed(2) });
    if (item.priority) {
      marker.classList.add("is-priority");
      marker.append(svgEl("circle", { r: r + 0.24 * fs, class: "matrix-marker-ring" }));
    }
    marker.append(
      svgEl("circle", { r, class: "matrix-marker-disc" }),
      svgEl("text", { "text-anchor": "middle", "dominant-baseline": "central", class: "matrix-marker-number" }, String(item.number)),
    );
    markers.push(marker);
  });
  svg.append(...leaders, ...dots, ...markers);
}

/**
 * The matrix part of a round's panel: root holds the plot box (with its <svg>), the legend's head
 * row, the legend list and its page line. labels: quadrant names, "not rated" and "Goal".
 */
export class MatrixView {
  constructor(root, labels, { pageMs, pageLabel }) {
    this.root = root;
    this.labels = labels;
    this.box = root.querySelector("[data-matrix-box]");
    this.svg = root.querySelector("[data-matrix-svg]");
    this.head = root.querySelector("[data-matrix-head]");
    this.list = root.querySelector("[data-matrix-legend]");
    this.pager = new Pager(this.list, root.querySelector("[data-matrix-page]"), {
      layouts: layouts([1]),
      pageMs,
      pageLabel,
      sizeTarget: root.querySelector("[data-matrix-key]"),
      clamped: ".matrix-title",
    });
    this.pager.afterFit = () => this.draw();
    const lang = document.documentElement.lang || undefined;
    this.average = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    this.spec = null;
    this.nodes = new Map(); // goal id -> legend <li>
    this.drawn = "";
  }

  setActive(active) {
    this.pager.setActive(active);
  }

  pause(paused) {
    this.pager.pause(paused);
  }

  refit() {
    this.pager.refit();
  }

  clear() {
    this.list.replaceChildren();
    this.svg.replaceChildren();
    this.nodes.clear();
    this.spec = null;
    this.drawn = "";
  }

  /**
   * round: the round view; results: its results, already filtered; goal(id): the goal or
   * undefined; badgeLabel: "Priority {n}".
   */
  update(round, results, goal, badgeLabel) {
    const rated = results.filter((r) => r.x !== null && r.x !== undefined && r.y !== null && r.y !== undefined);
    const numbers = new Map(rated.map((r, index) => [r.goal_id, index + 1]));
    const [x, y] = this.head.querySelectorAll("[data-matrix-axis] .matrix-axis-name");
    setText(x, round.label_x || "");
    setText(y, round.label_y || "");
    const nodes = results.map((result) => {
      let node = this.nodes.get(result.goal_id);
      if (!node) {
        node = el("li", "", "matrix-row matrix-item");
        node.dataset.goalId = String(result.goal_id);
        this.nodes.set(result.goal_id, node);
      }
      const known = goal(result.goal_id);
      const number = numbers.get(result.goal_id);
      const priority = known?.priority || null;
      const cells = [el("span", number ? String(number) : "–", "matrix-number")];
      const name = el("span", "", "matrix-goal");
      if (priority) name.append(priorityBadge(priority, badgeLabel));
      name.append(el("span", known ? known.title : "…", "matrix-title"));
      cells.push(name);
      if (number) {
        cells.push(el("span", this.average.format(result.x), "matrix-value"), el("span", this.average.format(result.y), "matrix-value"));
      } else {
        cells.push(el("span", this.labels.unrated, "matrix-unrated"));
      }
      const key = JSON.stringify([number, priority, known?.title, result.x, result.y]);
      if (node.dataset.drawn !== key) {
        node.dataset.drawn = key;
        node.replaceChildren(...cells);
      }
      node.classList.toggle("is-unrated", !number);
      node.dataset.quadrant = result.quadrant || "";
      return node;
    });
    const shown = new Set(results.map((r) => r.goal_id));
    for (const [id, node] of this.nodes) {
      if (shown.has(id)) continue;
      node.remove();
      this.nodes.delete(id);
    }
    reorderChildren(this.list, nodes);
    this.spec = {
      min: Number(round.scale_min ?? 1),
      max: Number(round.scale_max ?? 5),
      labelX: round.label_x || "",
      labelY: round.label_y || "",
      quadrants: this.labels.quadrants,
      items: rated.map((r) => ({
        goalId: r.goal_id,
        number: numbers.get(r.goal_id),
        x: r.x,
        y: r.y,
        priority: goal(r.goal_id)?.priority || null,
      })),
    };
    this.drawn = "";
    this.draw();
    this.refit();
  }

  /** Draw the SVG at the size of its box (again only when something changed). */
  draw() {
    if (!this.spec || this.box.offsetParent === null) return;
    const width = Math.floor(this.box.clientWidth);
    const height = Math.floor(this.box.clientHeight);
    if (width < 40 || height < 40) return;
    const vh = window.innerHeight / 100;
    const fontPx = Math.round(Math.max(2.6 * vh, Math.min(3.4 * vh, Math.min(width, height) / 15)));
    const key = JSON.stringify([width, height, fontPx, this.spec]);
    if (key === this.drawn) return;
    this.drawn = key;
    drawMatrix(this.svg, { ...this.spec, width, height, fontPx });
  }
}
