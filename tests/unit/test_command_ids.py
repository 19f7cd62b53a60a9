from datetime import timedelta

import pytest

from workshop.models import ProcessedCommand, utcnow
from workshop.services import presence
from workshop.services.commands import previous_ack, remember_ack
from workshop.services.errors import Conflict


def test_an_applied_command_returns_its_first_answer(session, workshop):
    assert previous_ack(session, workshop.id, "abcdefgh", "moderator") is None
    remember_ack(session, workshop.id, "abcdefgh", "moderator", {"ok": True, "data": {"v": 2}})
    assert previous_ack(session, workshop.id, "abcdefgh", "moderator") == {
        "ok": True,
        "data": {"v": 2},
    }


def test_another_senders_command_id_is_refused(session, workshop):
    remember_ack(session, workshop.id, "abcdefgh", "participant:1", {"ok": True})
    with pytest.raises(Conflict):
        previous_ack(session, workshop.id, "abcdefgh", "participant:2")


def test_old_command_ids_are_forgotten_by_the_heartbeat(session, workshop):
    remember_ack(session, workshop.id, "old-command", "moderator", {"ok": True})
    remember_ack(session, workshop.id, "new-command", "moderator", {"ok": True})
    session.get(ProcessedCommand, (workshop.id, "old-command")).created_at = utcnow() - timedelta(
        days=2
    )
    presence.beat(session, "server-a")
    assert previous_ack(session, workshop.id, "old-command", "moderator") is None
    assert previous_ack(session, workshop.id, "new-command", "moderator") == {"ok": True}
