"""How suggestions do on a writer they never saw: leave one writer out, through `suggest` itself.

    python validation/leave_one_writer_out.py [--json]

For each writer of the sample and the tuning sets (common.labelled_sets(blind=False)):
the domain prior is trained and the calibration fitted (as build_prior.py and
fit_calibration.py do) on the other writers only, `suggest` runs on the left-out writer's
rows with that prior and calibration in place of the shipped ones, and what a coder is shown
is measured against the left-out writer's labels and keyword list. The codebook is the
shipped one, revised on the sample and dev/ only: for blind/, blind2/ and dev3-5 nothing
was tuned to the writer left out. The blind set is not touched.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import yaml
from common import (BLIND, LABELS, THEME_TO_LABEL, content_terms_of, labelled_project, labelled_sets, sample_gold,
                    sample_project)
from fit_calibration import choose_threshold, fit_all, out_of_fold_odds, sample_set, \
    theme_labelled_set, with_prior

import focuscode.nlp.calibration as calibration
import focuscode.nlp.prior as prior_module
from focuscode.evaluation import keyword_baseline, shown_labels
from focuscode.nlp.metrics import prf

L2 = 3.0


def build(tmp: Path, key: str):
    """(LabelledSet for the fits, segment ids, gold, texts, baseline words, content terms) of one writer."""
    if key == "sample":
        db = sample_project(tmp / "sample.db")
        s = sample_set(db)
        ids, gold, texts = sample_gold(db)
        words = yaml.safe_load((BLIND / "baseline_keywords.yaml").read_text(encoding="utf-8"))
    else:
        labelled = next(x for x in labelled_sets(blind=False) if x.key == key)
        db, labels = labelled_project(tmp / f"{key}.db", labelled.csv)
        s = theme_labelled_set(db, key, labels)
        ids = sorted(labels)
        gold = [labels[i] for i in ids]
        by_id = dict(db.execute("SELECT id, text FROM segments").fetchall())
        texts = [by_id[i] for i in ids]
        words = yaml.safe_load(labelled.baseline.read_text(encoding="utf-8"))
    terms = content_terms_of(db, ids)
    db.close()
    return s, ids, gold, texts, words, terms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    keys = ["sample"] + [s.key for s in labelled_sets(blind=False)]
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = {k: build(Path(tmp), k) for k in keys}
        for held in keys:
            others = [k for k in keys if k != held]
            sets = [data[k][0] for k in others]
            terms = {(data[k][0].name, sid): t for k in others for sid, t in data[k][5].items()}
            odds = out_of_fold_odds(sets, terms)
            informed = [with_prior(s, odds[s.name]) for s in sets]
            fitted = fit_all(informed, L2)
            fitted["threshold"] = choose_threshold(informed, fitted)[0]
            # as build_prior.py: the labelled sets left in, never the sample
            learners = [s for s in sets if s.name != "sample"]
            prior = prior_module.train([terms[(s.name, sid)] for s in learners for sid in sorted(s.gold)],
                                       [s.gold[sid] for s in learners for sid in sorted(s.gold)], LABELS)
            shipped_prior, shipped_fit = prior_module.shipped_prior, calibration.fitted
            prior_module.shipped_prior = lambda: prior
            calibration.fitted = lambda: fitted
            try:
                if held == "sample":
                    db = sample_project(Path(tmp) / "held.db")
                    ids, gold, texts = sample_gold(db)
                else:
                    labelled = next(x for x in labelled_sets(blind=False) if x.key == held)
                    db, labels = labelled_project(Path(tmp) / "held.db", labelled.csv)
                    ids = sorted(labels)
                    gold = [labels[i] for i in ids]
                    by_id = dict(db.execute("SELECT id, text FROM segments").fetchall())
                    texts = [by_id[i] for i in ids]
                shown = shown_labels(db, ids, THEME_TO_LABEL)
                db.close()
            finally:
                prior_module.shipped_prior, calibration.fitted = shipped_prior, shipped_fit
            ours = prf(gold, shown, LABELS)["micro"]
            base = prf(gold, keyword_baseline(texts, data[held][4]), LABELS)["micro"]
            report[held] = {"segments": len(ids), "threshold": fitted["threshold"], "precision": round(ours["precision"], 3),
                            "recall": round(ours["recall"], 3), "f1": round(ours["f1"], 3),
                            "baseline_f1": round(base["f1"], 3), "margin": round(ours["f1"] - base["f1"], 3)}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print("| writer left out | segments | threshold | precision | recall | F1 | keyword baseline F1 | margin |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k, r in report.items():
        print(f"| {k} | {r['segments']} | {r['threshold']} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.3f} | "
              f"{r['baseline_f1']:.3f} | {r['margin']:+.3f} |")


if __name__ == "__main__":
    main()
