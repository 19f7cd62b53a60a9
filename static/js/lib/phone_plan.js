// The phone in the phase "plan" (Arbeitsgruppen). With the room split into working groups:
// first the groups to choose from (with how many are in each), then the group's confirmed goals
// with the same plan editor as the moderator's; "Gruppe wechseln" goes back to the choice.
// Without a split: the confirmed goals with their plans, read-only, while the moderator plans.
// Other group members' edits arrive as goal.changed; the editor keeps what is being typed.
import { EVENTS } from "./events.js";
import { $, button, el, fill, reorderChildren } from "./dom.js";
import { confirmedGoals, createPlanEditor, membersLabel, planSummary } from "./plan_panel.js";
import { sendWithStatus } from "./socket.js";

export function createPhonePlan(connection, config) {
  const S = config.strings;
  const root = $("[data-plan-view]");
  const intro = $("[data-plan-intro]", root);
  const picker = $("[data-group-picker]", root);
  const groupBar = $("[data-group-bar]", root);
  const goalsBox = $("[data-plan-goals]", root);
  const status = $("[data-plan-status]", root);
  const state = {
    phase: "lobby",
    grouping: "",
    groups: [],
    groupId: null,
    choosing: false,
    fields: [],
    goals: new Map(),
  };
  const editors = new Map(); // goal id -> editor

  const fieldName = (id) => state.fields.find((f) => f.id === id)?.name || "";
  const myGroup = () => state.groups.find((g) => g.id === state.groupId) || null;

  // The confirmed goals a group plans: its goal, or the goals of its action field.
  function groupGoals() {
    const confirmed = confirmedGoals([...state.goals.values()]);
    if (state.grouping === "goal") return confirmed.filter((g) => g.id === state.groupId);
    return confirmed.filter((g) => g.field_id === state.groupId);
  }

  async function join(groupId) {
    const ack = await sendWithStatus(connection, status, EVENTS.GROUP_JOIN, { group_id: groupId });
    if (ack.ok) {
      // The group's name heading the editors says it worked; "Gespeichert" would be noise.
      status.textContent = "";
      state.groupId = ack.data.group_id;
      state.choosing = false;
      render();
      groupName.focus();
    }
  }

  // Built once and updated in place: member counts change with every join, and the button
  // in focus must stay the same node.
  const pickerHead = el("h3", S.plan_choose_group, "group-picker-head");
  pickerHead.id = "group-picker-head";
  pickerHead.tabIndex = -1;
  const choiceList = el("ul", "", "group-choices");
  choiceList.setAttribute("aria-labelledby", pickerHead.id);
  const keep = button(S.plan_keep_group, () => {
    state.choosing = false;
    render();
  });
  const noGroups = el("p", S.plan_no_goals, "hint");
  picker.replaceChildren(pickerHead, choiceList, noGroups, keep);
  const choices = new Map(); // group id -> {item, choose, name, members}

  function renderPicker() {
    const nodes = state.groups.map((group) => {
      if (!choices.has(group.id)) {
        const item = el("li");
        const choose = button("", () => join(group.id), "button group-choice");
        choose.dataset.groupId = String(group.id);
        const name = el("span", "", "group-name");
        const members = el("span", "", "group-members");
        choose.append(name, members);
        item.append(choose);
        choices.set(group.id, { item, choose, name, members });
      }
      const choice = choices.get(group.id);
      choice.choose.setAttribute("aria-pressed", String(group.id === state.groupId));
      choice.name.textContent = group.name;
      choice.members.textContent = membersLabel(S, group.members);
      return choice.item;
    });
    const ids = new Set(state.groups.map((g) => g.id));
    for (const id of choices.keys()) if (!ids.has(id)) choices.delete(id);
    reorderChildren(choiceList, nodes);
    noGroups.hidden = nodes.length > 0;
    keep.hidden = !myGroup();
  }

  const groupName = el("p", "", "group-current");
  groupName.tabIndex = -1;
  const groupMembers = el("p", "", "hint group-members");
  const change = button(
    S.plan_change_group,
    () => {
      state.choosing = true;
      render();
      pickerHead.focus();
    },
    "button small",
  );
  groupBar.replaceChildren(groupName, groupMembers, change, el("p", S.plan_group_help, "hint"));

  function renderGroupBar() {
    const group = myGroup();
    groupName.textContent = fill(S.plan_your_group, { name: group.name });
    groupMembers.textContent = membersLabel(S, group.members);
  }

  function renderEditors() {
    const goals = groupGoals();
    const nodes = goals.map((goal) => {
      if (!editors.has(goal.id)) editors.set(goal.id, createPlanEditor(connection, S, goal.id));
      const editor = editors.get(goal.id);
      editor.update(goal, { fieldName: fieldName(goal.field_id) });
      return editor.node;
    });
    const shown = new Set(goals.map((g) => g.id));
    for (const id of editors.keys()) if (!shown.has(id)) editors.delete(id);
    const active = document.activeElement;
    reorderChildren(goalsBox, nodes.length ? nodes : [el("p", S.plan_group_empty, "hint")]);
    if (active && active.isConnected && document.activeElement !== active) active.focus();
  }

  function renderReadOnly() {
    const goals = confirmedGoals([...state.goals.values()]);
    // Nobody types here: drawing the plans anew on every change is simple and cheap.
    goalsBox.replaceChildren(
      ...(goals.length
        ? goals.map((goal) => planSummary(goal, S, fieldName(goal.field_id)))
        : [el("p", S.plan_no_goals, "hint")]),
    );
  }

  function render() {
    root.hidden = state.phase !== "plan";
    if (root.hidden) return;
    const split = Boolean(state.grouping);
    // A group that no longer exists (a new split) means choosing again.
    const inGroup = split && state.groupId !== null && Boolean(myGroup());
    const choosing = split && (!inGroup || state.choosing);
    root.dataset.mode = !split ? "read" : choosing ? "choose" : "group";
    intro.textContent = split ? "" : S.plan_by_moderator;
    intro.hidden = split;
    picker.hidden = !choosing;
    groupBar.hidden = !inGroup || choosing;
    goalsBox.hidden = choosing;
    if (choosing) renderPicker();
    else if (inGroup) {
      renderGroupBar();
      renderEditors();
    } else renderReadOnly();
  }

  return {
    onSnapshot(snapshot) {
      Object.assign(state, {
        phase: snapshot.workshop.phase,
        grouping: snapshot.workshop.grouping || "",
        groups: snapshot.groups || [],
        fields: snapshot.fields,
        goals: new Map(snapshot.goals.map((g) => [g.id, g])),
      });
      render();
    },
    onEvent(name, payload) {
      if (name === EVENTS.GOAL_CHANGED) state.goals.set(payload.goal.id, payload.goal);
      else if (name === EVENTS.GOAL_REMOVED) state.goals.delete(payload.goal_id);
      else if (name === EVENTS.PHASE_CHANGED) state.phase = payload.phase;
      else if (name === EVENTS.WORKSHOP_CHANGED) {
        const grouping = payload.workshop.grouping || "";
        // A new split empties every group (the server sends no me.changed for that).
        if (grouping !== state.grouping) state.groupId = null;
        Object.assign(state, { grouping, phase: payload.workshop.phase, fields: payload.fields });
      } else return;
      render();
    },
    onPush(name, payload) {
      if (name !== EVENTS.GROUPS_CHANGED) return;
      state.groups = payload.groups;
      render();
    },
    onMe(me) {
      state.groupId = me.group_id ?? null;
      render();
    },
  };
}
