from datetime import timedelta

import pytest

from workshop.models import Card, CardSupport
from workshop.services import cards
from workshop.services.cards import RateLimit
from workshop.services.errors import Conflict, Forbidden, Invalid, NotFound
from workshop.services.events import CardChanged, CardRemoved, WallChanged
from workshop.services.participants import join_workshop
from workshop.services.views import card_view, me_view, presence_view
from workshop.services.workshops import WorkshopDetails, create_workshop, set_phase


@pytest.fixture
def collecting(session, workshop):
    set_phase(session, workshop, "collect")
    return workshop


@pytest.fixture
def anna(session, collecting):
    return join_workshop(session, collecting, display_name="Anna")[0]


@pytest.fixture
def ben(session, collecting):
    return join_workshop(session, collecting, display_name="Ben")[0]


def post(session, workshop, author, text="Mehr Praktikumsplätze im Handwerk", field=0, kind=0):
    card, _ = cards.post_card(
        session, workshop, author, workshop.fields[field].id, workshop.kinds[kind].id, text
    )
    return card


def test_post_a_card_for_a_field_and_kind(session, collecting, anna):
    version = collecting.version
    card, events = cards.post_card(
        session,
        collecting,
        anna,
        collecting.fields[1].id,
        collecting.kinds[1].id,
        "  Übergänge\u200b ohne Anschluss  ",
    )
    assert card.text == "Übergänge ohne Anschluss"
    assert card.author_id == anna.id
    assert events == [CardChanged(collecting.id, version + 1, card.id)]


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u2060", "x" * 501])
def test_bad_text_is_refused_and_nothing_is_posted(session, collecting, anna, text):
    with pytest.raises(Invalid):
        post(session, collecting, anna, text=text)
    assert session.query(Card).count() == 0


def test_500_characters_are_fine_and_markup_stays_text(session, collecting, anna):
    assert len(post(session, collecting, anna, text="ä" * 500).text) == 500
    assert post(session, collecting, anna, text="<b>fett</b>").text == "<b>fett</b>"


def test_missing_or_foreign_field_and_kind_are_refused(session, collecting, anna):
    other, _ = create_workshop(session, WorkshopDetails(title="Andere"), "kaoa")
    with pytest.raises(NotFound) as caught:
        cards.post_card(session, collecting, anna, other.fields[0].id, collecting.kinds[0].id, "x")
    assert caught.value.code == "field_not_found"
    with pytest.raises(NotFound) as caught:
        cards.post_card(session, collecting, anna, collecting.fields[0].id, None, "x")
    assert caught.value.code == "kind_not_found"


def test_posting_only_while_collecting_is_open(session, workshop):
    person = join_workshop(session, workshop)[0]
    with pytest.raises(Conflict) as caught:
        post(session, workshop, person)
    assert caught.value.code == "not_collecting"
    set_phase(session, workshop, "collect")
    cards.update_wall(session, workshop, collect_locked=True)
    with pytest.raises(Conflict) as caught:
        post(session, workshop, person)
    assert caught.value.code == "collect_locked"
    # The moderator may still add a card, e.g. one dictated by somebody without a phone.
    assert post(session, workshop, None).author_id is None


def test_flooding_is_slowed_down_per_participant(session, collecting, anna, ben):
    limit = RateLimit(count=3, seconds=60)
    for n in range(3):
        cards.post_card(
            session,
            collecting,
            anna,
            collecting.fields[0].id,
            collecting.kinds[0].id,
            f"Karte {n}",
            limit,
        )
    with pytest.raises(Conflict) as caught:
        cards.post_card(
            session,
            collecting,
            anna,
            collecting.fields[0].id,
            collecting.kinds[0].id,
            "noch eine",
            limit,
        )
    assert caught.value.code == "too_many_cards"
    # Others are not slowed down, and neither is Anna once the minute has passed.
    cards.post_card(
        session, collecting, ben, collecting.fields[0].id, collecting.kinds[0].id, "Ben", limit
    )
    for card in session.query(Card).filter_by(author_id=anna.id):
        card.created_at -= timedelta(seconds=61)
    session.flush()
    cards.post_card(
        session, collecting, anna, collecting.fields[0].id, collecting.kinds[0].id, "wieder", limit
    )


def test_rate_limit_setting_is_parsed():
    assert RateLimit.parse("5/30") == RateLimit(5, 30)
    for raw in ("", "5", "0/10", "a/b", "5/-1"):
        with pytest.raises(ValueError):
            RateLimit.parse(raw)


def test_author_edits_and_deletes_own_card_until_locked(session, collecting, anna, ben):
    card = post(session, collecting, anna)
    cards.edit_card(session, collecting, card.id, "Mehr Praktika", author=anna)
    assert card.text == "Mehr Praktika" and card.moderator_edited_at is None
    with pytest.raises(Forbidden):
        cards.edit_card(session, collecting, card.id, "gehackt", author=ben)
    with pytest.raises(Forbidden):
        cards.delete_own_card(session, collecting, ben, card.id)
    cards.update_wall(session, collecting, collect_locked=True)
    with pytest.raises(Conflict):
        cards.edit_card(session, collecting, card.id, "zu spät", author=anna)
    cards.update_wall(session, collecting, collect_locked=False)
    events = cards.delete_own_card(session, collecting, anna, card.id)
    assert isinstance(events[0], CardRemoved)
    assert session.get(Card, card.id) is None


def test_moderator_edit_is_marked_for_the_author(session, collecting, anna):
    card = post(session, collecting, anna)
    cards.update_wall(session, collecting, collect_locked=True)
    cards.edit_card(session, collecting, card.id, "Praktikumsplätze im Handwerk fehlen")
    assert card.moderator_edited_at is not None
    assert card_view(card, collecting, "participant")["edited"] is True


def test_editing_can_move_a_card_to_another_field(session, collecting, anna):
    card = post(session, collecting, anna)
    cards.edit_card(
        session, collecting, card.id, card.text, author=anna, field_id=collecting.fields[2].id
    )
    assert card.field_id == collecting.fields[2].id
    assert cards.edit_card(session, collecting, card.id, card.text, author=anna) == []


def test_hide_delete_restore(session, collecting, anna):
    card = post(session, collecting, anna)
    cards.set_hidden(session, collecting, card.id, True)
    assert card not in cards.visible_cards(session, collecting)
    assert card in cards.all_cards(session, collecting)
    cards.set_hidden(session, collecting, card.id, False)
    cards.moderate_delete(session, collecting, card.id, deleted=True)
    assert card not in cards.visible_cards(session, collecting)
    # The author no longer sees or edits a card the moderator deleted.
    assert me_view(session, collecting, anna)["cards"] == []
    with pytest.raises(NotFound):
        cards.edit_card(session, collecting, card.id, "x", author=anna)
    cards.moderate_delete(session, collecting, card.id, deleted=False)
    assert card in cards.visible_cards(session, collecting)


def test_author_sees_own_hidden_card_marked_as_hidden(session, collecting, anna):
    card = post(session, collecting, anna)
    cards.set_hidden(session, collecting, card.id, True)
    own = me_view(session, collecting, anna)["cards"]
    assert [(c["id"], c["hidden"]) for c in own] == [(card.id, True)]


def test_support_once_not_for_own_card(session, collecting, anna, ben):
    card = post(session, collecting, anna)
    cards.set_support(session, collecting, ben, card.id, True)
    assert cards.set_support(session, collecting, ben, card.id, True) == []
    assert len(card.supports) == 1
    with pytest.raises(Conflict) as caught:
        cards.set_support(session, collecting, anna, card.id, True)
    assert caught.value.code == "own_card"
    cards.set_support(session, collecting, ben, card.id, False)
    assert len(card.supports) == 0


def test_merge_keeps_every_voice_once(session, collecting, anna, ben):
    carla = join_workshop(session, collecting, display_name="Carla")[0]
    target = post(session, collecting, anna, text="Zu wenige Praktikumsplätze")
    duplicate = post(session, collecting, ben, text="Praktikumsplaetze fehlen")
    cards.set_support(session, collecting, carla, duplicate.id, True)
    cards.set_support(session, collecting, carla, target.id, True)
    cards.set_support(session, collecting, anna, duplicate.id, True)
    events = cards.merge_cards(session, collecting, duplicate.id, target.id)
    # Carla once, Ben (the duplicate's author); Anna is the target's author herself.
    assert sorted(s.participant_id for s in target.supports) == sorted([carla.id, ben.id])
    assert duplicate.merged_into_id == target.id and not duplicate.is_visible
    assert session.query(CardSupport).filter_by(card_id=duplicate.id).count() == 0
    assert {e.card_id for e in events} == {target.id, duplicate.id}
    with pytest.raises(Conflict):
        cards.merge_cards(session, collecting, duplicate.id, target.id)
    with pytest.raises(Invalid):
        cards.merge_cards(session, collecting, target.id, target.id)


def test_spotlight_only_visible_cards_and_follows_merges(session, collecting, anna):
    card = post(session, collecting, anna)
    other = post(session, collecting, anna, text="anderes")
    assert isinstance(cards.set_spotlight(session, collecting, card.id)[0], WallChanged)
    cards.merge_cards(session, collecting, card.id, other.id)
    assert collecting.spotlight_card_id == other.id
    cards.set_hidden(session, collecting, other.id, True)
    assert collecting.spotlight_card_id is None
    with pytest.raises(Conflict):
        cards.set_spotlight(session, collecting, other.id)
    cards.set_spotlight(session, collecting, None)


def test_names_follow_the_workshop_setting(session, collecting, anna):
    card = post(session, collecting, anna)
    assert card_view(card, collecting, "participant")["author"] is None
    assert card_view(card, collecting, "moderator")["author"] == "Anna"
    cards.update_wall(session, collecting, card_names="names")
    assert card_view(card, collecting, "participant")["author"] == "Anna"
    assert card_view(card, collecting, "projector")["author"] is None
    cards.update_wall(session, collecting, show_authors=True)
    assert card_view(card, collecting, "projector")["author"] == "Anna"
    with pytest.raises(Invalid):
        cards.update_wall(session, collecting, card_names="everyone")


def test_done_is_counted_never_named(session, collecting, anna, ben):
    cards.set_done(session, collecting, anna, True)
    assert presence_view(session, collecting.id)["done"] == 1
    assert cards.set_done(session, collecting, anna, True) == []


def test_cards_of_another_workshop_are_not_found(session, collecting, anna):
    other, _ = create_workshop(session, WorkshopDetails(title="Andere"), "kaoa")
    set_phase(session, other, "collect")
    foreign = post(session, other, None)
    for action in (
        lambda: cards.edit_card(session, collecting, foreign.id, "x"),
        lambda: cards.set_hidden(session, collecting, foreign.id, True),
        lambda: cards.moderate_delete(session, collecting, foreign.id, True),
        lambda: cards.merge_cards(session, collecting, foreign.id, foreign.id),
        lambda: cards.set_spotlight(session, collecting, foreign.id),
    ):
        with pytest.raises(NotFound):
            action()
    assert foreign.is_visible and foreign.text != "x"


def test_every_event_of_a_merge_has_its_own_version(session, collecting, anna):
    first = post(session, collecting, anna)
    second = post(session, collecting, anna, text="doppelt")
    events = cards.merge_cards(session, collecting, second.id, first.id)
    versions = [e.version for e in events]
    assert versions == sorted(set(versions)) and len(versions) == 2


def test_spotlight_changes_are_announced(session, collecting, anna):
    card = post(session, collecting, anna)
    other = post(session, collecting, anna, text="anderes")
    cards.set_spotlight(session, collecting, card.id)
    events = cards.merge_cards(session, collecting, card.id, other.id)
    assert isinstance(events[-1], WallChanged) and collecting.spotlight_card_id == other.id
    events = cards.set_hidden(session, collecting, other.id, True)
    assert isinstance(events[0], WallChanged) and collecting.spotlight_card_id is None
    assert [e.version for e in events] == sorted({e.version for e in events})
    third = post(session, collecting, anna, text="drittes")
    cards.set_spotlight(session, collecting, third.id)
    assert isinstance(cards.delete_own_card(session, collecting, anna, third.id)[0], WallChanged)


def test_names_switch_asks_clients_to_refresh(session, collecting):
    assert cards.update_wall(session, collecting, card_names="names")[0].names_changed
    assert not cards.update_wall(session, collecting, collect_locked=True)[0].names_changed


def test_a_snapshot_of_many_cards_needs_few_queries(session, collecting, anna, ben):
    from sqlalchemy import event

    from workshop.services.views import cards_view

    for n in range(30):
        card = post(session, collecting, anna, text=f"Karte {n}")
        cards.set_support(session, collecting, ben, card.id, True)
    session.commit()
    session.expire_all()
    statements = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        views = cards_view(session, collecting, "projector")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(views) == 30 and all(v["supports"] == 1 for v in views)
    assert len(statements) <= 5
