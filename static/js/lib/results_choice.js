// What the projector's results show: up to three rounds side by side and an action-field
// filter. Nothing changes on the beamer until the moderator presses "show".
import { EVENTS } from "./events.js";
import { $, $$, el, fill } from "./dom.js";
import { roundLabel } from "./round_form.js";
import { sendWithStatus } from "./socket.js";
import { CHANGED } from "./vote_state.js";

const MAX_SHOWN = 3;

export function createResultsChoice(connection, config, votes) {
  const S = config.strings;
  const form = $("[data-results-form]");
  const status = $("[data-results-status]");
  const boxes = $("[data-results-rounds]");
  let shownKey = null; // the server's choice the form was last set from

  const ticked = () => $$("input[type=checkbox]", boxes).filter((b) => b.checked);

  // No more than three can be ticked: the others wait until one is unticked.
  function limit() {
    const full = ticked().length >= MAX_SHOWN;
    for (const box of $$("input[type=checkbox]", boxes)) box.disabled = full && !box.checked;
  }

  function current() {
    const wall = votes.state.wall;
    const ids = wall.shown_round_ids || [];
    const names = ids.map((id) => votes.state.rounds.get(id)).filter(Boolean);
    const rounds = names.length ? names.map((r) => roundLabel(S, r)).join(", ") : S.shown_latest;
    const field = votes.state.fields.find((f) => f.id === wall.results_field_id);
    const text = fill(S.shown_now, { rounds });
    return field ? `${text} · ${fill(S.shown_field, { field: field.name })}` : text;
  }

  function render() {
    const wall = votes.state.wall;
    const shownIds = wall.shown_round_ids || [];
    const key = JSON.stringify([shownIds, wall.results_field_id ?? null]);
    // The form follows the server's choice when that changes (here or on another screen);
    // otherwise what the moderator is ticking stays.
    const reset = key !== shownKey;
    shownKey = key;
    const keep = new Set(ticked().map((b) => Number(b.value)));
    const chosen = reset ? new Set(shownIds) : keep;
    boxes.replaceChildren(
      ...votes.rounds().map((round) => {
        const label = el("label", "", "choice");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.value = String(round.id);
        box.checked = chosen.has(round.id);
        const text = el("span", roundLabel(S, round));
        if (round.status !== "revealed") {
          text.append(el("span", ` (${S[`status_${round.status}`]})`, "hint"));
        }
        label.append(box, text);
        return label;
      }),
    );
    if (!votes.state.rounds.size) boxes.append(el("p", S.no_rounds, "hint"));
    const select = form.elements.field_id;
    const keptField = reset ? String(wall.results_field_id ?? "") : select.value;
    select.replaceChildren(
      ...[{ id: "", name: S.all_fields }, ...votes.state.fields].map((field) => {
        const option = el("option", field.name);
        option.value = String(field.id);
        return option;
      }),
    );
    select.value = keptField;
    limit();
    $("[data-results-current]").textContent = current();
  }

  boxes.addEventListener("change", limit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const field = form.elements.field_id.value;
    sendWithStatus(connection, status, EVENTS.RESULTS_SHOW, {
      // In the order of the rounds, oldest first: the projector shows them left to right.
      round_ids: ticked().map((b) => Number(b.value)),
      field_id: field ? Number(field) : null,
    });
  });
  $("[data-results-latest]").addEventListener("click", () =>
    sendWithStatus(connection, status, EVENTS.RESULTS_SHOW, { round_ids: [], field_id: null }),
  );

  votes.subscribe((what) => {
    if ([CHANGED.ALL, CHANGED.ROUNDS, CHANGED.WALL].includes(what)) render();
  });
}
