"""Speed of `suggest` next to raw nlp.pipe, and what learning from a coder adds.

    python tests/suggest/bench_suggest.py [--segments 6000] [--repeat 3]

Not collected by pytest (no test_ prefix): timings depend on the machine. Builds the
synthetic study of tests/benchmarks/synth.py (turns recombined from the sample corpus,
coder anna following the codebook), keeps anna's decisions on the first 30% of the
segments only, and prints, best of --repeat runs in this process (CPU seconds, so other
load on the shared machine disturbs it less):
- raw nlp.pipe of the same pipeline over all segment texts,
- run_suggest (rules only: pipe, match, replace the rule suggestions in one transaction),
- run_suggest with coder anna (the above + assembling her examples, training the
  classifier, predicting for the other 70% and storing the model suggestions),
and the ratio of suggest to raw nlp.pipe (goal: at most 1.25x).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from synth import build_study  # noqa: E402


def cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--segments", type=int, default=6000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from focuscode.db import open_project
    from focuscode.learning import coder_examples
    from focuscode.nlp.pipeline import load_pipeline
    from focuscode.suggest import run_suggest

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "study.db"
        facts = build_study(path, segments=args.segments, codings=args.segments)
        conn = sqlite3.connect(path)
        cut = int(args.segments * 0.3)
        with conn:
            conn.execute("DELETE FROM codings WHERE coder = 'anna' AND segment_id > ?", [cut])
            conn.execute("DELETE FROM seen WHERE coder = 'anna' AND segment_id > ?", [cut])
        texts = [r[0] for r in conn.execute("SELECT text FROM segments")]
        conn.close()
        words = sum(len(t.split()) for t in texts)
        db = open_project(path)
        pipeline = load_pipeline(None)
        list(pipeline.nlp.pipe(texts[:300]))  # warm the lemma caches, as a long run would be
        raw, rules, learned = [], [], []
        result = None
        for _ in range(args.repeat):
            raw.append(cpu(lambda: [None for _ in pipeline.nlp.pipe(texts, batch_size=256)]))
            rules.append(cpu(lambda: run_suggest(db)))

            def with_coder():
                nonlocal result
                result = run_suggest(db, coder="anna")

            learned.append(cpu(with_coder))
        examples = coder_examples(db, "anna")
        print(f"{facts['segments']:,} segments, {words:,} words; pipeline: {pipeline.name}")
        print(f"anna decided {len(examples.segment_ids):,} segments; model learned {len(result.model['trained'])} codes, "
              f"skipped {len(result.model['skipped'])}; {result.model_suggestions:,} model suggestions")
        best_raw, best_rules, best_learned = min(raw), min(rules), min(learned)
        rows = [
            ("raw nlp.pipe", best_raw),
            ("suggest (rules)", best_rules),
            ("suggest --coder anna (rules + model)", best_learned),
        ]
        print(f"{'':40} {'CPU s':>8} {'words/s':>10} {'x raw':>6}")
        for name, seconds in rows:
            print(f"{name:40} {seconds:8.2f} {words / seconds:10,.0f} {seconds / best_raw:6.2f}")
        db.close()


if __name__ == "__main__":
    main()
