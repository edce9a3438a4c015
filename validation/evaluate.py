"""Suggestions on the sample (fit), the tuning sets and the blind set (generalisation), each against a keyword-list baseline.

    python validation/evaluate.py [--json] [--sample-only | --no-blind]

Theme level, micro-averaged over the blind set's five labels; the codebook's themes are
mapped onto them by common.THEME_TO_LABEL. "shown" is what a coder sees by default:
the suggestions at or above the project's threshold. Two reliability tables: code level
(sample only: did the reference coder take this exact code, or a subcode) and theme level
(per segment and label: the theme's suggestions combined into one calibrated probability,
against the labels). Each labelled set is compared with the keyword list its own writer
wrote before coding (the dev set, which has none, and the sample with the first blind
set's), matched as their READMEs say (lowercase substring). Which sets are tuning sets and
which is blind: common.LABELLED_SETS.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import yaml
from common import BLIND, LABELS, THEME_TO_LABEL, labelled_project, labelled_sets, sample_gold, sample_project

from focuscode.evaluation import keyword_baseline, label_reliability, reliability_table, shown_labels
from focuscode.nlp.metrics import prf


def _scores(gold: list[set[str]], pred: list[set[str]]) -> dict:
    r = prf(gold, pred, LABELS)
    return {"precision": round(r["micro"]["precision"], 3), "recall": round(r["micro"]["recall"], 3),
            "f1": round(r["micro"]["f1"], 3), "macro_f1": round(r["macro"]["f1"], 3),
            "per_label": {lb: round(r[lb]["f1"], 3) for lb in LABELS}}


def measure(db, ids, gold, texts, baseline_words) -> dict:
    shown = shown_labels(db, ids, THEME_TO_LABEL)
    everything = shown_labels(db, ids, THEME_TO_LABEL, threshold=0.0)
    rules = shown_labels(db, ids, THEME_TO_LABEL, methods=("rules",))
    return {
        "segments": len(ids),
        "shown": _scores(gold, shown),
        "shown_rules": _scores(gold, rules),
        "all_stored": _scores(gold, everything),
        "baseline": _scores(gold, keyword_baseline(texts, baseline_words)),
        "reliability": label_reliability(db, dict(zip(ids, gold)), THEME_TO_LABEL),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sample-only", action="store_true", help="Measure the fit only.")
    parser.add_argument("--no-blind", action="store_true",
                        help="Sample and tuning sets only: what to run while tuning (the blind set stays unmeasured).")
    args = parser.parse_args()
    baseline_words = yaml.safe_load((BLIND / "baseline_keywords.yaml").read_text(encoding="utf-8"))
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = sample_project(Path(tmp) / "sample.db")
        report["sample (fit)"] = measure(db, *sample_gold(db), baseline_words)
        report["sample (fit)"]["reliability_code"] = reliability_table(db, "referentie")["bands"]
        db.close()
        sets = [] if args.sample_only else labelled_sets(blind=False)
        if not (args.sample_only or args.no_blind):
            sets += labelled_sets(blind=True)
        for labelled in sets:
            words = yaml.safe_load(labelled.baseline.read_text(encoding="utf-8"))
            db, labels = labelled_project(Path(tmp) / f"{labelled.key}.db", labelled.csv)
            ids = sorted(labels)
            texts = dict(db.execute("SELECT id, text FROM segments").fetchall())
            report[labelled.name] = measure(db, ids, [labels[i] for i in ids], [texts[i] for i in ids], words)
            report[labelled.name]["baseline_of"] = labelled.baseline.parent.name
            report[labelled.name]["folder"] = labelled.csv.parent.name
            db.close()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    print("| set | method | precision | recall | F1 (micro) | F1 (macro) |")
    print("|---|---|---:|---:|---:|---:|")
    for name, r in report.items():
        for method, label in (("shown", "suggestions shown (default threshold)"),
                              ("shown_rules", "rule suggestions shown"), ("all_stored", "all stored suggestions"),
                              ("baseline", "keyword-list baseline")):
            s = r[method]
            if method == "baseline" and r.get("baseline_of") and r.get("baseline_of") == r.get("folder"):
                label = "its writer's keyword-list baseline"
            print(f"| {name}, {r['segments']} segments | {label} | {s['precision']:.2f} | {s['recall']:.2f} | "
                  f"{s['f1']:.2f} | {s['macro_f1']:.2f} |")
    for name, r in report.items():
        if "reliability_code" in r:
            print(f"\nReliability, {name}, CODE level: score band, n, mean score, observed acceptance "
                  "(one row per stored suggestion; accepted = the reference coder gave this code or a subcode)")
            _bands(r["reliability_code"])
        print(f"\nReliability, {name}, THEME level: score band, n, mean score, observed "
              "(one row per segment and label with suggestions; score = the calibrated theme probability of "
              "the label's suggestions combined; observed = the label is among the segment's labels)")
        _bands(r["reliability"])


def _bands(bands: list[dict]) -> None:
    for b in bands:
        print(f"  {b['band']}  n={b['n']:4d}  mean={b['mean_score']}  observed={b['accepted']}")


if __name__ == "__main__":
    main()
