// What the projector's voting views share: type steps, text set only when it changed, and a list
// that fits itself (larger type first, then columns, then pages that turn by themselves).
import { PageTurner } from "./page_turner.js";
import { fillPattern } from "./wall.js";

/** Type sizes in vh, largest first; the last one is the smallest legible size (as on the wall). */
export const STEPS = [5.4, 4.8, 4.2, 3.8, 3.4, 3.1, 2.8];

/** Every step with each column count, in order: [{size, cols}]. */
export function layouts(colsList = [1]) {
  return STEPS.flatMap((size) => colsList.map((cols) => ({ size, cols })));
}

/** Replace the text of a node only when it changed (no needless layout or announcements). */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * "Priorität 1": a confirmed priority, in words and large (never told by colour alone).
 * pattern: the translated "Priority {n}".
 */
export function priorityBadge(priority, pattern) {
  const badge = document.createElement("span");
  badge.className = "wall-priority";
  badge.dataset.priority = String(priority);
  badge.textContent = fillPattern(pattern || "{n}", { n: priority });
  return badge;
}

/**
 * A list that fits itself: tries each layout ({size, cols}) in order until all items fit; below
 * the last it keeps the last one and cuts the items into pages that turn by themselves.
 * --vote-size is set on sizeTarget (a header row may share the list's size).
 */
export class Pager extends PageTurner {
  constructor(list, pageNode, { layouts: steps, pageMs, pageLabel, minColumnEm = 0, sizeTarget = list, clamped = null }) {
    super(pageMs);
    this.clamped = clamped; // selector of line-clamped texts: a size that cuts one off does not fit
    this.list = list;
    this.sizeTarget = sizeTarget;
    this.pageNode = pageNode;
    this.layouts = steps;
    this.pageLabel = pageLabel || "{page}/{pages}";
    this.minColumnEm = minColumnEm;
    this.pages = [[]];
    this.current = 0;
    this.afterFit = null; // called after every fit (e.g. to draw what depends on the size)
  }

  items() {
    return Array.from(this.list.children);
  }

  apply(layout) {
    this.sizeTarget.style.setProperty("--vote-size", `${layout.size}vh`);
    this.list.dataset.cols = String(layout.cols);
  }

  /**
   * Whether every shown item lies inside the list (nothing cut off, no extra column); whole:
   * also no clamped text cut short and no word wider than its line (pages cannot help that, so
   * only sizes are judged by it).
   */
  fits(whole = false) {
    const box = this.list.getBoundingClientRect();
    if (this.list.scrollHeight > this.list.clientHeight + 1) return false;
    for (const item of this.list.children) {
      if (item.classList.contains("is-off-page")) continue;
      const r = item.getBoundingClientRect();
      if (r.bottom > box.bottom + 1 || r.right > box.right + 1) return false;
      if (whole && this.clamped) {
        for (const text of item.querySelectorAll(this.clamped)) {
          // Cut short at the end, or a word wider than its line (it would break mid-word).
          if (text.scrollHeight > text.clientHeight + 1 || text.scrollWidth > text.clientWidth + 1) return false;
        }
      }
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
      if (this.fits(true)) {
        chosen = layout;
        break;
      }
    }
    this.list.dataset.paged = "false";
    // Long texts are clamped only while that buys a larger type; at the smallest they show in
    // full and pages turn instead.
    this.list.dataset.unclamped = String(!chosen && Boolean(this.clamped));
    if (!chosen || !items.length) {
      chosen = chosen || this.layouts[this.layouts.length - 1];
      this.apply(chosen);
    }
    this.pages = [items];
    if (!this.fits() && items.length > 1) {
      // Even the smallest legible type does not fit: cut into pages at item boundaries, measured
      // with the page line shown (it may take room from the list).
      if (this.pageNode) {
        this.pageNode.hidden = false;
        setText(this.pageNode, fillPattern(this.pageLabel, { page: items.length, pages: items.length }));
      }
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
    if (this.afterFit) this.afterFit();
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
