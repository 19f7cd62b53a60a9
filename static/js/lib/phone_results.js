// Revealed results on the phone, for every method, and the marks of a confirmed priority.
// Only aggregates ever reach a phone (docs/protocol.md): this draws what the round view holds.
import { el, fill } from "./dom.js";

/** "4,5": averages with one decimal, in the page's language. */
function average(value) {
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  return format.format(value);
}

/** A round's name: its title, else what it is ("Punktabstimmung", "Wirkung × Umsetzbarkeit"). */
export function roundName(round, S) {
  if (round.title) return round.title;
  if (round.method === "matrix") return `${round.label_x} × ${round.label_y}`;
  return round.method === "ranking" ? S.method_ranking : S.method_dots;
}

/** "Priorität 1" and the decision note under a goal, when the moderator confirmed it. */
export function priorityMarks(goal, S) {
  const marks = [];
  if (goal.priority) marks.push(el("p", fill(S.priority, { n: goal.priority }), "priority-badge"));
  if (goal.decision_note) {
    const note = el("div", "", "decision-note");
    note.append(el("p", S.decision_note, "decision-note-label"), el("p", goal.decision_note));
    marks.push(note);
  }
  return marks;
}

/** "12 von 15 haben abgestimmt, davon 2 per Vertretung, 3 auf Papier". */
export function turnoutText(progress, S) {
  if (!progress) return "";
  const text = fill(S.voted_of, progress);
  const standIns = [];
  if (progress.proxy) standIns.push(fill(S.by_proxy, { n: progress.proxy }));
  if (progress.paper) standIns.push(fill(S.on_paper, { n: progress.paper }));
  return standIns.length ? `${text}, ${fill(S.of_them, { list: standIns.join(", ") })}` : text;
}

function matrixFacts(round, result, S) {
  const facts = el("dl", "", "matrix-facts");
  for (const [label, value] of [
    [round.label_x, result.x],
    [round.label_y, result.y],
  ]) {
    const term = el("dt", label);
    const sign = el("span", " ⌀", "");
    sign.setAttribute("aria-hidden", "true");
    term.append(sign, el("span", ` (${S.average})`, "visually-hidden"));
    facts.append(term, el("dd", value === null ? "–" : average(value)));
  }
  const quadrant = result.quadrant
    ? fill(S[`quadrant_${result.quadrant.replace("-", "_")}`], { x: round.label_x, y: round.label_y })
    : S.not_rated;
  const raters = fill(result.raters === 1 ? S.rater_one : S.raters, { n: result.raters });
  return [facts, el("p", quadrant, "quadrant"), el("p", raters, "hint")];
}

function resultHeadline(round, result, S) {
  if (round.method === "ranking") {
    return fill(result.points === 1 ? S.rank_point_one : S.rank_points, result);
  }
  if (round.method === "matrix") return `${result.rank}.`;
  return fill(result.dots === 1 ? S.rank_dot_one : S.rank_dots, result);
}

/** The revealed result of one round: best first, ties sharing a rank, priorities marked. */
export function resultView(round, goals, S) {
  const parts = [el("p", turnoutText(round.progress, S), "hint turnout")];
  if (round.method === "ranking") {
    const n = round.goal_ids.length;
    parts.push(el("p", fill(S.borda_hint, { n, max: n - 1 }), "hint"));
  }
  const list = el("ol", "", `vote-list results method-${round.method}`);
  list.dataset.resultList = "";
  list.dataset.roundId = String(round.id);
  for (const result of round.results || []) {
    const goal = goals.get(result.goal_id) || { title: "" };
    const item = el("li", "", "vote-item result-item");
    item.dataset.goalId = String(result.goal_id);
    item.dataset.rank = String(result.rank);
    const title = el("p", goal.title, "goal-title");
    item.append(title);
    if (round.method === "matrix") {
      title.prepend(el("span", resultHeadline(round, result, S), "result-rank"));
      item.append(...matrixFacts(round, result, S));
    } else {
      title.before(el("p", resultHeadline(round, result, S), "result-line"));
    }
    item.append(...priorityMarks(goal, S));
    list.append(item);
  }
  parts.push(list);
  return parts;
}
