// The moderator's look back (phase "recap" of a follow-up retreat): per goal taken over from the
// previous retreat its status and measures, how many rated it green, yellow and red, and the
// comments without names (docs/protocol.md). It only shows: phones do the rating. Texts come
// from the data-label-* attributes of its root.
import { EVENTS } from "./events.js";
import { el, fill } from "./dom.js";

export const LIGHTS = ["green", "yellow", "red"];

// "in_progress" -> data-status-in-progress -> dataset.statusInProgress
const camel = (name) => name.replace(/(^|_)(\w)/g, (_all, _sep, c) => c.toUpperCase());

/** The translated label of a light or a status, from an element's data-light-* / data-status-*. */
export function recapLabel(labels, prefix, value) {
  return labels[`${prefix}${camel(value)}`] || value;
}

/**
 * A bar split into the three lights, each part as wide as its share, and a line that says the
 * same in words and numbers ("Läuft gut / erreicht: 5"): never told by colour alone.
 */
export function lightBar(counts, labels) {
  const total = LIGHTS.reduce((sum, light) => sum + (counts[light] || 0), 0);
  const bar = el("div", "", "recap-bar");
  bar.setAttribute("aria-hidden", "true");
  for (const light of LIGHTS) {
    const count = counts[light] || 0;
    if (!count) continue;
    const part = el("span", String(count), `recap-part light-${light}`);
    part.style.flexGrow = String(count);
    bar.append(part);
  }
  bar.dataset.empty = total ? "false" : "true";
  const words = el("p", "", "recap-counts");
  for (const light of LIGHTS) {
    const item = el("span", "", `recap-count light-${light}`);
    item.dataset.light = light;
    item.append(
      el("span", "", "light-mark"),
      el("span", `${recapLabel(labels, "light", light)}: `, "recap-count-label"),
      el("strong", String(counts[light] || 0), "recap-count-value"),
    );
    words.append(item);
  }
  return [bar, words];
}

export function createRecapBoard(root) {
  const L = root.dataset;
  const list = root.querySelector("[data-recap-list]");
  const summary = root.querySelector("[data-recap-summary]");
  let fields = [];

  function goalBlock(goal) {
    const item = el("li", "", "recap-goal");
    item.dataset.goalId = String(goal.goal_id);
    item.append(el("h3", goal.title, "recap-title"));
    const field = fields.find((f) => f.id === goal.field_id)?.name;
    const status = fill(L.labelStatus, { status: recapLabel(L, "status", goal.status) });
    item.append(el("p", [field, status].filter(Boolean).join(" · "), "recap-meta"));
    if (goal.measures.length) {
      const measures = el("ul", "", "plain-list recap-measures");
      for (const measure of goal.measures) {
        const meta = [measure.owner, measure.due, recapLabel(L, "status", measure.status)];
        measures.append(el("li", `${measure.text} (${meta.filter(Boolean).join(" · ")})`));
      }
      item.append(el("p", L.labelMeasures, "recap-measures-head"), measures);
    }
    item.append(...lightBar(goal.counts, L));
    item.append(el("p", fill(L.labelTotal, { n: goal.total }), "hint"));
    if (goal.comments.length) {
      const comments = el("ul", "", "plain-list recap-comments");
      comments.setAttribute("aria-label", L.labelComments);
      for (const comment of goal.comments) {
        const line = el("li", "", `recap-comment light-${comment.light}`);
        line.append(
          el("span", recapLabel(L, "light", comment.light), "recap-comment-light"),
          el("span", comment.text, "recap-comment-text"),
        );
        comments.append(line);
      }
      item.append(comments);
    }
    return item;
  }

  function render(recap) {
    const goals = recap || [];
    list.replaceChildren(...goals.map(goalBlock));
    summary.textContent = goals.length ? fill(L.labelSummary, { n: goals.length }) : L.labelEmpty;
  }

  return {
    onSnapshot(snapshot) {
      fields = snapshot.fields;
      render(snapshot.recap);
    },
    onPush(name, payload) {
      if (name === EVENTS.RECAP_CHANGED) render(payload.recap);
    },
  };
}
