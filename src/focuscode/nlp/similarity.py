"""Suggestions by closeness: lemma TF-IDF between a segment and what describes each code best.

A code's `examples` and `include` text, and the segments a coder already accepted for
it, say what the code is about in whole sentences; a segment whose content lemmas are
close to one of them (cosine of TF-IDF vectors, inverse document frequencies from the
project's own segments) is suggested for that code, and the evidence names the closest
example or segment and the lemmas they share. Offline and fast: the lemmas are the ones
the rule pipeline already made, and an inverted index visits only references that share
a word with the segment.

Why not embeddings: none ships Dutch weights inside a well-kept package without a
download at run time, and lemma TF-IDF needs nothing beyond the tables we already load.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

MIN_SIMILARITY = 0.12  # below this nothing is stored: closeness of a word or two in long texts
MIN_SHARED = 2  # content lemmas a segment must share with the reference
TERMS = 4  # shared lemmas shown as evidence


@dataclass
class Reference:
    code: str
    kind: str  # example | include | segment
    label: str | int  # the example or include text, or the accepted segment's id
    terms: Counter = field(default_factory=Counter)  # content lemma hash -> count


@dataclass
class Close:
    segment_id: int
    code: str
    similarity: float
    reference: Reference
    shared: list[str]


class SimilarityIndex:
    """Collects the project's segments as content-lemma counts, then finds each one's closest references."""

    def __init__(self, strings):
        self.strings = strings
        self._content: dict[int, bool] = {}
        self.segments: dict[int, Counter] = {}
        self.texts: dict[int, str] = {}

    def content_terms(self, lemma_hashes: Iterable[int]) -> Counter:
        from .words import is_content_word

        known = self._content
        strings = self.strings
        counts = Counter(lemma_hashes)  # counted in C; only the distinct lemmas are judged
        for h in counts:
            if h not in known:  # (keys() - keys() would walk every lemma ever seen)
                known[h] = is_content_word(strings[h])
        return Counter({h: c for h, c in counts.items() if known[h]})

    def add_segment(self, segment_id: int, lemma_hashes: list[int], text: str) -> None:
        terms = self.content_terms(lemma_hashes)
        if terms:
            self.segments[segment_id] = terms
            self.texts[segment_id] = text

    def find(self, references: list[Reference], *, skip: set[int] | frozenset = frozenset()) -> list[Close]:
        """The closest reference per (segment, code) at or above MIN_SIMILARITY, for segments not in `skip`."""
        n = len(self.segments) + len(references)
        df: Counter = Counter()
        for terms in self.segments.values():
            df.update(terms.keys())
        for ref in references:
            df.update(ref.terms.keys())
        idf = {h: math.log((n + 1) / (d + 1)) + 1.0 for h, d in df.items()}

        def vector(terms: Counter) -> tuple[dict[int, float], float]:
            v = {h: (1.0 + math.log(c)) * idf.get(h, 1.0) for h, c in terms.items()}
            return v, math.sqrt(sum(x * x for x in v.values())) or 1.0

        ref_vectors = [vector(r.terms) for r in references]
        postings: dict[int, list[tuple[int, float]]] = {}
        for i, (v, norm) in enumerate(ref_vectors):
            for h, w in v.items():
                postings.setdefault(h, []).append((i, w / norm))
        out: list[Close] = []
        for sid, terms in self.segments.items():
            if sid in skip:
                continue
            v, norm = vector(terms)
            dots: dict[int, float] = {}
            shared: dict[int, int] = {}
            for h, w in v.items():
                for i, rw in postings.get(h, ()):
                    dots[i] = dots.get(i, 0.0) + w * rw
                    shared[i] = shared.get(i, 0) + 1
            best: dict[str, tuple[float, int]] = {}
            text = self.texts[sid].lower()
            for i, dot in dots.items():
                ref = references[i]
                if shared[i] < MIN_SHARED or (ref.kind == "segment" and ref.label == sid):
                    continue
                if ref.kind != "segment" and str(ref.label).lower() in text:
                    continue  # the example was quoted from this very segment: it tells nothing new
                cos = dot / norm
                if cos >= MIN_SIMILARITY and cos > best.get(ref.code, (0.0, -1))[0]:
                    best[ref.code] = (cos, i)
            for code, (cos, i) in best.items():
                ref = references[i]
                common = sorted(set(terms) & set(ref.terms), key=lambda h: -v[h])[:TERMS]
                out.append(Close(sid, code, cos, ref, [self.strings[h] for h in common]))
        return out


def evidence(close: Close, texts: dict[int, str] | None = None) -> dict:
    ref = close.reference
    closest: dict = {"kind": ref.kind}
    if ref.kind == "segment":
        closest["segment"] = ref.label
    else:
        closest["text"] = ref.label
    return {"similarity": round(close.similarity, 4), "closest": closest, "shared": close.shared}
