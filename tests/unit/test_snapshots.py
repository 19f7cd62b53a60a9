"""Snapshots kept per workshop version: shared where nothing but a version changes them, fresh
everywhere else (clock, round progress, head count, the person's own data)."""

from workshop.services import ballots, goals, votes
from workshop.services.participants import join_workshop
from workshop.services.views import SnapshotCache, snapshot
from workshop.services.workshops import set_phase

URL = "http://klausur.example/j/CODE"


def test_one_version_is_built_once_and_a_new_version_anew(session, workshop):
    cache = SnapshotCache()
    set_phase(session, workshop, "goals")
    goals.create_goal(session, workshop, "Praxisphasen ausbauen")
    session.commit()
    first = snapshot(session, workshop, "projector", URL, cache=cache)
    again = snapshot(session, workshop, "projector", URL, cache=cache)
    assert again["goals"] is first["goals"]  # built once for this version
    assert again == {**first, "timer": again["timer"]}  # only the clock moves

    goals.create_goal(session, workshop, "Übergänge begleiten")
    session.commit()
    later = snapshot(session, workshop, "projector", URL, cache=cache)
    assert later["v"] == first["v"] + 1
    assert [g["title"] for g in later["goals"]] == [
        "Praxisphasen ausbauen",
        "Übergänge begleiten",
    ]
    uncached = snapshot(session, workshop, "projector", URL)
    assert later == {**uncached, "timer": later["timer"]}  # as built without a cache


def test_roles_and_join_links_do_not_share_an_entry(session, workshop):
    cache = SnapshotCache()
    moderator = snapshot(session, workshop, "moderator", URL, cache=cache)
    projector = snapshot(session, workshop, "projector", URL, cache=cache)
    other_link = snapshot(session, workshop, "projector", "https://other/j/CODE", cache=cache)
    assert "stand_ins" in moderator and "stand_ins" not in projector
    assert moderator["workshop"] is not projector["workshop"]
    assert other_link["workshop"]["join_url"] == "https://other/j/CODE"


def test_votes_and_own_data_are_fresh_within_one_version(session, workshop):
    """Votes move no version: progress and ballots must not come from the kept entry."""
    cache = SnapshotCache()
    set_phase(session, workshop, "goals")
    goal, _ = goals.create_goal(session, workshop, "Ziel")
    set_phase(session, workshop, "vote")
    vote_round, _ = votes.create_round(session, workshop, votes.RoundSettings(title="Runde"))
    votes.set_status(session, workshop, vote_round.id, "open")
    anna, ben = join_workshop(session, workshop)[0], join_workshop(session, workshop)[0]
    session.commit()
    before = snapshot(session, workshop, "participant", URL, anna, cache)
    ballots.set_dots(session, workshop, anna, vote_round.id, goal.id, 2)
    session.commit()
    after = snapshot(session, workshop, "participant", URL, anna, cache)
    assert after["v"] == before["v"]
    assert before["rounds"][0]["progress"]["voted"] == 0
    assert after["rounds"][0]["progress"]["voted"] == 1
    assert after["ballots"][vote_round.id] == {goal.id: 2}
    assert after["me"]["id"] == anna.id
    others = snapshot(session, workshop, "participant", URL, ben, cache)
    assert others["me"]["id"] == ben.id and others["ballots"][vote_round.id] == {}


def test_the_oldest_entry_goes_when_full():
    cache = SnapshotCache(size=2)
    made = []

    def maker(value):
        def make():
            made.append(value)
            return {"value": value}

        return make

    for key in ("a", "b", "a", "c", "a", "b"):
        cache.get((key,), maker(key))
    # "a" stays (used most recently), "b" was dropped for "c" and had to be made again.
    assert made == ["a", "b", "c", "b"]
