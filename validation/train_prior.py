"""Experiment: does a supervised "domain prior" lift recall on text from another writer? (#12)

    python validation/train_prior.py [--l2 0.1] [--min-df 2] [--json FIGURES.json]

The prior: a logistic regression per label (one-vs-rest; numpy only) over lemma unigrams
and bigrams of a segment, made by the suggestion pipeline itself (the fallback pipeline's
lemmas, filtered by `words.is_content_word` so no stop word or filler can carry a score),
trained on the sample's reference coding (themes mapped by common.THEME_TO_LABEL) and
the development set. It never reads the blind sets.

Two ways to use it, each compared with the whole current stack (rules + similarity, as
stored by `suggest` and shown at the default threshold) on the same held-out rows, theme
level, micro over the five labels:

- method: the prior as a suggestion method of its own; its log-odds calibrated by a
  logistic fit (bias, log-odds, a rule of the label fired on the segment) on out-of-fold
  log-odds of the training rows (inner 5 folds), shown at the default threshold, added to
  what the stack shows;
- evidence: the prior as one more piece of evidence in the theme-level score: per segment
  and label a logistic fit on (bias, logit of the stack's theme probability, the stack has
  one, the prior's out-of-fold log-odds), shown at the default threshold, replacing the
  stack's decision; "recalibrated stack" is the same fit without the prior (the control:
  what re-scoring alone does).

Protocols (generalisation across writers):
- A: train on the sample and 4/5 of the dev set, test on the held-out dev fifth (5 folds);
- B: train on the dev set only, test on the sample (a different writer).

Adoption rule, set before measuring: the held-out F1 of shown suggestions rises by at
least 0.02 on both protocols, with precision at least 0.7. The script also prints why it
does or does not: among the (segment, label) pairs the stack does not show, how often the
prior's highest-ranked ones are right. Adding a pair raises F1 only when it is right more
often than F1 / 2, about 0.4 here.

Results (recorded in validation/train_prior.md): it does not help; the prior is not wired in.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from common import LABELS, THEME_TO_LABEL, dev_project, sample_gold, sample_project

from focuscode.evaluation import shown_labels, theme_probabilities
from focuscode.nlp.calibration import default_threshold, fit as fit_logistic, logit, sigmoid
from focuscode.nlp.metrics import kfold_indices, prf

FOLDS = 5
TOP = (10, 20, 40)


# ---- the prior ------------------------------------------------------------------------------

def segment_terms(lemmas: Iterable[str]) -> list[str]:
    """Distinct features of one text: its content lemmas and each adjacent pair of them ("a b")."""
    from focuscode.nlp.words import is_content_word

    content = [w for w in (lemma.lower() for lemma in lemmas) if is_content_word(w)]
    seen = dict.fromkeys(content)
    for a, b in zip(content, content[1:]):
        if a != b:
            seen.setdefault(f"{a} {b}")
    return list(seen)


def fit_prior(term_lists: Sequence[Sequence[str]], label_sets: Sequence[set[str]], *, l2: float, min_df: int):
    """The one trainer of the domain prior (focuscode.nlp.prior.train), over the five labels."""
    from focuscode.nlp.prior import train

    return train(term_lists, label_sets, LABELS, l2=l2, min_df=min_df)


def prior_logits(model, term_lists: Sequence[Sequence[str]]):
    """(texts x labels) log-odds."""
    import numpy as np

    return np.array([model.log_odds(terms) for terms in term_lists]).reshape(len(term_lists), len(LABELS))


# ---- data -----------------------------------------------------------------------------------

@dataclass
class Row:
    writer: str
    terms: list[str]
    gold: set[str]
    stack: set[str]  # labels the current stack shows
    ruled: set[str]  # labels with any rule suggestion, shown or not
    theme_p: dict[str, float] = field(default_factory=dict)  # the stack's theme-level probability per label


def rows_of(db, ids: list[int], gold: list[set[str]], writer: str, nlp) -> list[Row]:
    from focuscode.codes import theme_map
    from focuscode.nlp.lemmatizer import LEMMA_HASHES

    texts = dict(db.execute("SELECT id, text FROM segments").fetchall())
    shown = shown_labels(db, ids, THEME_TO_LABEL)
    theme_p = theme_probabilities(db, THEME_TO_LABEL)
    themes = theme_map(db)
    ruled: dict[int, set[str]] = {}
    for sid, cid in db.execute("SELECT segment_id, code_id FROM codings WHERE coder IS NULL AND method = 'rules'"):
        label = THEME_TO_LABEL.get(themes[cid][1])
        if label:
            ruled.setdefault(sid, set()).add(label)
    out = []
    for sid, g, s, doc in zip(ids, gold, shown, nlp.pipe(texts[i] for i in ids)):
        lemmas = doc.user_data.get(LEMMA_HASHES) or doc.to_array("LEMMA").tolist()
        out.append(Row(writer, segment_terms(nlp.vocab.strings[h] for h in lemmas), set(g), s, ruled.get(sid, set()),
                       {lb: theme_p[(sid, lb)] for lb in LABELS if (sid, lb) in theme_p}))
    return out


def load_rows() -> list[Row]:
    from focuscode.nlp.pipeline import load_pipeline

    nlp = load_pipeline(None).nlp
    with tempfile.TemporaryDirectory() as tmp:
        db = sample_project(Path(tmp) / "sample.db")
        ids, gold, _ = sample_gold(db)
        rows = rows_of(db, ids, gold, "sample", nlp)
        db.close()
        db, labels = dev_project(Path(tmp) / "dev.db")
        ids = sorted(labels)
        rows += rows_of(db, ids, [labels[i] for i in ids], "dev", nlp)
        db.close()
    return rows


# ---- the two designs --------------------------------------------------------------------------

METHOD_FEATURES = ("bias", "logit", "rule")
EVIDENCE_FEATURES = ("bias", "stack", "has", "prior")


def method_features(row: Row, label: str, z: float) -> dict[str, float]:
    return {"bias": 1.0, "logit": z, "rule": 1.0 if label in row.ruled else 0.0}


def evidence_features(row: Row, label: str, z: float) -> dict[str, float]:
    p = row.theme_p.get(label)
    return {"bias": 1.0, "stack": logit(p) if p else 0.0, "has": 1.0 if p else 0.0, "prior": z}


def out_of_fold(train: list[Row], args) -> list[list[float]]:
    """The prior's log-odds of every training row, each from a prior fitted without it."""
    z: list[list[float]] = [[] for _ in train]
    for a, b in kfold_indices(len(train), FOLDS, seed=1):
        model = fit_prior([train[i].terms for i in a], [train[i].gold for i in a], l2=args.l2, min_df=args.min_df)
        for i, row in zip(b, prior_logits(model, [train[i].terms for i in b])):
            z[i] = [float(v) for v in row]
    return z


def predict(train: list[Row], test: list[Row], args, threshold: float) -> dict[str, list[set[str]]]:
    """Per design, the labels shown on each test row; plus the raw test log-odds for the diagnostic."""
    oof = out_of_fold(train, args)
    model = fit_prior([r.terms for r in train], [r.gold for r in train], l2=args.l2, min_df=args.min_df)
    z_test = prior_logits(model, [r.terms for r in test])
    designs = {"method": (method_features, METHOD_FEATURES),
               "evidence": (evidence_features, EVIDENCE_FEATURES),
               "recalibrated stack": (evidence_features, EVIDENCE_FEATURES[:3])}
    out: dict = {"z": z_test}
    for name, (make, names) in designs.items():
        xs = [make(r, lb, oof[i][j]) for i, r in enumerate(train) for j, lb in enumerate(LABELS)]
        ys = [lb in r.gold for r in train for lb in LABELS]
        coef = fit_logistic(xs, ys, l2=1.0, names=names)
        shown = []
        for k, r in enumerate(test):
            labels = set()
            for j, lb in enumerate(LABELS):
                x = make(r, lb, float(z_test[k, j]))
                if sigmoid(sum(coef[n] * x[n] for n in names)) >= threshold:
                    labels.add(lb)
            shown.append(r.stack | labels if name == "method" else labels)
        out[name] = shown
    return out


# ---- figures --------------------------------------------------------------------------------

def scores(gold: list[set[str]], pred: list[set[str]]) -> dict:
    m = prf(gold, pred, LABELS)["micro"]
    return {k: round(m[k], 3) for k in ("precision", "recall", "f1")}


def auc(scores_: list[float], truth: list[bool]) -> float:
    pos = [s for s, y in zip(scores_, truth) if y]
    neg = [s for s, y in zip(scores_, truth) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def diagnostic(tests: list[Row], z) -> dict:
    """How well the prior ranks overall, and how often its top pairs among those the stack misses are right."""
    flat = [(float(z[k][j]), lb in r.gold, lb in r.stack) for k, r in enumerate(tests) for j, lb in enumerate(LABELS)]
    missed = sorted(((s, y) for s, y, shown in flat if not shown), key=lambda t: -t[0])
    return {"auc": round(auc([s for s, _, _ in flat], [y for _, y, _ in flat]), 3),
            "auc_where_stack_silent": round(auc([s for s, _ in missed], [y for _, y in missed]), 3),
            "stack_misses": sum(y for _, y in missed),
            "right_among_top": {k: round(sum(y for _, y in missed[:k]) / k, 2) for k in TOP}}


def line(s: dict) -> str:
    return f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}"


def protocol(name: str, folds: list[tuple[list[Row], list[Row]]], args, threshold: float) -> dict:
    import numpy as np

    report: dict = {"folds": []}
    pooled: dict[str, list] = {"gold": [], "stack": [], "method": [], "evidence": [], "recalibrated stack": []}
    tests_all, z_all = [], []
    for train, test in folds:
        pred = predict(train, test, args, threshold)
        gold = [r.gold for r in test]
        fold = {"n": len(test), "stack": scores(gold, [r.stack for r in test])}
        for design in ("method", "evidence", "recalibrated stack"):
            fold[design] = scores(gold, pred[design])
            pooled[design] += pred[design]
        pooled["gold"] += gold
        pooled["stack"] += [r.stack for r in test]
        tests_all += test
        z_all.append(pred["z"])
        report["folds"].append(fold)
    report["pooled"] = {"n": len(pooled["gold"]), **{d: scores(pooled["gold"], pooled[d])
                                                     for d in ("stack", "method", "evidence", "recalibrated stack")}}
    report["gain_f1"] = {d: round(report["pooled"][d]["f1"] - report["pooled"]["stack"]["f1"], 3)
                         for d in ("method", "evidence", "recalibrated stack")}
    report["diagnostic"] = diagnostic(tests_all, np.vstack(z_all))
    print(f"\n{name}")
    for i, f in enumerate(report["folds"], start=1):
        print(f"  fold {i} (n={f['n']}): stack {line(f['stack'])} | +prior as method {line(f['method'])} | "
              f"prior as evidence {line(f['evidence'])} | recalibrated stack {line(f['recalibrated stack'])}")
    p = report["pooled"]
    print(f"  pooled (n={p['n']}): stack {line(p['stack'])} | +prior as method {line(p['method'])} | "
          f"prior as evidence {line(p['evidence'])} | recalibrated stack {line(p['recalibrated stack'])}")
    print(f"  F1 gain over the stack: {report['gain_f1']}")
    d = report["diagnostic"]
    print(f"  prior alone: AUC {d['auc']} over all (segment, label) pairs, {d['auc_where_stack_silent']} where the "
          f"stack shows nothing ({d['stack_misses']} right labels missed there); its top pairs there right: "
          + ", ".join(f"top {k}: {v}" for k, v in d["right_among_top"].items()))
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--l2", type=float, default=0.1)
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    threshold = default_threshold()
    rows = load_rows()
    sample = [r for r in rows if r.writer == "sample"]
    dev = [r for r in rows if r.writer == "dev"]
    print(f"{len(sample)} sample segments, {len(dev)} dev rows; threshold {threshold}; l2 {args.l2}; "
          f"min_df {args.min_df}")
    folds_a = [(sample + [dev[i] for i in a], [dev[i] for i in b]) for a, b in kfold_indices(len(dev), FOLDS, seed=0)]
    report = {
        "A": protocol("A: train sample + 4/5 dev, test the held-out dev fifth", folds_a, args, threshold),
        "B": protocol("B: train dev only, test the sample (another writer)", [(dev, sample)], args, threshold),
    }
    adopt = {d: all(report[p]["gain_f1"][d] >= 0.02 and report[p]["pooled"][d]["precision"] >= 0.7 for p in "AB")
             for d in ("method", "evidence")}
    print(f"\nadopt (F1 +0.02 on both protocols, precision >= 0.7): {adopt}")
    if args.json:
        args.json.write_text(json.dumps({"l2": args.l2, "min_df": args.min_df, "threshold": threshold,
                                         "protocols": report, "adopt": adopt}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
