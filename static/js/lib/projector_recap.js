// The projector's look back (phase "recap" of a follow-up retreat): the goals taken over from the
// previous retreat, each with its status and the room's traffic lights as one bar plus the counts
// in words. Only counts reach the projector: no names, no comments (docs/protocol.md). When the
// goals do not fit, they are cut into pages that turn by themselves.
import { el, fill } from "./dom.js";
import { PageTurner } from "./page_turner.js";
import { lightBar, recapLabel } from "./recap_board.js";

export class ProjectorRecap extends PageTurner {
  constructor(root, { pageSeconds = 10 } = {}) {
    super(pageSeconds * 1000);
    this.root = root;
    this.labels = root.dataset;
    this.list = root.querySelector("[data-recap-rows]");
    this.pageNode = root.querySelector("[data-recap-page]");
    this.empty = root.querySelector("[data-recap-empty]");
    this.pages = [[]];
    this.current = 0;
    window.addEventListener("resize", () => this.active && this.refit());
  }

  row(goal) {
    const L = this.labels;
    const item = el("li", "", "recap-row");
    item.dataset.goalId = String(goal.goal_id);
    const head = el("div", "", "recap-row-head");
    const status = fill(L.labelStatus, { status: recapLabel(L, "status", goal.status) });
    head.append(
      el("h2", goal.title, "recap-row-title"),
      el("p", status, `recap-status status-${goal.status}`),
    );
    const total = el("p", fill(goal.total === 1 ? L.labelOne : L.labelTotal, { n: goal.total }));
    total.className = "recap-total";
    const [bar, counts] = lightBar(goal.counts, L);
    counts.append(total);
    item.append(head, bar, counts);
    return item;
  }

  /** The look back's goals and counts as the server sent them (absolute, not a change). */
  setData(recap) {
    const goals = recap || [];
    this.list.replaceChildren(...goals.map((goal) => this.row(goal)));
    this.empty.hidden = goals.length > 0;
    this.refit();
  }

  fit() {
    const rows = Array.from(this.list.children);
    for (const row of rows) row.classList.remove("is-off-page");
    const room = this.list.clientHeight;
    const gap = parseFloat(getComputedStyle(this.list).rowGap) || 0;
    const pages = [[]];
    let used = 0;
    for (const row of rows) {
      const height = row.offsetHeight;
      const page = pages[pages.length - 1];
      if (page.length && used + height > room) {
        pages.push([row]);
        used = height + gap;
      } else {
        page.push(row);
        used += height + gap;
      }
    }
    this.pages = pages;
    this.current = Math.min(this.current, pages.length - 1);
    this.show();
  }

  turn() {
    if (this.paused || this.pages.length < 2) return;
    this.current = (this.current + 1) % this.pages.length;
    this.show();
  }

  show() {
    const shown = new Set(this.pages[this.current]);
    for (const row of this.list.children) row.classList.toggle("is-off-page", !shown.has(row));
    const paged = this.pages.length > 1;
    this.root.dataset.paged = String(paged);
    this.pageNode.hidden = !paged;
    this.pageNode.textContent = paged
      ? fill(this.labels.labelPage, { page: this.current + 1, pages: this.pages.length })
      : "";
  }
}
