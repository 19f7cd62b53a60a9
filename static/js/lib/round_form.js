// The moderator's form for a new voting round: the method with its settings, and which goals
// (all, one action field's, ticked by hand, or the best of an earlier round).
import { EVENTS } from "./events.js";
import { $, $$, el, fill, reorderChildren } from "./dom.js";
import { sendWithStatus } from "./socket.js";
import { CHANGED } from "./vote_state.js";

const TITLE_KEYS = { dots: "method_dots", matrix: "method_matrix", ranking: "method_ranking" };

// "1 goal", "3 goals".
export function goalsCount(strings, n) {
  return fill(n === 1 ? strings.goal_one : strings.goals_count, { n });
}

// "Round 2 · Dot voting": how the moderator's screens name a round.
export function roundLabel(strings, round) {
  const number = fill(strings.round_number, { n: round.position + 1 });
  return round.title ? `${number} · ${round.title}` : number;
}

export function createRoundForm(connection, config, votes) {
  const S = config.strings;
  const form = $("[data-round-form]");
  const status = $("[data-round-form-status]");
  const summary = $("[data-round-goal-summary]");
  const picks = $("[data-round-goal-picks]");
  const pickBoxes = new Map(); // goal id -> its label with the checkbox, kept across renders
  const fields = form.elements;
  let previewAsked = 0; // only the answer to the latest question counts

  const method = () => fields.method.value;
  const goalChoice = () => fields.goals.value;

  function showMethod() {
    for (const node of $$("[data-method-settings]", form)) {
      node.hidden = node.dataset.methodSettings !== method();
    }
    // A title the moderator did not write follows the method.
    const defaults = Object.values(TITLE_KEYS).map((key) => S[key]);
    if (!fields.title.value || defaults.includes(fields.title.value)) {
      fields.title.value = S[TITLE_KEYS[method()]];
    }
  }

  function chosenGoalIds() {
    const goals = votes.goals();
    if (goalChoice() === "field") {
      const field = Number(fields.field_id.value);
      return goals.filter((g) => g.field_id === field).map((g) => g.id);
    }
    if (goalChoice() === "pick") {
      const ticked = (goal) => pickBoxes.get(goal.id)?.querySelector("input").checked;
      return goals.filter(ticked).map((g) => g.id);
    }
    return null;
  }

  function fillSelect(select, options, emptyLabel) {
    const kept = select.value;
    const nodes = options.map(([value, label]) => {
      const option = el("option", label);
      option.value = String(value);
      return option;
    });
    if (!nodes.length) nodes.push(el("option", emptyLabel));
    select.replaceChildren(...nodes);
    if (options.some(([value]) => String(value) === kept)) select.value = kept;
  }

  function renderChoices() {
    fillSelect(
      fields.field_id,
      votes.state.fields.map((f) => [f.id, f.name]),
      S.no_fields,
    );
    const finished = votes.finishedRounds();
    fillSelect(
      fields.source_round_id,
      finished.map((r) => [r.id, roundLabel(S, r)]),
      S.no_finished_rounds,
    );
    fields.source_round_id.disabled = !finished.length;
    const goals = votes.goals();
    for (const goal of goals) {
      if (!pickBoxes.has(goal.id)) {
        const label = el("label", "", "choice");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.value = String(goal.id);
        box.addEventListener("change", showSummary);
        label.append(box, el("span"));
        pickBoxes.set(goal.id, label);
      }
      pickBoxes.get(goal.id).lastChild.textContent = goal.title;
    }
    for (const id of pickBoxes.keys()) {
      if (!votes.state.goals.has(id)) pickBoxes.delete(id);
    }
    reorderChildren(picks, goals.map((g) => pickBoxes.get(g.id)));
    $("[data-round-all-count]").textContent = `(${goalsCount(S, goals.length)})`;
    showSummary();
  }

  // How many goals the round will have; for "the best N" the server's own count decides
  // (ties at the cut come along), asked as a preview that nobody else sees.
  async function showSummary() {
    for (const node of $$("[data-goal-choice]", form)) {
      node.hidden = node.dataset.goalChoice !== goalChoice();
    }
    const submit = $("[data-round-submit]", form);
    submit.textContent = goalChoice() === "all" ? S.prepare_round_all : S.prepare_round;
    const asked = ++previewAsked;
    if (goalChoice() !== "best") {
      const ids = chosenGoalIds() ?? votes.goals().map((g) => g.id);
      summary.textContent = fill(S.round_goal_summary, { n: ids.length });
      return;
    }
    const sourceId = Number(fields.source_round_id.value);
    const top = Number(fields.top.value);
    summary.textContent = "";
    if (!sourceId || !top) return;
    const ack = await connection.request(EVENTS.ROUND_PREVIEW, { round_id: sourceId });
    if (asked !== previewAsked || !ack?.ok) return;
    const chosen = ack.data.results.filter((r) => r.rank <= top);
    const titles = chosen.map((r) => votes.goalTitle(r.goal_id)).join(" · ");
    summary.textContent = `${fill(S.round_goal_summary, { n: chosen.length })}: ${titles}`;
  }

  function payload() {
    const data = {
      method: method(),
      title: fields.title.value,
      live_results: fields.live_results.checked,
    };
    if (method() === "dots") {
      data.budget = Number(fields.budget.value);
      data.max_per_goal = Number(fields.max_per_goal.value);
    } else if (method() === "matrix") {
      data.scale_min = Number(fields.scale_min.value);
      data.scale_max = Number(fields.scale_max.value);
      data.label_x = fields.label_x.value;
      data.label_y = fields.label_y.value;
    }
    if (goalChoice() === "best") {
      data.source_round_id = Number(fields.source_round_id.value) || null;
      data.top = Number(fields.top.value);
    } else {
      const ids = chosenGoalIds();
      if (ids) data.goal_ids = ids;
    }
    return data;
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "method") showMethod();
    if (["goals", "field_id", "source_round_id", "top"].includes(event.target.name)) showSummary();
  });
  fields.top.addEventListener("input", showSummary);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ack = await sendWithStatus(connection, status, EVENTS.ROUND_CREATE, payload());
    if (ack.ok) {
      status.textContent = fill(S.round_prepared, { round: roundLabel(S, ack.data.round) });
    }
  });
  showMethod();

  votes.subscribe((what) => {
    if ([CHANGED.ALL, CHANGED.GOALS, CHANGED.ROUNDS].includes(what)) renderChoices();
  });

  return {
    // Start a follow-up round from a finished round's result: the moderator picks N and the
    // method, then prepares it.
    followUp(round) {
      fields.goals.value = "best";
      renderChoices();
      fields.source_round_id.value = String(round.id);
      showSummary();
      form.scrollIntoView({ block: "start" });
      fields.top.focus();
      fields.top.select();
    },
  };
}
