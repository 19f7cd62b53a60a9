// The moderator's voting rounds: prepare, open, close, reveal, and a private preview.
import { EVENTS } from "./events.js";
import { $, button, el, fill } from "./dom.js";
import { sendWithStatus } from "./socket.js";

export function createRoundBoard(connection, config) {
  const S = config.strings;
  const status = $("[data-round-status]");
  const state = { phase: "lobby", rounds: new Map(), goals: new Map(), previews: new Map() };
  const send = (event, fields) => sendWithStatus(connection, status, event, fields);

  function resultList(results) {
    const list = el("ol", "", "plain-list");
    for (const result of results) {
      const goal = state.goals.get(result.goal_id) || { title: "" };
      const pattern = result.dots === 1 ? S.rank_dot_one : S.rank_dots;
      list.append(el("li", `${fill(pattern, result)} – ${goal.title}`));
    }
    return list;
  }

  function roundItem(round) {
    const item = el("li", "", "round-item");
    item.append(
      el("p", `${round.title || "—"} · ${S[`status_${round.status}`]}`, "goal-title"),
      el("p", fill(S.voted_of, round.progress), "hint"),
    );
    const actions = el("div", "", "actions");
    const setStatus = (next) => send(EVENTS.ROUND_STATUS, { round_id: round.id, status: next });
    if (round.status === "draft") actions.append(button(S.round_open, () => setStatus("open")));
    if (round.status === "open") actions.append(button(S.round_close, () => setStatus("closed")));
    if (round.status === "closed") {
      actions.append(
        button(S.round_reopen, () => setStatus("open")),
        button(S.round_reveal, () => setStatus("revealed"), "button small primary"),
      );
    }
    actions.append(
      button(S.round_preview, async () => {
        const ack = await connection.request(EVENTS.ROUND_PREVIEW, { round_id: round.id });
        if (ack?.ok) {
          state.previews.set(round.id, ack.data.results);
          render();
        }
      }),
    );
    item.append(actions);
    const results = round.results || state.previews.get(round.id);
    if (results) item.append(resultList(results));
    return item;
  }

  function render() {
    $("[data-rounds-panel]").hidden = !["vote", "results"].includes(state.phase);
    const ordered = [...state.rounds.values()].sort((a, b) => b.position - a.position);
    $("[data-round-list]").replaceChildren(...ordered.map(roundItem));
  }

  $("[data-round-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    send(EVENTS.ROUND_CREATE, {
      title: form.elements.title.value,
      budget: Number(form.elements.budget.value),
      max_per_goal: Number(form.elements.max_per_goal.value),
      live_results: form.elements.live_results.checked,
    });
  });

  return {
    onSnapshot(snapshot) {
      state.phase = snapshot.workshop.phase;
      state.rounds = new Map(snapshot.rounds.map((r) => [r.id, r]));
      state.goals = new Map(snapshot.goals.map((g) => [g.id, g]));
      render();
    },
    onEvent(name, payload) {
      if (name === EVENTS.ROUND_CHANGED) state.rounds.set(payload.round.id, payload.round);
      else if (name === EVENTS.PHASE_CHANGED) state.phase = payload.phase;
      else if (name === EVENTS.GOAL_CHANGED) state.goals.set(payload.goal.id, payload.goal);
      else return;
      render();
    },
    onPush(name, payload) {
      const round = state.rounds.get(payload.round_id);
      if (!round) return;
      if (name === EVENTS.ROUND_PROGRESS) round.progress = payload;
      else if (name === EVENTS.ROUND_TALLY) round.results = payload.results;
      else return;
      render();
    },
  };
}
