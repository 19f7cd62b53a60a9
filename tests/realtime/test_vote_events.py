"""Dot voting over Socket.IO: secret ballots, coalesced aggregates, reveal."""

import pytest
from helpers import cmd, join_as_participant, settle, socket_for

from workshop.realtime import tallies


def names(client):
    return [(e["name"], e["args"][0]) for e in client.get_received()]


@pytest.fixture
def round_open(voting_room):
    workshop, moderator, phones, projector, goal_ids = voting_room
    ack = moderator.emit("round.create", cmd(workshop, title="Priorisierung"), callback=True)
    round_id = ack["data"]["round"]["id"]
    assert moderator.emit(
        "round.status", cmd(workshop, round_id=round_id, status="open"), callback=True
    )["ok"]
    for client in (moderator, *phones, projector):
        client.get_received()
    return workshop, moderator, phones, projector, round_id, goal_ids


def vote(phone, workshop, round_id, goal_id, dots):
    return phone.emit(
        "vote.dots", cmd(workshop, round_id=round_id, goal_id=goal_id, dots=dots), callback=True
    )


def test_votes_reach_others_only_as_coalesced_progress(round_open):
    workshop, _moderator, phones, projector, round_id, goals = round_open
    for phone in phones:
        for goal in goals[:2]:
            assert vote(phone, workshop, round_id, goal, 2)["ok"]
    settle()
    received = names(projector)
    progress = [p for n, p in received if n == "round.progress"]
    assert 1 <= len(progress) < 6  # six votes, far fewer pushes
    assert progress[-1] == {
        "round_id": round_id,
        "voted": 3,
        "eligible": 3,
        "proxy": 0,
        "paper": 0,
    }
    assert not [n for n, _ in received if n in ("round.tally", "ballot.changed")]
    # No phone heard of another's ballot (its own is in its acknowledgements) nor a tally;
    # each got the progress, less often than the screens, ending with the final count.
    for phone in phones:
        heard = names(phone)
        assert not [n for n, _ in heard if n in ("ballot.changed", "round.tally")]
        phone_progress = [p for n, p in heard if n == "round.progress"]
        assert 1 <= len(phone_progress) <= len(progress)
        assert phone_progress[-1] == progress[-1]


def test_phones_get_the_progress_seldom(round_open, monkeypatch):
    """A burst of votes reaches the screens several times, the phones once and a last time."""
    monkeypatch.setattr(tallies.phones, "delay", tallies.PHONE_DELAY)
    workshop, _moderator, phones, projector, round_id, goals = round_open
    for _ in range(3):
        for phone in phones:
            for goal in goals:
                for dots in (1, 0):
                    assert vote(phone, workshop, round_id, goal, dots)["ok"]
    assert vote(phones[0], workshop, round_id, goals[0], 1)["ok"]
    settle()
    screen = [p for n, p in names(projector) if n == "round.progress"]
    assert screen[-1]["voted"] == 1
    for phone in phones:
        heard = [p for n, p in names(phone) if n == "round.progress"]
        # The first vote at once, the burst's end once the interval is over.
        assert len(heard) == 2, heard
        assert heard[-1] == screen[-1]


def test_a_late_joiner_counts_in_the_open_round(app, round_open):
    """Somebody who joins while the vote is open raises "von 3" to "von 4" on every screen."""
    workshop, _moderator, phones, projector, round_id, _goals = round_open
    late = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    settle()
    for client in (projector, phones[0]):
        progress = [p for n, p in names(client) if n == "round.progress"]
        assert progress[-1]["round_id"] == round_id
        assert progress[-1]["eligible"] == 4, progress
    assert late.connected


def test_a_ballot_reaches_the_phones_other_tabs(app, moderator_client):
    """A second tab of the same phone follows the ballot; the tab that voted has it in the
    acknowledgement and gets no push for it."""
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    phone = join_as_participant(app, workshop)
    tab, other_tab = (socket_for(app, phone, workshop, "participant") for _ in range(2))
    moderator.emit("phase.set", cmd(workshop, phase="goals"), callback=True)
    goal = moderator.emit("goal.create", cmd(workshop, title="Ziel"), callback=True)["data"]
    moderator.emit("phase.set", cmd(workshop, phase="vote"), callback=True)
    round_id = moderator.emit("round.create", cmd(workshop, title="Runde"), callback=True)["data"][
        "round"
    ]["id"]
    moderator.emit("round.status", cmd(workshop, round_id=round_id, status="open"), callback=True)
    tab.get_received()
    other_tab.get_received()
    ack = vote(tab, workshop, round_id, goal["goal"]["id"], 2)
    assert ack["ok"]
    assert [p for n, p in names(other_tab) if n == "ballot.changed"] == [ack["data"]]
    assert not [n for n, _ in names(tab) if n == "ballot.changed"]


def test_ballot_is_secret_and_budget_is_enforced(round_open):
    workshop, moderator, phones, projector, round_id, goals = round_open
    ack = vote(phones[0], workshop, round_id, goals[0], 3)
    assert ack["ok"] and ack["data"]["ballot"] == {str(goals[0]): 3}
    ack = vote(phones[0], workshop, round_id, goals[1], 3)
    assert ack["error"]["code"] == "budget_exceeded"
    assert "5" in ack["error"]["message"]
    assert vote(phones[0], workshop, round_id, goals[1], 4)["error"]["code"] == "too_many_on_goal"
    settle()
    for client in (moderator, phones[1], projector):
        assert f'"{goals[0]}": 3' not in str(client.get_received()).replace("'", '"')
    snap = phones[0].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert snap["ballots"][str(round_id)] == {str(goals[0]): 3}
    other = phones[1].emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
    assert other["ballots"][str(round_id)] == {}
    assert other["rounds"][0]["results"] is None


def test_nobody_sees_tallies_before_the_reveal(round_open):
    workshop, moderator, phones, projector, round_id, goals = round_open
    vote(phones[0], workshop, round_id, goals[2], 3)
    vote(phones[1], workshop, round_id, goals[2], 1)
    vote(phones[1], workshop, round_id, goals[0], 1)
    for client in (moderator, projector, phones[2]):
        snap = client.emit("snapshot.get", {"workshop": workshop.id}, callback=True)["data"]
        assert snap["rounds"][0]["results"] is None
    preview = moderator.emit(
        "round.preview", {"workshop": workshop.id, "round_id": round_id}, callback=True
    )
    assert preview["data"]["results"][0] == {
        "goal_id": goals[2],
        "dots": 4,
        "rank": 1,
        "voter_share": 1.0,
    }
    moderator.emit("round.status", cmd(workshop, round_id=round_id, status="closed"), callback=True)
    assert vote(phones[2], workshop, round_id, goals[0], 1)["error"]["code"] == "round_not_open"
    projector.get_received()
    moderator.emit(
        "round.status", cmd(workshop, round_id=round_id, status="revealed"), callback=True
    )
    changed = [p for n, p in names(projector) if n == "round.changed"]
    results = changed[-1]["round"]["results"]
    assert [(r["goal_id"], r["dots"], r["rank"]) for r in results] == [
        (goals[2], 4, 1),
        (goals[0], 1, 2),
        (goals[1], 0, 3),
    ]


def test_phones_and_projector_may_not_run_rounds(round_open):
    workshop, _moderator, phones, projector, round_id, goals = round_open
    for client in (phones[0], projector):
        ack = client.emit(
            "round.status", cmd(workshop, round_id=round_id, status="revealed"), callback=True
        )
        assert ack["error"]["code"] == "not_allowed"
    ack = projector.emit(
        "vote.dots", cmd(workshop, round_id=round_id, goal_id=goals[0], dots=1), callback=True
    )
    assert ack["error"]["code"] == "not_allowed"
