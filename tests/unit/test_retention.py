"""Deleting a workshop leaves nothing of it in any table; archive, restore and purge by days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Table, func, select, tuple_

from workshop.models import (
    Base,
    Card,
    CardSupport,
    Cluster,
    Connection,
    DotVote,
    Goal,
    GoalCard,
    GoalReview,
    MatrixRating,
    Measure,
    Participant,
    ProcessedCommand,
    RankVote,
    RoundGoal,
    ServerProcess,
    VoteRound,
    Workshop,
    utcnow,
)
from workshop.services import retention
from workshop.services.workshops import WorkshopDetails, create_workshop, set_phase


def make(session, title: str) -> Workshop:
    workshop, _token = create_workshop(session, WorkshopDetails(title=title), template="kaoa")
    session.flush()
    return workshop


def populate(session, workshop: Workshop, tag: str) -> None:
    """A row in every table that can belong to a workshop, with the links that make deleting
    hard: merged cards, a round started from another, the workshop's own links to its field
    and card, people in a working group, a paper ballot of one round."""
    field, kind = workshop.fields[0], workshop.kinds[0]
    anna = Participant(workshop_id=workshop.id, display_name="Anna", organisation="Agentur")
    ben = Participant(workshop_id=workshop.id)
    proxy = Participant(workshop_id=workshop.id, kind="proxy", display_name="Vertretung")
    session.add_all([anna, ben, proxy])
    session.flush()
    cluster = Cluster(workshop_id=workshop.id, field_id=field.id, name="Thema")
    session.add(cluster)
    session.flush()
    card = Card(
        workshop_id=workshop.id,
        field_id=field.id,
        kind_id=kind.id,
        author_id=anna.id,
        text=f"Karte {tag}",
        cluster_id=cluster.id,
    )
    session.add(card)
    session.flush()
    duplicate = Card(
        workshop_id=workshop.id,
        field_id=field.id,
        kind_id=kind.id,
        author_id=ben.id,
        text="Doppelt",
        merged_into_id=card.id,
    )
    session.add_all([duplicate, CardSupport(card_id=card.id, participant_id=ben.id)])
    goal = Goal(workshop_id=workshop.id, field_id=field.id, title="Ziel", cluster_id=cluster.id)
    session.add(goal)
    session.flush()
    session.add_all(
        [
            GoalCard(goal_id=goal.id, card_id=card.id),
            Measure(goal_id=goal.id, text="Maßnahme"),
            GoalReview(goal_id=goal.id, participant_id=anna.id, light="green", comment="gut"),
        ]
    )
    first = VoteRound(workshop_id=workshop.id, method="dots", status="revealed")
    session.add(first)
    session.flush()
    second = VoteRound(workshop_id=workshop.id, method="ranking", source_round_id=first.id)
    third = VoteRound(workshop_id=workshop.id, method="matrix")
    session.add_all([second, third])
    session.flush()
    paper = Participant(workshop_id=workshop.id, kind="paper", round_id=first.id)
    session.add(paper)
    session.flush()
    session.add_all(
        [
            RoundGoal(round_id=first.id, goal_id=goal.id),
            DotVote(round_id=first.id, participant_id=anna.id, goal_id=goal.id, dots=2),
            DotVote(round_id=first.id, participant_id=paper.id, goal_id=goal.id, dots=1),
            RankVote(round_id=second.id, participant_id=proxy.id, goal_id=goal.id, place=0),
            MatrixRating(round_id=third.id, participant_id=ben.id, goal_id=goal.id, x=3, y=4),
        ]
    )
    if session.get(ServerProcess, "server") is None:
        session.add(ServerProcess(id="server"))
        session.flush()
    session.add_all(
        [
            Connection(
                sid=f"sid-{tag}",
                workshop_id=workshop.id,
                server_id="server",
                role="participant",
                participant_id=anna.id,
            ),
            ProcessedCommand(
                workshop_id=workshop.id,
                command_id=f"cmd-{tag}",
                sender=f"participant:{anna.id}",
                ack_json='{"ok": true}',
            ),
        ]
    )
    anna.group_field_id, ben.group_goal_id = field.id, goal.id
    workshop.results_field_id = field.id
    workshop.spotlight_card_id = card.id
    session.flush()


def owned_rows(session, workshop_id: int) -> dict[str, set[tuple]]:
    """Primary keys of every row that refers to the workshop, directly or through other rows.

    Follows every foreign key of every table (so a table added later is covered), except a
    follow-up workshop's link to its predecessor: that workshop is not part of this one.
    """
    workshop_table = Base.metadata.tables["workshop"]
    owned: dict[str, set[tuple]] = {"workshop": {(workshop_id,)}}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            for fk in table.foreign_keys:
                if fk.parent is workshop_table.c.previous_id:
                    continue
                target = owned.get(fk.column.table.name)
                if not target:
                    continue
                found = session.execute(
                    select(*pk).where(fk.parent.in_([key[0] for key in target]))
                ).all()
                new = {tuple(row) for row in found} - owned.get(table.name, set())
                if new:
                    owned.setdefault(table.name, set()).update(new)
                    changed = True
    return owned


def remaining(session, table: Table, keys: set[tuple]) -> int:
    pk = list(table.primary_key.columns)
    return session.scalar(select(func.count()).where(tuple_(*pk).in_(list(keys)))) or 0


def all_rows(session) -> dict[str, int]:
    return {
        t.name: session.scalar(select(func.count()).select_from(t))
        for t in Base.metadata.sorted_tables
    }


def test_delete_leaves_nothing_of_the_workshop_in_any_table(session):
    doomed, kept = make(session, "Weg damit"), make(session, "Bleibt")
    populate(session, doomed, "a")
    populate(session, kept, "b")
    session.commit()
    owned = owned_rows(session, doomed.id)
    # Every table but the process list holds a row of the doomed workshop: the check is real.
    assert set(owned) == {t.name for t in Base.metadata.sorted_tables} - {"server_process"}
    kept_before = {name: len(keys) for name, keys in owned_rows(session, kept.id).items()}
    before = all_rows(session)

    deleted = retention.delete_workshop(session, doomed)
    session.commit()

    assert deleted.title == "Weg damit" and deleted.connection_sids == ("sid-a",)
    for table in Base.metadata.sorted_tables:
        if table.name in owned:
            assert remaining(session, table, owned[table.name]) == 0, table.name
    after = all_rows(session)
    # Exactly those rows went, nothing of the other workshop (or the process list).
    assert {name: before[name] - after[name] for name in before} == {
        name: len(owned.get(name, ())) for name in before
    }
    assert {name: len(keys) for name, keys in owned_rows(session, kept.id).items()} == (kept_before)
    assert session.get(Workshop, kept.id).spotlight_card_id is not None


def test_a_follow_up_forgets_its_deleted_predecessor(session):
    earlier, later = make(session, "2026"), make(session, "2027")
    later.previous_id = earlier.id
    session.commit()
    retention.delete_workshop(session, earlier)
    session.commit()
    assert session.get(Workshop, earlier.id) is None
    follow_up = session.get(Workshop, later.id)
    assert follow_up is not None and follow_up.previous_id is None


def test_archive_and_restore(session, workshop):
    assert retention.archive_workshop(session, workshop)
    assert workshop.archived_at is not None and workshop.is_closed
    assert not retention.archive_workshop(session, workshop)
    assert retention.restore_workshop(session, workshop)
    assert workshop.archived_at is None and not workshop.is_closed
    assert not retention.restore_workshop(session, workshop)


def test_purge_deletes_only_workshops_closed_longer_ago_than_the_days(session):
    now = utcnow()
    old, recent, _running, archived = (make(session, t) for t in ("alt", "neu", "läuft", "Archiv"))
    for workshop in (old, recent):
        set_phase(session, workshop, "closed")
    old.closed_at = now - timedelta(days=31)
    recent.closed_at = now - timedelta(days=29)
    archived.archived_at = now - timedelta(days=400)
    session.commit()

    assert [w.title for w in retention.closed_before(session, 30, now)] == ["alt"]
    gone = retention.purge_closed(session, 30, now)
    session.commit()
    assert [g.title for g in gone] == ["alt"]
    titles = set(session.scalars(select(Workshop.title)))
    assert titles == {"neu", "läuft", "Archiv"}
    # Reopened workshops are no longer closed: retention does not count for them.
    set_phase(session, session.get(Workshop, recent.id), "plan")
    session.commit()
    assert retention.purge_closed(session, 1, now + timedelta(days=60)) == []


def test_purge_needs_a_positive_number_of_days(session):
    with pytest.raises(ValueError):
        retention.closed_before(session, 0)


def test_overview_counts_phones_only(session, workshop):
    session.add_all(
        [
            Participant(workshop_id=workshop.id),
            Participant(workshop_id=workshop.id),
            Participant(workshop_id=workshop.id, kind="proxy"),
        ]
    )
    session.commit()
    rows = retention.overview(session)
    assert [(row.workshop.id, row.participants) for row in rows] == [(workshop.id, 2)]
