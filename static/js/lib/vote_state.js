// What the moderator's voting and deciding panels share: phase, action fields, goals, rounds,
// stand-ins and the projector's results choice, kept current from snapshots and pushes.
// One copy for all panels, so that a push is applied once and every panel shows the same state.
import { applyGoalOrder, byPosition } from "./arrange.js";
import { EVENTS } from "./events.js";

// Which part changed, so a panel can skip work that does not concern it (progress arrives
// up to three times a second per round).
export const CHANGED = Object.freeze({
  ALL: "all",
  PHASE: "phase",
  GOALS: "goals",
  ROUNDS: "rounds",
  PROGRESS: "progress",
  STAND_INS: "stand_ins",
  WALL: "wall",
});

export function createVoteState() {
  const state = {
    phase: "lobby",
    fields: [],
    goals: new Map(),
    rounds: new Map(),
    standIns: [],
    wall: {},
  };
  const listeners = [];
  const notify = (what) => {
    for (const listener of listeners) listener(what);
  };

  // Event name -> how it changes the state, and which part it touches.
  const apply = {
    [EVENTS.PHASE_CHANGED]: (p) => ((state.phase = p.phase), CHANGED.PHASE),
    [EVENTS.WORKSHOP_CHANGED]: (p) => {
      state.fields = p.fields;
      state.phase = p.workshop.phase;
      return CHANGED.ALL;
    },
    [EVENTS.GOAL_CHANGED]: (p) => (state.goals.set(p.goal.id, p.goal), CHANGED.GOALS),
    [EVENTS.GOAL_REMOVED]: (p) => (state.goals.delete(p.goal_id), CHANGED.GOALS),
    [EVENTS.GOALS_ARRANGED]: (p) => (applyGoalOrder(state.goals, p), CHANGED.GOALS),
    [EVENTS.ROUND_CHANGED]: (p) => (state.rounds.set(p.round.id, p.round), CHANGED.ROUNDS),
    [EVENTS.STAND_INS_CHANGED]: (p) => ((state.standIns = p.stand_ins), CHANGED.STAND_INS),
    [EVENTS.WALL_CHANGED]: (p) => ((state.wall = p.wall), CHANGED.WALL),
  };

  return {
    state,
    subscribe(listener) {
      listeners.push(listener);
    },
    goals: () => [...state.goals.values()].sort(byPosition),
    rounds: () => [...state.rounds.values()].sort(byPosition),
    goalTitle: (id) => state.goals.get(id)?.title ?? "",
    openRound: () => [...state.rounds.values()].find((r) => r.status === "open") || null,
    // Rounds whose result is final: a follow-up round or the priorities may start from them.
    finishedRounds() {
      return this.rounds().filter((r) => r.status === "closed" || r.status === "revealed");
    },
    onSnapshot(snapshot) {
      state.phase = snapshot.workshop.phase;
      state.fields = snapshot.fields;
      state.goals = new Map(snapshot.goals.map((g) => [g.id, g]));
      state.rounds = new Map(snapshot.rounds.map((r) => [r.id, r]));
      state.standIns = snapshot.stand_ins || [];
      state.wall = snapshot.wall || {};
      notify(CHANGED.ALL);
    },
    onEvent(name, payload) {
      const what = apply[name]?.(payload);
      if (what) notify(what);
    },
    onPush(name, payload) {
      const round = state.rounds.get(payload.round_id);
      if (!round) return;
      if (name === EVENTS.ROUND_PROGRESS) {
        const { voted, eligible, proxy, paper } = payload;
        round.progress = { voted, eligible, proxy, paper };
      } else if (name === EVENTS.ROUND_TALLY) {
        round.results = payload.results;
      } else {
        return;
      }
      notify(CHANGED.PROGRESS);
    },
  };
}
