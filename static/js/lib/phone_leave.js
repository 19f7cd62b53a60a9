// "Workshop verlassen" on the phone: confirm, send participant.leave, then open the join page.
// The texts come with the page (templates/join/_leave.html); the server deletes the person's
// data and the participant row, so this device holds no identity in the workshop any more.
import { EVENTS } from "./events.js";
import { $ } from "./dom.js";

export function setupLeave(connection) {
  const root = $("[data-leave]");
  if (!root) return;
  const open = $("[data-leave-open]", root);
  const panel = $("[data-leave-panel]", root);
  const confirm = $("[data-leave-confirm]", root);
  const cancel = $("[data-leave-cancel]", root);
  const status = $("[data-leave-status]", root);
  let leaving = false;

  // Commands still waiting in the outbox belong to the person who left: a fresh participant
  // joining later on this device must never send them.
  const goAway = () => {
    connection.outbox = [];
    connection.saveOutbox();
    window.location.assign(root.dataset.leaveTarget);
  };

  const show = (visible) => {
    panel.hidden = !visible;
    open.setAttribute("aria-expanded", String(visible));
    (visible ? confirm : open).focus();
  };
  open.addEventListener("click", () => show(panel.hidden));
  cancel.addEventListener("click", () => show(false));

  confirm.addEventListener("click", async () => {
    leaving = true;
    confirm.disabled = true;
    cancel.disabled = true;
    status.textContent = root.dataset.sending;
    const ack = await connection.send(EVENTS.PARTICIPANT_LEAVE);
    // Already gone (e.g. left in another tab a moment ago): the result is the same.
    if (ack.ok || ack.error.code === "participant_not_found") {
      goAway();
      return;
    }
    leaving = false;
    confirm.disabled = false;
    cancel.disabled = false;
    status.textContent = ack.error.message;
  });

  // Another tab of this device left: this one goes too (the leaving tab waits for its ack).
  connection.socket.on(EVENTS.PARTICIPANT_LEFT, () => {
    if (!leaving) goAway();
  });
}
