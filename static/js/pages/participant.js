// The participant's phone: follows the phase live and edits the optional profile.
import { EVENTS } from "../lib/events.js";
import { $, el, readConfig } from "../lib/dom.js";
import { WorkshopConnection, sendWithStatus } from "../lib/socket.js";
import { showTimer } from "../lib/timer.js";
import { showPhase, showWorkshop } from "../lib/workshop_view.js";

const config = readConfig();

function showFields(fields) {
  const list = $("[data-field-list]");
  list.replaceChildren(...fields.map((field) => el("li", field.name)));
}

const connection = new WorkshopConnection(config, {
  onSnapshot(snapshot) {
    showWorkshop(snapshot.workshop);
    showPhase(config, snapshot.workshop.phase);
    showFields(snapshot.fields);
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
      showFields(payload.fields);
    }
  },
  onMe(me) {
    const form = $("[data-profile-form]");
    if (document.activeElement && form.contains(document.activeElement)) return;
    form.elements.display_name.value = me.display_name;
    form.elements.organisation.value = me.organisation;
  },
});

$("[data-profile-form]").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  sendWithStatus(connection, $("[data-profile-status]"), EVENTS.PROFILE_UPDATE, {
    display_name: form.elements.display_name.value,
    organisation: form.elements.organisation.value,
  });
});
