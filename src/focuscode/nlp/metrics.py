"""Accuracy measures and folds, in plain Python so they are easy to check by hand.

Cohen's kappa lives in focuscode.agreement (one implementation for agreement and evaluate)."""

from __future__ import annotations

import random
from typing import Iterable, Sequence


def kfold_indices(n: int, k: int, seed: int = 0) -> list[tuple[list[int], list[int]]]:
    """`k` (train, test) index lists over range(n); shuffled by `seed`, sizes differing by at most one."""
    if k < 2:
        raise ValueError(f"k-fold needs k >= 2, not {k}")
    if n < k:
        raise ValueError(f"cannot make {k} folds from {n} items")
    order = list(range(n))
    random.Random(seed).shuffle(order)
    folds = [sorted(order[i::k]) for i in range(k)]
    out = []
    for i, test in enumerate(folds):
        held_out = set(test)
        out.append(([j for j in range(n) if j not in held_out], test))
    return out


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _scores(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def prf(
    gold: Sequence[set[str]], pred: Sequence[set[str]], labels: Iterable[str] | None = None
) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per label, plus "micro" and "macro" averages.

    gold[i] and pred[i] are the labels of item i. A label with nothing gold and nothing
    predicted scores 0 everywhere (and still counts in the macro average); "micro" pools
    the counts of all labels.
    """
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items but pred has {len(pred)}")
    labels = sorted(set(labels) if labels is not None else set().union(*gold, *pred))
    counts = {label: [0, 0, 0] for label in labels}  # tp, fp, fn
    for g, p in zip(gold, pred):
        for label in labels:
            if label in p and label in g:
                counts[label][0] += 1
            elif label in p:
                counts[label][1] += 1
            elif label in g:
                counts[label][2] += 1
    out: dict[str, dict[str, float]] = {label: _scores(*c) for label, c in counts.items()}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    out["micro"] = _scores(tp, fp, fn)
    n = len(labels)
    out["macro"] = {
        "precision": _ratio(sum(out[lb]["precision"] for lb in labels), n),
        "recall": _ratio(sum(out[lb]["recall"] for lb in labels), n),
        "f1": _ratio(sum(out[lb]["f1"] for lb in labels), n),
        "support": tp + fn,
    }
    return out
