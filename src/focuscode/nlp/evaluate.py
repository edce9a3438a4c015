"""How good are the suggestions? k-fold cross-validation against the coders' decisions.

Only what a coder decided is gold: an accepted (segment, code) pair is positive, a
rejected one negative, and an undecided pair counts for nothing, neither as a miss
nor as a false alarm, because nobody looked at it.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..errors import FocuscodeError
from ..agreement import cohen_kappa
from .metrics import kfold_indices, prf
from .textcat import train_textcat

METHODS = ("rules", "model", "combined")


def cross_validate(
    texts: list[str],
    decisions: list[dict[str, bool]],
    rule_predictions: list[set[str]],
    *,
    k: int = 5,
    seed: int = 0,
    threshold: float = 0.5,
    train: Callable = train_textcat,
) -> dict:
    """Precision, recall, F1 and kappa of rules, model and their union, per code and overall.

    texts[i], decisions[i] ({code: accepted?}) and rule_predictions[i] (codes the rules
    suggest) describe segment i. Segments without any decision are left out. For each of
    `k` folds the model is trained on the others and predicts the held-out segments;
    the rules need no training and are scored on the same segments.
    """
    if not (len(texts) == len(decisions) == len(rule_predictions)):
        raise ValueError("texts, decisions and rule_predictions must have one entry per segment")
    decided = [i for i, d in enumerate(decisions) if d]
    if len(decided) < k:
        raise FocuscodeError(
            f"cross-validation with {k} folds needs at least {k} coded segments, the project has {len(decided)}"
        )
    labels = sorted({code for i in decided for code in decisions[i]})
    model_predictions: dict[int, set[str]] = {}
    folds = []
    for train_idx, test_idx in kfold_indices(len(decided), k, seed):
        train_rows = [decided[j] for j in train_idx]
        test_rows = [decided[j] for j in test_idx]
        model = train([(texts[i], decisions[i]) for i in train_rows], seed=seed)
        for i, scores in zip(test_rows, model.predict([texts[i] for i in test_rows])):
            model_predictions[i] = {code for code, p in scores.items() if p >= threshold}
        folds.append({"train": len(train_rows), "test": len(test_rows)})

    predicted = {
        "rules": {i: set(rule_predictions[i]) for i in decided},
        "model": model_predictions,
    }
    predicted["combined"] = {i: predicted["rules"][i] | predicted["model"][i] for i in decided}
    gold = [{c for c, v in decisions[i].items() if v} for i in decided]
    report: dict = {
        "k": k,
        "seed": seed,
        "threshold": threshold,
        "segments": len(decided),
        "pairs": sum(len(decisions[i]) for i in decided),
        "labels": labels,
        "folds": folds,
    }
    for method in METHODS:
        # Predictions on pairs nobody decided are dropped: they are neither right nor wrong.
        pred = [{c for c in predicted[method][i] if c in decisions[i]} for i in decided]
        scores = prf(gold, pred, labels)
        scores["kappa"] = _pair_kappa(decided, decisions, predicted[method])
        for label in labels:
            scores[label]["kappa"] = _pair_kappa(decided, decisions, predicted[method], label)
        report[method] = scores
    return report


def _pair_kappa(
    decided: Sequence[int],
    decisions: list[dict[str, bool]],
    predicted: dict[int, set[str]],
    only: str | None = None,
) -> float | None:
    """Kappa between suggestion and decision over the decided (segment, code) pairs."""
    suggested, coder = [], []
    for i in decided:
        for code, accepted in decisions[i].items():
            if only is not None and code != only:
                continue
            suggested.append(code in predicted[i])
            coder.append(bool(accepted))
    return cohen_kappa(suggested, coder) if suggested else None
