// Rendering shared by all pages: title, phase label and panels, join code.
import { $$, setText } from "./dom.js";

export function showPhase(config, phase) {
  setText("[data-phase-label]", config.phaseLabels[phase] || phase);
  document.body.dataset.currentPhase = phase;
  for (const panel of $$("[data-phase-panel]")) {
    panel.hidden = panel.dataset.phasePanel !== phase;
  }
  for (const button of $$("[data-phase]")) {
    const current = button.dataset.phase === phase;
    button.setAttribute("aria-pressed", current ? "true" : "false");
  }
}

export function showWorkshop(workshop) {
  setText("[data-workshop-title]", workshop.title);
  setText("[data-join-code]", workshop.join_code);
}

export function showPresence(presence) {
  setText("[data-joined]", String(presence.joined));
  setText("[data-connected]", String(presence.connected));
}
