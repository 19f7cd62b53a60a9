import pytest

from workshop.services import participants, presence
from workshop.services.errors import Conflict, NotFound
from workshop.services.workshops import set_phase


def test_join_is_anonymous_by_default(session, workshop):
    participant, events = participants.join_workshop(session, workshop)
    assert participant.display_name == "" and participant.organisation == ""
    assert events[0].participant_id == participant.id


def test_profile_is_cleaned(session, workshop):
    participant, _ = participants.join_workshop(
        session, workshop, display_name="  Anna\u200b  ", organisation="Agentur für Arbeit"
    )
    assert participant.display_name == "Anna"
    participants.update_profile(session, workshop, participant, "", "")
    assert participant.display_name == ""


def test_closed_workshop_refuses_to_join(session, workshop):
    set_phase(session, workshop, "closed")
    with pytest.raises(Conflict) as caught:
        participants.join_workshop(session, workshop)
    assert caught.value.code == "workshop_closed"
    assert participants.count_participants(session, workshop.id) == 0


def test_participant_of_another_workshop_is_not_found(session, workshop):
    from workshop.services.workshops import WorkshopDetails, create_workshop

    other, _ = create_workshop(session, WorkshopDetails(title="Andere"), "kaoa")
    stranger, _ = participants.join_workshop(session, other)
    with pytest.raises(NotFound):
        participants.get_participant(session, workshop, stranger.id)
    with pytest.raises(NotFound):
        participants.get_participant(session, workshop, "1")


def test_presence_counts_people_not_tabs_and_forgets_dead_processes(session, workshop):
    from datetime import timedelta

    from workshop.models import ServerProcess, utcnow

    anna, _ = participants.join_workshop(session, workshop)
    ben, _ = participants.join_workshop(session, workshop)
    participants.join_workshop(session, workshop)
    for sid, who in (("s1", anna), ("s2", anna), ("s3", ben)):
        presence.add_connection(
            session,
            sid=sid,
            server_id="A",
            workshop_id=workshop.id,
            role="participant",
            participant_id=who.id,
        )
    presence.add_connection(
        session,
        sid="m1",
        server_id="A",
        workshop_id=workshop.id,
        role="moderator",
        participant_id=None,
    )
    assert presence.presence(session, workshop.id) == presence.Presence(joined=3, connected=2)
    presence.remove_connection(session, "s3")
    assert presence.presence(session, workshop.id).connected == 1
    # Server A crashes: its heartbeat stops, its connections stop counting.
    session.get(ServerProcess, "A").heartbeat_at = utcnow() - timedelta(minutes=5)
    session.flush()
    assert presence.presence(session, workshop.id).connected == 0
    presence.beat(session, "B")
    assert session.get(ServerProcess, "A") is None
