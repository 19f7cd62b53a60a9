// The beamer view: read-only, follows phase, countdown and head count.
import { EVENTS } from "../lib/events.js";
import { readConfig } from "../lib/dom.js";
import { WorkshopConnection } from "../lib/socket.js";
import { showTimer } from "../lib/timer.js";
import { showPhase, showPresence, showWorkshop } from "../lib/workshop_view.js";

const config = readConfig();

new WorkshopConnection(config, {
  onSnapshot(snapshot) {
    showWorkshop(snapshot.workshop);
    showPhase(config, snapshot.workshop.phase);
    showTimer(snapshot.timer, config.strings);
  },
  onEvent(name, payload) {
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
  onPresence: showPresence,
});
