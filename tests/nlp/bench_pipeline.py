"""Speed of the fallback pipeline: python tests/nlp/bench_pipeline.py [n_words].

Not collected by pytest (no test_ prefix): timings depend on the machine. Prints words
per second of nlp.pipe with and without the lemmatizer, cold (first pass, empty cache)
and warm, and of the whole rule matching on top.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2] / "src"))

from conftest import make_corpus  # noqa: E402


def _rate(fn, texts, n_words, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - t0)
    return n_words / best, best


def main(n_words: int = 50_000) -> None:
    import spacy

    from focuscode.nlp.lexicon import tables
    from focuscode.nlp.pipeline import load_pipeline

    tables()
    texts = make_corpus(n_words, seed=1)
    words = sum(len(t.split()) for t in texts)
    raw = spacy.blank("nl")
    raw.add_pipe("sentencizer")
    pipeline = load_pipeline(None)
    nlp = pipeline.nlp

    def run(model):
        return lambda ts: [None for _ in model.pipe(ts, batch_size=256)]

    t0 = time.perf_counter()
    run(nlp)(texts)
    cold = time.perf_counter() - t0
    raw_rate, raw_s = _rate(run(raw), texts, words)
    lem_rate, lem_s = _rate(run(nlp), texts, words)
    print(f"{words} words in {len(texts)} turns")
    print(f"blank nl + sentencizer:               {raw_rate:10.0f} words/s")
    print(f"  + focuscode_lemmatizer (cold cache): {words / cold:10.0f} words/s")
    print(f"  + focuscode_lemmatizer (warm cache): {lem_rate:10.0f} words/s  ({lem_s / raw_s:.2f}x raw)")
    if len(sys.argv) > 2 and sys.argv[2] == "--rules":
        from focuscode.codebook import parse_codebook
        from focuscode.nlp.rules import RuleMatcher

        book = parse_codebook(Path(sys.argv[3]).read_text(encoding="utf-8"))
        matcher = RuleMatcher(nlp, list(book.walk()))
        list(matcher.match_many(texts))
        rule_rate, rule_s = _rate(lambda ts: list(matcher.match_many(ts)), texts, words)
        print(f"  + RuleMatcher ({len(list(book.walk()))} codes):          {rule_rate:10.0f} words/s  ({rule_s / raw_s:.2f}x raw)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
