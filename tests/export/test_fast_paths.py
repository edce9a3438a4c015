"""The summary's fast paths give exactly what the plain definitions give.

Quote choice depends on float scores (ties broken by segment id), so the faster
counting and weighing must not merely be close: they must add up the same floats
in the same order. These tests hold them to the straightforward versions on the
sample transcripts.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from focuscode.export import paused_gc, quotes
from focuscode.export.quotes import (
    _WORD,
    _lemma,
    _stop_words,
    Centroid,
    centroid_weighted,
    idf_table,
    lemma_counts,
    sentences,
    weigh,
)

SAMPLE = Path(__file__).resolve().parents[2] / "transcripts"


def _turns() -> list[str]:
    turns = []
    for path in sorted(SAMPLE.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if ": " in line:
                turns.append(line.split(": ", 1)[1])
    return turns


@pytest.fixture(scope="module")
def turns() -> list[str]:
    found = _turns()
    assert len(found) > 100, "the sample transcripts are missing"
    return found


def _plain_lemma_counts(text: str) -> Counter:
    """Token by token, as the summary counted before forms were cached."""
    stop = _stop_words()
    out: Counter = Counter()
    for m in _WORD.finditer(text.lower()):
        word = m.group(0)
        if len(word) < 2 or word in stop:
            continue
        lemma = _lemma(word)
        if lemma and lemma not in stop:
            out[lemma] += 1
    return out


def test_lemma_counts_match_token_by_token_counting_in_order(turns):
    extra = ["Ad-hoctaken, ad-hoctaken en nóg eens AD-HOCTAKEN!", "De OOP'ers en OOP’ers: 3 leerkrachten_x ziek.", ""]
    for text in turns + extra:
        fast, plain = lemma_counts(text), _plain_lemma_counts(text)
        assert list(fast.items()) == list(plain.items()), text


def test_lemma_counts_drop_stop_words_and_merge_inflections():
    counts = lemma_counts("Ik val in, zij vallen in, en het invallen voor zieke leerkrachten is ons werk.")
    assert "ik" not in counts and "het" not in counts
    assert counts["leerkracht"] == 1


def test_stop_list_is_spacys_dutch_list_plus_the_fallback():
    stop_words = pytest.importorskip("spacy.lang.nl.stop_words")
    # The literal read without importing spaCy is exactly spaCy's public STOP_WORDS.
    assert quotes._stop_words_literal() == set(stop_words.STOP_WORDS)
    assert quotes._spacy_dutch_stop_words() == set(stop_words.STOP_WORDS)
    assert _stop_words() == frozenset(stop_words.STOP_WORDS) | frozenset(quotes._FALLBACK_STOP)


@pytest.mark.parametrize("source, expected", [
    # spaCy's shape, with code around it: the list is read, the code never runs.
    ('import pathlib\npathlib.Path(__file__).with_name("ran").touch()\nSTOP_WORDS = set("""\nde het een\n""".split())\n',
     {"de", "het", "een"}),
    # Any other shape: None, and the caller takes spaCy's public import instead.
    ('STOP_WORDS = {"de", "het"}\n', None),
    ('STOP_WORDS = set(open("woorden.txt").read().split())\n', None),
    ("this is not python (\n", None),
])
def test_the_stop_list_file_is_read_as_data_never_run(tmp_path, monkeypatch, source, expected):
    import importlib.machinery
    import importlib.util

    package = tmp_path / "spacy"
    (package / "lang" / "nl").mkdir(parents=True)
    (package / "lang" / "nl" / "stop_words.py").write_text(source, encoding="utf-8")
    spec = importlib.machinery.ModuleSpec("spacy", None, is_package=True)
    spec.submodule_search_locations = [str(package)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: spec if name == "spacy" else None)
    assert quotes._stop_words_literal() == expected
    assert not (package / "lang" / "nl" / "ran").exists()


def _plain_centroid(documents, idf):
    """The definition, straight from counts: mean of the unit-length TF-IDF vectors (the
    library keeps only the weighed path, which must equal this bit for bit)."""
    total = {}
    for doc in documents:
        weights = {lemma: n * idf.get(lemma, 0.0) for lemma, n in doc.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if not norm:
            continue
        for lemma, w in weights.items():
            total[lemma] = total.get(lemma, 0.0) + w / norm
    count = max(1, len(documents))
    vector = {k: v / count for k, v in total.items()}
    return Centroid(idf, vector, math.sqrt(sum(v * v for v in vector.values())))


def test_weighed_centroid_and_cosine_are_bit_identical(turns):
    counts = [lemma_counts(t) for t in turns] + [Counter()]
    idf = idf_table(counts)
    weighted = [weigh(c, idf) for c in counts]
    for members in (slice(None), slice(0, 40), slice(17, 18)):
        plain = _plain_centroid(counts[members], idf)
        fast = centroid_weighted(weighted[members], idf)
        assert fast.vector == plain.vector and list(fast.vector) == list(plain.vector)
        assert fast.norm == plain.norm
        for c, w in zip(counts, weighted):
            assert fast.cosine_weighted(w) == plain.cosine(c)  # equal floats, not approximately
    # a segment of stop words only weighs nothing and scores 0
    empty = weigh(lemma_counts("en dan is het zo"), idf)
    assert empty.items == [] and empty.norm == 0.0
    assert centroid_weighted(weighted, idf).cosine_weighted(empty) == 0.0


def test_sentence_profiles_use_the_same_counts(turns):
    long_turn = max(turns, key=len)
    parts = sentences(long_turn)
    assert len(parts) > 2
    assert sum((lemma_counts(p) for p in parts), Counter()) == _plain_lemma_counts(" ".join(parts))
    assert math.isclose(sum(lemma_counts(long_turn).values()), sum(_plain_lemma_counts(long_turn).values()))


def test_paused_gc_restores_the_collector_also_after_an_error():
    import gc

    assert gc.isenabled()
    with pytest.raises(ValueError):
        with paused_gc():
            assert not gc.isenabled()
            raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a caller's own choice is left alone
    finally:
        gc.enable()
