// The moderator's voting rounds: open, close, reopen, reveal, the progress, a private preview
// of the result, and a follow-up round from a finished one.
import { EVENTS } from "./events.js";
import { $, button, el, fill, reorderChildren } from "./dom.js";
import { goalsCount, roundLabel } from "./round_form.js";
import { sendWithStatus } from "./socket.js";
import { CHANGED } from "./vote_state.js";

const METHOD_KEYS = { dots: "method_dots", matrix: "method_matrix", ranking: "method_ranking" };

// "2 of 3 have voted · of them 1 by proxy, 1 on paper" (only the parts that apply).
function progressText(strings, progress) {
  const text = fill(strings.voted_of, progress);
  const parts = [];
  if (progress.proxy) parts.push(fill(strings.by_proxy, { n: progress.proxy }));
  if (progress.paper) parts.push(fill(strings.on_paper, { n: progress.paper }));
  return parts.length ? `${text} · ${fill(strings.of_them, { list: parts.join(", ") })}` : text;
}

// The result as a small table: rank, goal, and the numbers of the round's method.
function resultTable(S, round, results, caption, goalTitle) {
  const number = new Intl.NumberFormat(document.documentElement.lang, {
    maximumFractionDigits: 1,
  });
  const percent = new Intl.NumberFormat(document.documentElement.lang, { style: "percent" });
  const average = (value) => (value === null ? "–" : number.format(value));
  const columns = {
    dots: [
      [S.column_dots, (r) => number.format(r.dots)],
      [S.column_share, (r) => percent.format(r.voter_share)],
    ],
    ranking: [[S.column_points, (r) => number.format(r.points)]],
    matrix: [
      [fill(S.column_average, { label: round.label_x }), (r) => average(r.x)],
      [fill(S.column_average, { label: round.label_y }), (r) => average(r.y)],
      [S.column_raters, (r) => number.format(r.raters)],
    ],
  }[round.method];
  const table = el("table", "", "result-table");
  table.append(el("caption", caption));
  const head = el("tr");
  for (const label of [S.column_rank, S.column_goal, ...columns.map(([l]) => l)]) {
    const cell = el("th", label);
    cell.scope = "col";
    head.append(cell);
  }
  const body = el("tbody");
  for (const result of results) {
    const row = el("tr");
    const title = el("th", goalTitle(result.goal_id));
    title.scope = "row";
    row.append(el("td", String(result.rank), "num"), title);
    for (const [, value] of columns) row.append(el("td", value(result), "num"));
    body.append(row);
  }
  const thead = el("thead");
  thead.append(head);
  table.append(thead, body);
  return table;
}

function settingsText(S, round) {
  if (round.method === "dots") return fill(S.dots_settings, round);
  if (round.method === "matrix") return fill(S.matrix_settings, round);
  return S.ranking_settings;
}

export function createRoundBoard(connection, config, votes, roundForm) {
  const S = config.strings;
  const status = $("[data-round-status]");
  const list = $("[data-round-list]");
  const items = new Map(); // round id -> {item, parts, keys}: kept, so live regions and focus stay
  const previews = new Map(); // round id -> results seen only on this screen
  const send = (event, fields) => sendWithStatus(connection, status, event, fields);

  async function preview(round) {
    const ack = await connection.request(EVENTS.ROUND_PREVIEW, { round_id: round.id });
    if (ack?.ok) {
      previews.set(round.id, ack.data.results);
      render();
    }
  }

  function actions(round) {
    const setStatus = (next) => send(EVENTS.ROUND_STATUS, { round_id: round.id, status: next });
    const nodes = [];
    const primary = "button small primary";
    if (round.status === "draft") {
      nodes.push(button(S.round_open, () => setStatus("open"), primary));
    }
    if (round.status === "open") {
      nodes.push(button(S.round_close, () => setStatus("closed"), primary));
    }
    if (round.status === "closed") {
      nodes.push(
        button(S.round_reopen, () => setStatus("open")),
        button(S.round_reveal, () => setStatus("revealed"), primary),
      );
    }
    if (!round.results) {
      if (previews.has(round.id)) {
        nodes.push(
          button(S.round_preview_hide, () => {
            previews.delete(round.id);
            render();
          }),
        );
      } else {
        nodes.push(button(S.round_preview, () => preview(round)));
      }
    }
    if (round.status === "closed" || round.status === "revealed") {
      nodes.push(button(S.round_follow_up, () => roundForm.followUp(round)));
    }
    return nodes;
  }

  function results(round) {
    const published = round.results;
    const shown = published || previews.get(round.id);
    if (!shown) return [];
    let caption = S.preview_caption;
    if (published) caption = round.status === "revealed" ? S.result_caption : S.live_caption;
    return [resultTable(S, round, shown, caption, votes.goalTitle)];
  }

  function newItem(round) {
    const item = el("li", "", "round-item");
    item.dataset.roundId = String(round.id);
    const parts = {
      title: el("p", "", "goal-title"),
      settings: el("p", "", "hint"),
      goals: el("details", "", "round-goals"),
      progress: el("p", "", "round-progress"),
      actions: el("div", "", "actions"),
      results: el("div", "", "round-results"),
    };
    parts.progress.setAttribute("aria-live", "polite");
    item.append(...Object.values(parts));
    return { item, parts, keys: {} };
  }

  // Replace a part's children only when what it shows has changed.
  function update(entry, part, key, build) {
    if (entry.keys[part] === key) return;
    entry.keys[part] = key;
    const node = entry.parts[part];
    const hadFocus = node.contains(document.activeElement);
    node.replaceChildren(...build());
    // A keyboard user keeps their place: the focus goes to the part's first control.
    if (hadFocus) node.querySelector("button, summary")?.focus();
  }

  function renderItem(round) {
    if (!items.has(round.id)) items.set(round.id, newItem(round));
    const entry = items.get(round.id);
    const { parts } = entry;
    // "Round 2 · Ranking · open"; the method once only, when the title is the method's name.
    const method = S[METHOD_KEYS[round.method]];
    const label = roundLabel(S, round);
    const named = round.title === method ? [label] : [label, method];
    parts.title.textContent = [...named, S[`status_${round.status}`]].join(" · ");
    entry.item.dataset.status = round.status;
    parts.settings.textContent = settingsText(S, round);
    const titles = round.goal_ids.map(votes.goalTitle);
    update(entry, "goals", JSON.stringify(titles), () => {
      const list = el("ol", "", "plain-list");
      list.append(...titles.map((t) => el("li", t)));
      return [el("summary", goalsCount(S, titles.length)), list];
    });
    parts.progress.textContent = progressText(S, round.progress);
    const actionsKey = [round.status, Boolean(round.results), previews.has(round.id)].join("|");
    update(entry, "actions", actionsKey, () => actions(round));
    const shown = round.results || previews.get(round.id) || null;
    update(entry, "results", JSON.stringify([round.status, shown, titles]), () => results(round));
    return entry.item;
  }

  function render() {
    const newestFirst = votes.rounds().reverse();
    reorderChildren(list, newestFirst.map(renderItem));
    $("[data-round-empty]").hidden = newestFirst.length > 0;
  }

  votes.subscribe((what) => {
    for (const id of previews.keys()) {
      const round = votes.state.rounds.get(id);
      // Once the room sees a result, the private preview has done its work.
      if (!round || round.results) previews.delete(id);
      // A shown preview follows the votes (progress arrives at most ~3 times a second).
      else if (what === CHANGED.PROGRESS) preview(round);
    }
    render();
  });
}
