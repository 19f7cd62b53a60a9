"""Realtime fixtures shared by the voting tests."""

import pytest
from helpers import cmd, join_as_participant, socket_for


@pytest.fixture
def voting_room(app, moderator_client):
    """Moderator, three phones and the projector connected; three goals; phase "vote"."""
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    phones = [
        socket_for(app, join_as_participant(app, workshop), workshop, "participant")
        for _ in range(3)
    ]
    projector = socket_for(app, browser, workshop, "projector")
    moderator.emit("phase.set", cmd(workshop, phase="goals"), callback=True)
    goal_ids = [
        moderator.emit("goal.create", cmd(workshop, title=f"Ziel {n}"), callback=True)["data"][
            "goal"
        ]["id"]
        for n in range(3)
    ]
    moderator.emit("phase.set", cmd(workshop, phase="vote"), callback=True)
    return workshop, moderator, phones, projector, goal_ids
