// One ballot of one round, for every method: the phone's own ballot, and the moderator's proxy
// and paper ballots. docs/protocol.md ("Voting and deciding") describes rounds and ballots.
//
// Taps show at once (optimistic) and go to the server one command at a time, in tap order: the
// server handles a client's events concurrently, so sending the next only after the previous ack
// keeps a fast double tap from arriving in the wrong order. A tap that only replaces a queued,
// not yet sent one of the same kind (the same goal's dots, the same axis, the whole ranking) is
// merged into it. While own taps are on their way the server's ballot is not drawn (no flicker);
// once the queue is empty the last acknowledged ballot is what the voter sees. A refused tap
// drops the taps queued after it (they were built on it) and shows the server's ballot again.
//
// Use one editor per voter: queued taps leave through the `send` the editor was made with.
//
//   createBallotEditor(container, { strings, goalTitle, send, summary }) -> { show, setServerBallot }
//   strings:   the page config's strings (ballot_strings() in workshop/web/pages.py)
//   goalTitle: goalId -> the goal's title
//   send:      (event, payload) -> Promise<ack>; payload has no workshop/id (the caller adds
//              voter_id for stand-ins, and the status display, e.g. with sendWithStatus)
//   summary:   optional element for the one-line summary ("Noch 3 von 5 Punkten"); by default
//              it is drawn at the top of the container
import { EVENTS } from "./events.js";
import { $, button, el, fill } from "./dom.js";

/** The server's ballot in the editor's shape: a Map goal -> dots or [x, y], or a list of ids. */
function normalise(method, raw) {
  if (method === "ranking") return Array.isArray(raw) ? raw.map(Number) : [];
  const ballot = new Map();
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [goal, value] of Object.entries(raw)) {
      ballot.set(Number(goal), Array.isArray(value) ? [value[0] ?? null, value[1] ?? null] : value);
    }
  }
  return ballot;
}

const rated = (pair) => Boolean(pair) && pair[0] !== null && pair[1] !== null;

/** A button that the editor can give the focus back to after it redrew itself. */
function control(label, onClick, focusKey, { aria = "", disabled = false, className = "" } = {}) {
  const node = button(label, onClick, `button ${className}`.trim());
  if (aria) node.setAttribute("aria-label", aria);
  node.disabled = disabled;
  node.dataset.focus = focusKey;
  return node;
}

export function createBallotEditor(container, { strings: S, goalTitle, send, summary = null }) {
  let round = null;
  let confirmed = null; // the server's latest ballot
  let shown = null; // confirmed plus own taps not yet acknowledged
  const queue = []; // own commands, in tap order; queue[0] is on its way while `busy`
  let busy = false;
  let dragging = false;
  let sortable = null;

  const summaryNode = summary || el("p", "", "ballot-summary");
  summaryNode.setAttribute("aria-live", "polite");
  const body = el("div", "", "ballot-body");
  const announcer = el("p", "", "visually-hidden");
  announcer.setAttribute("aria-live", "polite");
  container.replaceChildren(...(summary ? [] : [summaryNode]), body, announcer);

  const pendingFor = (roundId) => queue.some((command) => command.roundId === roundId);
  const locked = () => round.status !== "open";

  // --- sending ------------------------------------------------------------------------------

  function change(next, event, payload, key, announcement = "") {
    shown = next;
    const tail = queue[queue.length - 1];
    const tailWaits = tail && !(busy && queue.length === 1);
    if (tailWaits && tail.key === key && tail.roundId === round.id) tail.payload = payload;
    else queue.push({ roundId: round.id, event, payload, key });
    announcer.textContent = announcement;
    render();
    pump();
  }

  async function pump() {
    if (busy || !queue.length) return;
    busy = true;
    const command = queue[0];
    let ack = null;
    try {
      ack = await send(command.event, { round_id: command.roundId, ...command.payload });
    } catch {
      // A caller's send that fails counts as refused; the queue must not stall on it.
    }
    queue.shift();
    busy = false;
    if (round && command.roundId === round.id) {
      if (ack && ack.ok) confirmed = normalise(round.method, ack.data.ballot);
      else queue.splice(0, queue.length);
      if (!pendingFor(round.id)) {
        shown = confirmed;
        render();
      }
    }
    pump();
  }

  // --- drawing ------------------------------------------------------------------------------

  function render() {
    if (!round) return;
    if (dragging) return; // redrawn when the drag ends
    const active = container.contains(document.activeElement) ? document.activeElement : null;
    const focus = active?.dataset.focus;
    const fallback = active?.dataset.focusAlt;
    sortable?.destroy();
    sortable = null;
    const draw = { dots: drawDots, matrix: drawMatrix, ranking: drawRanking }[round.method];
    body.replaceChildren(...(draw ? draw() : []));
    body.dataset.method = round.method;
    for (const key of [focus, fallback]) {
      const target = key && $(`[data-focus="${CSS.escape(key)}"]`, body);
      if (target && !target.disabled) {
        target.focus();
        break;
      }
    }
  }

  // Dots: "Noch 3 von 5 Punkten", − and + per goal.
  function drawDots() {
    const spent = [...shown.values()].reduce((sum, n) => sum + n, 0);
    const left = round.budget - spent;
    summaryNode.textContent = fill(S.dots_left, { left, budget: round.budget });
    const list = el("ol", "", "vote-list ballot-list");
    for (const goalId of round.goal_ids) {
      const title = goalTitle(goalId);
      const dots = shown.get(goalId) || 0;
      const countText = fill(dots === 1 ? S.dot_one : S.dots_on, { n: dots });
      const setDots = (n) => {
        const next = new Map(shown);
        if (n) next.set(goalId, n);
        else next.delete(goalId);
        const said = `${fill(n === 1 ? S.dot_one : S.dots_on, { n })}: ${title}`;
        change(next, EVENTS.VOTE_DOTS, { goal_id: goalId, dots: n }, `dots:${goalId}`, said);
      };
      const less = control("−", () => setDots(dots - 1), `less:${goalId}`, {
        aria: fill(S.less_dot, { goal: title }),
        disabled: dots === 0 || locked(),
        className: "dot-button",
      });
      const more = control("+", () => setDots(dots + 1), `more:${goalId}`, {
        aria: fill(S.more_dot, { goal: title }),
        disabled: dots >= round.max_per_goal || left <= 0 || locked(),
        className: "dot-button",
      });
      less.dataset.focusAlt = `more:${goalId}`;
      more.dataset.focusAlt = `less:${goalId}`;
      const row = el("div", "", "dot-row");
      row.append(less, el("span", countText, "dot-count"), more);
      const item = el("li", "", "vote-item");
      item.dataset.goalId = String(goalId);
      item.dataset.dots = String(dots);
      item.append(el("p", title, "goal-title"), row);
      list.append(item);
    }
    return [el("p", fill(S.max_per_goal_hint, { max: round.max_per_goal }), "hint"), list];
  }

  // Impact × feasibility: per goal one row of scale buttons per axis; the chosen value again
  // takes the rating back.
  function drawMatrix() {
    const axes = [
      ["x", round.label_x],
      ["y", round.label_y],
    ];
    const done = round.goal_ids.filter((goalId) => rated(shown.get(goalId))).length;
    summaryNode.textContent = fill(S.rated_of, { done, total: round.goal_ids.length });
    const list = el("ol", "", "vote-list ballot-list");
    for (const goalId of round.goal_ids) {
      const title = goalTitle(goalId);
      const pair = shown.get(goalId) || [null, null];
      const item = el("li", "", "vote-item rate-item");
      item.dataset.goalId = String(goalId);
      item.dataset.complete = String(rated(pair));
      item.append(el("p", title, "goal-title"));
      axes.forEach(([axis, label], index) => {
        const chosen = pair[index];
        const row = el("div", "", "rate-row");
        const scale = el("div", "", "rate-scale");
        scale.setAttribute("role", "group");
        scale.setAttribute("aria-label", `${label}: ${title}`);
        scale.dataset.axis = axis;
        for (let value = round.scale_min; value <= round.scale_max; value += 1) {
          const key = `rate:${goalId}:${axis}:${value}`;
          const pick = control(String(value), () => rate(goalId, axis, value), key, {
            disabled: locked(),
            className: "rate-button",
          });
          pick.dataset.value = String(value);
          pick.setAttribute("aria-pressed", String(chosen === value));
          scale.append(pick);
        }
        row.append(el("span", label, "rate-label"), scale);
        item.append(row);
      });
      const missing = axes.filter((_, index) => pair[index] === null).map(([, label]) => label);
      const state = missing.length
        ? fill(S.rating_missing, { axes: missing.join(", ") })
        : `✓ ${S.rating_done}`;
      item.append(el("p", state, `rate-state${missing.length ? "" : " done"}`));
      list.append(item);
    }
    const help = fill(S.rate_help, { min: round.scale_min, max: round.scale_max });
    return [el("p", help, "hint"), list];
  }

  function rate(goalId, axis, value) {
    const [x, y] = shown.get(goalId) || [null, null];
    const chosen = axis === "x" ? x : y;
    const nextValue = chosen === value ? null : value; // the chosen value again: taken back
    const pair = axis === "x" ? [nextValue, y] : [x, nextValue];
    const next = new Map(shown);
    if (pair[0] === null && pair[1] === null) next.delete(goalId);
    else next.set(goalId, pair);
    const label = axis === "x" ? round.label_x : round.label_y;
    const said = `${label} ${nextValue ?? "–"}: ${goalTitle(goalId)}`;
    const payload = { goal_id: goalId, axis, value: nextValue };
    change(next, EVENTS.VOTE_RATE, payload, `rate:${goalId}:${axis}`, said);
  }

  // Ranking: the whole order, best first; drag by the handle or use ↑/↓. Before the first
  // submission the round's order is shown, marked as not submitted.
  function currentOrder() {
    if (!shown.length) return round.goal_ids.slice();
    const inRound = shown.filter((goalId) => round.goal_ids.includes(goalId));
    return inRound.concat(round.goal_ids.filter((goalId) => !inRound.includes(goalId)));
  }

  function submitOrder(order, moved = null, place = 0) {
    const said = moved === null ? S.order_submitted : fill(S.moved_to, { goal: goalTitle(moved), place });
    change(order, EVENTS.VOTE_RANK, { order }, "rank", said);
  }

  function move(order, from, to) {
    if (to < 0 || to >= order.length || from === to) return;
    const next = order.slice();
    const [goalId] = next.splice(from, 1);
    next.splice(to, 0, goalId);
    submitOrder(next, goalId, to + 1);
  }

  function drawRanking() {
    const submitted = shown.length > 0;
    const order = currentOrder();
    summaryNode.textContent = submitted ? S.order_submitted : S.not_submitted;
    const parts = [el("p", S.rank_help, "hint")];
    if (!submitted) {
      const note = el("div", "", "warning-box rank-unsent");
      note.append(el("p", S.not_submitted_note));
      note.append(
        control(S.submit_order, () => submitOrder(order), "submit-order", {
          disabled: locked(),
          className: "primary",
        }),
      );
      parts.push(note);
    }
    const list = el("ol", "", "vote-list ballot-list rank-list");
    list.dataset.submitted = String(submitted);
    order.forEach((goalId, index) => {
      const title = goalTitle(goalId);
      const item = el("li", "", "vote-item rank-item");
      item.dataset.goalId = String(goalId);
      const handle = el("span", "", "rank-handle");
      handle.setAttribute("aria-hidden", "true");
      handle.title = S.drag_to_move;
      handle.append(el("span", String(index + 1), "rank-place"), el("span", "⠿", "rank-grip"));
      const up = control("↑", () => move(currentOrder(), index, index - 1), `up:${goalId}`, {
        aria: `${S.move_up}: ${title}`,
        disabled: index === 0 || locked(),
        className: "rank-button",
      });
      const down = control("↓", () => move(currentOrder(), index, index + 1), `down:${goalId}`, {
        aria: `${S.move_down}: ${title}`,
        disabled: index === order.length - 1 || locked(),
        className: "rank-button",
      });
      up.dataset.focusAlt = `down:${goalId}`;
      down.dataset.focusAlt = `up:${goalId}`;
      const buttons = el("div", "", "rank-buttons");
      buttons.append(up, down);
      const text = el("p", "", "goal-title");
      text.append(el("span", `${fill(S.place, { n: index + 1 })}: `, "visually-hidden"), title);
      item.append(handle, text, buttons);
      list.append(item);
    });
    if (window.Sortable && !locked()) {
      sortable = window.Sortable.create(list, {
        handle: ".rank-handle",
        animation: 120,
        // Pointer events instead of native drag-and-drop: the same on mouse, pen and touch.
        forceFallback: true,
        fallbackTolerance: 3,
        onStart: () => {
          dragging = true;
        },
        // Redrawing destroys this Sortable: only after it has finished its own drop.
        onEnd: (event) =>
          setTimeout(() => {
            dragging = false;
            if (event.oldIndex !== event.newIndex) move(order, event.oldIndex, event.newIndex);
            else render();
          }, 0),
      });
    }
    parts.push(list);
    return parts;
  }

  return {
    /** Draw `ballot` of `nextRound`; the same round with own taps on their way keeps them. */
    show(nextRound, ballot) {
      const same = round && round.id === nextRound.id && round.method === nextRound.method;
      round = nextRound;
      confirmed = normalise(round.method, ballot);
      if (!same || !pendingFor(round.id)) shown = confirmed;
      render();
    },
    /** The server's ballot after an ack or ballot.changed; drawn once no own tap is pending. */
    setServerBallot(ballot) {
      if (!round) return;
      confirmed = normalise(round.method, ballot);
      if (pendingFor(round.id)) return;
      shown = confirmed;
      render();
    },
  };
}
