// The look back on the phone (phase "recap" of a follow-up retreat): each goal taken over from the
// previous retreat with its status and measures, three large traffic-light choices with a text
// label each, and an optional comment. Only the phone's own reviews ever reach it (me.reviews);
// the room's counts stay with moderator and projector (docs/protocol.md). Texts come from the
// data-label-* attributes of the section.
import { EVENTS } from "./events.js";
import { el, fill } from "./dom.js";
import { LIGHTS, recapLabel } from "./recap_board.js";

export function createPhoneRecap(connection, root) {
  const L = root.dataset;
  const list = root.querySelector("[data-recap-goals]");
  const progress = root.querySelector("[data-recap-progress]");
  const state = { phase: null, fields: [], recap: [], reviews: new Map() };
  const items = new Map(); // goal id -> {node, radios, comment, status}

  const lightLabel = (light) => recapLabel(L, "light", light);
  const statusLabel = (status) => recapLabel(L, "status", status);
  const fieldName = (id) => state.fields.find((f) => f.id === id)?.name || "";

  function showStatus(item, text, kind) {
    item.status.textContent = text;
    item.status.dataset.state = kind;
  }

  function savedText(review) {
    if (!review) return L.labelNotRated;
    const text = fill(L.labelSaved, { light: lightLabel(review.light) });
    return review.comment ? `${text} · ${L.labelWithComment}` : text;
  }

  async function send(goalId, event, fields) {
    const item = items.get(goalId);
    showStatus(item, connection.strings.sending, "pending");
    const ack = await connection.send(event, { goal_id: goalId, ...fields });
    const current = items.get(goalId);
    if (!current) return;
    if (!ack.ok) {
      showStatus(current, ack.error.message, "error");
      return;
    }
    // The ack is the server's word; me.changed follows with the same review.
    if (ack.data.review) state.reviews.set(goalId, ack.data.review);
    else state.reviews.delete(goalId);
    update(goalId, true);
    showProgress();
  }

  function chosen(item) {
    return item.radios.find((radio) => radio.checked)?.value || null;
  }

  function measureList(measures) {
    const box = el("div", "", "recap-measures");
    box.append(el("p", L.labelMeasures, "recap-measures-head"));
    const ul = el("ul", "", "plain-list");
    for (const measure of measures) {
      const li = el("li", "", "recap-measure");
      li.append(el("span", measure.text, "recap-measure-text"));
      const meta = [measure.owner, measure.due, statusLabel(measure.status)].filter(Boolean);
      li.append(el("span", meta.join(" · "), "recap-measure-meta"));
      ul.append(li);
    }
    box.append(ul);
    return box;
  }

  function goalItem(goal) {
    const node = el("li", "", "recap-goal");
    node.dataset.goalId = String(goal.id);
    const titleId = `recap-goal-${goal.goal_id}`;
    const title = el("h3", goal.title, "recap-title");
    title.id = titleId;
    const meta = [fieldName(goal.field_id), fill(L.labelStatus, { status: statusLabel(goal.status) })];
    node.append(title, el("p", meta.filter(Boolean).join(" · "), `recap-meta status-${goal.status}`));
    if (goal.description) node.append(el("p", goal.description, "recap-description"));
    if (goal.measures.length) node.append(measureList(goal.measures));

    const lights = el("fieldset", "", "recap-lights");
    lights.setAttribute("aria-describedby", titleId);
    lights.append(el("legend", L.labelYourRating));
    const radios = LIGHTS.map((light) => {
      const label = el("label", "", `recap-light light-${light}`);
      const input = document.createElement("input");
      input.type = "radio";
      input.name = `recap-light-${goal.goal_id}`;
      input.value = light;
      input.addEventListener("change", () =>
        send(goal.goal_id, EVENTS.REVIEW_SET, { light, comment: comment.value }),
      );
      // The face after the input carries the checked and focus looks (CSS: input:checked + …).
      const face = el("span", "", "light-face");
      face.append(el("span", "", "light-mark"), el("span", lightLabel(light), "light-text"));
      label.append(input, face);
      lights.append(label);
      return input;
    });

    const commentId = `recap-comment-${goal.goal_id}`;
    const commentLabel = el("label", L.labelComment);
    commentLabel.htmlFor = commentId;
    const comment = document.createElement("textarea");
    comment.id = commentId;
    comment.rows = 2;
    comment.maxLength = 500;
    const save = el("button", L.labelSaveComment, "button small");
    save.type = "button";
    const remove = el("button", L.labelRemove, "button small danger");
    remove.type = "button";
    const actions = el("div", "", "actions");
    actions.append(save, remove);
    const status = el("p", "", "form-status recap-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    node.append(lights, commentLabel, comment, actions, status);

    const item = { node, radios, comment, status, remove, dirty: false };
    comment.addEventListener("input", () => {
      item.dirty = true;
    });
    save.addEventListener("click", () => {
      const light = chosen(item);
      if (!light) showStatus(item, L.labelChooseFirst, "error");
      else send(goal.goal_id, EVENTS.REVIEW_SET, { light, comment: comment.value });
    });
    remove.addEventListener("click", () => send(goal.goal_id, EVENTS.REVIEW_CLEAR, {}));
    return item;
  }

  /** Show the saved review of a goal; a comment typed but not yet saved stays as it is. */
  function update(goalId, force = false) {
    const item = items.get(goalId);
    const review = state.reviews.get(goalId) || null;
    for (const radio of item.radios) radio.checked = review ? radio.value === review.light : false;
    if (force) item.dirty = false;
    if (!item.dirty) item.comment.value = review ? review.comment : "";
    item.remove.hidden = !review;
    item.node.dataset.light = review ? review.light : "";
    showStatus(item, savedText(review), review ? "ok" : "");
  }

  function showProgress() {
    const total = state.recap.length;
    const done = state.recap.filter((goal) => state.reviews.has(goal.goal_id)).length;
    progress.textContent = total ? fill(L.labelProgress, { done, total }) : L.labelEmpty;
  }

  function render() {
    root.hidden = state.phase !== "recap";
    const keep = new Set(state.recap.map((goal) => goal.goal_id));
    for (const [id, item] of items) {
      if (!keep.has(id)) {
        item.node.remove();
        items.delete(id);
      }
    }
    const nodes = state.recap.map((goal) => {
      const old = items.get(goal.goal_id);
      // A goal whose text, status or measures changed is drawn again (the comment survives).
      const signature = JSON.stringify([goal, fieldName(goal.field_id)]);
      if (old && old.signature === signature) return old.node;
      const item = goalItem({ ...goal, id: goal.goal_id });
      item.signature = signature;
      if (old) {
        item.dirty = old.dirty;
        item.comment.value = old.comment.value;
      }
      items.set(goal.goal_id, item);
      update(goal.goal_id);
      return item.node;
    });
    list.replaceChildren(...nodes);
    showProgress();
  }

  function setReviews(reviews) {
    state.reviews = new Map((reviews || []).map((review) => [review.goal_id, review]));
    for (const id of items.keys()) update(id);
    showProgress();
  }

  return {
    onSnapshot(snapshot) {
      state.phase = snapshot.workshop.phase;
      state.fields = snapshot.fields;
      state.recap = snapshot.recap || [];
      render();
    },
    onEvent(name, payload) {
      if (name === EVENTS.PHASE_CHANGED) state.phase = payload.phase;
      else if (name === EVENTS.WORKSHOP_CHANGED) {
        state.phase = payload.workshop.phase;
        state.fields = payload.fields;
      } else return;
      render();
    },
    onPush(name, payload) {
      if (name !== EVENTS.RECAP_CHANGED) return;
      state.recap = payload.recap || [];
      render();
    },
    onMe(me) {
      setReviews(me?.reviews);
    },
  };
}
