"""The JSON backup: a whole workshop out and back in as a new one, the same content, no secret.

Backup → restore → backup gives the same file, except what docs/backup-format.md names as
changing: ``exported_at`` and the order of each round's ballot box (shuffled every time).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from workshop.db import make_engine
from workshop.exports.backup import build_backup, dumps, load_backup, restore_backup
from workshop.models import Base, Participant, VoteRound, Workshop
from workshop.services import cards as card_service
from workshop.services import clusters as cluster_service
from workshop.services import goals as goal_service
from workshop.services import plans as plan_service
from workshop.services import priorities as priority_service
from workshop.services import stand_ins as stand_in_service
from workshop.services import votes as vote_service
from workshop.services.backup_check import BALLOT_KEYS
from workshop.services.ballots import set_dots, set_ranking, set_rating
from workshop.services.errors import Invalid
from workshop.services.follow_up import create_follow_up, set_review
from workshop.services.participants import join_workshop
from workshop.services.tokens import hash_token
from workshop.services.workshops import WorkshopDetails, create_workshop, set_phase

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "backup-format.schema.json").read_text()
)
LONG_CARD = ("Übergänge gestalten – " * 40)[:499] + "!"
LONG_TEXT = ("Systematisierung des Übergangs, Schuljahr 2027/28. " * 60)[:1999] + "!"
FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert('x')</script> & \"Zitat\""
EMOJI = "Praktika 👍🏽 in allen Schulen 🎓"


def realistic_workshop(session, names: bool = True) -> tuple[Workshop, dict[str, Any]]:
    """A follow-up retreat that went through every phase, with every kind of content.

    Returns the workshop and the objects a test refers to.
    """
    earlier, _ = create_workshop(session, WorkshopDetails(title="Klausur 2025"), template="kaoa")
    set_phase(session, earlier, "goals")
    old_goal, _ = goal_service.create_goal(session, earlier, "Berufsorientierung ab Klasse 8")
    priority_service.set_priorities(session, earlier, [old_goal.id])
    plan_service.add_measure(session, earlier, old_goal.id, {"text": "Potenzialanalyse"})
    workshop, token = create_follow_up(
        session,
        earlier,
        WorkshopDetails(
            title="Strategieklausur KAoA – Lenkungskreis Bochum",
            place="Rathaus, Sitzungssaal",
            description="Zwischenbilanz\nZiele & Prioritäten <b>2027</b>",
            moderation="Moderation: Büro für Beteiligung",
        ),
    )
    if names:
        card_service.update_wall(session, workshop, card_names="names", show_authors=True)
    fields = [field.id for field in workshop.fields]
    success, challenge = (kind.id for kind in workshop.kinds)
    people = [
        join_workshop(session, workshop, name, org)[0]
        for name, org in [
            ("Frau Özdemir", "Agentur für Arbeit"),
            ("Herr Groß", "Untere Schulaufsicht"),
            ("", "IHK Mittleres Ruhrgebiet"),
            ("Jana", ""),
            ("", ""),
        ]
    ]
    # The look back at the earlier goal.
    set_phase(session, workshop, "recap")
    taken = goal_service.goals(session, workshop)[0]
    set_review(session, workshop, people[0], taken.id, "yellow", "Gut begonnen, aber 🐢")
    set_review(session, workshop, people[1], taken.id, "green", FORMULA)
    set_review(session, workshop, people[2], taken.id, "red")
    set_phase(session, workshop, "collect")
    texts = [
        (people[0], fields[0], success, "Praxistage für alle Schülerinnen und Schüler"),
        (people[1], fields[0], challenge, LONG_CARD),
        (people[2], fields[1], challenge, FORMULA),
        (people[3], fields[1], success, SCRIPT),
        (people[4], fields[2], success, EMOJI),
        (people[0], fields[2], challenge, "Zu wenige Ausbildungsbetriebe"),
        (people[1], fields[2], challenge, "Zu wenig Ausbildungsbetriebe"),
        (people[2], fields[3], success, "Datenbasis der Kommune"),
        (people[3], fields[3], challenge, "Persönliche Bemerkung über Herrn X"),
        (people[4], fields[3], challenge, "Doppelt gemeldet"),
    ]
    made = [
        card_service.post_card(session, workshop, author, field, kind, text)[0]
        for author, field, kind, text in texts
    ]
    card_service.post_card(
        session, workshop, None, fields[1], success, "Notiz der Moderation: Übergänge"
    )
    for supporter in people[1:4]:
        card_service.set_support(session, workshop, supporter, made[0].id, True)
    card_service.set_support(session, workshop, people[0], made[4].id, True)
    card_service.merge_cards(session, workshop, made[6].id, made[5].id)
    card_service.set_hidden(session, workshop, made[8].id, True)
    card_service.moderate_delete(session, workshop, made[9].id, True)
    card_service.edit_card(session, workshop, made[2].id, FORMULA + " (präzisiert)")
    set_phase(session, workshop, "cluster")
    cluster, _ = cluster_service.create_cluster(
        session, workshop, fields[0], "Berufsorientierung", [made[0].id, made[1].id]
    )
    across, _ = cluster_service.create_cluster(
        session, workshop, None, "Übergreifend: Daten", [made[7].id, made[2].id]
    )
    set_phase(session, workshop, "goals")
    goal_a, _ = goal_service.create_goal(
        session, workshop, "Praxistage verbindlich machen", LONG_TEXT, cluster_id=cluster.id
    )
    goal_b, _ = goal_service.create_goal(
        session, workshop, "Datenbasis <gemeinsam> nutzen", SCRIPT, cluster_id=across.id
    )
    goal_c, _ = goal_service.create_goal(
        session,
        workshop,
        "Mehr Betriebe 🏭 gewinnen",
        "",
        field_id=fields[2],
        card_ids=[made[5].id],
    )
    card_service.set_spotlight(session, workshop, made[4].id)
    set_phase(session, workshop, "vote")
    dots, _ = vote_service.create_round(
        session,
        workshop,
        vote_service.RoundSettings(method="dots", title="Punkte", budget=5, max_per_goal=3),
    )
    proxy, _ = stand_in_service.create_proxy(session, workshop, "Frau Schulte", "Schulamt")
    vote_service.set_status(session, workshop, dots.id, "open")
    goal_ids = [goal.id for goal in goal_service.goals(session, workshop)]
    for voter, spread in zip(
        people[:4], [(3, 2, 0, 0), (0, 3, 2, 0), (1, 1, 1, 2), (0, 0, 0, 3)], strict=True
    ):
        for goal_id, count in zip(goal_ids, spread, strict=True):
            set_dots(session, workshop, voter, dots.id, goal_id, count)
    set_dots(session, workshop, proxy, dots.id, goal_ids[1], 2)
    paper, _ = stand_in_service.create_paper_ballot(session, workshop, dots.id)
    stand_in_service.create_paper_ballot(session, workshop, dots.id)  # left blank
    set_dots(session, workshop, paper, dots.id, goal_ids[0], 3)
    vote_service.set_status(session, workshop, dots.id, "closed")
    vote_service.set_status(session, workshop, dots.id, "revealed")
    matrix, _ = vote_service.create_round(
        session,
        workshop,
        vote_service.RoundSettings(method="matrix", source_round_id=dots.id, top=3),
    )
    vote_service.set_status(session, workshop, matrix.id, "open")
    rated = [link.goal_id for link in matrix.goals][:2]
    for voter, (x, y) in zip(people[:3], [(5, 2), (4, 4), (1, 5)], strict=True):
        for goal_id in rated:
            set_rating(session, workshop, voter, matrix.id, goal_id, "x", x)
            set_rating(session, workshop, voter, matrix.id, goal_id, "y", y)
    # Half a rating: kept on the ballot, not counted.
    set_rating(session, workshop, people[3], matrix.id, rated[0], "x", 3)
    vote_service.set_status(session, workshop, matrix.id, "closed")
    ranking, _ = vote_service.create_round(
        session,
        workshop,
        vote_service.RoundSettings(method="ranking", goal_ids=[goal_a.id, goal_b.id, goal_c.id]),
    )
    vote_service.set_status(session, workshop, ranking.id, "open")
    set_ranking(session, workshop, people[0], ranking.id, [goal_b.id, goal_a.id, goal_c.id])
    set_ranking(session, workshop, proxy, ranking.id, [goal_c.id, goal_a.id, goal_b.id])
    ranking_paper, _ = stand_in_service.create_paper_ballot(session, workshop, ranking.id)
    set_ranking(session, workshop, ranking_paper, ranking.id, [goal_a.id, goal_c.id, goal_b.id])
    vote_service.show_results(session, workshop, [dots.id, matrix.id], fields[0])
    set_phase(session, workshop, "results")
    priority_service.set_priorities(session, workshop, [goal_a.id, taken.id, goal_b.id])
    priority_service.set_decision_note(session, workshop, goal_a.id, LONG_TEXT)
    set_phase(session, workshop, "plan")
    plan_service.set_goal_plan(
        session,
        workshop,
        goal_a.id,
        {
            "working_group": "FAG Studien- und Berufsorientierung",
            "lead": "Kommunale Koordinierung",
            "target": "Schuljahr 2027/28",
            "indicator": "90 % der Schulen\nmit Praxistagen",
            "status": "in_progress",
        },
    )
    for text, status in [("Leitfaden erstellen", "done"), (FORMULA, "planned")]:
        plan_service.add_measure(
            session,
            workshop,
            goal_a.id,
            {"text": text, "owner": "Schulamt", "due": "März 2027", "status": status},
        )
    plan_service.set_grouping(session, workshop, "field")
    plan_service.join_group(session, workshop, people[0], fields[0])
    plan_service.join_group(session, workshop, people[2], fields[2])
    session.commit()
    return workshop, {
        "token": token,
        "people": people,
        "proxy": proxy,
        "rounds": [dots, matrix, ranking],
    }


def normalised(backup: dict[str, Any]) -> dict[str, Any]:
    """The backup without what changes on every export: the time and the ballot boxes' order."""
    data = copy.deepcopy(backup)
    del data["exported_at"]
    for vote_round in data["workshop"]["rounds"]:
        vote_round["ballots"].sort(key=lambda ballot: json.dumps(ballot, sort_keys=True))
    return data


def restored(session, backup: dict[str, Any]) -> tuple[Workshop, str]:
    """Restore through JSON text, as a file would, and commit."""
    workshop, token = restore_backup(session, load_backup(dumps(backup).encode()))
    session.commit()
    return workshop, token


def row_counts(session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def outcome(session, workshop: Workshop) -> list[tuple]:
    """Every round's result and turnout, with goals named by title (ids differ)."""
    titles = {goal.id: goal.title for goal in goal_service.goals(session, workshop)}
    outcomes = []
    for vote_round in vote_service.rounds(session, workshop):
        results = [
            {**result.__dict__, "goal": titles[result.goal]}
            for result in vote_service.round_results(session, vote_round)
        ]
        outcomes.append(
            (vote_round.title, results, vote_service.turnout(session, workshop, vote_round))
        )
    return outcomes


@pytest.mark.parametrize("names", [True, False], ids=["names", "anonymous"])
def test_backup_restore_backup_gives_the_same_content(session, names):
    workshop, _ = realistic_workshop(session, names=names)
    first = build_backup(session, workshop)
    copy_of, token = restored(session, first)
    second = build_backup(session, copy_of)
    assert normalised(second) == normalised(first)
    # A new workshop with its own secrets, not the old one's.
    assert copy_of.id != workshop.id
    assert copy_of.join_code != workshop.join_code
    assert copy_of.projector_key != workshop.projector_key
    assert copy_of.moderator_token_hash == hash_token(token) != workshop.moderator_token_hash
    texts = {card["text"] for card in second["workshop"]["cards"]}
    assert {LONG_CARD, FORMULA + " (präzisiert)", SCRIPT, EMOJI} <= texts
    goal = second["workshop"]["goals"][1]
    assert goal["description"] == LONG_TEXT and goal["decision_note"] == LONG_TEXT


def test_restored_rounds_count_exactly_like_the_original(session):
    workshop, _ = realistic_workshop(session)
    copy_of, _ = restored(session, build_backup(session, workshop))
    original = outcome(session, workshop)
    assert outcome(session, copy_of) == original
    dots_turnout = original[0][2]
    # 4 phones + 1 proxy + 1 filled paper ballot voted; 5 phones, the proxy, 2 paper could.
    assert dots_turnout == vote_service.Turnout(voted=6, eligible=8, proxy=1, paper=1)
    matrix_turnout = original[1][2]
    assert matrix_turnout.voted == 3  # the half rating does not count


def test_restored_workshop_keeps_what_the_moderator_sees(session):
    workshop, _ = realistic_workshop(session)
    copy_of, _ = restored(session, build_backup(session, workshop))
    assert copy_of.phase == "plan" and copy_of.previous_id is None
    assert copy_of.title == workshop.title and copy_of.description == workshop.description
    cards = card_service.all_cards(session, copy_of)
    spotlight = next(card for card in cards if card.id == copy_of.spotlight_card_id)
    assert spotlight.text == EMOJI
    supported = next(card for card in cards if card.text.startswith("Praxistage"))
    assert len(supported.supports) == 3
    assert supported.author.display_name == "Frau Özdemir"
    by_moderator = next(card for card in cards if card.text.startswith("Notiz der Moderation"))
    assert by_moderator.author_id is None
    stand_ins = stand_in_service.stand_ins(session, copy_of)
    assert [(s.kind, s.display_name) for s in stand_ins if s.kind == "proxy"] == [
        ("proxy", "Frau Schulte")
    ]
    groups = {
        choice["name"]: choice["members"] for choice in plan_service.group_choices(session, copy_of)
    }
    assert groups["Studien- und Berufsorientierung"] == 1
    shown = vote_service.shown_round_ids(copy_of)
    assert [session.get(VoteRound, i).method for i in shown] == ["dots", "matrix"]


def test_backup_matches_its_json_schema(session):
    workshop, _ = realistic_workshop(session, names=False)
    backup = json.loads(dumps(build_backup(session, workshop)))
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(backup)
    named, _ = realistic_workshop(session, names=True)
    validator.validate(json.loads(dumps(build_backup(session, named))))


def test_schema_refuses_what_the_restore_refuses(session, workshop):
    backup = build_backup(session, workshop)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    broken = copy.deepcopy(backup)
    broken["workshop"]["phase"] = "party"
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(backup)
    broken["workshop"]["secret"] = "x"
    assert not validator.is_valid(broken)


def test_backup_holds_no_secret_and_no_link_between_voters_and_ballots(session):
    workshop, made = realistic_workshop(session, names=False)
    backup = build_backup(session, workshop)
    text = dumps(backup)
    for secret in (
        workshop.join_code,
        workshop.projector_key,
        workshop.moderator_token_hash,
        made["token"],
    ):
        assert secret not in text
    # Without names: no display name, no proxy's name, no card author.
    assert "Özdemir" not in text and "Frau Schulte" not in text
    data = backup["workshop"]
    assert all("display_name" not in person for person in data["participants"])
    assert all("author" not in card for card in data["cards"])
    assert {person["organisation"] for person in data["participants"]} >= {"Agentur für Arbeit"}
    for vote_round in data["rounds"]:
        for ballot in vote_round["ballots"]:
            assert set(ballot) == {"voter", BALLOT_KEYS[vote_round["method"]]}
            assert ballot["voter"] in ("phone", "proxy", "paper")
    # Reviews keep their light and comment, nobody's id.
    assert data["goals"][0]["reviews"][0].keys() == {"light", "comment", "created_at"}


def test_ballot_box_is_shuffled(session):
    workshop, _ = realistic_workshop(session)
    orders = {
        json.dumps(build_backup(session, workshop)["workshop"]["rounds"][0]["ballots"])
        for _ in range(12)
    }
    # Six ballots: the chance of twelve equal orders is (1/720)^11.
    assert len(orders) > 1


def test_a_recap_workshop_is_restored_in_the_lobby(session):
    earlier, _ = create_workshop(session, WorkshopDetails(title="Klausur 2025"), template="kaoa")
    workshop, _ = create_follow_up(session, earlier, WorkshopDetails(title="Klausur 2026"))
    set_phase(session, workshop, "recap")
    session.commit()
    copy_of, _ = restored(session, build_backup(session, workshop))
    assert copy_of.phase == "lobby" and copy_of.phases[0] == "lobby"


def test_a_closed_workshop_starts_its_retention_period_anew(session, workshop):
    set_phase(session, workshop, "closed")
    session.commit()
    copy_of, _ = restored(session, build_backup(session, workshop))
    assert copy_of.phase == "closed"
    assert copy_of.closed_at is not None and copy_of.closed_at > workshop.closed_at


def test_anonymous_cards_keep_a_participant_as_author_and_proxies_get_numbers(session):
    workshop, _ = realistic_workshop(session, names=False)
    copy_of, _ = restored(session, build_backup(session, workshop))
    cards = card_service.all_cards(session, copy_of)
    by_moderator = [card.text for card in cards if card.author_id is None]
    assert by_moderator == ["Notiz der Moderation: Übergänge"]
    assert all(card.author.display_name == "" for card in cards if card.author is not None)
    proxies = [s for s in stand_in_service.stand_ins(session, copy_of) if s.kind == "proxy"]
    # The moderator votes for a proxy by name: without names, proxies are numbered.
    assert [(p.display_name, p.organisation) for p in proxies] == [("Vertretung 1", "Schulamt")]


# --- Bad files ----------------------------------------------------------------------------------


def _set(path: list, value: Any):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path: list):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _append(path: list, value: Any):
    def change(data):
        target = data
        for key in path:
            target = target[key]
        target.append(value)

    return change


W = "workshop"
BAD_FILES = [
    ("not a backup", lambda d: d.update(format="csv"), "backup_wrong_format", "format"),
    ("newer version", _set(["version"], 2), "backup_wrong_version", "version"),
    ("version as text", _set(["version"], "1"), "backup_wrong_version", "version"),
    ("missing workshop", _delete([W]), "backup_missing", "workshop"),
    ("missing title", _delete([W, "title"]), "backup_missing", "workshop.title"),
    ("unknown key", _set([W, "join_code"], "ABCDEF"), "backup_unknown_key", "workshop.join_code"),
    ("title not text", _set([W, "title"], 5), "backup_wrong_type", "workshop.title"),
    ("empty title", _set([W, "title"], " \u200b "), "backup_text_required", "workshop.title"),
    (
        "card too long",
        _set([W, "cards", 1, "text"], "x" * 501),
        "backup_text_too_long",
        "workshop.cards[1].text",
    ),
    (
        "goal title too long",
        _set([W, "goals", 0, "title"], "x" * 121),
        "backup_text_too_long",
        "workshop.goals[0].title",
    ),
    ("unknown phase", _set([W, "phase"], "party"), "backup_unknown_value", "workshop.phase"),
    (
        "unknown method",
        _set([W, "rounds", 0, "method"], "lottery"),
        "backup_unknown_value",
        "workshop.rounds[0].method",
    ),
    (
        "unknown status",
        _set([W, "goals", 0, "status"], "forgotten"),
        "backup_unknown_value",
        "workshop.goals[0].status",
    ),
    (
        "unknown light",
        _set([W, "goals", 0, "reviews", 0, "light"], "blue"),
        "backup_unknown_value",
        "workshop.goals[0].reviews[0].light",
    ),
    (
        "unknown colour",
        _set([W, "kinds", 0, "color"], "pink"),
        "backup_unknown_value",
        "workshop.kinds[0].color",
    ),
    ("bad date", _set([W, "event_date"], "27.11.2026"), "backup_bad_time", "workshop.event_date"),
    (
        "time without zone",
        _set([W, "cards", 0, "created_at"], "2026-11-27T10:00:00"),
        "backup_bad_time",
        "workshop.cards[0].created_at",
    ),
    (
        "duplicate card id",
        _set([W, "cards", 1, "id"], 1),
        "backup_duplicate_id",
        "workshop.cards[1].id",
    ),
    (
        "dangling field",
        _set([W, "cards", 0, "field"], 99),
        "backup_bad_reference",
        "workshop.cards[0].field",
    ),
    (
        "dangling goal in a round",
        _set([W, "rounds", 0, "goals", 0], 99),
        "backup_bad_reference",
        "workshop.rounds[0].goals[0]",
    ),
    (
        "id as bool",
        _set([W, "cards", 0, "cluster"], True),
        "backup_wrong_type",
        "workshop.cards[0].cluster",
    ),
    (
        "duplicate field name",
        _set([W, "fields", 1, "name"], "studien- und berufsorientierung"),
        "backup_duplicate_name",
        "workshop.fields[1].name",
    ),
    (
        "negative supports",
        _set([W, "cards", 0, "supports"], -1),
        "backup_out_of_range",
        "workshop.cards[0].supports",
    ),
    (
        "more supports than people",
        _set([W, "cards", 0, "supports"], 5),
        "backup_too_few_voters",
        "workshop.cards[0].supports",
    ),
    (
        "dots over budget",
        _set([W, "rounds", 0, "budget"], 1),
        "backup_conflict",
        "workshop.rounds[0].max_per_goal",
    ),
    (
        "ballot of a goal outside the round",
        _append([W, "rounds", 2, "ballots"], {"voter": "phone", "ranking": [2, 3]}),
        "backup_bad_ballot",
        "workshop.rounds[2].ballots[3].ranking",
    ),
    (
        "ranking with a goal twice",
        _append([W, "rounds", 2, "ballots"], {"voter": "phone", "ranking": [2, 2, 3]}),
        "backup_bad_ballot",
        "workshop.rounds[2].ballots[3].ranking",
    ),
    (
        "dots beyond the budget",
        _append(
            [W, "rounds", 0, "ballots"],
            {"voter": "phone", "dots": [{"goal": 1, "dots": 3}, {"goal": 2, "dots": 3}]},
        ),
        "backup_bad_ballot",
        "workshop.rounds[0].ballots[6].dots",
    ),
    (
        "rating outside the scale",
        _set([W, "rounds", 1, "ballots", 0, "ratings", 0, "x"], 6),
        "backup_out_of_range",
        "workshop.rounds[1].ballots[0].ratings[0].x",
    ),
    (
        "ballots in a draft round",
        _set([W, "rounds", 0, "status"], "draft"),
        "backup_conflict",
        "workshop.rounds[0].ballots",
    ),
    (
        "too many paper ballots",
        _set([W, "rounds", 0, "paper_ballots"], 600),
        "backup_out_of_range",
        "workshop.rounds[0].paper_ballots",
    ),
    (
        "more phone ballots than phones",
        lambda d: d[W]["rounds"][2]["ballots"].extend(
            [{"voter": "phone", "ranking": [2, 3, 4]}] * 6
        ),
        "backup_too_few_voters",
        "workshop.rounds[2].ballots",
    ),
    (
        "paper ballot without paper",
        _set([W, "rounds", 2, "paper_ballots"], 0),
        "backup_too_few_voters",
        "workshop.rounds[2].ballots",
    ),
    (
        "two open rounds",
        lambda d: [r.update(status="open") for r in d[W]["rounds"]],
        "backup_conflict",
        "workshop.rounds[1].status",
    ),
    (
        "hidden card in the spotlight",
        _set([W, "settings", "spotlight_card"], 9),
        "backup_conflict",
        "workshop.settings.spotlight_card",
    ),
    (
        "two goals with one priority",
        _set([W, "goals", 2, "priority"], 1),
        "backup_conflict",
        "workshop.goals[2].priority",
    ),
    (
        "too many fields",
        lambda d: d[W]["fields"].extend({"id": 100 + i, "name": f"F{i}"} for i in range(9)),
        "backup_too_many",
        "workshop.fields",
    ),
    (
        "participant of kind paper",
        _set([W, "participants", 0, "kind"], "paper"),
        "backup_unknown_value",
        "workshop.participants[0].kind",
    ),
    (
        "group that is no field",
        _set([W, "participants", 0, "group"], 42),
        "backup_bad_reference",
        "workshop.participants[0].group",
    ),
]


@pytest.fixture(scope="module")
def valid_backup(tmp_path_factory) -> dict[str, Any]:
    """The realistic workshop's backup, made once in a database of its own."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('source') / 'source.sqlite3'}")
    Base.metadata.create_all(engine)
    with sessionmaker(engine, expire_on_commit=False)() as source:
        workshop, _ = realistic_workshop(source)
        data = json.loads(dumps(build_backup(source, workshop)))
    engine.dispose()
    return data


@pytest.mark.parametrize(
    "change, code, path", [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_bad_files_are_refused_with_code_and_path_and_write_nothing(
    session, workshop, valid_backup, change, code, path
):
    backup = copy.deepcopy(valid_backup)
    # The realistic file is valid: each case breaks exactly one thing.
    assert backup["workshop"]["cards"][8]["hidden"] is True
    change(backup)
    before = row_counts(session)
    with pytest.raises(Invalid) as raised:
        restore_backup(session, backup)
    assert (raised.value.code, raised.value.fields) == (code, [path])
    assert not session.new and not session.dirty
    session.rollback()
    assert row_counts(session) == before


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"\xff\xfe not utf-8", b'{"version": NaN}', b"[" * 100_000],
    ids=["empty", "cut off", "not UTF-8", "NaN", "nested too deep"],
)
def test_files_that_are_no_json_are_refused(raw):
    with pytest.raises(Invalid) as raised:
        load_backup(raw)
    assert raised.value.code == "backup_not_json"


def test_byte_order_mark_is_accepted(session, workshop):
    text = dumps(build_backup(session, workshop))
    copy_of, _ = restore_backup(session, load_backup("\ufeff".encode() + text.encode()))
    assert copy_of.title == "Klausur"


def test_text_is_cleaned_like_typed_text(session, workshop):
    backup = build_backup(session, workshop)
    backup["workshop"]["title"] = "  Klausur\u200b   2026\u202e "
    copy_of, _ = restore_backup(session, backup)
    assert copy_of.title == "Klausur 2026"


def test_paper_voters_belong_to_their_round(session):
    workshop, _ = realistic_workshop(session)
    copy_of, _ = restored(session, build_backup(session, workshop))
    paper = session.scalars(
        select(Participant).where(
            Participant.workshop_id == copy_of.id, Participant.kind == "paper"
        )
    ).all()
    rounds = vote_service.rounds(session, copy_of)
    assert sorted(p.round_id for p in paper) == sorted([rounds[0].id, rounds[0].id, rounds[2].id])


def test_somebody_who_left_is_restored_as_a_nameless_voter(session, workshop):
    from workshop.services.participants import leave_workshop

    set_phase(session, workshop, "goals")
    goal = goal_service.create_goal(session, workshop, "Ziel")[0]
    set_phase(session, workshop, "vote")
    vote_round = vote_service.create_round(session, workshop, vote_service.RoundSettings())[0]
    vote_service.set_status(session, workshop, vote_round.id, "open")
    leaver, _ = join_workshop(session, workshop, "Anna")
    stays, _ = join_workshop(session, workshop)
    set_dots(session, workshop, leaver, vote_round.id, goal.id, 3)
    set_dots(session, workshop, stays, vote_round.id, goal.id, 1)
    vote_service.set_status(session, workshop, vote_round.id, "closed")
    leave_workshop(session, workshop, leaver)
    session.commit()
    backup = build_backup(session, workshop)
    assert "Anna" not in dumps(backup)
    copy_of, _ = restored(session, backup)
    [(_title, results, turnout)] = outcome(session, copy_of)
    assert [(r["goal"], r["dots"]) for r in results] == [("Ziel", 4)]
    assert turnout.voted == 2
