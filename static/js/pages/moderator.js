// The moderator's control page: phases, countdown, head count, and the panels of each phase.
import { EVENTS } from "../lib/events.js";
import { createCardBoard } from "../lib/card_board.js";
import { $, $$, readConfig } from "../lib/dom.js";
import { createGoalBoard } from "../lib/goal_board.js";
import { createPlanPanel } from "../lib/plan_panel.js";
import { createPriorityPanel } from "../lib/priority_panel.js";
import { createRecapBoard } from "../lib/recap_board.js";
import { createResultsChoice } from "../lib/results_choice.js";
import { createRoundBoard } from "../lib/round_board.js";
import { createRoundForm } from "../lib/round_form.js";
import { WorkshopConnection, sendWithStatus } from "../lib/socket.js";
import { createStandInPanel } from "../lib/stand_in_panel.js";
import { showTimer } from "../lib/timer.js";
import { createVoteState } from "../lib/vote_state.js";
import { showPhase, showPresence, showWorkshop } from "../lib/workshop_view.js";

const config = readConfig();

let board = null;
let goalBoard = null;
let planPanel = null;
// Voting and deciding: one shared state, several panels that follow it.
const votes = createVoteState();
const recap = createRecapBoard($("[data-recap-panel]"));

// Panels marked data-phases="vote results" show in those phases only.
function showPanels(phase) {
  for (const panel of $$("[data-phases]")) {
    panel.hidden = !panel.dataset.phases.split(" ").includes(phase);
  }
}

const connection = new WorkshopConnection(config, {
  onPush(name, payload) {
    votes.onPush(name, payload);
    recap.onPush(name, payload);
    planPanel.onPush(name, payload);
  },
  onSnapshot(snapshot) {
    board.onSnapshot(snapshot);
    recap.onSnapshot(snapshot);
    goalBoard.onSnapshot(snapshot);
    votes.onSnapshot(snapshot);
    planPanel.onSnapshot(snapshot);
    showPanels(snapshot.workshop.phase);
    showWorkshop(snapshot.workshop);
    showPhase(config, snapshot.workshop.phase);
    showTimer(snapshot.timer, config.strings);
  },
  onEvent(name, payload) {
    board.onEvent(name, payload);
    goalBoard.onEvent(name, payload);
    votes.onEvent(name, payload);
    planPanel.onEvent(name, payload);
    if (name === EVENTS.PHASE_CHANGED) {
      showPanels(payload.phase);
      showPhase(config, payload.phase);
      showTimer(payload.timer, config.strings);
    } else if (name === EVENTS.TIMER_CHANGED) {
      showTimer(payload.timer, config.strings);
    } else if (name === EVENTS.WORKSHOP_CHANGED) {
      showWorkshop(payload.workshop);
      showPanels(payload.workshop.phase);
      showPhase(config, payload.workshop.phase);
    }
  },
  onPresence(presence) {
    showPresence(presence);
    for (const node of $$("[data-done]")) node.textContent = String(presence.done);
  },
});
goalBoard = createGoalBoard(connection, config);
createRoundBoard(connection, config, votes, createRoundForm(connection, config, votes));
createStandInPanel(connection, config, votes);
createPriorityPanel(connection, config, votes);
createResultsChoice(connection, config, votes);
planPanel = createPlanPanel(connection, config);
board = createCardBoard(connection, config, goalBoard);

const phaseStatus = $("[data-phase-status]");
const timerStatus = $("[data-timer-status]");

for (const button of $$("[data-phase]")) {
  button.addEventListener("click", () =>
    sendWithStatus(connection, phaseStatus, EVENTS.PHASE_SET, { phase: button.dataset.phase }),
  );
}
for (const button of $$("[data-phase-step]")) {
  button.addEventListener("click", () =>
    sendWithStatus(connection, phaseStatus, EVENTS.PHASE_STEP, {
      step: Number(button.dataset.phaseStep),
    }),
  );
}
for (const button of $$("[data-timer-minutes]")) {
  button.addEventListener("click", () =>
    sendWithStatus(connection, timerStatus, EVENTS.TIMER_START, {
      seconds: Number(button.dataset.timerMinutes) * 60,
    }),
  );
}
$("[data-timer-form]").addEventListener("submit", (event) => {
  event.preventDefault();
  const minutes = Number(event.currentTarget.elements.minutes.value);
  sendWithStatus(connection, timerStatus, EVENTS.TIMER_START, {
    seconds: Math.round(minutes * 60),
  });
});
$("[data-timer-extend]").addEventListener("click", () =>
  sendWithStatus(connection, timerStatus, EVENTS.TIMER_EXTEND, { seconds: 60 }),
);
$("[data-timer-stop]").addEventListener("click", () =>
  sendWithStatus(connection, timerStatus, EVENTS.TIMER_STOP, {}),
);
for (const input of $$("input.copy")) {
  input.addEventListener("focus", () => input.select());
}
