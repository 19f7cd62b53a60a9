// The beamer view: read-only. Lobby: join QR and code; look back (follow-ups only): the earlier
// goals with the room's traffic-light counts (js/lib/projector_recap.js); review: the card
// wall; clustering: the themes; goals: the strategic goals; vote and results: the voting rounds
// (progress while open, the results once revealed, side by side as the moderator chose, filtered
// to one action field) or the confirmed priorities (js/lib/projector_votes.js says when), or,
// before there is a round, the goals (the spotlight can come over each of them); closed: a
// thank-you; working groups: the confirmed goals' plans (js/lib/projector_plan.js). It sends
// nothing but the connection's own snapshot.get.
import { EVENTS } from "../lib/events.js";
import { $, $$, readConfig } from "../lib/dom.js";
import { WorkshopConnection } from "../lib/socket.js";
import { showTimer } from "../lib/timer.js";
import { ProjectorBoards } from "../lib/projector_themes.js";
import { ProjectorVotes } from "../lib/projector_votes.js";
import { ProjectorPlan } from "../lib/projector_plan.js";
import { ProjectorRecap } from "../lib/projector_recap.js";
import { Wall, fillPattern, renderSpotlight } from "../lib/wall.js";
import { showPhase, showPresence, showWorkshop } from "../lib/workshop_view.js";

const config = readConfig();
const grid = $(".projector-grid");
const spotlightBox = $("[data-spotlight]");
const doneLine = $("[data-done-line]");

// "?turn=15" sets how many seconds a page of a long column stays (1–120, default 10).
const turn = Number(new URLSearchParams(window.location.search).get("turn"));
const pageSeconds = turn >= 1 && turn <= 120 ? turn : 10;
const wall = new Wall($("[data-wall]"), { pageSeconds, legend: $("[data-wall-legend]") });
const boards = new ProjectorBoards($("[data-themes]"), $("[data-goals]"), { pageSeconds });
// A round or confirmed priorities may come or go while the phase stays: then the stage is chosen
// again.
const votes = new ProjectorVotes($("[data-votes]"), {
  pageSeconds,
  onChange: () => state.phase && setPhase(state.phase),
});

const recap = new ProjectorRecap($("[data-recap]"), { pageSeconds });

const plan = new ProjectorPlan($("[data-plan-board]"), config.strings, { pageSeconds });

const state = { phase: null, wall: null };

function viewFor(phase) {
  if (phase === "lobby") return "join";
  if (phase === "closed") return "closed";
  return "wall";
}

/** What the wall view shows: the cards, the themes, the goals or the voting results. */
function stageFor(phase) {
  if (phase === "recap") return "recap";
  if (phase === "cluster") return "themes";
  if (phase === "plan") return "plan";
  if (["vote", "results"].includes(phase) && votes.current()) return "votes";
  if (["goals", "vote", "results"].includes(phase)) return "goals";
  return "cards";
}

function setPhase(phase) {
  state.phase = phase;
  showPhase(config, phase);
  votes.setPhase(phase);
  const view = viewFor(phase);
  const stage = view === "wall" ? stageFor(phase) : null;
  grid.dataset.view = view;
  grid.dataset.stage = stage || "";
  for (const part of $$("[data-view-part]")) {
    part.hidden = part.dataset.viewPart !== view || Boolean(stage && part.dataset.stage !== stage);
  }
  wall.setActive(stage === "cards");
  boards.setMode(stage === "themes" || stage === "goals" ? stage : null);
  votes.setActive(stage === "votes");
  plan.setActive(stage === "plan");
  recap.setActive(stage === "recap");
  showSpotlight();
}

function showSpotlight() {
  // Only over the wall: never in the lobby or after closing.
  const card = state.phase && viewFor(state.phase) === "wall" ? state.wall?.spotlight : null;
  renderSpotlight(spotlightBox, card || null, wall);
  wall.pause(Boolean(card)); // nothing moves behind the card in focus
  boards.pause(Boolean(card));
  votes.pause(Boolean(card));
  plan.pause(Boolean(card));
  recap.pause(Boolean(card));
}

// Names on the projector only when the workshop uses names AND shows them on the projector.
function authorsAllowed(settings) {
  return Boolean(settings && settings.card_names === "names" && settings.show_authors);
}

// When names are switched on, the server's wall.changed carries resync: the connection then
// fetches the cards again, now with names.
function setWall(settings) {
  state.wall = settings;
  wall.setAuthors(authorsAllowed(settings));
  votes.setWall(settings);
  if (state.phase) setPhase(state.phase); // the rounds chosen for the results may change the stage
  else showSpotlight();
}

function showDone(presence) {
  showPresence(presence);
  if (doneLine) {
    doneLine.textContent = fillPattern(doneLine.dataset.pattern, {
      done: presence.done ?? 0,
      joined: presence.joined ?? 0,
    });
  }
}

const connection = new WorkshopConnection(config, {
  onSnapshot(snapshot) {
    showWorkshop(snapshot.workshop);
    wall.setStructure(snapshot.fields, snapshot.kinds);
    wall.setCards(snapshot.cards);
    boards.setStructure(snapshot.fields, snapshot.kinds);
    boards.setData(snapshot.cards, snapshot.clusters || [], snapshot.goals || []);
    votes.setStructure(snapshot.fields);
    votes.setGoals(snapshot.goals || []);
    votes.setRounds(snapshot.rounds || []);
    plan.onSnapshot(snapshot);
    recap.setData(snapshot.recap || []);
    state.wall = null;
    setWall(snapshot.wall);
    setPhase(snapshot.workshop.phase);
    showTimer(snapshot.timer, config.strings);
  },
  onEvent(name, payload) {
    plan.onEvent(name, payload);
    if (name === EVENTS.PHASE_CHANGED) {
      setPhase(payload.phase);
      showTimer(payload.timer, config.strings);
    } else if (name === EVENTS.TIMER_CHANGED) {
      showTimer(payload.timer, config.strings);
    } else if (name === EVENTS.WORKSHOP_CHANGED) {
      showWorkshop(payload.workshop);
      wall.setStructure(payload.fields, payload.kinds);
      boards.setStructure(payload.fields, payload.kinds);
      votes.setStructure(payload.fields);
      setPhase(payload.workshop.phase);
    } else if (name === EVENTS.CARD_CHANGED) {
      wall.putCard(payload.card);
      boards.putCard(payload.card);
      if (state.wall?.spotlight?.id === payload.card.id) {
        state.wall = { ...state.wall, spotlight: payload.card };
        showSpotlight();
      }
    } else if (name === EVENTS.CARD_REMOVED) {
      wall.removeCard(payload.card_id);
      boards.removeCard(payload.card_id);
      // A hidden or deleted card never stays in the spotlight, even before wall.changed.
      if (state.wall?.spotlight?.id === payload.card_id) {
        state.wall = { ...state.wall, spotlight: null };
        showSpotlight();
      }
    } else if (name === EVENTS.WALL_CHANGED) {
      setWall(payload.wall);
    } else if (name === EVENTS.CLUSTER_CHANGED) {
      boards.putCluster(payload.cluster);
    } else if (name === EVENTS.CLUSTER_REMOVED) {
      boards.removeCluster(payload.cluster_id);
    } else if (name === EVENTS.CARDS_ARRANGED) {
      boards.arrangeCards(payload.lists);
    } else if (name === EVENTS.GOAL_CHANGED) {
      boards.putGoal(payload.goal);
      votes.putGoal(payload.goal);
    } else if (name === EVENTS.GOAL_REMOVED) {
      boards.removeGoal(payload.goal_id);
      votes.removeGoal(payload.goal_id);
    } else if (name === EVENTS.GOALS_ARRANGED) {
      boards.arrangeGoals(payload.goal_ids);
    } else if (name === EVENTS.ROUND_CHANGED) {
      votes.putRound(payload.round);
    }
  },
  // Unversioned aggregates: how many have voted, and live tallies of a live round.
  onPush(name, payload) {
    if (name === EVENTS.ROUND_PROGRESS) votes.progress(payload);
    else if (name === EVENTS.ROUND_TALLY) votes.tally(payload);
    else if (name === EVENTS.GROUPS_CHANGED) plan.onPush(name, payload);
    else if (name === EVENTS.RECAP_CHANGED) recap.setData(payload.recap);
  },
  onPresence: showDone,
});
