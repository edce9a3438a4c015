"""Suggestions by closeness: lemma TF-IDF between a segment and what describes each code best.

A code's `examples` and `include` text, and the segments a coder already accepted for
it, say what the code is about in whole sentences; a segment whose content lemmas are
close to one of them (cosine of TF-IDF vectors, inverse document frequencies from the
project's own segments) is suggested for that code, and the evidence names the closest
example or segment and the lemmas they share. Offline and fast: the lemmas are the ones
the rule pipeline already made, kept as numpy arrays, and only (segment, reference) pairs
that share a word are weighed, all at once per chunk of segments (see SimilarityIndex).

Why not embeddings: none ships Dutch weights inside a well-kept package without a
download at run time, and lemma TF-IDF needs nothing beyond the tables we already load.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Iterable

from .words import is_content_word

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
    """Collects the project's segments as content-lemma counts, then finds each one's closest references.

    Segments arrive one at a time from the pipeline; their lemma hashes are kept in numpy
    arrays, a chunk at a time, as (segment, content lemma, count) in the order the lemmas
    first occur, so that a million words cost a few arrays rather than a dict per segment.
    `find` then weighs every (segment, reference) pair that shares a word at once, a chunk
    of segments at a time. Each pair's products are added in text order (np.add.at applies
    them in sequence), as the per-segment loop this replaces did, so scores come out the
    same to the last bit.
    """

    CHUNK_TOKENS = 262_144  # lemmas gathered before they are counted
    PRODUCTS = 1_000_000  # (term, reference) products weighed at once

    def __init__(self, strings):
        self.strings = strings
        self._content: dict[int, bool] = {}
        self.ids: list[int] = []  # every segment added, in order
        self.texts: list[str] = []
        self._pending: list[list[int]] = []
        self._pending_tokens = 0
        # per chunk: (segment index, lemma hash, count) of each distinct content lemma
        self._parts: list[tuple] = []
        self._terms = None  # the chunks joined: (rows, hashes, counts, indptr)
        self._row: dict[int, int] | None = None

    def content_terms(self, lemma_hashes: Iterable[int]) -> Counter:
        known = self._content
        counts = Counter(lemma_hashes)  # counted in C; only the distinct lemmas are judged
        for h in counts:
            if h not in known:  # (keys() - keys() would walk every lemma ever seen)
                known[h] = is_content_word(self.strings[h])
        return Counter({h: c for h, c in counts.items() if known[h]})

    def add_segment(self, segment_id: int, lemma_hashes: list[int], text: str) -> None:
        self.ids.append(segment_id)
        self.texts.append(text)
        self._pending.append(lemma_hashes)
        self._pending_tokens += len(lemma_hashes)
        self._terms = None
        if self._pending_tokens >= self.CHUNK_TOKENS:
            self._count_pending()

    def _count_pending(self) -> None:
        import numpy as np

        pending, self._pending, self._pending_tokens = self._pending, [], 0
        if not pending:
            return
        first_row = len(self.ids) - len(pending)
        lengths = np.fromiter(map(len, pending), dtype=np.int64, count=len(pending))
        hashes = np.fromiter(chain.from_iterable(pending), dtype=np.uint64, count=int(lengths.sum()))
        # return_index makes numpy sort stably, three times faster than its default on
        # hashes that repeat this much (the result is the same)
        distinct, _, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        known = self._content
        strings = self.strings
        judged = []
        for h in distinct.tolist():
            is_content = known.get(h)
            if is_content is None:
                is_content = known[h] = is_content_word(strings[h])
            judged.append(is_content)
        keep = np.asarray(judged, dtype=bool)[inverse]
        rows = np.repeat(np.arange(len(pending), dtype=np.int64), lengths)[keep]
        inverse = inverse.reshape(-1)[keep]
        # one key per (segment, lemma); the first occurrence of each, in text order
        keys, first, counts = np.unique(rows * len(distinct) + inverse, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        keys = keys[order]
        self._parts.append((keys // len(distinct) + first_row, distinct[keys % len(distinct)], counts[order]))

    def terms_matrix(self):
        """(row, lemma hash, count) of every segment's distinct content lemmas, rows in the order
        segments were added (`ids`), and the row pointers: what closeness and the domain prior read."""
        return self._joined()

    def _joined(self):
        import numpy as np

        if self._terms is None:
            self._count_pending()
            if self._parts:
                rows, hashes, counts = (np.concatenate(a) for a in zip(*self._parts))
                self._parts = [(rows, hashes, counts)]
            else:
                rows, hashes, counts = (np.zeros(0, dtype=t) for t in (np.int64, np.uint64, np.int64))
            indptr = np.zeros(len(self.ids) + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=len(self.ids)), out=indptr[1:])
            self._terms = (rows, hashes, counts, indptr)
            self._row = None
        return self._terms

    def segment_terms(self, segment_id: int) -> Counter | None:
        """The segment's content lemma counts in text order, or None when it has none (or is unknown)."""
        _, hashes, counts, indptr = self._joined()
        if self._row is None:
            self._row = {sid: i for i, sid in enumerate(self.ids)}
        i = self._row.get(segment_id)
        if i is None or indptr[i] == indptr[i + 1]:
            return None
        a, b = int(indptr[i]), int(indptr[i + 1])
        return Counter(dict(zip(hashes[a:b].tolist(), counts[a:b].tolist())))

    def find(self, references: list[Reference], *, skip: set[int] | frozenset = frozenset()) -> list[Close]:
        """The closest reference per (segment, code) at or above MIN_SIMILARITY, for segments not in `skip`."""
        import numpy as np

        if not references:
            return []
        rows, hashes, counts, indptr = self._joined()
        n = int(np.count_nonzero(np.diff(indptr))) + len(references)
        # columns: the segments' distinct content lemmas, then lemmas only references have
        vocab, _, cols = np.unique(hashes, return_index=True, return_inverse=True)  # (stable sort: faster)
        cols = cols.reshape(-1)
        column = {h: j for j, h in enumerate(vocab.tolist())}
        df = np.bincount(cols, minlength=len(vocab)).tolist()
        ref_cols = []
        for ref in references:
            js = []
            for h in ref.terms:
                j = column.get(h)
                if j is None:
                    j = column[h] = len(df)
                    df.append(0)
                df[j] += 1
                js.append(j)
            ref_cols.append(js)
        idf = [math.log((n + 1) / (d + 1)) + 1.0 for d in df]
        tf = [0.0] + [1.0 + math.log(c) for c in range(1, int(counts.max(initial=1)) + 1)]
        weights = np.asarray(tf)[counts] * np.asarray(idf)[cols]
        squares = (weights * weights).tolist()
        # postings: per lemma, the references holding it (in reference order) and their weight / norm
        postings: list[list[tuple[int, float]]] = [[] for _ in df]
        for i, (ref, js) in enumerate(zip(references, ref_cols)):
            v = [(1.0 + math.log(c)) * idf[j] for c, j in zip(ref.terms.values(), js)]
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            for j, w in zip(js, v):
                postings[j].append((i, w / norm))
        p_len = np.array([len(p) for p in postings], dtype=np.int64)
        p_start = np.zeros(len(df) + 1, dtype=np.int64)
        np.cumsum(p_len, out=p_start[1:])
        p_ref = np.array([i for p in postings for i, _ in p], dtype=np.int64)
        p_weight = np.array([w for p in postings for _, w in p], dtype=np.float64)
        codes = [ref.code for ref in references]
        # segments in chunks of about a few million (term, reference) products: memory stays bounded
        reach = p_len[cols]
        before = np.zeros(len(cols) + 1, dtype=np.int64)
        np.cumsum(reach, out=before[1:])
        out: list[Close] = []
        by_segment = before[indptr]  # products before each segment's first term
        lo = 0
        while lo < len(self.ids):
            hi = int(np.searchsorted(by_segment, by_segment[lo] + self.PRODUCTS, side="right")) - 1
            hi = min(max(hi, lo + 1), len(self.ids))
            out += self._chunk(lo, hi, indptr, cols, weights, squares, reach, before, p_start, p_ref, p_weight,
                               references, codes, hashes, counts, skip)
            lo = hi
        return out

    def _chunk(self, lo, hi, indptr, cols, weights, squares, reach, before, p_start, p_ref, p_weight,
               references, codes, hashes, counts, skip) -> list[Close]:
        """Closest references for segments lo..hi-1: every (term, reference) product, summed per pair in text order."""
        import numpy as np

        a, b = int(indptr[lo]), int(indptr[hi])
        total = int(before[b] - before[a])
        if not total:
            return []
        entry = np.repeat(np.arange(a, b, dtype=np.int64), reach[a:b])  # the segment term of each product
        offset = np.arange(total, dtype=np.int64) - np.repeat(before[a:b] - before[a], reach[a:b])
        slot = p_start[cols[entry]] + offset
        ref = p_ref[slot]
        products = weights[entry] * p_weight[slot]
        segment = np.searchsorted(indptr, entry, side="right") - 1
        pairs, first, which = np.unique(segment * len(references) + ref, return_index=True, return_inverse=True)
        which = which.reshape(-1)
        dots = np.zeros(len(pairs))
        np.add.at(dots, which, products)  # in product order: each pair's terms in text order, as a loop adds them
        shared = np.bincount(which, minlength=len(pairs))
        pair_segment = pairs // len(references)
        pair_ref = pairs % len(references)
        norms = np.array([math.sqrt(sum(squares[int(indptr[s]) : int(indptr[s + 1])])) or 1.0
                          for s in range(lo, hi)])
        cos = dots / norms[pair_segment - lo]
        keep = np.flatnonzero((shared >= MIN_SHARED) & (cos >= MIN_SIMILARITY))
        if not len(keep):
            return []
        # the order a term-by-term walk meets the references: by the first shared term, then by reference
        met = entry[first[keep]]
        order = np.lexsort((pair_ref[keep], met))
        keep = keep[order]
        out: list[Close] = []
        picked: dict[int, dict[str, tuple[float, int]]] = {}
        lowered: dict[int, str] = {}
        for s, i, c in zip(pair_segment[keep].tolist(), pair_ref[keep].tolist(), cos[keep].tolist()):
            sid = self.ids[s]
            if sid in skip:
                continue
            ref = references[i]
            if ref.kind == "segment":
                if ref.label == sid:
                    continue
            else:
                text = lowered.get(s)
                if text is None:
                    text = lowered[s] = self.texts[s].lower()
                if str(ref.label).lower() in text:
                    continue  # the example was quoted from this very segment: it tells nothing new
            best = picked.setdefault(s, {})
            if c > best.get(codes[i], (0.0, -1))[0]:
                best[codes[i]] = (c, i)
        for s in sorted(picked):
            x, y = int(indptr[s]), int(indptr[s + 1])
            terms = Counter(dict(zip(hashes[x:y].tolist(), counts[x:y].tolist())))
            v = dict(zip(terms, weights[x:y].tolist()))
            for code, (c, i) in picked[s].items():
                ref = references[i]
                common = sorted(set(terms) & set(ref.terms), key=lambda h: -v[h])[:TERMS]
                out.append(Close(self.ids[s], code, c, ref, [self.strings[h] for h in common]))
        return out


def evidence(close: Close, texts: dict[int, str] | None = None) -> dict:
    ref = close.reference
    closest: dict = {"kind": ref.kind}
    if ref.kind == "segment":
        closest["segment"] = ref.label
    else:
        closest["text"] = ref.label
    return {"similarity": round(close.similarity, 4), "closest": closest, "shared": close.shared}
