// Confirming the final priorities: the top N of a finished round, or picked and ordered by
// hand, and a decision note per goal. Rows are kept per goal, so focus and typing survive pushes.
import { EVENTS } from "./events.js";
import { $, button, el, fill, reorderChildren } from "./dom.js";
import { roundLabel } from "./round_form.js";
import { sendWithStatus } from "./socket.js";
import { CHANGED } from "./vote_state.js";

const NOTE_MAX = 2000;

export function createPriorityPanel(connection, config, votes) {
  const S = config.strings;
  const status = $("[data-priority-status]");
  const list = $("[data-priority-list]");
  const topForm = $("[data-priority-top-form]");
  const rows = new Map(); // goal id -> the row's nodes
  const send = (event, fields) => sendWithStatus(connection, status, event, fields);

  // The confirmed priorities, in order.
  const priorityIds = () =>
    votes
      .goals()
      .filter((g) => g.priority !== null && g.priority !== undefined)
      .sort((a, b) => a.priority - b.priority)
      .map((g) => g.id);

  function setPriorities(ids) {
    return send(EVENTS.PRIORITIES_SET, { goal_ids: ids });
  }

  function move(goalId, step) {
    const ids = priorityIds();
    const from = ids.indexOf(goalId);
    const to = from + step;
    if (from < 0 || to < 0 || to >= ids.length) return;
    [ids[from], ids[to]] = [ids[to], ids[from]];
    setPriorities(ids);
  }

  function saveNote(goalId, textarea) {
    const goal = votes.state.goals.get(goalId);
    if (!goal || textarea.value === (goal.decision_note || "")) return;
    send(EVENTS.GOAL_NOTE, { goal_id: goalId, note: textarea.value });
  }

  function newRow(goal) {
    const item = el("li", "", "priority-item");
    const head = el("div", "", "priority-head");
    const label = el("label", "", "choice");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.addEventListener("change", () => {
      const ids = priorityIds().filter((id) => id !== goal.id);
      setPriorities(box.checked ? [...ids, goal.id] : ids);
    });
    const title = el("span", "", "goal-title");
    label.append(box, title);
    const badge = el("span", "", "priority-badge");
    const up = button("↑", () => move(goal.id, -1));
    const down = button("↓", () => move(goal.id, 1));
    head.append(label, badge, up, down);

    const note = el("details", "", "note-editor");
    const summary = el("summary", S.decision_note);
    const textarea = document.createElement("textarea");
    textarea.id = `decision-note-${goal.id}`;
    textarea.rows = 2;
    textarea.maxLength = NOTE_MAX;
    const noteLabel = el("label", "", "visually-hidden");
    noteLabel.htmlFor = textarea.id;
    textarea.addEventListener("blur", () => saveNote(goal.id, textarea));
    const save = button(S.save_note, () => saveNote(goal.id, textarea));
    const foot = el("div", "", "note-foot");
    foot.append(el("p", fill(S.note_limit, { n: NOTE_MAX }), "hint"), save);
    note.append(summary, noteLabel, textarea, foot);
    item.append(head, note);
    return { item, box, title, badge, up, down, note, noteLabel, textarea, save, hadNote: false };
  }

  function renderRow(goal, place, count) {
    if (!rows.has(goal.id)) rows.set(goal.id, newRow(goal));
    const row = rows.get(goal.id);
    const chosen = place >= 0;
    row.item.classList.toggle("chosen", chosen);
    row.box.checked = chosen;
    row.box.setAttribute("aria-label", fill(S.priority_pick, { goal: goal.title }));
    row.title.textContent = goal.title;
    row.badge.textContent = chosen ? fill(S.priority_badge, { n: goal.priority }) : "";
    row.badge.hidden = !chosen;
    row.up.hidden = row.down.hidden = !chosen;
    row.up.disabled = place <= 0;
    row.down.disabled = place >= count - 1;
    row.up.setAttribute("aria-label", `${S.move_up}: ${goal.title}`);
    row.down.setAttribute("aria-label", `${S.move_down}: ${goal.title}`);
    row.noteLabel.textContent = fill(S.decision_note_for, { goal: goal.title });
    const note = goal.decision_note || "";
    // Never overwrite what the moderator is typing; a push for another goal must not either.
    if (document.activeElement !== row.textarea) row.textarea.value = note;
    // A note that exists is shown (once: the moderator may fold it away again).
    if (note && !row.hadNote) row.note.open = true;
    row.hadNote = Boolean(note);
    return row.item;
  }

  function render() {
    const ids = priorityIds();
    const chosen = ids.map((id) => votes.state.goals.get(id));
    const others = votes.goals().filter((g) => !ids.includes(g.id));
    const nodes = [
      ...chosen.map((g, i) => renderRow(g, i, ids.length)),
      ...others.map((g) => renderRow(g, -1, ids.length)),
    ];
    for (const id of rows.keys()) if (!votes.state.goals.has(id)) rows.delete(id);
    // Moving a row blurs what is focused in it; give the focus back.
    const active = document.activeElement;
    reorderChildren(list, nodes);
    if (active && active.isConnected && document.activeElement !== active) active.focus();
    $("[data-priority-summary]").textContent = ids.length
      ? fill(S.priorities_count, { n: ids.length })
      : S.no_priorities;
    $("[data-priorities-clear]").disabled = ids.length === 0;
    renderTopForm();
  }

  function renderTopForm() {
    const select = topForm.elements.round_id;
    const kept = select.value;
    const finished = votes.finishedRounds();
    select.replaceChildren(
      ...finished.map((round) => {
        const option = el("option", roundLabel(S, round));
        option.value = String(round.id);
        return option;
      }),
    );
    if (!finished.length) select.append(el("option", S.no_finished_rounds));
    if (finished.some((r) => String(r.id) === kept)) select.value = kept;
    // The newest finished round is the likely source.
    else if (finished.length) select.value = String(finished[finished.length - 1].id);
    select.disabled = !finished.length;
    $("[data-priority-top-submit]").disabled = !finished.length;
    showTopLabel();
  }

  function showTopLabel() {
    const n = Number(topForm.elements.top.value) || 0;
    $("[data-priority-top-submit]").textContent = fill(S.take_top, { n });
  }

  topForm.elements.top.addEventListener("input", showTopLabel);
  topForm.addEventListener("submit", (event) => {
    event.preventDefault();
    send(EVENTS.PRIORITIES_TOP, {
      round_id: Number(topForm.elements.round_id.value),
      top: Number(topForm.elements.top.value),
    });
  });
  $("[data-priorities-clear]").addEventListener("click", () => setPriorities([]));

  votes.subscribe((what) => {
    if (what !== CHANGED.PROGRESS && what !== CHANGED.STAND_INS && what !== CHANGED.WALL) render();
  });
}
