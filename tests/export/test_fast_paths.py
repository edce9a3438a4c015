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
    centroid,
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
    assert quotes._spacy_dutch_stop_words() == set(stop_words.STOP_WORDS)
    assert _stop_words() == frozenset(stop_words.STOP_WORDS) | frozenset(quotes._FALLBACK_STOP)


def test_weighed_centroid_and_cosine_are_bit_identical(turns):
    counts = [lemma_counts(t) for t in turns] + [Counter()]
    idf = idf_table(counts)
    weighted = [weigh(c, idf) for c in counts]
    for members in (slice(None), slice(0, 40), slice(17, 18)):
        plain = centroid(counts[members], idf)
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
