import pytest

from workshop.services import structure
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.workshops import set_phase


def names(items):
    return [item.name for item in items]


def test_add_rename_reorder_remove_fields(session, workshop):
    structure.add_item(session, workshop, "field", "Inklusion")
    assert names(workshop.fields)[-1] == "Inklusion"
    new = workshop.fields[-1]
    structure.rename_item(session, workshop, "field", new.id, "Inklusion und Teilhabe")
    structure.move_item(session, workshop, "field", new.id, -1)
    assert names(workshop.fields)[3] == "Inklusion und Teilhabe"
    assert [f.position for f in workshop.fields] == [0, 1, 2, 3, 4]
    structure.remove_item(session, workshop, "field", new.id)
    assert "Inklusion und Teilhabe" not in names(workshop.fields)
    assert [f.position for f in workshop.fields] == [0, 1, 2, 3]


def test_kinds_get_distinct_colours_and_can_be_recoloured(session, workshop):
    structure.add_item(session, workshop, "kind", "Idee")
    colours = [k.color for k in workshop.kinds]
    assert len(set(colours)) == 3
    idea = workshop.kinds[-1]
    structure.rename_item(session, workshop, "kind", idea.id, "Idee", color="purple")
    assert idea.color == "purple"
    with pytest.raises(Invalid):
        structure.rename_item(session, workshop, "kind", idea.id, "Idee", color="#f00")


def test_duplicate_names_are_refused_case_insensitively(session, workshop):
    with pytest.raises(Conflict) as caught:
        structure.add_item(session, workshop, "kind", "erfolg")
    assert caught.value.code == "duplicate_name"


def test_structure_is_locked_once_collecting_started(session, workshop):
    set_phase(session, workshop, "collect")
    version = workshop.version
    with pytest.raises(Conflict) as caught:
        structure.add_item(session, workshop, "field", "Neu")
    assert caught.value.code == "structure_locked"
    with pytest.raises(Conflict):
        structure.remove_item(session, workshop, "field", workshop.fields[0].id)
    assert len(workshop.fields) == 4 and workshop.version == version


def test_items_of_another_workshop_are_not_found(session, workshop):
    from workshop.services.workshops import WorkshopDetails, create_workshop

    other, _ = create_workshop(session, WorkshopDetails(title="Andere"), "kaoa")
    with pytest.raises(NotFound):
        structure.remove_item(session, workshop, "field", other.fields[0].id)
    assert len(other.fields) == 4


def test_moving_past_the_end_changes_nothing(session, workshop):
    first = workshop.fields[0]
    assert structure.move_item(session, workshop, "field", first.id, -1) == []


def test_limits(session, workshop):
    for index in range(structure.MAX_FIELDS - 4):
        structure.add_item(session, workshop, "field", f"Feld {index}")
    with pytest.raises(Conflict):
        structure.add_item(session, workshop, "field", "Eins zu viel")
    with pytest.raises(Invalid):
        structure.add_item(session, workshop, "unknown", "x")
