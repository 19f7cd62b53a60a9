// The participant's phone: follows the phase, posts and manages own cards, edits the profile.
import { applyCardOrder, applyGoalOrder, byPosition } from "../lib/arrange.js";
import { EVENTS } from "../lib/events.js";
import { $, $$, el, readConfig } from "../lib/dom.js";
import { WorkshopConnection, sendWithStatus } from "../lib/socket.js";
import { showTimer } from "../lib/timer.js";
import { createPhoneVote } from "../lib/phone_vote.js";
import { createPhonePlan } from "../lib/phone_plan.js";
import { setupLeave } from "../lib/phone_leave.js";
import { priorityMarks } from "../lib/phone_results.js";
import { createPhoneRecap } from "../lib/phone_recap.js";
import { showPhase, showWorkshop } from "../lib/workshop_view.js";

const config = readConfig();
const S = config.strings;
const MAX_TEXT = 500;
const state = {
  phase: "lobby",
  fields: [],
  kinds: [],
  wall: {},
  me: null,
  cards: new Map(),
  clusters: new Map(),
  goals: new Map(),
};
const choiceKey = `workshop:${config.workshop}:choice`;

function fieldName(id) {
  return state.fields.find((f) => f.id === id)?.name || "";
}

function kindOf(id) {
  return state.kinds.find((k) => k.id === id) || { name: "", color: "grey" };
}

function collectOpen() {
  return state.phase === "collect" && !state.wall.collect_locked;
}

// --- choices of field and kind -------------------------------------------------------------

function rememberedChoice() {
  try {
    return JSON.parse(localStorage.getItem(choiceKey) || "{}");
  } catch {
    return {};
  }
}

function renderChoices(container, name, items, chosen, withColour) {
  const nodes = items.map((item) => {
    const label = el("label", "", `choice-chip${withColour ? ` kind-${item.color}` : ""}`);
    const input = document.createElement("input");
    input.type = "radio";
    input.name = name;
    input.value = String(item.id);
    input.checked = item.id === chosen;
    label.append(input, el("span", item.name));
    return label;
  });
  container.replaceChildren(...nodes);
}

function showStructure() {
  const chosen = rememberedChoice();
  renderChoices($("[data-field-choices]"), "field_id", state.fields, chosen.field_id, false);
  renderChoices($("[data-kind-choices]"), "kind_id", state.kinds, chosen.kind_id, true);
  $("[data-field-list]").replaceChildren(...state.fields.map((f) => el("li", f.name)));
}

// --- own cards -----------------------------------------------------------------------------

function cardMeta(card) {
  const meta = el("p", "", "card-meta");
  const kind = kindOf(card.kind_id);
  meta.append(el("span", kind.name, `kind-label kind-${kind.color}`), el("span", fieldName(card.field_id)));
  return meta;
}

function editForm(card, item) {
  const form = el("form", "", "stack edit-form");
  const label = el("label", S.edit, "visually-hidden");
  const area = document.createElement("textarea");
  area.id = `edit-${card.id}`;
  label.htmlFor = area.id;
  area.maxLength = MAX_TEXT;
  area.rows = 3;
  area.value = card.text;
  const status = el("p", "", "form-status");
  status.setAttribute("role", "status");
  const save = el("button", S.save, "button small primary");
  save.type = "submit";
  const cancel = el("button", S.cancel, "button small");
  cancel.type = "button";
  cancel.addEventListener("click", () => renderMine());
  const row = el("div", "", "actions");
  row.append(save, cancel);
  form.append(label, area, row, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ack = await sendWithStatus(connection, status, EVENTS.CARD_EDIT, {
      card_id: card.id,
      text: area.value,
    });
    if (ack.ok) renderMine();
  });
  item.replaceChildren(cardMeta(card), form);
  area.focus();
}

function ownCardItem(card) {
  const item = el("li", "", `my-card kind-border-${kindOf(card.kind_id).color}`);
  item.append(cardMeta(card), el("p", card.text, "card-text"));
  const notes = [];
  if (card.edited) notes.push(S.edited_by_moderator);
  if (card.hidden) notes.push(S.hidden_by_moderator);
  if (card.supports) notes.push(`+${card.supports}`);
  if (notes.length) item.append(el("p", notes.join(" · "), "hint"));
  if (collectOpen()) {
    const row = el("div", "", "actions");
    const edit = el("button", S.edit, "button small");
    edit.type = "button";
    edit.addEventListener("click", () => editForm(card, item));
    const remove = el("button", S.delete, "button small danger");
    remove.type = "button";
    remove.addEventListener("click", () => {
      if (window.confirm(S.confirm_delete)) connection.send(EVENTS.CARD_DELETE, { card_id: card.id });
    });
    row.append(edit, remove);
    item.append(row);
  }
  return item;
}

function pendingCardItem(command) {
  const card = { ...command.payload, edited: false, hidden: false, supports: 0 };
  const item = el("li", "", `my-card pending kind-border-${kindOf(card.kind_id).color}`);
  item.append(cardMeta(card), el("p", card.text, "card-text"), el("p", S.sending, "hint"));
  return item;
}

function renderMine() {
  const pending = connection.pending(EVENTS.CARD_POST).map(pendingCardItem);
  const mine = (state.me?.cards || []).slice().reverse().map(ownCardItem);
  $("[data-my-cards]").replaceChildren(...pending, ...mine);
  $("[data-my-cards-empty]").hidden = pending.length + mine.length > 0;
}

// --- new card ------------------------------------------------------------------------------

const form = $("[data-card-form]");
const textArea = $("#card-text");

function showCounter() {
  const left = MAX_TEXT - textArea.value.length;
  const counter = $("[data-card-counter]");
  counter.textContent = (left >= 0 ? S.chars_left : S.chars_over).replace("{n}", Math.abs(left));
  counter.dataset.state = left < 20 ? "low" : "ok";
}

let similarTimer = null;
function lookForSimilar() {
  clearTimeout(similarTimer);
  const text = textArea.value.trim();
  if (text.length < 8) {
    $("[data-similar]").hidden = true;
    return;
  }
  similarTimer = setTimeout(async () => {
    const field = form.elements.field_id?.value;
    const ack = await connection.request(EVENTS.CARD_SIMILAR, {
      text,
      field_id: field ? Number(field) : null,
    });
    const own = new Set((state.me?.cards || []).map((c) => c.id));
    const found = ack && ack.ok ? ack.data.cards.filter((c) => !own.has(c.id)) : [];
    showSimilar(found);
  }, 600);
}

function showSimilar(cards) {
  const supported = new Set(state.me?.supported || []);
  const items = cards.map((card) => {
    const item = el("li", "", "similar-card");
    const button = el("button", supported.has(card.id) ? S.supported : S.support, "button small");
    button.type = "button";
    button.disabled = supported.has(card.id);
    button.addEventListener("click", async () => {
      button.disabled = true;
      button.textContent = S.sending;
      const ack = await connection.send(EVENTS.CARD_SUPPORT, { card_id: card.id, support: true });
      button.textContent = ack.ok ? S.supported : ack.error.message;
    });
    item.append(el("p", card.text, "card-text"), button);
    return item;
  });
  $("[data-similar-list]").replaceChildren(...items);
  $("[data-similar]").hidden = items.length === 0;
}

textArea.addEventListener("input", () => {
  showCounter();
  lookForSimilar();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = $("[data-card-status]");
  const field = form.elements.field_id?.value;
  const kind = form.elements.kind_id?.value;
  if (!field || !kind) {
    status.textContent = !field ? S.choose_field : S.choose_kind;
    status.dataset.state = "error";
    return;
  }
  localStorage.setItem(choiceKey, JSON.stringify({ field_id: Number(field), kind_id: Number(kind) }));
  const text = textArea.value;
  // The card is kept in the outbox (and shown as pending) until the server confirms it.
  const sending = sendWithStatus(connection, status, EVENTS.CARD_POST, {
    field_id: Number(field),
    kind_id: Number(kind),
    text,
  });
  textArea.value = "";
  showCounter();
  $("[data-similar]").hidden = true;
  const ack = await sending;
  if (ack.ok) status.textContent = S.card_sent;
  else if (!textArea.value) textArea.value = text;
});

$("[data-done]").addEventListener("change", (event) => {
  connection.send(EVENTS.PARTICIPANT_DONE, { done: event.currentTarget.checked });
});

// --- themes (read-only while the moderator clusters) -----------------------------------------


function themeBlock(title, cards) {
  const block = el("section", "", "theme");
  block.append(el("h3", title));
  const list = el("ul", "", "plain-list theme-cards");
  for (const card of cards) {
    const kind = kindOf(card.kind_id);
    const item = el("li", "", `theme-card kind-border-${kind.color}`);
    item.append(el("span", kind.name, `kind-label kind-${kind.color}`), el("span", ` ${card.text}`));
    list.append(item);
  }
  block.append(list);
  return block;
}

function showThemes() {
  const shown = ["cluster", "goals"].includes(state.phase);
  $("[data-clusters-view]").hidden = !shown;
  if (!shown) return;
  const cards = [...state.cards.values()].sort(byPosition);
  const blocks = [];
  for (const cluster of [...state.clusters.values()].sort(byPosition)) {
    const members = cards.filter((c) => c.cluster_id === cluster.id);
    const field = cluster.field_id ? ` · ${fieldName(cluster.field_id)}` : "";
    blocks.push(themeBlock(`${cluster.name || S.unnamed}${field}`, members));
  }
  for (const field of state.fields) {
    const loose = cards.filter((c) => c.cluster_id === null && c.field_id === field.id);
    if (loose.length) blocks.push(themeBlock(`${field.name} · ${S.no_cluster}`, loose));
  }
  $("[data-theme-list]").replaceChildren(...blocks);
}

function showGoals() {
  const shown = ["goals", "vote", "results"].includes(state.phase);
  $("[data-goals-view]").hidden = !shown;
  if (!shown) return;
  const ordered = [...state.goals.values()].sort(byPosition);
  const groups = [...state.fields, { id: null, name: S.across_fields }].map((field) => {
    const mine = ordered.filter((goal) => goal.field_id === field.id);
    if (!mine.length) return null;
    const group = el("section", "", "theme");
    group.append(el("h3", field.name));
    const list = el("ol", "", "goal-list");
    for (const goal of mine) {
      const item = el("li", "", `goal-item${goal.priority ? " prioritised" : ""}`);
      item.dataset.goalId = String(goal.id);
      item.append(el("p", goal.title, "goal-title"));
      if (goal.description) item.append(el("p", goal.description, "card-text"));
      item.append(...priorityMarks(goal, S));
      list.append(item);
    }
    group.append(list);
    return group;
  });
  const filled = groups.filter(Boolean);
  $("[data-goal-groups]").replaceChildren(...(filled.length ? filled : [el("p", S.no_goals, "hint")]));
}

function applyCardEvent(name, payload) {
  if (name === EVENTS.CARD_CHANGED) state.cards.set(payload.card.id, payload.card);
  else if (name === EVENTS.CARD_REMOVED) state.cards.delete(payload.card_id);
  else if (name === EVENTS.CLUSTER_CHANGED) state.clusters.set(payload.cluster.id, payload.cluster);
  else if (name === EVENTS.CLUSTER_REMOVED) state.clusters.delete(payload.cluster_id);
  else if (name === EVENTS.CARDS_ARRANGED) applyCardOrder(state.cards, payload);
  else if (name === EVENTS.GOAL_CHANGED) state.goals.set(payload.goal.id, payload.goal);
  else if (name === EVENTS.GOAL_REMOVED) state.goals.delete(payload.goal_id);
  else if (name === EVENTS.GOALS_ARRANGED) applyGoalOrder(state.goals, payload);
  else return;
  showThemes();
  showGoals();
}

// --- the whole page ------------------------------------------------------------------------

function showCollect() {
  for (const section of $$("[data-collect]")) section.hidden = state.phase !== "collect";
  for (const section of $$("[data-lobby-only]")) section.hidden = state.phase !== "lobby";
  const locked = Boolean(state.wall.collect_locked);
  $("[data-locked-note]").hidden = !locked;
  form.hidden = locked;
  renderMine();
}

function showMe(me) {
  state.me = me;
  $("[data-done]").checked = Boolean(me.done);
  const profile = $("[data-profile-form]");
  if (!profile.contains(document.activeElement)) {
    profile.elements.display_name.value = me.display_name;
    profile.elements.organisation.value = me.organisation;
  }
  renderMine();
}

let vote = null;
let recap = null;
let plan = null;
const connection = new WorkshopConnection(config, {
  onPush(name, payload) {
    vote.onPush(name, payload);
    recap.onPush(name, payload);
    plan.onPush(name, payload);
  },
  onSnapshot(snapshot) {
    vote.onSnapshot(snapshot);
    recap.onSnapshot(snapshot);
    plan.onSnapshot(snapshot);
    Object.assign(state, {
      phase: snapshot.workshop.phase,
      fields: snapshot.fields,
      kinds: snapshot.kinds,
      wall: snapshot.wall,
      cards: new Map(snapshot.cards.map((c) => [c.id, c])),
      clusters: new Map(snapshot.clusters.map((c) => [c.id, c])),
      goals: new Map(snapshot.goals.map((g) => [g.id, g])),
    });
    showWorkshop(snapshot.workshop);
    showPhase(config, state.phase);
    showStructure();
    showTimer(snapshot.timer, S);
    showCollect();
    showThemes();
    showGoals();
  },
  onEvent(name, payload) {
    vote.onEvent(name, payload);
    recap.onEvent(name, payload);
    plan.onEvent(name, payload);
    applyCardEvent(name, payload);
    if (name === EVENTS.PHASE_CHANGED) {
      state.phase = payload.phase;
      showPhase(config, payload.phase);
      showTimer(payload.timer, S);
      showCollect();
      showThemes();
      showGoals();
    } else if (name === EVENTS.TIMER_CHANGED) {
      showTimer(payload.timer, S);
    } else if (name === EVENTS.WORKSHOP_CHANGED) {
      Object.assign(state, { phase: payload.workshop.phase, fields: payload.fields, kinds: payload.kinds });
      showWorkshop(payload.workshop);
      showPhase(config, state.phase);
      showStructure();
      showCollect();
    } else if (name === EVENTS.WALL_CHANGED) {
      state.wall = payload.wall;
      showCollect();
    }
  },
  onMe(me) {
    showMe(me);
    recap.onMe(me);
    plan.onMe(me);
  },
  onOutbox: renderMine,
});

vote = createPhoneVote(connection, config);
plan = createPhonePlan(connection, config);
recap = createPhoneRecap(connection, $("[data-recap-view]"));
setupLeave(connection);
showCounter();

$("[data-profile-form]").addEventListener("submit", (event) => {
  event.preventDefault();
  const profile = event.currentTarget;
  sendWithStatus(connection, $("[data-profile-status]"), EVENTS.PROFILE_UPDATE, {
    display_name: profile.elements.display_name.value,
    organisation: profile.elements.organisation.value,
  });
});
