// The moderator's card board: every card per action field, with moderation actions.
import { applyCardOrder, byPosition } from "./arrange.js";
import { EVENTS } from "./events.js";
import { $, button, clearSent, el, fieldValues } from "./dom.js";
import { sendWithStatus } from "./socket.js";

export function createCardBoard(connection, config, goalBoard) {
  const S = config.strings;
  const status = $("[data-board-status]");
  const state = {
    phase: "lobby",
    fields: [],
    kinds: [],
    cards: new Map(),
    clusters: new Map(),
    wall: {},
    merging: null,
    dragging: false,
    proposals: [],
  };

  const send = (event, fields) => sendWithStatus(connection, status, event, fields);
  const kindOf = (id) => state.kinds.find((k) => k.id === id) || { name: "", color: "grey" };

  function mergeControls(card) {
    const box = el("div", "", "merge-box");
    const select = document.createElement("select");
    select.setAttribute("aria-label", S.merge);
    for (const other of state.cards.values()) {
      if (other.id === card.id || other.field_id !== card.field_id || !visible(other)) continue;
      const option = el("option", other.text.slice(0, 80));
      option.value = String(other.id);
      select.append(option);
    }
    box.append(
      select,
      button(S.merge_do, () => {
        state.merging = null;
        if (select.value) send(EVENTS.CARD_MERGE, { source_id: card.id, target_id: Number(select.value) });
      }),
      button(S.cancel, () => {
        state.merging = null;
        render();
      }),
    );
    return box;
  }

  function editControls(card, item) {
    const form = el("form", "", "row");
    const input = document.createElement("input");
    input.value = card.text;
    input.maxLength = 500;
    input.setAttribute("aria-label", S.edit);
    const save = el("button", S.save, "button small primary");
    save.type = "submit";
    form.append(input, save, button(S.cancel, () => render()));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(EVENTS.CARD_EDIT, { card_id: card.id, text: input.value });
    });
    item.append(form);
    input.focus();
  }

  const visible = (card) => !card.hidden && !card.deleted && !card.merged_into;

  function cardItem(card) {
    const kind = kindOf(card.kind_id);
    const item = el("li", "", `board-card kind-border-${kind.color}`);
    item.dataset.cardId = String(card.id);
    if (!visible(card)) item.classList.add("inactive");
    const meta = el("p", "", "card-meta");
    meta.append(el("span", kind.name, `kind-label kind-${kind.color}`));
    if (card.supports) meta.append(el("span", `+${card.supports}`, "supports"));
    meta.append(el("span", card.author || (card.by_moderator ? S.by_moderator : S.anonymous)));
    for (const [flag, label] of [["hidden", S.hidden], ["deleted", S.deleted], ["edited", S.edited_by_moderator]]) {
      if (card[flag]) meta.append(el("span", label, "flag"));
    }
    if (card.merged_into) meta.append(el("span", S.merged, "flag"));
    item.append(meta, el("p", card.text, "card-text"));
    if (card.merged_into) return item;
    const actions = el("div", "", "actions");
    if (card.deleted) {
      actions.append(button(S.restore, () => send(EVENTS.CARD_RESTORE, { card_id: card.id })));
    } else {
      actions.append(
        button(S.edit, () => editControls(card, item)),
        button(card.hidden ? S.unhide : S.hide, () =>
          send(EVENTS.CARD_HIDE, { card_id: card.id, hidden: !card.hidden }),
        ),
        button(S.delete, () => send(EVENTS.CARD_DELETE, { card_id: card.id }), "button small danger"),
      );
      if (visible(card)) {
        actions.append(
          button(S.spotlight, () => send(EVENTS.CARD_SPOTLIGHT, { card_id: card.id })),
          button(S.merge, () => {
            state.merging = card.id;
            render();
          }),
        );
      }
    }
    item.append(actions);
    if (state.merging === card.id) item.append(mergeControls(card));
    return item;
  }


  function moveTargets(card) {
    const options = [{ value: "", label: `${S.no_cluster} – ${fieldName(card.field_id)}` }];
    for (const cluster of [...state.clusters.values()].sort(byPosition)) {
      if (cluster.field_id === null || cluster.field_id === card.field_id) {
        options.push({ value: String(cluster.id), label: cluster.name || S.unnamed });
      }
    }
    return options;
  }

  const fieldName = (id) => state.fields.find((f) => f.id === id)?.name || "";

  function move(card, clusterId, index) {
    send(EVENTS.CARD_MOVE, { card_id: card.id, cluster_id: clusterId, index: Math.max(0, index) });
  }

  function clusterCard(card, list, index) {
    const kind = kindOf(card.kind_id);
    const item = el("li", "", `board-card kind-border-${kind.color}`);
    item.dataset.cardId = String(card.id);
    const meta = el("p", "", "card-meta");
    meta.append(el("span", kind.name, `kind-label kind-${kind.color}`));
    if (card.supports) meta.append(el("span", `+${card.supports}`, "supports"));
    item.append(meta, el("p", card.text, "card-text"));
    const tools = el("div", "", "actions move-tools");
    const select = document.createElement("select");
    select.setAttribute("aria-label", `${S.move_to}: ${card.text.slice(0, 40)}`);
    for (const target of moveTargets(card)) {
      const option = el("option", target.label);
      option.value = target.value;
      option.selected = target.value === (card.cluster_id === null ? "" : String(card.cluster_id));
      select.append(option);
    }
    select.addEventListener("change", () =>
      move(card, select.value ? Number(select.value) : null, 100000),
    );
    const up = button("↑", () => move(card, card.cluster_id, index - 1));
    up.setAttribute("aria-label", `${S.move_up}: ${card.text.slice(0, 40)}`);
    up.disabled = index === 0;
    const down = button("↓", () => move(card, card.cluster_id, index + 1));
    down.setAttribute("aria-label", `${S.move_down}: ${card.text.slice(0, 40)}`);
    down.disabled = index === list.length - 1;
    tools.append(select, up, down);
    item.append(tools);
    return item;
  }

  function sortableList(cards, clusterId) {
    const list = el("ol", "", "board-list drop-list");
    list.dataset.clusterId = clusterId === null ? "" : String(clusterId);
    list.append(...cards.map((card, index) => clusterCard(card, cards, index)));
    if (window.Sortable) {
      window.Sortable.create(list, {
        group: "cards",
        animation: 120,
        // Pointer events instead of native drag-and-drop: the same on mouse, pen and touch.
        forceFallback: true,
        filter: "select, button, input",
        preventOnFilter: false,
        onStart: () => {
          state.dragging = true;
        },
        onEnd: (event) => {
          state.dragging = false;
          const card = state.cards.get(Number(event.item.dataset.cardId));
          const target = event.to.dataset.clusterId;
          if (card) move(card, target ? Number(target) : null, event.newIndex);
          render();
        },
      });
    }
    return list;
  }

  function clusterBox(cluster, cards) {
    const box = el("section", "", "cluster-box");
    const head = el("div", "", "cluster-head");
    const name = document.createElement("input");
    name.value = cluster.name;
    name.placeholder = S.unnamed;
    name.maxLength = 120;
    name.setAttribute("aria-label", S.cluster_name);
    name.addEventListener("change", () =>
      send(EVENTS.CLUSTER_RENAME, { cluster_id: cluster.id, name: name.value }),
    );
    head.append(
      name,
      el("span", String(cards.length), "count"),
      button(S.dissolve, () => send(EVENTS.CLUSTER_DISSOLVE, { cluster_id: cluster.id })),
    );
    if (state.phase === "goals") {
      head.append(button(S.to_goal, () => goalBoard.fromCluster(cluster), "button small primary"));
    }
    box.append(head, sortableList(cards, cluster.id));
    return box;
  }

  function renderClusters() {
    const visibleCards = [...state.cards.values()].filter(visible).sort(byPosition);
    const clusters = [...state.clusters.values()].sort(byPosition);
    const columns = state.fields.map((field) => {
      const column = el("section", "", "board-column");
      column.setAttribute("aria-label", field.name);
      column.append(el("h3", field.name));
      for (const cluster of clusters.filter((c) => c.field_id === field.id)) {
        column.append(clusterBox(cluster, visibleCards.filter((c) => c.cluster_id === cluster.id)));
      }
      column.append(
        button(S.new_cluster, () => send(EVENTS.CLUSTER_CREATE, { field_id: field.id, name: "" })),
      );
      const loose = visibleCards.filter((c) => c.cluster_id === null && c.field_id === field.id);
      column.append(el("h4", S.no_cluster), sortableList(loose, null));
      return column;
    });
    const across = clusters.filter((c) => c.field_id === null);
    const acrossColumn = el("section", "", "board-column");
    acrossColumn.append(el("h3", S.across_fields));
    for (const cluster of across) {
      acrossColumn.append(
        clusterBox(cluster, visibleCards.filter((c) => c.cluster_id === cluster.id)),
      );
    }
    acrossColumn.append(
      button(S.new_cluster, () => send(EVENTS.CLUSTER_CREATE, { field_id: null, name: "" })),
    );
    $("[data-board-columns]").replaceChildren(...columns, acrossColumn);
    renderProposals();
  }

  function renderProposals() {
    const items = state.proposals.map((proposal, index) => {
      const item = el("li", "", "proposal");
      const name = document.createElement("input");
      name.setAttribute("aria-label", S.cluster_name);
      name.placeholder = S.unnamed;
      const texts = el("ul", "", "plain-list");
      for (const id of proposal.card_ids) {
        const card = state.cards.get(id);
        if (card) texts.append(el("li", card.text));
      }
      const drop = () => {
        state.proposals.splice(index, 1);
        renderProposals();
      };
      item.append(
        el("p", proposal.field_id ? fieldName(proposal.field_id) : S.across_fields, "eyebrow"),
        texts,
        name,
        button(S.accept, async () => {
          const ack = await send(EVENTS.CLUSTER_CREATE, {
            field_id: proposal.field_id,
            name: name.value,
            card_ids: proposal.card_ids,
          });
          if (ack.ok) drop();
        }),
        button(S.reject, drop),
      );
      return item;
    });
    $("[data-proposals]").replaceChildren(...items);
    $("[data-proposals-box]").hidden = items.length === 0;
  }

  function render() {
    if (state.dragging) return;
    const clustering = ["cluster", "goals"].includes(state.phase);
    $("[data-cluster-tools]").hidden = !clustering;
    $("[data-collect-tools]").hidden = clustering;
    if (clustering) {
      renderClusters();
      renderWall();
      return;
    }
    const columns = state.fields.map((field) => {
      const column = el("section", "", "board-column");
      column.setAttribute("aria-label", field.name);
      const cards = [...state.cards.values()].filter((c) => c.field_id === field.id);
      const list = el("ol", "", "board-list");
      list.append(...cards.map(cardItem));
      column.append(el("h3", `${field.name} (${cards.filter(visible).length})`), list);
      if (!cards.length) column.append(el("p", S.no_cards, "hint"));
      return column;
    });
    $("[data-board-columns]").replaceChildren(...columns);
    renderWall();
  }

  function renderWall() {
    const locked = Boolean(state.wall.collect_locked);
    const lock = $("[data-lock]");
    lock.textContent = locked ? S.unlock : S.lock;
    lock.setAttribute("aria-pressed", locked ? "true" : "false");
    $("[data-card-names]").value = state.wall.card_names || "anonymous";
    $("[data-show-authors]").checked = Boolean(state.wall.show_authors);
    const spotlight = state.wall.spotlight;
    $("[data-spotlight-bar]").hidden = !spotlight;
    $("[data-spotlight-text]").textContent = spotlight ? spotlight.text : "";
    $("[data-board]").hidden = !["collect", "cluster", "goals"].includes(state.phase);
  }

  function fillSelect(select, items) {
    const chosen = select.value;
    select.replaceChildren(
      ...items.map((item) => {
        const option = el("option", item.name);
        option.value = String(item.id);
        return option;
      }),
    );
    if (chosen) select.value = chosen;
  }

  function setStructure(fields, kinds) {
    state.fields = fields;
    state.kinds = kinds;
    fillSelect($("[data-field-select]"), fields);
    fillSelect($("[data-kind-select]"), kinds);
  }

  $("[data-suggest]").addEventListener("click", async () => {
    const ack = await connection.request(EVENTS.CLUSTER_SUGGEST, {
      across_fields: $("[data-suggest-across]").checked,
    });
    if (!ack) return;
    if (!ack.ok) {
      status.textContent = ack.error.message;
      return;
    }
    state.proposals = ack.data.proposals;
    status.textContent = state.proposals.length ? "" : S.no_proposals;
    renderProposals();
  });

  $("[data-lock]").addEventListener("click", () =>
    send(EVENTS.WALL_UPDATE, { collect_locked: !state.wall.collect_locked }),
  );
  $("[data-card-names]").addEventListener("change", (event) =>
    send(EVENTS.WALL_UPDATE, { card_names: event.currentTarget.value }),
  );
  $("[data-show-authors]").addEventListener("change", (event) =>
    send(EVENTS.WALL_UPDATE, { show_authors: event.currentTarget.checked }),
  );
  $("[data-spotlight-end]").addEventListener("click", () =>
    send(EVENTS.CARD_SPOTLIGHT, { card_id: null }),
  );
  $("[data-moderator-card]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const sent = fieldValues(form, ["text"]);
    const ack = await send(EVENTS.CARD_POST, {
      field_id: Number(form.elements.field_id.value),
      kind_id: Number(form.elements.kind_id.value),
      text: sent.text,
    });
    if (ack.ok) clearSent(form, sent);
  });

  return {
    onSnapshot(snapshot) {
      state.phase = snapshot.workshop.phase;
      state.wall = snapshot.wall;
      state.cards = new Map(snapshot.cards.map((c) => [c.id, c]));
      state.clusters = new Map(snapshot.clusters.map((c) => [c.id, c]));
      setStructure(snapshot.fields, snapshot.kinds);
      render();
    },
    onEvent(name, payload) {
      if (name === EVENTS.CARD_CHANGED) state.cards.set(payload.card.id, payload.card);
      else if (name === EVENTS.CARD_REMOVED) state.cards.delete(payload.card_id);
      else if (name === EVENTS.WALL_CHANGED) state.wall = payload.wall;
      else if (name === EVENTS.CLUSTER_CHANGED) state.clusters.set(payload.cluster.id, payload.cluster);
      else if (name === EVENTS.CLUSTER_REMOVED) state.clusters.delete(payload.cluster_id);
      else if (name === EVENTS.CARDS_ARRANGED) applyCardOrder(state.cards, payload);
      else if (name === EVENTS.PHASE_CHANGED) state.phase = payload.phase;
      else if (name === EVENTS.WORKSHOP_CHANGED) setStructure(payload.fields, payload.kinds);
      else return;
      render();
    },
  };
}
