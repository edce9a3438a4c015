"""Refit the rule-suggestion calibration on the sample corpus and the development set.

    python validation/fit_calibration.py            # prints the fit, writes nothing
    python validation/fit_calibration.py --write    # writes src/focuscode/nlp/calibration.json

The sample (transcripts/ and reference-coding.csv) and the development set
(validation/dev/dev.csv) are used; the blind set in validation/blind/ is for measuring,
never for fitting. On the sample a suggestion counts as accepted when the reference coder
gave its code, or a subcode of it, to that segment; on the development set, which is
labelled by theme, when its theme (common.THEME_TO_LABEL) is among the row's labels.
Each set weighs the same in the fit whatever its number of suggestions, so the score
does not learn the sample's wording only.

The default threshold is 0.5, where a calibrated score says the coder more likely
accepts than rejects, raised in steps of 0.05 until the shown suggestions are, by the
scores themselves, expected to be right at least TARGET_PRECISION of the time: a
researcher is then shown mostly suggestions worth accepting, and every other one is
kept (`--all`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import REPO, THEME_TO_LABEL, dev_project, sample_project

TARGET_PRECISION = 0.7
OUT = REPO / "src" / "focuscode" / "nlp" / "calibration.json"


def suggestion_rows(db, coder: str, method: str = "rules"):
    from focuscode.rulestats import Outcomes

    outcomes = Outcomes(db, coder)
    rows, labels = [], []
    for sid, cid, evidence in db.execute(
            "SELECT segment_id, code_id, evidence FROM codings WHERE coder IS NULL AND method = ?", [method]):
        accepted = outcomes.of(coder, sid, cid)
        if accepted is None:
            continue
        x = json.loads(evidence)["score"]
        rows.append({"bias": 1.0, **{k: v for k, v in x.items() if k not in ("base", "rules")}})
        labels.append(accepted)
    return rows, labels


def labelled_rows(db, labels: dict[int, set[str]], method: str = "rules"):
    """Suggestions on a theme-labelled set, right when their theme is among the labels."""
    from focuscode.codes import theme_map

    themes = theme_map(db)
    rows, accepted = [], []
    for sid, cid, evidence in db.execute(
            "SELECT segment_id, code_id, evidence FROM codings WHERE coder IS NULL AND method = ?", [method]):
        if sid not in labels:
            continue
        x = json.loads(evidence)["score"]
        rows.append({"bias": 1.0, **{k: v for k, v in x.items() if k not in ("base", "rules")}})
        accepted.append(THEME_TO_LABEL.get(themes[cid][1]) in labels[sid])
    return rows, accepted


def balanced(*sets):
    """Rows and labels of several sets, each repeated so that every set has about the same weight."""
    largest = max(len(rows) for rows, _ in sets)
    rows, labels = [], []
    for r, y in sets:
        times = max(1, round(largest / max(1, len(r))))
        rows += r * times
        labels += y * times
    return rows, labels


def choose_threshold(probabilities: list[float]) -> float:
    for step in range(10, 19):
        t = step * 0.05
        shown = [p for p in probabilities if p >= t]
        if shown and sum(shown) / len(shown) >= TARGET_PRECISION:
            return round(t, 2)
    return 0.5


def main() -> None:
    from focuscode.nlp.calibration import SIMILARITY_FEATURES, base_probability, fit, reliability, similarity_probability

    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = sample_project(Path(tmp) / "sample.db")
        sample = suggestion_rows(db, "referentie")
        sample_sim = suggestion_rows(db, "referentie", "similarity")
        db.close()
        db, dev_labels = dev_project(Path(tmp) / "dev.db")
        dev = labelled_rows(db, dev_labels)
        dev_sim = labelled_rows(db, dev_labels, "similarity")
        db.close()
    rows, labels = sample[0] + dev[0], sample[1] + dev[1]
    sim_rows, sim_labels = sample_sim[0] + dev_sim[0], sample_sim[1] + dev_sim[1]
    coefficients = fit(*balanced(sample, dev), l2=args.l2)
    probabilities = [base_probability(r, coefficients) for r in rows]
    threshold = choose_threshold(probabilities)
    print(f"{len(rows)} rule suggestions ({len(sample[0])} sample, {len(dev[0])} dev), {sum(labels)} accepted")
    print("coefficients:", json.dumps(coefficients))
    print("threshold:", threshold)
    for name, (r, y) in (("sample", sample), ("dev", dev)):
        print(f" {name}:")
        for band in reliability([base_probability(x, coefficients) for x in r], y):
            print(f"  {band['band']}: n={band['n']:4d} mean score={band['mean_score']} accepted={band['accepted']}")
    shown = [(p, y) for p, y in zip(probabilities, labels) if p >= threshold]
    print(f"shown: {len(shown)}, of which accepted {sum(y for _, y in shown)}")
    similarity = fit(*balanced(sample_sim, dev_sim), l2=args.l2, names=SIMILARITY_FEATURES)
    sim_p = [similarity_probability(r["similarity"], round(2 ** r["shared"]), bool(r["rule"]), similarity)[0]
             for r in sim_rows]
    print(f"{len(sim_rows)} similarity suggestions, {sum(sim_labels)} accepted; coefficients:", json.dumps(similarity))
    for band in reliability(sim_p, sim_labels):
        print(f"  {band['band']}: n={band['n']:4d} mean score={band['mean_score']} accepted={band['accepted']}")
    if args.write:
        OUT.write_text(json.dumps({
            "coefficients": coefficients,
            "similarity": similarity,
            "threshold": threshold,
            "fitted_on": (f"sample corpus and reference coding ({len(sample[0])} rule suggestions) and development set "
                          f"({len(dev[0])}), each weighted equally; {sum(labels)} of {len(rows)} accepted"),
            "target_precision": TARGET_PRECISION,
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
