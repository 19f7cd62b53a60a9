"""Reading and checking a JSON backup (docs/backup-format.md) before anything is restored.

The file may come from anywhere, so every value is checked: types, lengths (the same limits and
text cleaning as typing it into the app), known phases, methods and statuses, unique ids,
references that resolve, and ballots that keep their round's rules. A bad file raises
``Invalid`` with a ``backup_*`` code whose ``fields`` and ``path`` name the JSON path of the
first offending value, e.g. ``workshop.cards[3].text``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ..models import (
    CARD_NAME_MODES,
    GROUPINGS,
    LANGUAGES,
    PHASES,
    PLAN_STATUSES,
    REVIEW_LIGHTS,
    ROUND_STATUSES,
    VOTE_METHODS,
)
from .cards import MAX_CARD_LENGTH
from .errors import Invalid
from .follow_up import MAX_COMMENT_LENGTH
from .goals import MAX_TITLE
from .plans import MAX_MEASURES, MEASURE_FIELDS, PLAN_FIELDS
from .priorities import MAX_NOTE_LENGTH
from .stand_ins import MAX_STAND_INS
from .structure import KIND_COLORS, MAX_FIELDS, MAX_KINDS
from .templates import TEMPLATES
from .text import clean_text
from .votes import MAX_BUDGET, MAX_SHOWN_ROUNDS, SCALE_LIMITS
from .workshops import WorkshopDetails

FORMAT = "workshop-backup"
VERSION = 1
#: Longest goal description, as the goal editor allows.
MAX_GOAL_DESCRIPTION = 2000
#: Largest backup-local id; ids only need to be unique within their list.
MAX_ID = 2**31 - 1
#: Who casts a ballot; paper ballots belong to one round and are counted per round.
VOTER_KINDS: tuple[str, ...] = ("phone", "proxy", "paper")
#: The key of a ballot's entries, by the round's method.
BALLOT_KEYS = {"dots": "dots", "matrix": "ratings", "ranking": "ranking"}

Json = Any


# --- What a checked backup holds -------------------------------------------------------------


@dataclass
class PersonEntry:
    kind: str
    display_name: str
    organisation: str
    #: The working group: a field or a goal by the workshop's grouping.
    group: int | None


@dataclass
class CardEntry:
    field: int
    kind: int
    author: int | None
    by_moderator: bool
    cluster: int | None
    merged_into: int | None
    supports: int
    #: Plain columns: text, times, hidden, position.
    values: dict[str, Any]


@dataclass
class GoalEntry:
    field: int | None
    cluster: int | None
    cards: list[int]
    values: dict[str, Any]
    measures: list[dict[str, Any]]
    reviews: list[dict[str, Any]]


@dataclass
class BallotEntry:
    voter: str
    #: (goal, dots) or (goal, x, y) pairs, or the goals in ranked order, by the round's method.
    entries: list[Any]


@dataclass
class RoundEntry:
    source: int | None
    goals: list[int]
    paper_ballots: int
    ballots: list[BallotEntry]
    values: dict[str, Any]


@dataclass
class Backup:
    """A backup that passed every check; references are still backup-local ids."""

    details: WorkshopDetails
    values: dict[str, Any]
    fields: dict[int, str] = field(default_factory=dict)
    kinds: dict[int, tuple[str, str]] = field(default_factory=dict)
    people: dict[int, PersonEntry] = field(default_factory=dict)
    clusters: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    cards: dict[int, CardEntry] = field(default_factory=dict)
    goals: dict[int, GoalEntry] = field(default_factory=dict)
    rounds: dict[int, RoundEntry] = field(default_factory=dict)
    shown_rounds: list[int] = field(default_factory=list)
    results_field: int | None = None
    spotlight_card: int | None = None

    def count(self, kind: str) -> int:
        """How many participants of ``kind`` ("phone" or "proxy") the backup lists."""
        return sum(1 for person in self.people.values() if person.kind == kind)


# --- Values, each read with its JSON path for the error -------------------------------------


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _object(
    value: Json, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Json]:
    """``value`` as a JSON object with these keys (``optional`` ones may be missing), no others."""
    if not isinstance(value, dict):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    for key in required:
        if key not in value:
            raise Invalid("backup_missing", fields=[_at(path, key)], path=_at(path, key))
    for key in value:
        if key not in required and key not in optional:
            raise Invalid("backup_unknown_key", fields=[_at(path, key)], path=_at(path, key))
    return value


def _list(value: Json, path: str, most: int | None = None) -> list[Json]:
    if not isinstance(value, list):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    if most is not None and len(value) > most:
        raise Invalid("backup_too_many", fields=[path], path=path, max=most)
    return value


def _bool(value: Json, path: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    return value


def _int(value: Json, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    if not low <= value <= high:
        raise Invalid("backup_out_of_range", fields=[path], path=path, min=low, max=high)
    return value


def _choice(value: Json, path: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    if value not in choices:
        raise Invalid("backup_unknown_value", fields=[path], path=path)
    return value


def _text(
    value: Json, path: str, longest: int, *, required: bool = False, multiline: bool = False
) -> str:
    """Text cleaned exactly as the app cleans what people type, within the app's limit."""
    if not isinstance(value, str):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    try:
        return clean_text(
            value, field=path, max_length=longest, required=required, multiline=multiline
        )
    except Invalid as error:
        if error.code == "text_required":
            raise Invalid("backup_text_required", fields=[path], path=path) from None
        raise Invalid("backup_text_too_long", fields=[path], path=path, max=longest) from None


def _time(value: Json, path: str, *, nullable: bool = False) -> datetime | None:
    """An ISO 8601 time with its UTC offset, as UTC."""
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("backup_bad_time", fields=[path], path=path) from None
    if parsed.tzinfo is None:
        raise Invalid("backup_bad_time", fields=[path], path=path)
    return parsed.astimezone(UTC)


def _date(value: Json, path: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("backup_bad_time", fields=[path], path=path) from None


def _ref(value: Json, path: str, known: dict[int, Any] | set[int], *, nullable: bool = True):
    """A backup-local id of an entry in ``known`` (None where ``nullable``)."""
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("backup_wrong_type", fields=[path], path=path)
    if value not in known:
        raise Invalid("backup_bad_reference", fields=[path], path=path)
    return value


def _refs(value: Json, path: str, known: dict[int, Any] | set[int]) -> list[int]:
    """A list of backup-local ids, each once."""
    refs = [
        _ref(ref, _at(path, index), known, nullable=False)
        for index, ref in enumerate(_list(value, path))
    ]
    for index, ref in enumerate(refs):
        if ref in refs[:index]:
            raise Invalid("backup_conflict", fields=[_at(path, index)], path=_at(path, index))
    return refs


def _entries(
    raw: dict[str, Json], key: str, most: int | None = None
) -> Iterator[tuple[str, int, dict[str, Json]]]:
    """(path, backup-local id, object) of one of the workshop's lists, in the file's order."""
    path = _at("workshop", key)
    items = _list(raw[key], path, most)
    seen: set[int] = set()
    checked = []
    for index, item in enumerate(items):
        item_path = _at(path, index)
        if not isinstance(item, dict):
            raise Invalid("backup_wrong_type", fields=[item_path], path=item_path)
        id_path = _at(item_path, "id")
        if "id" not in item:
            raise Invalid("backup_missing", fields=[id_path], path=id_path)
        local = _int(item["id"], id_path, 1, MAX_ID)
        if local in seen:
            raise Invalid("backup_duplicate_id", fields=[id_path], path=id_path)
        seen.add(local)
        checked.append((item_path, local, item))
    return iter(checked)


# --- The file, part by part ------------------------------------------------------------------


def load_backup(raw: bytes | str) -> Json:
    """Parse a backup file (UTF-8, a byte-order mark allowed) into JSON values."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise Invalid("backup_not_json") from None


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON, though Python's parser accepts them.
    raise ValueError(name)


WORKSHOP_KEYS = (
    "title",
    "event_date",
    "place",
    "description",
    "moderation",
    "language",
    "template",
    "phase",
    "created_at",
    "settings",
    "fields",
    "kinds",
    "participants",
    "clusters",
    "cards",
    "goals",
    "rounds",
)


def check_backup(data: Json) -> Backup:
    """Check a parsed backup completely; raise ``Invalid`` naming the first bad value."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid("backup_wrong_format", fields=["format"], path="format")
    if "version" not in data:
        raise Invalid("backup_missing", fields=["version"], path="version")
    version = data["version"]
    if isinstance(version, bool) or version != VERSION:
        raise Invalid("backup_wrong_version", fields=["version"], version=str(version))
    top = _object(data, "", ("format", "version", "exported_at", "workshop"))
    _time(top["exported_at"], "exported_at")
    raw = _object(top["workshop"], "workshop", WORKSHOP_KEYS)
    backup = _read_workshop(raw)
    _read_structure(backup, raw)
    _read_participants(backup, raw)
    _read_clusters(backup, raw)
    _read_cards(backup, raw)
    _read_goals(backup, raw)
    _read_rounds(backup, raw)
    _read_settings(backup, raw)
    return backup


def _read_workshop(raw: dict[str, Json]) -> Backup:
    path = "workshop"
    details = WorkshopDetails(
        title=_text(raw["title"], _at(path, "title"), 200, required=True),
        event_date=_date(raw["event_date"], _at(path, "event_date")),
        place=_text(raw["place"], _at(path, "place"), 200),
        description=_text(raw["description"], _at(path, "description"), 4000, multiline=True),
        language=_choice(raw["language"], _at(path, "language"), LANGUAGES),
        moderation=_text(raw["moderation"], _at(path, "moderation"), 120),
    )
    values = {
        "template": _choice(raw["template"], _at(path, "template"), tuple(TEMPLATES)),
        "phase": _choice(raw["phase"], _at(path, "phase"), PHASES),
        "created_at": _time(raw["created_at"], _at(path, "created_at")),
    }
    return Backup(details=details, values=values)


def _read_structure(backup: Backup, raw: dict[str, Json]) -> None:
    taken: set[str] = set()
    for path, local, item in _entries(raw, "fields", MAX_FIELDS):
        _object(item, path, ("id", "name"))
        backup.fields[local] = _name(item, path, 120, taken)
    taken = set()
    for path, local, item in _entries(raw, "kinds", MAX_KINDS):
        _object(item, path, ("id", "name", "color"))
        name = _name(item, path, 60, taken)
        backup.kinds[local] = (name, _choice(item["color"], _at(path, "color"), KIND_COLORS))


def _name(item: dict[str, Json], path: str, longest: int, taken: set[str]) -> str:
    """A field's or kind's name, unique in its list regardless of case, as the app keeps it."""
    name_path = _at(path, "name")
    name = _text(item["name"], name_path, longest, required=True)
    if name.casefold() in taken:
        raise Invalid("backup_duplicate_name", fields=[name_path], path=name_path)
    taken.add(name.casefold())
    return name


def _read_participants(backup: Backup, raw: dict[str, Json]) -> None:
    for path, local, item in _entries(raw, "participants"):
        _object(item, path, ("id", "kind", "organisation", "group"), ("display_name",))
        kind = _choice(item["kind"], _at(path, "kind"), ("phone", "proxy"))
        if kind == "proxy" and backup.count("proxy") >= MAX_STAND_INS:
            raise Invalid("backup_too_many", fields=[path], path=path, max=MAX_STAND_INS)
        group = item["group"]
        if group is not None and (isinstance(group, bool) or not isinstance(group, int)):
            raise Invalid("backup_wrong_type", fields=[_at(path, "group")], path=_at(path, "group"))
        backup.people[local] = PersonEntry(
            kind=kind,
            display_name=_text(item.get("display_name", ""), _at(path, "display_name"), 60),
            organisation=_text(item["organisation"], _at(path, "organisation"), 120),
            # Resolved with the settings: a group is a field or a goal by the grouping.
            group=group,
        )


def _read_clusters(backup: Backup, raw: dict[str, Json]) -> None:
    for path, local, item in _entries(raw, "clusters"):
        _object(item, path, ("id", "name", "field"))
        backup.clusters[local] = (
            _text(item["name"], _at(path, "name"), 120),
            _ref(item["field"], _at(path, "field"), backup.fields),
        )


CARD_KEYS = (
    "id",
    "field",
    "kind",
    "text",
    "created_at",
    "by_moderator",
    "moderator_edited_at",
    "hidden",
    "deleted_at",
    "merged_into",
    "cluster",
    "position",
    "supports",
)


def _read_cards(backup: Backup, raw: dict[str, Json]) -> None:
    entries = list(_entries(raw, "cards"))
    known = {local for _path, local, _item in entries}
    phones = backup.count("phone")
    for path, local, item in entries:
        _object(item, path, CARD_KEYS, ("author",))
        card = CardEntry(
            field=_ref(item["field"], _at(path, "field"), backup.fields, nullable=False),
            kind=_ref(item["kind"], _at(path, "kind"), backup.kinds, nullable=False),
            author=_ref(item.get("author"), _at(path, "author"), backup.people),
            by_moderator=_bool(item["by_moderator"], _at(path, "by_moderator")),
            cluster=_ref(item["cluster"], _at(path, "cluster"), backup.clusters),
            merged_into=_ref(item["merged_into"], _at(path, "merged_into"), known),
            supports=_int(item["supports"], _at(path, "supports"), 0, MAX_ID),
            values={
                "text": _text(item["text"], _at(path, "text"), MAX_CARD_LENGTH, required=True),
                "created_at": _time(item["created_at"], _at(path, "created_at")),
                "moderator_edited_at": _time(
                    item["moderator_edited_at"], _at(path, "moderator_edited_at"), nullable=True
                ),
                "hidden": _bool(item["hidden"], _at(path, "hidden")),
                "deleted_at": _time(item["deleted_at"], _at(path, "deleted_at"), nullable=True),
                "position": _int(item["position"], _at(path, "position"), 0, MAX_ID),
            },
        )
        _check_card(backup, card, local, path, phones)
        backup.cards[local] = card
    for path, local, _item in entries:
        target = backup.cards[local].merged_into
        if target is not None and backup.cards[target].merged_into is not None:
            # Merged into a card that was merged itself: the app never leaves such a chain.
            raise Invalid(
                "backup_conflict", fields=[_at(path, "merged_into")], path=_at(path, "merged_into")
            )


def _check_card(backup: Backup, card: CardEntry, local: int, path: str, phones: int) -> None:
    """The rules the app keeps for a card: its author, cluster, merge and supporters."""
    if card.author is not None and (
        card.by_moderator or backup.people[card.author].kind != "phone"
    ):
        raise Invalid("backup_conflict", fields=[_at(path, "author")], path=_at(path, "author"))
    if card.cluster is not None:
        cluster_field = backup.clusters[card.cluster][1]
        if cluster_field is not None and cluster_field != card.field:
            raise Invalid(
                "backup_conflict", fields=[_at(path, "cluster")], path=_at(path, "cluster")
            )
    if card.merged_into == local:
        raise Invalid(
            "backup_conflict", fields=[_at(path, "merged_into")], path=_at(path, "merged_into")
        )
    if not card.by_moderator and phones == 0:
        # A participant wrote it, so the backup must list at least one participant.
        raise Invalid(
            "backup_too_few_voters",
            fields=[_at(path, "by_moderator")],
            path=_at(path, "by_moderator"),
        )
    # Supporters are participants with a phone other than the card's author.
    if card.supports > phones - (0 if card.by_moderator else 1):
        raise Invalid(
            "backup_too_few_voters", fields=[_at(path, "supports")], path=_at(path, "supports")
        )


GOAL_KEYS = (
    "id",
    "title",
    "description",
    "field",
    "cluster",
    "cards",
    "created_at",
    "priority",
    "decision_note",
    *PLAN_FIELDS,
    "status",
    "previous_goal_id",
    "measures",
    "reviews",
)


def _read_goals(backup: Backup, raw: dict[str, Json]) -> None:
    entries = list(_entries(raw, "goals"))
    priorities: set[int] = set()
    phones = backup.count("phone")
    for path, local, item in entries:
        _object(item, path, GOAL_KEYS)
        values: dict[str, Any] = {
            "title": _text(item["title"], _at(path, "title"), MAX_TITLE, required=True),
            "description": _text(
                item["description"], _at(path, "description"), MAX_GOAL_DESCRIPTION, multiline=True
            ),
            "created_at": _time(item["created_at"], _at(path, "created_at")),
            "decision_note": _text(
                item["decision_note"], _at(path, "decision_note"), MAX_NOTE_LENGTH, multiline=True
            ),
            "status": _choice(item["status"], _at(path, "status"), PLAN_STATUSES),
            # An id of the database the previous retreat was held in: kept, never resolved.
            "previous_goal_id": None
            if item["previous_goal_id"] is None
            else _int(item["previous_goal_id"], _at(path, "previous_goal_id"), 1, 2**63 - 1),
            "priority": None
            if item["priority"] is None
            else _int(item["priority"], _at(path, "priority"), 1, len(entries)),
        }
        for name, longest in PLAN_FIELDS.items():
            values[name] = _text(
                item[name], _at(path, name), longest, multiline=name == "indicator"
            )
        if values["priority"] is not None:
            if values["priority"] in priorities:
                raise Invalid(
                    "backup_conflict", fields=[_at(path, "priority")], path=_at(path, "priority")
                )
            priorities.add(values["priority"])
        backup.goals[local] = GoalEntry(
            field=_ref(item["field"], _at(path, "field"), backup.fields),
            cluster=_ref(item["cluster"], _at(path, "cluster"), backup.clusters),
            cards=_refs(item["cards"], _at(path, "cards"), backup.cards),
            values=values,
            measures=_read_measures(item["measures"], _at(path, "measures")),
            reviews=_read_reviews(item["reviews"], _at(path, "reviews"), phones),
        )


def _read_measures(value: Json, path: str) -> list[dict[str, Any]]:
    measures = []
    for index, item in enumerate(_list(value, path, MAX_MEASURES)):
        item_path = _at(path, index)
        _object(item, item_path, (*MEASURE_FIELDS, "status", "created_at"))
        measure: dict[str, Any] = {
            name: _text(item[name], _at(item_path, name), longest, required=name == "text")
            for name, longest in MEASURE_FIELDS.items()
        }
        measure["status"] = _choice(item["status"], _at(item_path, "status"), PLAN_STATUSES)
        measure["created_at"] = _time(item["created_at"], _at(item_path, "created_at"))
        measures.append(measure)
    return measures


def _read_reviews(value: Json, path: str, phones: int) -> list[dict[str, Any]]:
    reviews = []
    for index, item in enumerate(_list(value, path)):
        item_path = _at(path, index)
        _object(item, item_path, ("light", "comment", "created_at"))
        reviews.append(
            {
                "light": _choice(item["light"], _at(item_path, "light"), REVIEW_LIGHTS),
                "comment": _text(
                    item["comment"], _at(item_path, "comment"), MAX_COMMENT_LENGTH, multiline=True
                ),
                "created_at": _time(item["created_at"], _at(item_path, "created_at")),
            }
        )
    if len(reviews) > phones:
        # Each review is one participant's, and nobody reviews a goal twice.
        raise Invalid("backup_too_few_voters", fields=[path], path=path)
    return reviews


ROUND_KEYS = (
    "id",
    "title",
    "method",
    "status",
    "budget",
    "max_per_goal",
    "scale_min",
    "scale_max",
    "label_x",
    "label_y",
    "live_results",
    "source_round",
    "created_at",
    "goals",
    "paper_ballots",
    "ballots",
)


def _read_rounds(backup: Backup, raw: dict[str, Json]) -> None:
    entries = list(_entries(raw, "rounds"))
    known = {local for _path, local, _item in entries}
    open_rounds = 0
    # Proxies and paper ballots together stay within the app's limit of stand-ins.
    stand_ins = backup.count("proxy")
    for path, local, item in entries:
        _object(item, path, ROUND_KEYS)
        values = _round_values(item, path)
        open_rounds += values["status"] == "open"
        if open_rounds > 1:
            # Only one round is open at a time.
            raise Invalid("backup_conflict", fields=[_at(path, "status")], path=_at(path, "status"))
        source = _ref(item["source_round"], _at(path, "source_round"), known)
        if source == local:
            raise Invalid(
                "backup_conflict",
                fields=[_at(path, "source_round")],
                path=_at(path, "source_round"),
            )
        goals = _refs(item["goals"], _at(path, "goals"), backup.goals)
        if len(goals) < (2 if values["method"] == "ranking" else 1):
            raise Invalid("backup_conflict", fields=[_at(path, "goals")], path=_at(path, "goals"))
        paper_path = _at(path, "paper_ballots")
        paper = _int(item["paper_ballots"], paper_path, 0, MAX_STAND_INS - stand_ins)
        stand_ins += paper
        vote_round = RoundEntry(
            source=source, goals=goals, paper_ballots=paper, ballots=[], values=values
        )
        ballots_path = _at(path, "ballots")
        vote_round.ballots = [
            _read_ballot(ballot, _at(ballots_path, index), vote_round)
            for index, ballot in enumerate(_list(item["ballots"], ballots_path))
        ]
        if vote_round.ballots and values["status"] == "draft":
            # Nobody votes in a round before it opens.
            raise Invalid("backup_conflict", fields=[ballots_path], path=ballots_path)
        _check_voters(backup, vote_round, ballots_path)
        backup.rounds[local] = vote_round


def _round_values(item: dict[str, Json], path: str) -> dict[str, Any]:
    """A round's own columns, with the limits the round editor keeps."""
    values = {
        "title": _text(item["title"], _at(path, "title"), 200),
        "method": _choice(item["method"], _at(path, "method"), VOTE_METHODS),
        "status": _choice(item["status"], _at(path, "status"), ROUND_STATUSES),
        "budget": _int(item["budget"], _at(path, "budget"), 1, MAX_BUDGET),
        "max_per_goal": _int(item["max_per_goal"], _at(path, "max_per_goal"), 1, MAX_BUDGET),
        "scale_min": _int(item["scale_min"], _at(path, "scale_min"), *SCALE_LIMITS),
        "scale_max": _int(item["scale_max"], _at(path, "scale_max"), *SCALE_LIMITS),
        "label_x": _text(item["label_x"], _at(path, "label_x"), 60),
        "label_y": _text(item["label_y"], _at(path, "label_y"), 60),
        "live_results": _bool(item["live_results"], _at(path, "live_results")),
        "created_at": _time(item["created_at"], _at(path, "created_at")),
    }
    if values["max_per_goal"] > values["budget"]:
        raise Invalid(
            "backup_conflict", fields=[_at(path, "max_per_goal")], path=_at(path, "max_per_goal")
        )
    if values["scale_max"] <= values["scale_min"]:
        raise Invalid(
            "backup_conflict", fields=[_at(path, "scale_max")], path=_at(path, "scale_max")
        )
    return values


def _read_ballot(value: Json, path: str, vote_round: RoundEntry) -> BallotEntry:
    """One anonymous ballot, checked against its round's goals and rules."""
    method = vote_round.values["method"]
    key = BALLOT_KEYS[method]
    item = _object(value, path, ("voter", key))
    voter = _choice(item["voter"], _at(path, "voter"), VOTER_KINDS)
    rows_path = _at(path, key)
    rows = _list(item[key], rows_path)
    if not rows:
        raise Invalid("backup_bad_ballot", fields=[rows_path], path=rows_path)
    in_round = set(vote_round.goals)
    if method == "ranking":
        ranking = [
            _ref(goal, _at(rows_path, index), in_round, nullable=False)
            for index, goal in enumerate(rows)
        ]
        if sorted(ranking) != sorted(vote_round.goals):
            # A ranking puts every goal of the round in order, each once.
            raise Invalid("backup_bad_ballot", fields=[rows_path], path=rows_path)
        return BallotEntry(voter, ranking)
    entries: list[tuple[Any, ...]] = []
    for index, row in enumerate(rows):
        row_path = _at(rows_path, index)
        if method == "dots":
            entry = _dot_row(row, row_path, vote_round, in_round)
        else:
            entry = _rating_row(row, row_path, vote_round, in_round)
        if any(earlier[0] == entry[0] for earlier in entries):
            raise Invalid(
                "backup_bad_ballot", fields=[_at(row_path, "goal")], path=_at(row_path, "goal")
            )
        entries.append(entry)
    if method == "dots" and sum(entry[1] for entry in entries) > vote_round.values["budget"]:
        raise Invalid("backup_bad_ballot", fields=[rows_path], path=rows_path)
    return BallotEntry(voter, entries)


def _dot_row(row: Json, path: str, vote_round: RoundEntry, goals: set[int]) -> tuple[int, int]:
    _object(row, path, ("goal", "dots"))
    most = vote_round.values["max_per_goal"]
    return (
        _ref(row["goal"], _at(path, "goal"), goals, nullable=False),
        _int(row["dots"], _at(path, "dots"), 1, most),
    )


def _rating_row(
    row: Json, path: str, vote_round: RoundEntry, goals: set[int]
) -> tuple[int, int | None, int | None]:
    _object(row, path, ("goal", "x", "y"))
    low, high = vote_round.values["scale_min"], vote_round.values["scale_max"]
    x = None if row["x"] is None else _int(row["x"], _at(path, "x"), low, high)
    y = None if row["y"] is None else _int(row["y"], _at(path, "y"), low, high)
    if x is None and y is None:
        raise Invalid("backup_bad_ballot", fields=[path], path=path)
    return _ref(row["goal"], _at(path, "goal"), goals, nullable=False), x, y


def _check_voters(backup: Backup, vote_round: RoundEntry, path: str) -> None:
    """Each ballot is one voter's: a round holds at most as many ballots of a kind as voters."""
    available = {
        "phone": backup.count("phone"),
        "proxy": backup.count("proxy"),
        "paper": vote_round.paper_ballots,
    }
    for kind, cast in Counter(ballot.voter for ballot in vote_round.ballots).items():
        if cast > available[kind]:
            raise Invalid("backup_too_few_voters", fields=[path], path=path)


SETTINGS_KEYS = (
    "card_names",
    "show_authors",
    "collect_locked",
    "grouping",
    "shown_rounds",
    "results_field",
    "spotlight_card",
)


def _read_settings(backup: Backup, raw: dict[str, Json]) -> None:
    path = "workshop.settings"
    settings = _object(raw["settings"], path, SETTINGS_KEYS)
    grouping = _choice(settings["grouping"], _at(path, "grouping"), GROUPINGS)
    backup.values |= {
        "card_names": _choice(settings["card_names"], _at(path, "card_names"), CARD_NAME_MODES),
        "show_authors": _bool(settings["show_authors"], _at(path, "show_authors")),
        "collect_locked": _bool(settings["collect_locked"], _at(path, "collect_locked")),
        "grouping": grouping,
    }
    shown_path = _at(path, "shown_rounds")
    _list(settings["shown_rounds"], shown_path, MAX_SHOWN_ROUNDS)
    backup.shown_rounds = _refs(settings["shown_rounds"], shown_path, backup.rounds)
    backup.results_field = _ref(
        settings["results_field"], _at(path, "results_field"), backup.fields
    )
    spotlight_path = _at(path, "spotlight_card")
    spotlight = _ref(settings["spotlight_card"], spotlight_path, backup.cards)
    if spotlight is not None:
        card = backup.cards[spotlight]
        if card.values["hidden"] or card.values["deleted_at"] or card.merged_into is not None:
            # The projector shows the spotlight large: never a card hidden from the room.
            raise Invalid("backup_conflict", fields=[spotlight_path], path=spotlight_path)
    backup.spotlight_card = spotlight
    groups: dict[str, dict[int, Any]] = {"": {}, "field": backup.fields, "goal": backup.goals}
    for index, person in enumerate(backup.people.values()):
        group_path = _at(_at("workshop.participants", index), "group")
        person.group = _ref(person.group, group_path, groups[grouping])
