import pytest

from workshop.services import cards, clusters
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.events import CardsArranged, ClusterChanged, ClusterRemoved
from workshop.services.workshops import set_phase


@pytest.fixture
def board(session, workshop):
    """Six cards in field 0, two in field 1, in the cluster phase."""
    set_phase(session, workshop, "collect")
    made = []
    for n in range(8):
        field = workshop.fields[0 if n < 6 else 1]
        card, _ = cards.post_card(session, workshop, None, field.id, workshop.kinds[0].id, f"K{n}")
        made.append(card)
    set_phase(session, workshop, "cluster")
    return workshop, made


def order(session, workshop, cluster_id, field_id):
    return [c.text for c in clusters._list(session, workshop, cluster_id, field_id)]


def test_create_a_cluster_from_cards_and_name_it(session, board):
    workshop, made = board
    cluster, events = clusters.create_cluster(
        session, workshop, workshop.fields[0].id, " Praktika ", [made[3].id, made[1].id]
    )
    assert cluster.name == "Praktika"
    assert order(session, workshop, cluster.id, workshop.fields[0].id) == ["K3", "K1"]
    assert order(session, workshop, None, workshop.fields[0].id) == ["K0", "K2", "K4", "K5"]
    assert isinstance(events[0], ClusterChanged) and isinstance(events[1], CardsArranged)
    assert events[0].version < events[1].version
    clusters.rename_cluster(session, workshop, cluster.id, "Praktikumsplätze")
    assert cluster.name == "Praktikumsplätze"


def test_moving_renumbers_both_lists_and_clamps_the_index(session, board):
    workshop, made = board
    field = workshop.fields[0].id
    cluster, _ = clusters.create_cluster(session, workshop, field, "A", [made[0].id])
    clusters.move_card(session, workshop, made[2].id, cluster.id, 0)
    clusters.move_card(session, workshop, made[4].id, cluster.id, 99)
    assert order(session, workshop, cluster.id, field) == ["K2", "K0", "K4"]
    assert [c.position for c in clusters._list(session, workshop, cluster.id, field)] == [0, 1, 2]
    clusters.move_card(session, workshop, made[0].id, None, 0)
    assert order(session, workshop, None, field) == ["K0", "K1", "K3", "K5"]
    assert order(session, workshop, cluster.id, field) == ["K2", "K4"]


def test_moving_within_one_list_reorders_it(session, board):
    workshop, made = board
    field = workshop.fields[0].id
    clusters.move_card(session, workshop, made[0].id, None, 3)
    assert order(session, workshop, None, field) == ["K1", "K2", "K3", "K0", "K4", "K5"]


def test_field_clusters_take_only_their_fields_cards(session, board):
    workshop, made = board
    cluster, _ = clusters.create_cluster(session, workshop, workshop.fields[0].id, "A")
    with pytest.raises(Invalid) as caught:
        clusters.move_card(session, workshop, made[7].id, cluster.id, 0)
    assert caught.value.code == "card_other_field"
    across, _ = clusters.create_cluster(session, workshop, None, "Quer", [made[0].id, made[7].id])
    assert order(session, workshop, across.id, 0) == ["K0", "K7"]


def test_dissolving_returns_cards_to_their_fields(session, board):
    workshop, made = board
    across, _ = clusters.create_cluster(session, workshop, None, "Quer", [made[0].id, made[7].id])
    events = clusters.dissolve_cluster(session, workshop, across.id)
    assert isinstance(events[0], ClusterRemoved)
    assert order(session, workshop, None, workshop.fields[0].id)[-1] == "K0"
    assert order(session, workshop, None, workshop.fields[1].id) == ["K6", "K7"]
    with pytest.raises(NotFound):
        clusters.rename_cluster(session, workshop, across.id, "weg")


def test_bad_requests_change_nothing(session, board):
    workshop, made = board
    field = workshop.fields[0].id
    with pytest.raises(Invalid):
        clusters.create_cluster(session, workshop, field, "A", [made[0].id, made[0].id])
    with pytest.raises(NotFound):
        clusters.move_card(session, workshop, made[0].id, 99999, 0)
    with pytest.raises(Invalid):
        clusters.move_card(session, workshop, made[0].id, None, "1")
    cards.set_hidden(session, workshop, made[1].id, True)
    with pytest.raises(Conflict):
        clusters.move_card(session, workshop, made[1].id, None, 0)
    set_phase(session, workshop, "vote")
    with pytest.raises(Conflict) as caught:
        clusters.create_cluster(session, workshop, field, "B")
    assert caught.value.code == "not_clustering"
    assert clusters.clusters(session, workshop) == []
