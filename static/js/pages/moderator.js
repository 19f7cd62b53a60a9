// The moderator's control page: phases, countdown and head count.
import { EVENTS } from "../lib/events.js";
import { createCardBoard } from "../lib/card_board.js";
import { $, $$, readConfig } from "../lib/dom.js";
import { createGoalBoard } from "../lib/goal_board.js";
import { createRoundBoard } from "../lib/round_board.js";
import { WorkshopConnection, sendWithStatus } from "../lib/socket.js";
import { showTimer } from "../lib/timer.js";
import { showPhase, showPresence, showWorkshop } from "../lib/workshop_view.js";

const config = readConfig();

let board = null;
let goalBoard = null;
let roundBoard = null;
const connection = new WorkshopConnection(config, {
  onPush: (name, payload) => roundBoard.onPush(name, payload),
  onSnapshot(snapshot) {
    board.onSnapshot(snapshot);
    goalBoard.onSnapshot(snapshot);
    roundBoard.onSnapshot(snapshot);
    showWorkshop(snapshot.workshop);
    showPhase(config, snapshot.workshop.phase);
    showTimer(snapshot.timer, config.strings);
  },
  onEvent(name, payload) {
    board.onEvent(name, payload);
    goalBoard.onEvent(name, payload);
    roundBoard.onEvent(name, payload);
    if (name === EVENTS.PHASE_CHANGED) {
      showPhase(config, payload.phase);
      showTimer(payload.timer, config.strings);
    } else if (name === EVENTS.TIMER_CHANGED) {
      showTimer(payload.timer, config.strings);
    } else if (name === EVENTS.WORKSHOP_CHANGED) {
      showWorkshop(payload.workshop);
      showPhase(config, payload.workshop.phase);
    }
  },
  onPresence(presence) {
    showPresence(presence);
    for (const node of $$("[data-done]")) node.textContent = String(presence.done);
  },
});
goalBoard = createGoalBoard(connection, config);
roundBoard = createRoundBoard(connection, config);
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
