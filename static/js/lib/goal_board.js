// The moderator's goal list: goals from clusters or written directly; edit, order, merge, delete.
import { applyGoalOrder, byPosition } from "./arrange.js";
import { EVENTS } from "./events.js";
import { $, button, clearSent, el, fieldValues, fill } from "./dom.js";
import { sendWithStatus } from "./socket.js";

export function createGoalBoard(connection, config) {
  const S = config.strings;
  const status = $("[data-goal-status]");
  const form = $("[data-goal-form]");
  const state = { phase: "lobby", fields: [], goals: new Map(), editing: null, merging: null };
  const send = (event, fields) => sendWithStatus(connection, status, event, fields);

  function fieldOptions(select, chosen) {
    const options = [{ id: "", name: S.across_fields }, ...state.fields];
    select.replaceChildren(
      ...options.map((field) => {
        const option = el("option", field.name);
        option.value = String(field.id);
        option.selected = String(field.id) === String(chosen ?? "");
        return option;
      }),
    );
  }

  function editor(goal) {
    const box = el("form", "", "stack");
    const title = document.createElement("input");
    title.maxLength = 120;
    title.value = goal.title;
    title.setAttribute("aria-label", S.edit);
    const description = document.createElement("textarea");
    description.rows = 2;
    description.value = goal.description;
    description.setAttribute("aria-label", S.edit);
    const field = document.createElement("select");
    field.setAttribute("aria-label", S.move_to);
    fieldOptions(field, goal.field_id);
    const save = el("button", S.save, "button small primary");
    save.type = "submit";
    box.append(title, description, field, save, button(S.cancel, () => close()));
    box.addEventListener("submit", async (event) => {
      event.preventDefault();
      const ack = await send(EVENTS.GOAL_UPDATE, {
        goal_id: goal.id,
        title: title.value,
        description: description.value,
        field_id: field.value ? Number(field.value) : null,
      });
      if (ack.ok) close();
    });
    return box;
  }

  function close() {
    state.editing = null;
    state.merging = null;
    render();
  }

  function goalItem(goal, index, ordered) {
    const item = el("li", "", "goal-item");
    if (state.editing === goal.id) {
      item.append(editor(goal));
      return item;
    }
    const title = el("p", goal.title, "goal-title");
    if (goal.priority) {
      const badge = el("span", fill(S.priority_badge, { n: goal.priority }), "priority-badge");
      title.prepend(badge, " ");
    }
    item.append(title);
    if (goal.description) item.append(el("p", goal.description, "card-text"));
    if (goal.decision_note) {
      item.append(el("p", goal.decision_note, "card-text decision-note-text"));
    }
    item.append(el("p", S.cards_count.replace("{n}", goal.card_ids.length), "hint"));
    const actions = el("div", "", "actions");
    const up = button("↑", () => send(EVENTS.GOAL_MOVE, { goal_id: goal.id, index: index - 1 }));
    up.setAttribute("aria-label", `${S.move_up}: ${goal.title}`);
    up.disabled = index === 0;
    const down = button("↓", () => send(EVENTS.GOAL_MOVE, { goal_id: goal.id, index: index + 1 }));
    down.setAttribute("aria-label", `${S.move_down}: ${goal.title}`);
    down.disabled = index === ordered.length - 1;
    actions.append(
      button(S.edit, () => {
        state.editing = goal.id;
        render();
      }),
      up,
      down,
      button(S.merge, () => {
        state.merging = goal.id;
        render();
      }),
      button(S.delete, () => send(EVENTS.GOAL_DELETE, { goal_id: goal.id }), "button small danger"),
    );
    item.append(actions);
    if (state.merging === goal.id) {
      const select = document.createElement("select");
      select.setAttribute("aria-label", S.merge);
      for (const other of ordered) {
        if (other.id === goal.id) continue;
        const option = el("option", other.title);
        option.value = String(other.id);
        select.append(option);
      }
      const box = el("div", "", "merge-box");
      box.append(
        select,
        button(S.merge_do, () => {
          state.merging = null;
          if (select.value) {
            send(EVENTS.GOAL_MERGE, { source_id: goal.id, target_id: Number(select.value) });
          }
        }),
        button(S.cancel, () => close()),
      );
      item.append(box);
    }
    return item;
  }

  function render() {
    $("[data-goals-panel]").hidden = !["cluster", "goals"].includes(state.phase);
    const ordered = [...state.goals.values()].sort(byPosition);
    const groups = [...state.fields, { id: null, name: S.across_fields }].map((field) => {
      const column = el("section", "", "board-column");
      column.setAttribute("aria-label", field.name);
      column.append(el("h3", field.name));
      const list = el("ol", "", "goal-list");
      for (const goal of ordered) {
        if (goal.field_id === field.id) list.append(goalItem(goal, ordered.indexOf(goal), ordered));
      }
      column.append(list.children.length ? list : el("p", S.no_goals, "hint"));
      return column;
    });
    $("[data-goal-list]").replaceChildren(...groups);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = fieldValues(form, ["title", "description", "field_id", "cluster_id"]);
    const ack = await send(EVENTS.GOAL_CREATE, {
      title: sent.title,
      description: sent.description,
      field_id: sent.field_id ? Number(sent.field_id) : null,
      cluster_id: sent.cluster_id ? Number(sent.cluster_id) : null,
    });
    if (ack.ok) {
      clearSent(form, sent);
      // The source line belongs to the cluster just used, unless another one was picked since.
      if (!form.elements.cluster_id.value) $("[data-goal-source]").hidden = true;
    }
  });

  return {
    // Prefill the form from a cluster: the moderator words the goal, then adds it.
    fromCluster(cluster) {
      form.elements.title.value = cluster.name;
      form.elements.cluster_id.value = String(cluster.id);
      fieldOptions(form.elements.field_id, cluster.field_id);
      const source = $("[data-goal-source]");
      source.textContent = `${S.from_cluster} ${cluster.name || S.unnamed}`;
      source.hidden = false;
      form.elements.title.focus();
    },
    onSnapshot(snapshot) {
      state.phase = snapshot.workshop.phase;
      state.fields = snapshot.fields;
      state.goals = new Map(snapshot.goals.map((g) => [g.id, g]));
      fieldOptions(form.elements.field_id, form.elements.field_id.value);
      render();
    },
    onEvent(name, payload) {
      if (name === EVENTS.GOAL_CHANGED) state.goals.set(payload.goal.id, payload.goal);
      else if (name === EVENTS.GOAL_REMOVED) state.goals.delete(payload.goal_id);
      else if (name === EVENTS.GOALS_ARRANGED) applyGoalOrder(state.goals, payload);
      else if (name === EVENTS.PHASE_CHANGED) state.phase = payload.phase;
      else if (name === EVENTS.WORKSHOP_CHANGED) state.fields = payload.fields;
      else return;
      render();
    },
  };
}
