// Dot voting on the phone: dots left, +/− per goal, and the result once it is revealed.
import { EVENTS } from "./events.js";
import { $, el, fill } from "./dom.js";
import { sendWithStatus } from "./socket.js";

export function createPhoneVote(connection, config) {
  const S = config.strings;
  const state = { rounds: new Map(), goals: new Map(), ballots: {}, phase: "lobby" };
  const status = $("[data-vote-status]");

  function currentRound() {
    const all = [...state.rounds.values()].sort((a, b) => a.position - b.position);
    return all.find((r) => r.status === "open") || all.filter((r) => r.results).pop() || null;
  }

  function ballotOf(round) {
    const raw = state.ballots[round.id] || state.ballots[String(round.id)] || {};
    return Object.fromEntries(Object.entries(raw).map(([goal, dots]) => [Number(goal), dots]));
  }

  function dotButton(label, aria, onClick, disabled) {
    const button = el("button", label, "button dot-button");
    button.type = "button";
    button.setAttribute("aria-label", aria);
    button.disabled = disabled;
    button.addEventListener("click", onClick);
    return button;
  }

  // Taps show at once and are sent in order; the server's ballot is taken over once no
  // tap is in flight any more, so quick double taps neither flicker nor get lost.
  let inFlight = 0;

  function serverBallot(roundId, ballot) {
    if (inFlight > 0) return;
    state.ballots[roundId] = ballot;
    render();
  }

  async function setDots(round, goalId, dots) {
    state.ballots[round.id] = { ...ballotOf(round), [goalId]: dots };
    render();
    inFlight += 1;
    const ack = await sendWithStatus(connection, status, EVENTS.VOTE_DOTS, {
      round_id: round.id,
      goal_id: goalId,
      dots,
    });
    inFlight -= 1;
    if (ack.ok) serverBallot(round.id, ack.data.ballot);
    else if (inFlight === 0) connection.resync();
  }

  function renderOpen(round) {
    const ballot = ballotOf(round);
    const spent = Object.values(ballot).reduce((sum, n) => sum + n, 0);
    const left = round.budget - spent;
    $("[data-dots-left]").textContent = fill(S.dots_left, { left, budget: round.budget });
    const items = round.goal_ids.map((goalId) => {
      const goal = state.goals.get(goalId) || { title: "" };
      const dots = ballot[goalId] || 0;
      const item = el("li", "", "vote-item");
      const count = el("span", fill(dots === 1 ? S.dot_one : S.dots_on, { n: dots }), "dot-count");
      count.setAttribute("aria-live", "polite");
      item.append(
        el("p", goal.title, "goal-title"),
        el(
          "div",
          "",
          "dot-row",
        ),
      );
      item.lastChild.append(
        dotButton("−", fill(S.less_dot, { goal: goal.title }), () => setDots(round, goalId, dots - 1), dots === 0),
        count,
        dotButton(
          "+",
          fill(S.more_dot, { goal: goal.title }),
          () => setDots(round, goalId, dots + 1),
          dots >= round.max_per_goal || left <= 0,
        ),
      );
      return item;
    });
    $("[data-vote-list]").replaceChildren(...items);
  }

  function renderResults(round) {
    const items = (round.results || []).map((result) => {
      const goal = state.goals.get(result.goal_id) || { title: "" };
      const item = el("li", "", "vote-item");
      item.append(
        el("p", goal.title, "goal-title"),
        el("p", fill(result.dots === 1 ? S.rank_dot_one : S.rank_dots, result), "hint"),
      );
      return item;
    });
    $("[data-result-list]").replaceChildren(...items);
  }

  function render() {
    const shown = ["vote", "results"].includes(state.phase);
    $("[data-vote-view]").hidden = !shown;
    if (!shown) return;
    const round = currentRound();
    const open = Boolean(round && round.status === "open");
    $("[data-vote-open]").hidden = !open;
    $("[data-vote-results]").hidden = !(round && round.results && !open);
    $("[data-vote-waiting]").hidden = Boolean(round);
    if (round?.title) $("[data-vote-title]").textContent = round.title;
    if (open) renderOpen(round);
    else if (round?.results) renderResults(round);
    else if (round) $("[data-vote-waiting]").hidden = false;
    if (round && round.status === "closed") $("[data-vote-waiting]").textContent = S.round_closed;
  }

  return {
    onSnapshot(snapshot) {
      state.phase = snapshot.workshop.phase;
      state.rounds = new Map(snapshot.rounds.map((r) => [r.id, r]));
      state.goals = new Map(snapshot.goals.map((g) => [g.id, g]));
      state.ballots = snapshot.ballots || {};
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
      if (name === EVENTS.BALLOT_CHANGED) serverBallot(payload.round_id, payload.ballot);
    },
  };
}
