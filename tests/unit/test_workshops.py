from datetime import timedelta

import pytest

from workshop.models import utcnow
from workshop.services import workshops as ws
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.events import PhaseChanged, TimerChanged
from workshop.services.tokens import JOIN_CODE_ALPHABET, hash_token


def test_kaoa_template_brings_four_action_fields_and_two_kinds(session):
    workshop, _ = ws.create_workshop(session, ws.WorkshopDetails(title="Klausur"), "kaoa")
    assert [f.name for f in workshop.fields] == [
        "Studien- und Berufsorientierung",
        "Übergang Schule–Beruf / Systematisierung des Übergangs",
        "Attraktivität des dualen Systems",
        "Kommunale Koordinierung",
    ]
    assert [k.name for k in workshop.kinds] == ["Erfolg", "Herausforderung"]
    assert workshop.phase == "lobby"


def test_blank_template_starts_empty(session):
    workshop, _ = ws.create_workshop(session, ws.WorkshopDetails(title="Leer"), "blank")
    assert workshop.fields == [] and workshop.kinds == []


def test_join_code_has_six_unambiguous_characters(session, workshop):
    assert len(workshop.join_code) == 6
    assert set(workshop.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set("0O1IL") & set(JOIN_CODE_ALPHABET)


def test_moderator_token_is_stored_only_as_hash(session):
    workshop, token = ws.create_workshop(session, ws.WorkshopDetails(title="K"), "kaoa")
    assert token not in workshop.moderator_token_hash
    assert workshop.moderator_token_hash == hash_token(token)
    assert ws.find_by_moderator_token(session, token) is workshop


def test_rotating_the_token_invalidates_the_old_link_and_grant(session):
    workshop, token = ws.create_workshop(session, ws.WorkshopDetails(title="K"), "kaoa")
    old_grant = ws.moderator_grant(workshop)
    new_token = ws.rotate_moderator_token(session, workshop)
    with pytest.raises(NotFound):
        ws.find_by_moderator_token(session, token)
    assert ws.find_by_moderator_token(session, new_token) is workshop
    assert not ws.grant_is_valid(workshop, old_grant)
    assert ws.grant_is_valid(workshop, ws.moderator_grant(workshop))


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {spaced} ", "{dashed}"])
def test_join_code_is_found_as_people_type_it(session, workshop, typed):
    code = workshop.join_code
    text = typed.format(
        code=code,
        lower=code.lower(),
        spaced=f"{code[:3]} {code[3:]}",
        dashed=f"{code[:3]}-{code[3:]}",
    )
    assert ws.find_by_join_code(session, text) is workshop


@pytest.mark.parametrize("typed", ["", "ABC", "0OIL1Z", "x" * 500, "ÄÖÜ123"])
def test_unknown_join_codes_are_refused(session, workshop, typed):
    with pytest.raises(NotFound) as caught:
        ws.find_by_join_code(session, typed)
    assert caught.value.code == "unknown_join_code"


def test_title_is_required_and_limited(session):
    with pytest.raises(Invalid) as caught:
        ws.create_workshop(session, ws.WorkshopDetails(title="  "), "kaoa")
    assert caught.value.fields == ["title"]
    with pytest.raises(Invalid):
        ws.create_workshop(session, ws.WorkshopDetails(title="x" * 201), "kaoa")


def test_unknown_template_and_language_are_refused(session):
    with pytest.raises(Invalid):
        ws.create_workshop(session, ws.WorkshopDetails(title="K"), "nope")
    with pytest.raises(Invalid):
        ws.create_workshop(session, ws.WorkshopDetails(title="K", language="fr"), "kaoa")


def test_phase_moves_forward_and_back_and_bumps_the_version(session, workshop):
    start = workshop.version
    events = ws.step_phase(session, workshop, 1)
    assert workshop.phase == "collect"
    assert events == [PhaseChanged(workshop.id, start + 1, "collect")]
    ws.step_phase(session, workshop, -1)
    assert workshop.phase == "lobby"
    assert workshop.version == start + 2


def test_phase_cannot_step_past_the_ends(session, workshop):
    with pytest.raises(Conflict):
        ws.step_phase(session, workshop, -1)
    ws.set_phase(session, workshop, "closed")
    with pytest.raises(Conflict):
        ws.step_phase(session, workshop, 1)


def test_every_phase_can_be_set_directly_and_unknown_ones_are_refused(session, workshop):
    for phase in workshop.phases:
        ws.set_phase(session, workshop, phase)
        assert workshop.phase == phase
    version = workshop.version
    with pytest.raises(Invalid):
        ws.set_phase(session, workshop, "party")
    assert workshop.version == version


def test_setting_the_same_phase_changes_nothing(session, workshop):
    version = workshop.version
    assert ws.set_phase(session, workshop, "lobby") == []
    assert workshop.version == version


def test_timer_start_extend_stop(session, workshop):
    ws.start_timer(session, workshop, 300)
    left = workshop.timer_ends_at - utcnow()
    assert timedelta(seconds=298) < left <= timedelta(seconds=300)
    events = ws.extend_timer(session, workshop, 60)
    assert isinstance(events[0], TimerChanged)
    assert workshop.timer_ends_at - utcnow() > timedelta(seconds=358)
    ws.stop_timer(session, workshop)
    assert workshop.timer_ends_at is None
    assert ws.stop_timer(session, workshop) == []


def test_phase_change_stops_the_timer(session, workshop):
    ws.start_timer(session, workshop, 300)
    ws.set_phase(session, workshop, "collect")
    assert workshop.timer_ends_at is None


@pytest.mark.parametrize("seconds", [0, -5, 4 * 3600 + 1, True, 1.5, "60"])
def test_bad_timer_durations_are_refused(session, workshop, seconds):
    with pytest.raises(Invalid):
        ws.start_timer(session, workshop, seconds)
    assert workshop.timer_ends_at is None


def test_extending_without_a_timer_is_a_conflict(session, workshop):
    with pytest.raises(Conflict):
        ws.extend_timer(session, workshop, 60)


def test_versions_survive_a_commit_and_reload(session, workshop):
    ws.set_phase(session, workshop, "collect")
    session.commit()
    session.expire_all()
    assert ws.get_workshop(session, workshop.id).version == 2
