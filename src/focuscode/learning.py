"""Learning from a coder: their decisions as training examples, a text classifier, its suggestions.

A coder's decisions are only evidence where the coder looked: an accepted code is a
positive, a rejected one a negative, and a segment the coder marked seen (finished) is a
negative for every code they did not accept there. A subcode rolls up: a segment
accepted for `invallen en lessen overnemen` is also a positive for its theme
`ad-hoctaken`, since themes are codes too and get suggested in their own right.

The model is stored in the `models` table with what it learned from, so every model
suggestion can later be traced to the decisions behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .db import dumps, now
from .errors import UnknownCoderError

KIND = "textcat"
MIN_EXAMPLES = 5  # accepted and rejected segments a code needs before it is learned
CV_FOLDS = 3  # folds for the per-code precision that decides which codes the model may suggest
MIN_CV_PREDICTIONS = 3  # a precision from fewer held-out predictions than this is no evidence
from .nlp.words import FILLERS  # noqa: E402,F401  (part of this module's API: tests check the reasons against it)
DEFAULT_THRESHOLD = 0.5
SEED = 0
TERMS = 3  # words shown as the reason for a model suggestion


@dataclass
class Examples:
    """A coder's decided segments: texts[i] and labels[i] ({code: accepted?}) for segment_ids[i]."""

    coder: str
    segment_ids: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    labels: list[dict[str, bool]] = field(default_factory=list)
    coding_ids: list[int] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)

    def counts(self) -> dict[str, tuple[int, int]]:
        """Per code: (accepted, rejected) segments."""
        out: dict[str, list[int]] = {}
        for cats in self.labels:
            for code, value in cats.items():
                out.setdefault(code, [0, 0])[0 if value else 1] += 1
        return {code: (a, r) for code, (a, r) in sorted(out.items())}

    def enough(self, minimum: int = MIN_EXAMPLES) -> list[str]:
        return [code for code, (a, r) in self.counts().items() if a >= minimum and r >= minimum]


def coder_examples(db, coder: str, *, themes: bool = False) -> Examples:
    """The coder's decisions as (text, {code: accepted?}) examples, subcodes rolled up.

    With `themes` every label is a theme (a top-level code): a segment is positive for a
    theme when any code under it was accepted.
    """
    from .codes import code_tree
    from .coding import check_coder, known_coders

    coder = check_coder(coder)
    tree = code_tree(db, include_inactive=True)
    names, active, theme = tree.names, tree.active, tree.theme
    decisions = list(
        db.execute(
            "SELECT id, segment_id, code_id, status FROM codings WHERE coder = ? AND status IN ('accepted', 'rejected') "
            "ORDER BY segment_id, id",
            [coder],
        )
    )
    seen = {r[0] for r in db.execute("SELECT segment_id FROM seen WHERE coder = ?", [coder])}
    if not decisions and not seen:
        known = known_coders(db)
        raise UnknownCoderError(
            f"coder '{coder}' has no decisions in this project"
            + (f"; coders: {', '.join(known)}" if known else "; nobody has coded yet")
        )

    if themes:
        label_ids = sorted({theme(cid) for cid in active} & active)
    else:
        label_ids = sorted(active)
    positive: dict[int, set[int]] = {}
    negative: dict[int, set[int]] = {}
    coding_ids: dict[int, list[int]] = {}
    for coding_id, segment_id, cid, status in decisions:
        if cid not in active:
            continue  # a code taken out of the codebook is no longer something to learn
        coding_ids.setdefault(segment_id, []).append(coding_id)
        if status == "accepted":
            targets = [theme(cid)] if themes else tree.ancestors(cid)
            positive.setdefault(segment_id, set()).update(t for t in targets if t in active)
        elif not themes or theme(cid) == cid:
            # rejecting a subcode says nothing about its theme: another subcode may apply
            negative.setdefault(segment_id, set()).add(cid)
    segment_ids = sorted(set(positive) | set(negative) | seen)
    texts = _texts(db, coder)
    out = Examples(coder=coder, seen=seen)
    for sid in segment_ids:
        if sid not in texts:
            continue
        pos = positive.get(sid, set())
        cats = {names[c]: True for c in pos}
        nos = label_ids if sid in seen else negative.get(sid, ())
        for c in nos:
            if c not in pos:
                cats[names[c]] = False
        if not cats:
            continue
        out.segment_ids.append(sid)
        out.texts.append(texts[sid])
        out.labels.append(cats)
        out.coding_ids.extend(coding_ids.get(sid, []))
    return out


def _texts(db, coder: str) -> dict[int, str]:
    rows = db.execute(
        """SELECT id, text FROM segments WHERE id IN (
               SELECT segment_id FROM codings WHERE coder = ? UNION SELECT segment_id FROM seen WHERE coder = ?)""",
        [coder, coder],
    )
    return {r[0]: r[1] for r in rows}


def restrict(examples: Iterable[tuple[str, dict[str, bool]]], labels: Iterable[str]) -> list[tuple[str, dict[str, bool]]]:
    """Keep only `labels` in each example; examples left with no label are dropped."""
    keep = set(labels)
    out = []
    for text, cats in examples:
        kept = {k: v for k, v in cats.items() if k in keep}
        if kept:
            out.append((text, kept))
    return out


@dataclass
class Learned:
    """What `learn` did: the model (None when no code had enough decisions) and why."""

    coder: str
    trained: list[str]
    skipped: dict[str, tuple[int, int]]  # code -> (accepted, rejected) when too few
    model: object | None = None  # nlp.textcat.TrainedModel
    examples: Examples | None = None
    n_examples: int = 0
    # code -> (cross-validated precision of its suggestions, held-out predictions)
    precision: dict[str, tuple[float, int]] = field(default_factory=dict)


def learn(db, coder: str, *, seed: int = SEED, minimum: int = MIN_EXAMPLES) -> Learned:
    """Train a classifier on the coder's decisions for every code with enough of them."""
    from .nlp.textcat import train_textcat

    examples = coder_examples(db, coder)
    counts = examples.counts()
    trained = examples.enough(minimum)
    skipped = {code: c for code, c in counts.items() if code not in trained}
    result = Learned(coder=examples.coder, trained=trained, skipped=skipped, examples=examples)
    if not trained:
        return result
    data = restrict(zip(examples.texts, examples.labels), trained)
    result.model = train_textcat(data, seed=seed)
    result.n_examples = len(data)
    result.precision = cv_precision(data, seed=seed)
    return result


def cv_precision(data: list[tuple[str, dict[str, bool]]], *, seed: int = SEED, k: int = CV_FOLDS,
                 cutoff: float = DEFAULT_THRESHOLD) -> dict[str, tuple[float, int]]:
    """Per code: how often a held-out suggestion (probability >= cutoff) was accepted, and how many there were.

    This is the probability that a coder accepts one of the model's suggestions for that
    code, so it is both the gate (only codes that clear the project's threshold are
    suggested) and the score the suggestions get.
    """
    from .nlp.metrics import kfold_indices
    from .nlp.textcat import train_textcat

    if len(data) < k:
        return {}
    hits: dict[str, list[int]] = {}
    for train_idx, test_idx in kfold_indices(len(data), k, seed):
        train = [data[i] for i in train_idx]
        model = train_textcat(train, seed=seed)
        for i, scores in zip(test_idx, model.predict([data[i][0] for i in test_idx])):
            for code, p in scores.items():
                if p >= cutoff and code in data[i][1]:
                    counts = hits.setdefault(code, [0, 0])
                    counts[0] += bool(data[i][1][code])
                    counts[1] += 1
    return {code: (a / n, n) for code, (a, n) in hits.items() if n}


def store_model(db, learned: Learned, *, pipeline: str, threshold: float) -> int:
    """Insert the trained model (call inside the command's transaction); returns its id."""
    import spacy

    model = learned.model
    ex = learned.examples
    trained = set(learned.trained)
    used = [sid for sid, cats in zip(ex.segment_ids, ex.labels) if trained & set(cats)]
    metadata = {
        **model.meta,
        "threshold": threshold,
        "min_examples": MIN_EXAMPLES,
        "cv_precision": {code: {"precision": round(p, 4), "predictions": n} for code, (p, n) in learned.precision.items()},
        "skipped": {code: {"accepted": a, "rejected": r} for code, (a, r) in learned.skipped.items()},
        "spacy_version": spacy.__version__,
        "trained_at": now(),
    }
    row = {
        "kind": KIND,
        "coder": learned.coder,
        "pipeline": pipeline,
        "labels": dumps(model.labels),
        "trained_on": dumps({"segment_ids": used, "coding_ids": ex.coding_ids}),
        "metadata": dumps(metadata),
        "data": model.to_bytes(),
        "created_at": now(),
    }
    return db.table("models").insert(row).last_pk


def model_suggestions(
    learned: Learned,
    segments: list[tuple[int, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[int, str, float, list[str]]]:
    """(segment id, code, score, terms) for the segments the coder has not decided.

    Only codes whose cross-validated precision is at least `threshold` are suggested,
    where the model's probability is at least 0.5; the score is that precision. Segments
    the coder accepted, rejected or finished anything on are left alone, and the terms
    shown as the reason leave out stop words and everyday filler.
    """
    from .nlp.words import is_content_word

    model = learned.model
    ex = learned.examples
    # Codes the model may suggest: those whose held-out suggestions were accepted often enough.
    allowed = {code: p for code, (p, n) in learned.precision.items() if n >= MIN_CV_PREDICTIONS and p >= threshold}
    # A segment the coder decided anything on is theirs: the model suggests only where they have not looked.
    decided = set(ex.segment_ids) | ex.seen
    todo = [(sid, text) for sid, text in segments if sid not in decided]
    words = [model.feature_words(text) for _, text in todo] if allowed else []
    out: list[tuple[int, str, float, list[str]]] = []
    hits: list[tuple[int, str, float, list[str]]] = []
    for i, scores in enumerate(model.predict_words(words) if words else [], start=1):
        for code, p in scores.items():
            if code in allowed and p >= DEFAULT_THRESHOLD:
                hits.append((i - 1, code, allowed[code], []))
        if progress and (i % 200 == 0 or i == len(todo)):
            progress(i, len(todo))
    # Only the words of suggested segments need a weight: one batch for all of them.
    vocab = {w for i, _, _, _ in hits for w in words[i] if is_content_word(w)}
    weights = model.word_weights(vocab) if vocab else {}
    for i, code, p, _ in hits:
        ranked = sorted({w for w in words[i] if w in weights and weights[w][code] > 0}, key=lambda w: -weights[w][code])
        out.append((todo[i][0], code, p, ranked[:TERMS]))
    return out


def model_evidence(model_id: int, n_examples: int, probability: float, terms: list[str]) -> dict:
    evidence = {"model": model_id, "trained_on": n_examples, "probability": round(probability, 4)}
    if terms:
        evidence["terms"] = terms
    return evidence
