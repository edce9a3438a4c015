"""Speed of the fallback pipeline and of rule suggestions on top of it.

    PYTHONPATH=src python tests/nlp/bench_pipeline.py [n_words] [--repeat N]

Not collected by pytest (no test_ prefix): timings depend on the machine. For two
corpora of about n_words words it prints words per second (CPU time of this process,
best of N interleaved runs, so other load on the machine disturbs it less) of
- nlp.pipe of blank nl + sentencizer (the tokenizer alone),
- nlp.pipe of the fallback pipeline (+ focuscode_lemmatizer), with a cold and a warm cache,
- RuleMatcher.match_many with tests/nlp/data/codebook.yaml (the whole of suggest's NLP).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

from conftest import make_corpus  # noqa: E402

REFERENCE = HERE.parents[2] / "shared" / "reference" / "001_fe76e7197e818d8a.txt"


def corpora(n_words: int) -> dict[str, list[str]]:
    out = {"generated focus-group turns": make_corpus(n_words, seed=1)}
    if REFERENCE.exists():
        # real Dutch prose about OOP'ers, one paragraph per segment, repeated to size
        paras = [p.strip() for p in re.split(r"\n\s*\n", REFERENCE.read_text(encoding="utf-8")) if p.strip()]
        words = sum(len(p.split()) for p in paras)
        out["handreiking paragraphs"] = paras * max(1, round(n_words / words))
    return out


def main(n_words: int, repeat: int) -> None:
    import spacy

    from focuscode.codebook import load_codebook
    from focuscode.nlp.lexicon import tables
    from focuscode.nlp.pipeline import load_pipeline
    from focuscode.nlp.rules import RuleMatcher

    tables()
    raw = spacy.blank("nl")
    raw.add_pipe("sentencizer")
    nlp = load_pipeline(None).nlp
    book = load_codebook(HERE / "data" / "codebook.yaml")
    matcher = RuleMatcher(nlp, list(book.walk()))
    for name, texts in corpora(n_words).items():
        words = sum(len(t.split()) for t in texts)
        t0 = time.process_time()
        for _ in nlp.pipe(texts):
            pass
        cold = time.process_time() - t0
        runs = {
            "raw": lambda: [None for _ in raw.pipe(texts)],
            "lemmas": lambda: [None for _ in nlp.pipe(texts)],
            "suggest": lambda: [None for _ in matcher.match_many(texts)],
        }
        best = {k: float("inf") for k in runs}
        for _ in range(repeat):
            for key, run in runs.items():
                t0 = time.process_time()
                run()
                best[key] = min(best[key], time.process_time() - t0)
        print(f"{name}: {words} words in {len(texts)} segments")
        print(f"  blank nl + sentencizer          {words / best['raw']:9.0f} words/s")
        print(f"  + focuscode_lemmatizer (cold)   {words / cold:9.0f} words/s  (first pass, includes 1st-time lemmatisation)")
        print(f"  + focuscode_lemmatizer (warm)   {words / best['lemmas']:9.0f} words/s  {best['lemmas'] / best['raw']:.2f}x raw")
        print(
            f"  + RuleMatcher.match_many        {words / best['suggest']:9.0f} words/s  "
            f"{best['suggest'] / best['raw']:.2f}x raw, {best['suggest'] / best['lemmas']:.2f}x the pipeline"
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = 5
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i : i + 2]
    main(int(args[0]) if args else 50_000, repeat)
