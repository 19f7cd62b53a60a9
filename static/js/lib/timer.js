// The countdown of the current phase, counted against the server's clock.
import { $$ } from "./dom.js";

let state = { endsAt: null, offset: 0 };
let ticking = null;

function format(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const minutes = Math.floor(s / 60);
  return `${minutes}:${String(s % 60).padStart(2, "0")}`;
}

function render(strings) {
  for (const box of $$("[data-timer]")) {
    const value = box.querySelector("[data-timer-value]");
    if (!state.endsAt) {
      box.hidden = true;
      continue;
    }
    box.hidden = false;
    const left = (state.endsAt - (Date.now() + state.offset)) / 1000;
    box.dataset.state = left <= 0 ? "over" : left <= 60 ? "ending" : "running";
    value.textContent = left <= 0 ? strings.timer_over : format(left);
  }
}

// timer: {ends_at, server_time} as sent by the server.
export function showTimer(timer, strings) {
  state = {
    endsAt: timer && timer.ends_at ? Date.parse(timer.ends_at) : null,
    offset: timer && timer.server_time ? Date.parse(timer.server_time) - Date.now() : 0,
  };
  render(strings);
  if (state.endsAt && !ticking) ticking = setInterval(() => render(strings), 500);
  if (!state.endsAt && ticking) {
    clearInterval(ticking);
    ticking = null;
  }
}
