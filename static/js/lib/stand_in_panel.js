// Proxies and paper ballots: the moderator adds and removes them, and fills in their ballot in
// the open round. A stand-in's ballot is shown only while it is being filled in (secret ballot).
import { createBallotEditor } from "./ballot_editor.js";
import { EVENTS } from "./events.js";
import { $, button, clearSent, el, fieldValues, fill } from "./dom.js";
import { roundLabel } from "./round_form.js";
import { sendWithStatus } from "./socket.js";
import { CHANGED } from "./vote_state.js";

export function createStandInPanel(connection, config, votes) {
  const S = config.strings;
  // Each column says how its own commands went: proxies, and paper ballots.
  const statusOf = (kind) => $(`[data-standin-status="${kind}"]`);
  const ballotStatus = $("[data-ballot-status]");
  const box = $("[data-ballot-box]");
  const proxyForm = $("[data-proxy-form]");
  const send = (kind, event, fields) => sendWithStatus(connection, statusOf(kind), event, fields);
  let removing = null; // the stand-in whose removal waits for a second click
  let editing = null; // {voterId, roundId} while the moderator fills in a ballot

  const nameOf = (voter) =>
    voter.kind === "proxy"
      ? voter.name + (voter.organisation ? ` (${voter.organisation})` : "")
      : fill(S.paper_label, voter);

  async function openBallot(voter, round) {
    const ack = await connection.request(EVENTS.STAND_IN_BALLOT, {
      voter_id: voter.id,
      round_id: round.id,
    });
    if (!ack?.ok) {
      const status = statusOf(voter.kind);
      status.textContent = ack ? ack.error.message : S.offline;
      status.dataset.state = "error";
      return;
    }
    editing = { voterId: voter.id, roundId: round.id };
    const heading = voter.kind === "proxy" ? S.ballot_of_proxy : S.ballot_of_paper;
    $("[data-ballot-heading]").textContent = fill(heading, {
      name: voter.name,
      number: voter.number,
      round: roundLabel(S, round),
    });
    ballotStatus.textContent = "";
    // A fresh editor each time: nothing of the last ballot stays in the page.
    const holder = el("div");
    $("[data-ballot-editor]").replaceChildren(holder);
    const editor = createBallotEditor(holder, {
      strings: S,
      goalTitle: votes.goalTitle,
      send: (event, payload) =>
        sendWithStatus(connection, ballotStatus, event, { ...payload, voter_id: voter.id }),
    });
    editor.show(round, ack.data.ballot);
    box.hidden = false;
    // The heading first, so that Tab leads into the ballot.
    $("[data-ballot-heading]").focus();
    box.scrollIntoView({ block: "nearest" });
  }

  function closeBallot() {
    if (!editing) return;
    const { voterId } = editing;
    editing = null;
    const hadFocus = box.contains(document.activeElement);
    $("[data-ballot-editor]").replaceChildren();
    box.hidden = true;
    // Back to where the ballot was opened from.
    if (hadFocus) ($(`[data-voter="${voterId}"]`) || $("[data-paper-add]")).focus();
  }

  function removeControls(voter) {
    if (removing !== voter.id) {
      return [
        button(S.remove, () => {
          removing = voter.id;
          render();
        }, "button small danger"),
      ];
    }
    const question = voter.kind === "proxy" ? S.remove_proxy_question : S.remove_paper_question;
    return [
      el("span", fill(question, { name: nameOf(voter) }), "confirm-text"),
      button(S.remove_yes, async () => {
        removing = null;
        if (editing?.voterId === voter.id) closeBallot();
        await send(voter.kind, EVENTS.STAND_IN_REMOVE, { voter_id: voter.id });
        render();
      }, "button small danger"),
      button(S.cancel, () => {
        removing = null;
        render();
      }),
    ];
  }

  function standInItem(voter, open) {
    const item = el("li", "", "standin-item");
    const round = voter.round_id ? votes.state.rounds.get(voter.round_id) : null;
    item.append(el("span", nameOf(voter), "standin-name"));
    if (round) item.append(el("span", roundLabel(S, round), "hint"));
    const actions = el("span", "", "standin-actions");
    if (voter.kind === "proxy" && open) {
      const vote = button(fill(S.vote_for, { name: voter.name }), () => openBallot(voter, open));
      vote.dataset.voter = String(voter.id);
      actions.append(vote);
    }
    if (voter.kind === "paper" && open && voter.round_id === open.id) {
      const edit = button(S.edit, () => openBallot(voter, open));
      edit.dataset.voter = String(voter.id);
      edit.setAttribute("aria-label", `${S.edit}: ${nameOf(voter)}`);
      actions.append(edit);
    }
    actions.append(...removeControls(voter));
    item.append(actions);
    return item;
  }

  function render() {
    const open = votes.openRound();
    const proxies = votes.state.standIns.filter((v) => v.kind === "proxy");
    const papers = votes.state.standIns.filter((v) => v.kind === "paper");
    $("[data-proxy-list]").replaceChildren(...proxies.map((v) => standInItem(v, open)));
    $("[data-paper-list]").replaceChildren(...papers.map((v) => standInItem(v, open)));
    $("[data-proxy-empty]").hidden = proxies.length > 0;
    $("[data-paper-empty]").hidden = papers.length > 0;
    $("[data-open-round]").textContent = open
      ? fill(S.open_round_is, { round: roundLabel(S, open) })
      : S.no_open_round;
    $("[data-paper-add]").disabled = !open;
    // A ballot can only change while its round is open and its stand-in exists.
    const stillThere = votes.state.standIns.some((v) => v.id === editing?.voterId);
    if (editing && (open?.id !== editing.roundId || !stillThere)) closeBallot();
  }

  proxyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = fieldValues(proxyForm, ["name", "organisation"]);
    const ack = await send("proxy", EVENTS.PROXY_CREATE, sent);
    if (ack.ok) {
      clearSent(proxyForm, sent);
      proxyForm.elements.name.focus();
    }
  });
  $("[data-paper-add]").addEventListener("click", async () => {
    const open = votes.openRound();
    if (!open) return;
    const ack = await send("paper", EVENTS.PAPER_CREATE, { round_id: open.id });
    if (ack.ok) openBallot(ack.data.voter, open);
  });
  $("[data-ballot-done]").addEventListener("click", closeBallot);

  votes.subscribe((what) => {
    if (what !== CHANGED.PROGRESS && what !== CHANGED.GOALS) render();
  });
}
