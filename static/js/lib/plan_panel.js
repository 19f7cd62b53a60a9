// Planning the implementation of the goals: per goal the working group, lead, target,
// indicator and status, and its measures (Maßnahmen). createPlanEditor() is the editor of one
// goal, shared by the moderator's panel (createPlanPanel, below) and the phones of a working
// group (phone_plan.js); planSummary() is the same plan read-only.
//
// Every field saves itself when it is left or Enter is pressed and says "Gespeichert" or the
// server's error next to it. A push never overwrites a field somebody is typing in, nor one
// whose change was refused (its text stays, to be corrected); a field that was only focused
// takes every push.
import { applyGoalOrder, byPosition } from "./arrange.js";
import { EVENTS } from "./events.js";
import { $, $$, button, clearSent, el, fieldValues, fill, reorderChildren } from "./dom.js";
import { sendWithStatus } from "./socket.js";

const PLAN_STATUSES = ["planned", "in_progress", "done", "dropped"];
// Longest values, as the server checks them (workshop/services/plans.py).
const PLAN_LIMITS = { working_group: 120, lead: 120, target: 60, indicator: 1000 };
const MEASURE_LIMITS = { text: 500, owner: 120, due: 60 };
const MAX_MEASURES = 30;

export const statusLabel = (S, status) => S[`plan_status_${status}`] || status;

export function countLabel(S, n) {
  return fill(n === 1 ? S.plan_measure_one : S.plan_measures_count, { n });
}

function statusSelect(S, id) {
  const select = document.createElement("select");
  select.id = id;
  for (const status of PLAN_STATUSES) {
    const option = el("option", statusLabel(S, status));
    option.value = status;
    select.append(option);
  }
  return select;
}

function labelled(labelText, control, className = "plan-field") {
  const box = el("div", "", className);
  const label = el("label", labelText);
  label.htmlFor = control.id;
  box.append(label, control);
  return box;
}

function textControl(tag, id, maxLength) {
  const node = document.createElement(tag);
  node.id = id;
  node.maxLength = maxLength;
  if (tag === "input") node.type = "text";
  return node;
}

/**
 * One editable value (input, textarea or select) bound to the server's value: send(value)
 * runs the command and resolves with the ack; a state line shows the outcome.
 */
function bindControl(control, stateNode, send, { multiline = false } = {}) {
  const binding = { server: "", edited: false, pending: 0, failed: false };

  async function commit() {
    if (control.tagName !== "SELECT" && !binding.edited) return;
    binding.edited = false;
    if (control.value === binding.server && !binding.failed) return;
    binding.pending += 1;
    const ack = await send(control.value);
    binding.pending -= 1;
    binding.failed = !ack.ok;
    // A refused select goes back to what the server has; a refused text stays to be fixed.
    if (ack.ok) {
      control.removeAttribute("aria-invalid");
    } else if (control.tagName === "SELECT") {
      control.value = binding.server;
    } else {
      binding.edited = true;
      control.setAttribute("aria-invalid", "true");
    }
  }

  if (control.tagName === "SELECT") {
    control.addEventListener("change", commit);
  } else {
    control.addEventListener("input", () => {
      binding.edited = true;
    });
    control.addEventListener("blur", commit);
    control.addEventListener("keydown", (event) => {
      // Enter saves; in the indicator (several lines) Enter is a new line and Ctrl+Enter saves.
      const save = event.key === "Enter" && (!multiline || event.ctrlKey || event.metaKey);
      if (save && !event.isComposing) {
        event.preventDefault();
        commit();
      } else if (event.key === "Escape" && binding.edited) {
        binding.edited = false;
        binding.failed = false;
        control.value = binding.server;
        control.removeAttribute("aria-invalid");
        stateNode.textContent = "";
        delete stateNode.dataset.state;
      }
    });
  }

  binding.sync = (value) => {
    binding.server = value ?? "";
    if (binding.edited || binding.pending || (binding.failed && control.tagName !== "SELECT")) {
      return;
    }
    if (control.value !== binding.server) control.value = binding.server;
  };
  return binding;
}

function stateLine() {
  const node = el("p", "", "form-status plan-state");
  node.setAttribute("role", "status");
  node.setAttribute("aria-live", "polite");
  return node;
}

/**
 * The editor of one goal's plan and measures. context for update(): {fieldName} (the action
 * field's name, or "").
 */
export function createPlanEditor(connection, S, goalId) {
  const id = (name) => `plan-${goalId}-${name}`;
  const node = el("article", "", "plan-goal");
  node.dataset.goalId = String(goalId);
  node.setAttribute("aria-labelledby", id("title"));
  const head = el("header", "", "plan-goal-head");
  const badge = el("span", "", "priority-badge");
  const title = el("h3", "", "plan-goal-title");
  title.id = id("title");
  const field = el("p", "", "hint plan-goal-field");
  head.append(badge, title, field);

  // The plan's own fields.
  const plan = {};
  const planBox = el("div", "", "plan-fields");
  const planFields = [
    ["working_group", S.plan_working_group, "input"],
    ["lead", S.plan_lead, "input"],
    ["target", S.plan_target, "input"],
    ["status", S.plan_status, "select"],
    ["indicator", S.plan_indicator, "textarea"],
  ];
  for (const [name, label, tag] of planFields) {
    const control =
      tag === "select" ? statusSelect(S, id(name)) : textControl(tag, id(name), PLAN_LIMITS[name]);
    control.dataset.planField = name;
    if (name === "target") control.placeholder = S.plan_target_example;
    if (tag === "textarea") control.rows = 2;
    const state = stateLine();
    const box = labelled(label, control, `plan-field plan-field-${name}`);
    box.append(state);
    planBox.append(box);
    plan[name] = bindControl(
      control,
      state,
      (value) =>
        sendWithStatus(connection, state, EVENTS.PLAN_SET, { goal_id: goalId, [name]: value }),
      { multiline: tag === "textarea" },
    );
  }

  // The measures.
  const measuresHead = el("h4", "", "plan-measures-head");
  const list = el("ol", "", "plan-measures");
  const empty = el("p", S.plan_no_measures, "hint");
  const listStatus = stateLine(); // moves, deletions, undo
  const undoBar = el("div", "", "plan-undo");
  undoBar.hidden = true;
  const undoText = el("p", "", "plan-undo-text");
  undoBar.append(undoText);
  const rows = new Map(); // measure id -> row

  const addForm = el("form", "", "plan-measure-form");
  addForm.noValidate = true;
  const addText = textControl("textarea", id("new-text"), MEASURE_LIMITS.text);
  addText.rows = 2;
  addText.name = "text";
  const addOwner = textControl("input", id("new-owner"), MEASURE_LIMITS.owner);
  addOwner.name = "owner";
  const addDue = textControl("input", id("new-due"), MEASURE_LIMITS.due);
  addDue.name = "due";
  const addButton = el("button", S.plan_measure_add, "button primary");
  addButton.type = "submit";
  const addStatus = stateLine();
  const addMeta = el("div", "", "plan-measure-meta");
  addMeta.append(
    labelled(S.plan_measure_owner, addOwner),
    labelled(S.plan_measure_due, addDue),
  );
  addForm.append(labelled(S.plan_measure_new, addText), addMeta, addButton, addStatus);
  addText.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      addButton.click(); // (requestSubmit is missing on older phones)
    }
  });
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = fieldValues(addForm, ["text", "owner", "due"]);
    const ack = await sendWithStatus(connection, addStatus, EVENTS.MEASURE_ADD, {
      goal_id: goalId,
      ...sent,
    });
    if (ack.ok) {
      clearSent(addForm, sent);
      addText.focus();
    } else if (ack.error.fields?.includes("text") || ack.error.code.startsWith("text_")) {
      addText.setAttribute("aria-invalid", "true");
    }
  });

  node.append(head, planBox, measuresHead, list, empty, undoBar, listStatus, addForm);

  let current = null; // the goal as last drawn

  function move(measureId, position) {
    sendWithStatus(connection, listStatus, EVENTS.MEASURE_MOVE, {
      measure_id: measureId,
      position,
    });
  }

  function showUndo(measure, index) {
    undoText.textContent = fill(S.plan_measure_deleted, { text: measure.text });
    const undo = button(S.plan_undo, async () => {
      undoBar.hidden = true;
      const count = current ? current.measures.length : 0;
      const ack = await sendWithStatus(connection, listStatus, EVENTS.MEASURE_ADD, {
        goal_id: goalId,
        text: measure.text,
        owner: measure.owner,
        due: measure.due,
        status: measure.status,
      });
      // Back to where it was (it was added at the end).
      if (ack.ok && index < count) move(ack.data.measure_id, index);
    });
    const dismiss = button(S.plan_dismiss, () => {
      undoBar.hidden = true;
    });
    undoBar.replaceChildren(undoText, undo, dismiss);
    undoBar.hidden = false;
    // The deleted row goes: the focus goes to the way back.
    undo.focus();
  }

  async function remove(measureId) {
    const index = current.measures.findIndex((m) => m.id === measureId);
    const measure = current.measures[index];
    const ack = await sendWithStatus(connection, listStatus, EVENTS.MEASURE_DELETE, {
      measure_id: measureId,
    });
    if (ack.ok && measure) showUndo(measure, index);
  }

  function newRow(measureId) {
    const mid = (name) => `plan-measure-${measureId}-${name}`;
    const item = el("li", "", "plan-measure");
    item.dataset.measureId = String(measureId);
    const state = stateLine();
    const send = (name) => (value) =>
      sendWithStatus(connection, state, EVENTS.MEASURE_UPDATE, {
        measure_id: measureId,
        [name]: value,
      });
    const text = textControl("textarea", mid("text"), MEASURE_LIMITS.text);
    text.rows = 2;
    const owner = textControl("input", mid("owner"), MEASURE_LIMITS.owner);
    const due = textControl("input", mid("due"), MEASURE_LIMITS.due);
    const status = statusSelect(S, mid("status"));
    const textBox = labelled("", text, "plan-field plan-measure-text");
    const meta = el("div", "", "plan-measure-meta");
    meta.append(
      labelled(S.plan_measure_owner, owner),
      labelled(S.plan_measure_due, due),
      labelled(S.plan_status, status),
    );
    const up = button("↑", () => move(measureId, row.index - 1), "button small plan-move");
    const down = button("↓", () => move(measureId, row.index + 1), "button small plan-move");
    const del = button(S.delete, () => remove(measureId), "button small danger");
    const actions = el("div", "", "plan-measure-actions");
    actions.append(up, down, del);
    item.append(textBox, meta, actions, state);
    const row = {
      item,
      label: textBox.querySelector("label"),
      up,
      down,
      del,
      index: 0,
      fields: {
        text: bindControl(text, state, send("text")),
        owner: bindControl(owner, state, send("owner")),
        due: bindControl(due, state, send("due")),
        status: bindControl(status, state, send("status")),
      },
    };
    return row;
  }

  function renderMeasures(goal) {
    // Moving a row blurs what is focused in it (↑ pressed by keyboard), and an arrow that
    // becomes disabled at the top or bottom loses the focus: both get it back below.
    const active = document.activeElement;
    const nodes = goal.measures.map((measure, index) => {
      if (!rows.has(measure.id)) rows.set(measure.id, newRow(measure.id));
      const row = rows.get(measure.id);
      row.index = index;
      const number = fill(S.plan_measure_number, { n: index + 1 });
      row.label.textContent = number;
      for (const name of ["text", "owner", "due", "status"]) row.fields[name].sync(measure[name]);
      row.up.disabled = index === 0;
      row.down.disabled = index === goal.measures.length - 1;
      row.up.setAttribute("aria-label", `${S.move_up}: ${number}`);
      row.down.setAttribute("aria-label", `${S.move_down}: ${number}`);
      row.del.setAttribute("aria-label", `${S.delete}: ${number}`);
      return row.item;
    });
    const ids = new Set(goal.measures.map((m) => m.id));
    for (const measureId of rows.keys()) if (!ids.has(measureId)) rows.delete(measureId);
    reorderChildren(list, nodes);
    if (active && list.contains(active) && document.activeElement !== active) {
      const target = active.disabled
        ? active.parentNode.querySelector(".plan-move:not(:disabled)")
        : active;
      target?.focus();
    }
    list.hidden = nodes.length === 0;
    empty.hidden = nodes.length > 0;
    measuresHead.textContent = `${S.plan_measures} (${goal.measures.length})`;
    const full = goal.measures.length >= MAX_MEASURES;
    addButton.disabled = full;
    addText.disabled = full;
    const limit = fill(S.plan_measure_limit, { n: MAX_MEASURES });
    if (full) addStatus.textContent = limit;
    else if (addStatus.textContent === limit) addStatus.textContent = "";
  }

  return {
    node,
    update(goal, { fieldName = "" } = {}) {
      current = goal;
      badge.hidden = !goal.priority;
      badge.textContent = goal.priority ? fill(S.plan_priority, { n: goal.priority }) : "";
      title.textContent = goal.title;
      field.textContent = fieldName;
      field.hidden = !fieldName;
      const values = goal.plan || {};
      for (const [name] of planFields) {
        plan[name].sync(values[name] ?? (name === "status" ? "planned" : ""));
      }
      renderMeasures(goal);
    },
  };
}

/** A goal's plan, read-only (phones while the moderator plans). */
export function planSummary(goal, S, fieldName = "") {
  const node = el("article", "", "plan-goal plan-summary");
  node.dataset.goalId = String(goal.id);
  const head = el("header", "", "plan-goal-head");
  if (goal.priority) head.append(el("span", fill(S.plan_priority, { n: goal.priority }), "priority-badge"));
  head.append(el("h3", goal.title, "plan-goal-title"));
  if (fieldName) head.append(el("p", fieldName, "hint plan-goal-field"));
  const facts = el("dl", "", "plan-facts");
  const plan = goal.plan || {};
  for (const [name, label] of [
    ["working_group", S.plan_working_group],
    ["lead", S.plan_lead],
    ["target", S.plan_target],
    ["status", S.plan_status],
    ["indicator", S.plan_indicator],
  ]) {
    const value = name === "status" ? statusLabel(S, plan.status || "planned") : plan[name];
    facts.append(el("dt", label), el("dd", value || S.plan_not_set, value ? "" : "plan-unset"));
  }
  node.append(head, facts, el("h4", `${S.plan_measures} (${goal.measures.length})`, "plan-measures-head"));
  if (!goal.measures.length) node.append(el("p", S.plan_no_measures, "hint"));
  const list = el("ol", "", "plan-measures plan-measures-read");
  for (const measure of goal.measures) {
    const item = el("li", "", "plan-measure");
    item.append(el("p", measure.text, "plan-measure-line"));
    const meta = [measure.owner, measure.due, statusLabel(S, measure.status)].filter(Boolean);
    item.append(el("p", meta.join(" · "), "hint"));
    list.append(item);
  }
  if (goal.measures.length) node.append(list);
  return node;
}

/** The confirmed goals, in the order of their priority (the goals the groups plan). */
export function confirmedGoals(goals) {
  return goals.filter((g) => g.priority).sort((a, b) => a.priority - b.priority || a.id - b.id);
}

/** "3 Personen" for a group. */
export function membersLabel(S, n) {
  return fill(n === 1 ? S.plan_member_one : S.plan_members, { n });
}

/** The moderator's panel "Umsetzung planen": the split into groups and every goal's plan. */
export function createPlanPanel(connection, config) {
  const S = config.strings;
  const root = $("[data-plan-panel]");
  const list = $("[data-plan-list]", root);
  const emptyNote = $("[data-plan-empty]", root);
  const showAll = $("[data-plan-show-all]", root);
  const groupingChoices = $$("[data-grouping]", root);
  const groupingStatus = $("[data-grouping-status]", root);
  const groupList = $("[data-group-counts]", root);
  const othersHead = el("h3", S.plan_other_goals, "plan-others-head");
  const state = { goals: new Map(), fields: [], grouping: "", groups: [] };
  const editors = new Map(); // goal id -> editor

  const fieldName = (id) => state.fields.find((f) => f.id === id)?.name || "";

  function render() {
    const all = [...state.goals.values()];
    const confirmed = confirmedGoals(all);
    const others = showAll.checked
      ? all.filter((g) => !g.priority).sort(byPosition)
      : [];
    const shown = [...confirmed, ...others];
    const nodes = shown.map((goal) => {
      if (!editors.has(goal.id)) editors.set(goal.id, createPlanEditor(connection, S, goal.id));
      const editor = editors.get(goal.id);
      editor.update(goal, { fieldName: fieldName(goal.field_id) });
      return editor.node;
    });
    if (others.length) nodes.splice(confirmed.length, 0, othersHead);
    for (const id of editors.keys()) if (!state.goals.has(id)) editors.delete(id);
    const active = document.activeElement;
    reorderChildren(list, nodes);
    if (active && active.isConnected && document.activeElement !== active) active.focus();
    emptyNote.hidden = confirmed.length > 0;
  }

  function renderGroups() {
    for (const choice of groupingChoices) {
      choice.setAttribute("aria-pressed", String(choice.dataset.grouping === state.grouping));
    }
    if (!state.grouping) {
      groupList.replaceChildren(el("li", S.plan_no_groups, "hint"));
      return;
    }
    groupList.replaceChildren(
      ...state.groups.map((group) => {
        const item = el("li", "", "group-count");
        item.dataset.groupId = String(group.id);
        item.append(el("span", group.name, "group-name"), el("span", membersLabel(S, group.members), "group-members"));
        return item;
      }),
    );
  }

  for (const choice of groupingChoices) {
    choice.addEventListener("click", () => {
      const grouping = choice.dataset.grouping;
      if (grouping === state.grouping) return;
      // A new split sends everybody back to choosing: ask first when someone is in a group.
      const inGroups = state.groups.some((group) => group.members > 0);
      if (inGroups && !window.confirm(S.plan_regroup_confirm)) return;
      sendWithStatus(connection, groupingStatus, EVENTS.GROUPING_SET, { grouping });
    });
  }
  showAll.addEventListener("change", render);

  return {
    onSnapshot(snapshot) {
      state.goals = new Map(snapshot.goals.map((g) => [g.id, g]));
      state.fields = snapshot.fields;
      state.grouping = snapshot.workshop.grouping || "";
      state.groups = snapshot.groups || [];
      render();
      renderGroups();
    },
    onEvent(name, payload) {
      if (name === EVENTS.GOAL_CHANGED) state.goals.set(payload.goal.id, payload.goal);
      else if (name === EVENTS.GOAL_REMOVED) state.goals.delete(payload.goal_id);
      else if (name === EVENTS.GOALS_ARRANGED) applyGoalOrder(state.goals, payload);
      else if (name === EVENTS.WORKSHOP_CHANGED) {
        state.fields = payload.fields;
        state.grouping = payload.workshop.grouping || "";
        renderGroups();
      } else return;
      render();
    },
    onPush(name, payload) {
      if (name !== EVENTS.GROUPS_CHANGED) return;
      state.groups = payload.groups;
      renderGroups();
    },
  };
}
