"""Loading a workshop's rows by a client's id (``services.lookup``)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from workshop.models import Participant
from workshop.services import participants
from workshop.services.errors import NotFound
from workshop.services.lookup import get_owned, load


def test_load_gives_the_row_once_per_session_and_none_for_unknown_ids(session, workshop):
    joined, _ = participants.join_workshop(session, workshop, display_name="Anna")
    session.commit()
    with sessionmaker(session.get_bind(), expire_on_commit=False)() as other:
        first = load(other, Participant, joined.id)
        assert first is not None and first.display_name == "Anna"
        assert load(other, Participant, joined.id) is first  # the session's own copy
        assert load(other, Participant, joined.id + 1000) is None


def test_load_reads_what_another_session_committed(session, workshop):
    joined, _ = participants.join_workshop(session, workshop, display_name="Anna")
    session.commit()
    factory = sessionmaker(session.get_bind(), expire_on_commit=False)
    with factory() as writer:
        writer.get(Participant, joined.id).display_name = "Berta"
        writer.commit()
    with factory() as reader:
        assert load(reader, Participant, joined.id).display_name == "Berta"


def test_load_with_a_lock_goes_through_session_get(session, workshop):
    joined, _ = participants.join_workshop(session, workshop)
    session.commit()
    assert load(session, Participant, joined.id, with_for_update=True) is joined


@pytest.mark.parametrize("bad_id", [None, True, "1", 1.0, [1]])
def test_get_owned_refuses_ids_that_are_no_integers(session, workshop, bad_id):
    with pytest.raises(NotFound):
        get_owned(session, Participant, workshop, bad_id, "participant_not_found")
