"""A domain prior: how the study's themes are worded, learned from many writers.

Keyword rules find a theme where a turn names it; they miss it where a participant
describes a situation in words no codebook lists ("ik word overal neergezet"). The
prior is a logistic regression per theme over a turn's content lemmas (stop words,
filler and very frequent Dutch words left out, so that no such word can carry a score
or be shown as a reason), trained on the sample's reference coding and the labelled
sets in validation/ written by six other writers (`validation/build_prior.py`). It
ships as `prior.json`; nothing is downloaded or trained at run time.

It is used in two ways (`suggest`, fitted in `validation/fit_calibration.py`):

- as one more piece of evidence in the calibrated score of every rule and closeness
  suggestion of a theme it knows (a keyword hit in a turn the prior finds unlike the
  theme is right less often, and the other way round);
- as suggestions of its own (method `prior`), on the theme itself, where no rule and no
  closeness suggestion of that theme was found; their evidence names the words that
  weighed most.

It knows only the themes it was trained on, by name (a project whose codebook has other
themes gets no prior for them), and on text unlike the study's it knows nothing: its
figures are in the README and validation/README.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

PRIOR_FILE = "prior.json"
EXPLAIN_WORDS = 4  # how many words a prior suggestion names as its reason
# A prior suggestion is stored only from this calibrated probability on: below it, a
# turn with no theme word at all would carry one for every theme.
STORE_FROM = 0.2


def content_terms(lemmas: Iterable[str]) -> list[str]:
    """The distinct content lemmas of a text, lowercased, in order of first occurrence."""
    from .words import is_content_word

    return list(dict.fromkeys(w for w in (lemma.lower() for lemma in lemmas) if is_content_word(w)))


@dataclass
class DomainPrior:
    labels: list[str]  # theme names
    terms: list[str]  # lemmas, one row of weights each
    weights: list[list[float]]  # per term, one weight per label
    bias: list[float]
    meta: dict

    def __post_init__(self):
        self.index = {t: i for i, t in enumerate(self.terms)}

    def log_odds(self, terms: Sequence[str]) -> list[float]:
        """Per label, the log-odds that a text with these content terms is about it."""
        rows = [self.index[t] for t in terms if t in self.index]
        return self.log_odds_of_rows(rows)

    def log_odds_of_rows(self, rows: Sequence[int]) -> list[float]:
        out = list(self.bias)
        if rows:
            scale = 1.0 / math.sqrt(len(rows))  # rows are unit length in training
            for r in rows:
                for j, w in enumerate(self.weights[r]):
                    out[j] += w * scale
        return out

    def reasons(self, terms: Sequence[str], label: str, k: int = EXPLAIN_WORDS) -> list[list]:
        """The terms that weigh most towards `label` in this text: [[term, weight], ...]."""
        return self.reasons_of_rows([self.index[t] for t in terms if t in self.index], label, k)

    def reasons_of_rows(self, rows: Sequence[int], label: str, k: int = EXPLAIN_WORDS) -> list[list]:
        """The same, for terms given by their rows."""
        j = self.labels.index(label)
        weighed = sorted(((self.weights[r][j], self.terms[r]) for r in rows), reverse=True)
        return [[t, round(w, 3)] for w, t in weighed[:k] if w > 0]


@lru_cache(maxsize=1)
def shipped_prior() -> DomainPrior | None:
    """The prior shipped with focuscode, or None if this installation has none."""
    try:
        with (resources.files(__package__) / PRIOR_FILE).open("r", encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return None
    return DomainPrior(data["labels"], data["terms"], data["weights"], data["bias"], data.get("meta", {}))


def train(term_lists: Sequence[Sequence[str]], label_sets: Sequence[set[str]], labels: Sequence[str], *,
          l2: float = 0.1, min_df: int = 2, iterations: int = 800, meta: dict | None = None) -> DomainPrior:
    """One-vs-rest logistic regression with a ridge penalty, full-batch gradient descent.

    Rows are binary term presence scaled to unit length; terms in fewer than `min_df`
    training texts are left out.
    """
    import numpy as np

    df: dict[str, int] = {}
    for terms in term_lists:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
    vocab = sorted(t for t, n in df.items() if n >= min_df)
    index = {t: i for i, t in enumerate(vocab)}
    X = np.zeros((len(term_lists), len(vocab)))
    for row, terms in enumerate(term_lists):
        X[row, [index[t] for t in set(terms) if t in index]] = 1.0
    norms = np.sqrt((X * X).sum(1, keepdims=True))
    X /= np.where(norms > 0, norms, 1.0)
    Y = np.array([[1.0 if lb in gold else 0.0 for lb in labels] for gold in label_sets])
    n = max(1, len(term_lists))
    W = np.zeros((len(vocab), len(labels)))
    b = np.log((Y.mean(0) + 1e-3) / (1 - Y.mean(0) + 1e-3))
    for _ in range(iterations):  # convex, features scaled: a fixed step converges
        P = 1.0 / (1.0 + np.exp(-(X @ W + b)))
        W -= 2.0 * (X.T @ (P - Y) / n + l2 * W / n)
        b -= 2.0 * (P - Y).mean(0)
    return DomainPrior(list(labels), vocab, [[round(float(v), 5) for v in row] for row in W],
                       [round(float(v), 5) for v in b], dict(meta or {}, l2=l2, min_df=min_df))


def to_json(prior: DomainPrior) -> str:
    return json.dumps({"labels": prior.labels, "bias": prior.bias, "meta": prior.meta, "terms": prior.terms,
                       "weights": prior.weights}, ensure_ascii=False, separators=(",", ":")) + "\n"


class PriorReader:
    """The domain prior over one run's segments: each segment's log-odds for the themes of this
    codebook it knows, computed for all segments at once from the content lemmas the closeness
    index already counted (both read content words by `words.is_content_word`)."""

    def __init__(self, prior, themes: list[str], strings):
        self.prior = prior
        self.themes = themes
        self.column = {t: k for k, t in enumerate(themes)}
        self.row_of = {strings.add(term): i for i, term in enumerate(prior.terms)}
        self.ids: list[int] = []
        self.array = None  # segments x themes, rounded log-odds
        self.odds: list[list[float]] = []  # the same as lists, for quick reading one by one
        self.terms_of: tuple[list[int], list[int]] = ([], [0])
        self.index: dict[int, int] = {}

    @classmethod
    def for_codebook(cls, themes: set[str], strings):
        """The reader for this codebook's themes the shipped prior knows, or None if it knows none."""
        prior = shipped_prior()
        known = [t for t in prior.labels if t in themes] if prior is not None else []
        return cls(prior, known, strings) if known else None

    def reader(self, close, theme_of: dict[str, str]):
        """Compute every segment's log-odds (rounded to 0.1: finer says nothing, and equal values
        let a run score each kind of evidence once); return (segment, code) -> log-odds of the
        code's theme, or None for a theme the prior does not know."""
        import numpy as np

        rows, hashes, _, _ = close.terms_matrix()
        self.ids = list(close.ids)
        columns = [self.prior.labels.index(t) for t in self.themes]
        weights = np.asarray(self.prior.weights, dtype=float)[:, columns]
        bias = np.asarray(self.prior.bias, dtype=float)[columns]
        # the prior's terms by hash, in the prior's row order (row_of was filled in that order)
        known = np.fromiter(self.row_of, dtype=np.uint64, count=len(self.row_of))
        rows_of_known = np.fromiter(self.row_of.values(), dtype=np.int64, count=len(self.row_of))
        order = np.argsort(known)
        at = np.minimum(np.searchsorted(known[order], hashes), max(0, len(known) - 1))
        hit = (known[order][at] == hashes) if len(known) else np.zeros(len(hashes), dtype=bool)
        segment = rows[hit]  # non-decreasing: the index adds segments in order
        term_rows = rows_of_known[order[at[hit]]]
        counts = np.bincount(segment, minlength=len(self.ids))
        sums = np.zeros((len(self.ids), len(columns)))
        filled = counts > 0
        offsets = np.concatenate(([0], np.cumsum(counts)))
        # each segment's terms of the prior, in text order: what its suggestions name as reasons
        self.terms_of = (term_rows.tolist(), offsets.tolist())
        if term_rows.size:
            sums[filled] = (np.add.reduceat(weights[term_rows], offsets[:-1][filled], axis=0)
                            / np.sqrt(counts[filled])[:, None])
        self.array = np.round(sums + bias, 1)
        self.odds = self.array.tolist()
        index = self.index = {sid: i for i, sid in enumerate(self.ids)}
        odds, column = self.odds, self.column

        def theme_odds(segment_id: int, code: str) -> float | None:
            k = column.get(theme_of[code])
            i = index.get(segment_id)
            return None if k is None or i is None else odds[i][k]
        return theme_odds

    def above(self, floor: float):
        """(segment, theme, log-odds) wherever the log-odds is at least `floor`, in segment order."""
        import numpy as np

        rows, columns = np.nonzero(self.array >= floor)
        for i, k in zip(rows.tolist(), columns.tolist()):
            yield self.ids[i], self.themes[k], self.odds[i][k]

    def reasons(self, segment_id: int, theme: str) -> list[list]:
        rows, offsets = self.terms_of
        i = self.index[segment_id]
        return self.prior.reasons_of_rows(rows[offsets[i]:offsets[i + 1]], theme)
