"""Train the domain prior shipped with focuscode (src/focuscode/nlp/prior.json).

    python validation/build_prior.py [--write]

Trained on every tuning set (common.labelled_sets(blind=False)): rows written and
labelled by six writers who saw neither the codebook nor the sample. Not on the sample,
which stays a check of it (its reference coding is what `focuscode evaluate` and the demo
measure), and never on a blind set. One logistic regression per label over a segment's content lemmas
(focuscode.nlp.prior.train; l2 0.1, terms in at least two training texts).

Before adopting it, it was measured leaving one writer out: trained on the other
writers, calibrated on them, and tested on the writer left out (figures in
validation/README.md); the calibration that uses it is refitted by fit_calibration.py.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import LABELS, REPO, content_terms_of, labelled_project, labelled_sets

from focuscode.nlp.prior import to_json, train

OUT = REPO / "src" / "focuscode" / "nlp" / "prior.json"


def training_rows() -> tuple[list[list[str]], list[set[str]], list[str]]:
    """(content terms, labels) of every segment of the tuning sets, and the sets' names."""
    terms, gold, names = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for labelled in labelled_sets(blind=False):
            db, labels = labelled_project(Path(tmp) / f"{labelled.key}.db", labelled.csv)
            ids = sorted(labels)
            by_id = content_terms_of(db, ids)
            terms += [by_id[i] for i in ids]
            gold += [labels[i] for i in ids]
            names.append(labelled.key)
            db.close()
    return terms, gold, names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    terms, gold, names = training_rows()
    prior = train(terms, gold, LABELS, meta={"trained_on": f"{len(terms)} segments: " + ", ".join(names)})
    print(f"{len(terms)} segments ({', '.join(names)}); {len(prior.terms)} terms")
    for j, label in enumerate(prior.labels):
        top = sorted(range(len(prior.terms)), key=lambda i: -prior.weights[i][j])[:12]
        print(f"  {label}: " + ", ".join(prior.terms[i] for i in top))
    if args.write:
        OUT.write_text(to_json(prior), encoding="utf-8")
        print(f"wrote {OUT.relative_to(REPO)} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
