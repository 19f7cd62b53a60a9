// Applying the server's orders: it decides where every card and goal stands (docs/protocol.md).

// cards.arranged: each list gives the authoritative order of one cluster or field.
export function applyCardOrder(cards, payload) {
  for (const list of payload.lists) {
    list.card_ids.forEach((id, position) => {
      const card = cards.get(id);
      if (card) Object.assign(card, { cluster_id: list.cluster_id, position });
    });
  }
}

// goals.arranged: the whole order of the goals.
export function applyGoalOrder(goals, payload) {
  payload.goal_ids.forEach((id, position) => {
    const goal = goals.get(id);
    if (goal) goal.position = position;
  });
}

export const byPosition = (a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id;
