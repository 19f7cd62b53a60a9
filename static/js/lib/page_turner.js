// What every projector view that fits and pages itself shares: only a shown view measures
// itself (once per frame) and turns its pages on a timer; the spotlight can hold the pages.
export class PageTurner {
  constructor(pageMs) {
    this.pageMs = pageMs;
    this.active = false;
    this.paused = false;
    this.frame = null;
    this.turning = null;
  }

  setActive(active) {
    if (this.active === active) return;
    this.active = active;
    clearInterval(this.turning);
    this.turning = active ? setInterval(() => this.turn(), this.pageMs) : null;
    if (active) this.refit();
  }

  /** Hold the pages still (e.g. while one card is shown large). */
  pause(paused) {
    this.paused = paused;
  }

  /** Measure again at the next frame (many changes in one frame cost one fit). */
  refit() {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.fit();
    });
  }

  fit() {
    throw new Error("a PageTurner must define fit()");
  }

  turn() {
    throw new Error("a PageTurner must define turn()");
  }
}
