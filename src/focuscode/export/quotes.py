"""Choosing representative quotes for a theme.

A quote is a window of whole sentences from one coded segment, 15-80 words by
default, marked "[...]" where sentences were left out. Sentences are the ones
passages.sentences finds, so a coded passage and a quote agree on where a sentence
starts; a quote of a passage coding is searched only in the sentences the passage
touches (passages.complete_to_sentences). Candidates are ranked by
centrality: the cosine similarity of the window's lemma vector to the theme's
centroid (TF-IDF weighted lemma counts of the words coded with the theme; which
turns and passages: choose.py). Lemmas come from focuscode's table-based Dutch
lemmatizer (the same one the offline pipeline uses, no model needed); if that is
unavailable, lowercased word forms are used instead. Stop words are left out.

Selection is greedy and deterministic: never the same participant twice in a
theme; the next quote comes from the least represented sector, then the least
represented source, then the most central candidate, then the lowest segment id.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import mul

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
ELLIPSIS = "[...]"
MAX_SENTENCES = 40  # windows are searched within this many sentences of a segment

# A fallback when spaCy's Dutch stop list cannot be imported.
_FALLBACK_STOP = set(
    "de het een en van in op te dat die is ik je we wij jij hij zij ze er niet met voor aan als bij "
    "om ook maar dan nog wel dus zo of want was waren zijn heb hebben heeft had wordt worden kan kunnen "
    "moet moeten gaat gaan doe doen nu al wat wie waar hoe me mij mijn ons onze jullie hun haar zijn "
    "eh ehm nou ja nee gewoon eigenlijk echt even heel veel meer".split()
)


def sentences(text: str) -> list[str]:
    """The turn's sentences (passages.sentences) as quotable strings, white space collapsed."""
    from ..passages import sentences as spans

    return [" ".join(text[s:e].split()) for s, e in spans(text)]


@lru_cache(maxsize=1)
def _stop_words() -> frozenset:
    try:
        return frozenset(_spacy_dutch_stop_words()) | frozenset(_FALLBACK_STOP)
    except Exception:  # spaCy missing or broken: the small list still removes the worst noise
        return frozenset(_FALLBACK_STOP)


def _spacy_dutch_stop_words() -> set:
    """spaCy's Dutch stop list, without importing spaCy when it is not loaded yet.

    The public `from spacy.lang.nl.stop_words import STOP_WORDS` runs spaCy's package init
    first: 1-2.5 s measured, against about 0.01 s for reading the list's literal from the
    file. The file is located with importlib (no import) and read as data with ast, never
    run; a file of another shape, or spaCy already imported, takes the public import.
    """
    import sys

    if "spacy" not in sys.modules:
        words = _stop_words_literal()
        if words:
            return words
    from spacy.lang.nl.stop_words import STOP_WORDS

    return set(STOP_WORDS)


def _stop_words_literal() -> set | None:
    """The string literal of `STOP_WORDS = set(<string>.split())` in spaCy's
    lang/nl/stop_words.py, split into words; None for a file of any other shape."""
    import ast
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("spacy")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "lang" / "nl" / "stop_words.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["STOP_WORDS"]
                and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "set"
                and len(node.value.args) == 1 and isinstance(split := node.value.args[0], ast.Call)
                and isinstance(split.func, ast.Attribute) and split.func.attr == "split" and not split.args
                and isinstance(split.func.value, ast.Constant) and isinstance(split.func.value.value, str)):
            return set(split.func.value.value.split())
    return None


@lru_cache(maxsize=1)
def _lemmatizer():
    try:
        from ..nlp.lexicon import lemmatize_lower

        lemmatize_lower("scholen")  # loads the tables once; fails early if they are missing
        return lemmatize_lower, "lemmas"
    except Exception:
        return (lambda w: w), "words"


_BASIS = {
    "nl": {"lemmas": "TF-IDF van lemma's (focuscode-lemmatiser)", "words": "TF-IDF van woorden in kleine letters (geen lemmatiser beschikbaar)"},
    "en": {"lemmas": "TF-IDF of lemmas (focuscode lookup lemmatizer)", "words": "TF-IDF of lowercased words (no lemmatizer available)"},
}


def lemma_counts_basis() -> str:
    """'lemmas' or 'words': what lemma_counts counts. Answered without loading the lemma
    tables (a third of a second) when they are not loaded yet: they are used when present."""
    if _lemmatizer.cache_info().currsize:
        return _lemmatizer()[1]
    import importlib.util
    from pathlib import Path

    from ..nlp.lexicon import LOOKUPS_PACKAGE, TABLES

    spec = importlib.util.find_spec(LOOKUPS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return "words"
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    return "lemmas" if all((data / f"{t}.json.gz").is_file() for t in TABLES) else "words"


def vector_basis(lang: str = "en") -> str:
    """Which token basis centrality uses, for the report's method note."""
    return _BASIS.get(lang, _BASIS["en"])[lemma_counts_basis()]


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    return _lemmatizer()[0](word)


# Lowercase word form -> the lemma it counts as, or "" for a form that does not count
# (too short, a stop word, or a stop word once lemmatised). Filled once per distinct form,
# so counting a segment is a regex pass and dictionary look-ups.
_FORM_LEMMA: dict[str, str] = {}


def _form_lemma(word: str) -> str:
    stop = _stop_words()
    lemma = ""
    if len(word) >= 2 and word not in stop:
        lemma = _lemma(word) or ""
        if lemma in stop:
            lemma = ""
    _FORM_LEMMA[word] = lemma
    return lemma


def lemmas(text: str) -> list[str]:
    """The lemmas that count, in text order (what lemma_counts counts; terms.py keeps them)."""
    # The look-ups run in C, and a form is lemmatised in Python only the first time it is seen.
    tokens = _WORD.findall(text.lower())
    known = _FORM_LEMMA
    found = list(map(known.get, tokens))
    if None in found:
        for token in tokens:
            if token not in known:
                _form_lemma(token)
        found = list(map(known.get, tokens))
    return list(filter(None, found))  # "" marks a form that does not count


def lemma_counts(text: str) -> Counter:
    # Token by token, in text order, so each lemma keeps the position of its first
    # occurrence (float sums over the counts add up in that order); counted in C.
    return Counter(lemmas(text))


@dataclass
class Centroid:
    idf: dict[str, float]
    vector: dict[str, float]
    norm: float

    def cosine(self, counts: Counter) -> float:
        if not counts or not self.norm:
            return 0.0
        dot = 0.0
        sq = 0.0
        for lemma, n in counts.items():
            w = n * self.idf.get(lemma, 0.0)
            sq += w * w
            dot += w * self.vector.get(lemma, 0.0)
        return dot / (math.sqrt(sq) * self.norm) if sq else 0.0


    def cosine_weighted(self, doc: "Weighted") -> float:
        """cosine() for a segment whose weights were computed once with `weigh`: same result."""
        if not doc.items or not self.norm or not doc.norm:
            return 0.0
        vector = self.vector
        dot = 0.0
        for lemma, w in doc.items:
            dot += w * vector.get(lemma, 0.0)
        return dot / (doc.norm * self.norm)


@dataclass
class Weighted:
    """A segment's TF-IDF weights in lemma order and their norm.

    The IDF table is shared by every theme of a summary, so a segment coded with
    several themes is weighed once instead of once per theme and per comparison.
    """

    items: list[tuple[str, float]]
    norm: float  # as cosine() computes it (a loop)
    centroid_norm: float  # as centroid() computes it (sum(), which rounds differently from 3.12 on)


def weigh(counts: Counter, idf: dict[str, float]) -> Weighted:
    # Summed in the same order, and the same way, as cosine() and centroid() do (a loop
    # and sum() respectively, which differ from Python 3.12 on), so scores and with them
    # the quote choice are identical to the unweighed path.
    weights = list(map(mul, counts.values(), map(idf.get, counts.keys(), repeat(0.0))))
    sq = 0.0
    for w in weights:
        sq += w * w
    return Weighted(list(zip(counts.keys(), weights)), math.sqrt(sq), math.sqrt(sum(w * w for w in weights)))


def centroid_weighted(documents: list[Weighted], idf: dict[str, float]) -> Centroid:
    """Mean of the unit-length TF-IDF vectors of the theme's segments, already weighed with `weigh`."""
    total: dict[str, float] = {}
    get = total.get
    for doc in documents:
        norm = doc.centroid_norm
        if not norm:
            continue
        for lemma, w in doc.items:
            total[lemma] = get(lemma, 0.0) + w / norm
    count = max(1, len(documents))
    vector = {k: v / count for k, v in total.items()}
    return Centroid(idf, vector, math.sqrt(sum(v * v for v in vector.values())))


def idf_table(documents: list[Counter]) -> dict[str, float]:
    df: Counter = Counter()
    for doc in documents:
        df.update(doc.keys())
    n = len(documents)
    return {lemma: math.log((1 + n) / (1 + d)) + 1.0 for lemma, d in df.items()}


@dataclass
class Window:
    text: str
    words: int
    counts: Counter = field(default_factory=Counter)
    start: int = 0  # code points of the quoted sentences in the turn, end exclusive
    end: int = 0


@dataclass
class Profile:
    """A segment's sentences with their word and lemma counts, computed once."""

    parts: list[str]
    words: list[int]
    counts: list[Counter]
    spans: list[tuple[int, int]] = field(default_factory=list)  # each sentence's place in the turn
    text: str = ""

    def total(self) -> Counter:
        out: Counter = Counter()
        for c in self.counts:
            out.update(c)
        return out

    def sentence_range(self, span: tuple[int, int] | None) -> tuple[int, int] | None:
        """First and last sentence (inclusive) of a passage completed to whole sentences
        (passages.complete_to_sentences); every sentence for None (the whole turn); None
        when the passage holds no sentence."""
        if span is None:
            return (0, len(self.parts) - 1) if self.parts else None
        from ..passages import complete_to_sentences

        excerpt = complete_to_sentences(self.text, span, self.spans)
        inside = [i for i, (s, e) in enumerate(self.spans) if excerpt.start <= s and e <= excerpt.end]
        return (inside[0], inside[-1]) if inside else None


def profile(text: str, counts: list[Counter] | None = None) -> Profile:
    """`counts`: the sentences' lemma counts when already known (kept by terms.Terms); counted
    again when they do not fit the sentences."""
    from ..passages import sentences as sentence_spans

    spans = sentence_spans(text)
    parts = [" ".join(text[s:e].split()) for s, e in spans]
    if counts is None or len(counts) != len(parts):
        counts = [lemma_counts(p) for p in parts]
    return Profile(parts, [len(p.split()) for p in parts], counts, spans, text)


def windows(text_or_profile, min_words: int = 15, max_words: int = 80,
            sentence_range: tuple[int, int] | None = None) -> list[Window]:
    """Every run of whole sentences within the word limits, with '[...]' where cut.

    `sentence_range` (first, last, inclusive) keeps the runs inside a coded passage; a
    passage shorter than `min_words` is then its own only window (the coder chose it),
    as long as it is within `max_words`.
    """
    prof = text_or_profile if isinstance(text_or_profile, Profile) else profile(text_or_profile)
    n_all = len(prof.parts)
    first, last = sentence_range if sentence_range is not None else (0, n_all - 1)
    n = min(last + 1, first + MAX_SENTENCES)
    out = []
    for lo in range(first, n):
        total = 0
        acc: Counter = Counter()
        for hi in range(lo, n):
            total += prof.words[hi]
            if total > max_words:
                break
            acc = Counter(acc)  # a copy: each window keeps its own counts (same order as acc + counts)
            acc.update(prof.counts[hi])
            if total >= min_words:
                out.append(_window(prof, lo, hi, total, acc))
    if not out and sentence_range is not None:
        total = sum(prof.words[first:last + 1])
        if 0 < total <= max_words:
            acc = Counter()
            for c in prof.counts[first:last + 1]:
                acc.update(c)
            out.append(_window(prof, first, last, total, acc))
    return out


def _window(prof: Profile, lo: int, hi: int, words: int, counts: Counter) -> Window:
    quote = " ".join(prof.parts[lo : hi + 1])
    if lo > 0:
        quote = f"{ELLIPSIS} {quote}"
    if hi < len(prof.parts) - 1:
        quote = f"{quote} {ELLIPSIS}"
    start, end = (prof.spans[lo][0], prof.spans[hi][1]) if prof.spans else (0, 0)
    return Window(quote, words, counts, start, end)


def best_window(text_or_profile, center: Centroid, min_words: int = 15, max_words: int = 80,
                sentence_range: tuple[int, int] | None = None) -> tuple[Window, float] | None:
    found = windows(text_or_profile, min_words, max_words, sentence_range)
    if not found:
        return None
    scored = [(center.cosine(w.counts), -i, w) for i, w in enumerate(found)]
    score, _, window = max(scored, key=lambda s: (s[0], s[1]))
    return window, score


def pick_quotes(candidates: list[dict], n: int) -> list[dict]:
    """candidates: dicts with id, participant_key, sector, source, centrality.

    Greedy and deterministic, see the module docstring.
    """
    remaining = sorted(candidates, key=lambda c: (-c["centrality"], c["id"]))
    chosen: list[dict] = []
    used: set = set()
    sectors: Counter = Counter()
    sources: Counter = Counter()
    while len(chosen) < n:
        pool = [c for c in remaining if c["participant_key"] not in used]
        if not pool:
            break
        best = min(pool, key=lambda c: (sectors[c.get("sector") or ""], sources[c.get("source") or ""],
                                        -c["centrality"], c["id"]))
        chosen.append(best)
        used.add(best["participant_key"])
        sectors[best.get("sector") or ""] += 1
        sources[best.get("source") or ""] += 1
        remaining.remove(best)
    return chosen
