// The phone during voting and results: the open round's ballot (any method, via the ballot
// editor), what stays secret, and the revealed results of every round.
import { createBallotEditor } from "./ballot_editor.js";
import { EVENTS } from "./events.js";
import { $, $$, el } from "./dom.js";
import { resultView, roundName, turnoutText } from "./phone_results.js";
import { sendWithStatus } from "./socket.js";

export function createPhoneVote(connection, config) {
  const S = config.strings;
  const state = { rounds: new Map(), goals: new Map(), ballots: {}, phase: "lobby" };
  // Which result boxes the voter opened or closed by hand (else: the latest one is open).
  const toggled = new Map();
  const status = $("[data-vote-status]");

  const ballotOf = (roundId) => state.ballots[roundId] ?? state.ballots[String(roundId)];

  const editor = createBallotEditor($("[data-ballot-editor]"), {
    strings: S,
    summary: $("[data-ballot-summary]"),
    goalTitle: (goalId) => state.goals.get(goalId)?.title || "",
    async send(event, payload) {
      const ack = await sendWithStatus(connection, status, event, payload);
      if (ack.ok) state.ballots[ack.data.round_id] = ack.data.ballot;
      return ack;
    },
  });

  const ordered = () => [...state.rounds.values()].sort((a, b) => a.position - b.position);

  /** "23 von 31 haben abgestimmt": the only aggregate a phone sees before the reveal. */
  function showProgress(round) {
    $("[data-vote-progress]").textContent = turnoutText(round.progress, S);
  }

  function renderOpen(round) {
    $("[data-vote-open]").hidden = !round;
    // The workshop's countdown is shown next to the ballot; the phase card's copy steps back.
    document.body.dataset.voting = round ? "open" : "";
    if (!round) return;
    for (const note of $$("[data-secret-note]")) note.hidden = note.dataset.secretNote !== round.method;
    $("[data-live-note]").hidden = !round.live_results;
    showProgress(round);
    editor.show(round, ballotOf(round.id));
  }

  function resultBox(round, open) {
    const box = el("details", "", "result-round");
    box.dataset.roundId = String(round.id);
    box.open = toggled.get(round.id) ?? open;
    box.append(el("summary", roundName(round, S), "result-summary"), ...resultView(round, state.goals, S));
    box.addEventListener("toggle", () => toggled.set(round.id, box.open));
    return box;
  }

  function render() {
    const shown = ["vote", "results"].includes(state.phase);
    $("[data-vote-view]").hidden = !shown;
    const rounds = ordered();
    const open = shown ? rounds.find((r) => r.status === "open") || null : null;
    renderOpen(open);
    if (!shown) return;
    const latest = rounds[rounds.length - 1] || null;
    const revealed = rounds.filter((r) => r.results).reverse();
    $("[data-vote-title]").textContent = open
      ? roundName(open, S)
      : revealed.length
        ? S.result
        : S.vote;
    $("[data-results-heading]").hidden = !open;
    const waiting = $("[data-vote-waiting]");
    waiting.hidden = Boolean(open) || (revealed.length > 0 && revealed[0] === latest);
    waiting.textContent = latest?.status === "closed" ? S.round_closed : S.waiting;
    $("[data-vote-results]").hidden = revealed.length === 0;
    $("[data-result-rounds]").replaceChildren(
      ...revealed.map((round, index) => resultBox(round, !open && index === 0)),
    );
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
      else if (name === EVENTS.GOAL_REMOVED) state.goals.delete(payload.goal_id);
      else return;
      render();
    },
    onPush(name, payload) {
      const round = state.rounds.get(payload.round_id);
      if (name === EVENTS.BALLOT_CHANGED) {
        state.ballots[payload.round_id] = payload.ballot;
        if (round?.status === "open") editor.setServerBallot(payload.ballot);
      } else if (name === EVENTS.ROUND_PROGRESS && round) {
        // Only this line changes: the ballot being edited stays as it is.
        const { round_id: _id, ...progress } = payload;
        round.progress = progress;
        if (round.status === "open") showProgress(round);
      }
    },
  };
}
