"""The fast path for fixed-length patterns must find exactly what spaCy's Matcher finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focuscode.nlp.patterns import compile_simple

# A small vocabulary so that random texts often contain the pattern words.
WORDS = ["De", "leraar", "docent", "is", "ziek", "Ziek", "en", "ik", "val", "in"]
LEMMAS = {"De": "de", "docent": "docent", "is": "zijn", "Ziek": "ziek", "val": "vallen"}


@pytest.fixture(scope="module")
def vocab():
    import spacy

    return spacy.blank("nl").vocab


def _doc(vocab, words):
    from spacy.tokens import Doc

    return Doc(vocab, words=words, lemmas=[LEMMAS.get(w, w) for w in words])


token_spec = st.tuples(
    st.sampled_from(["LEMMA", "LOWER"]),
    st.lists(st.sampled_from(["de", "leraar", "docent", "zijn", "ziek", "en", "vallen", "in"]), min_size=1, max_size=3),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=0, max_size=12),
    spec=st.lists(token_spec, min_size=1, max_size=3),
)
def test_simple_patterns_agree_with_spacy_matcher(vocab, words, spec):
    from spacy.attrs import LEMMA, LOWER
    from spacy.matcher import Matcher

    pattern = [{attr: ({"IN": values} if as_list else values[0])} for attr, values, as_list in spec]
    simple = compile_simple(pattern, vocab.strings)
    assert simple is not None
    doc = _doc(vocab, words)
    matcher = Matcher(vocab, validate=True)
    matcher.add("p", [pattern], greedy="LONGEST")
    expected = sorted((start, end) for _, start, end in matcher(doc))
    lemmas = doc.to_array(LEMMA).tolist() if len(doc) else []
    lowers = doc.to_array(LOWER).tolist() if len(doc) else []
    assert simple.find(lemmas, lowers) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LEMMA": "ziek", "OP": "?"}],
        [{"LEMMA": "ziek"}, {"IS_PUNCT": True}],
        [{"ORTH": "Ziek"}],
        [{"LEMMA": {"NOT_IN": ["ziek"]}}],
        [{"LEMMA": {"IN": []}}],
        [{"LEMMA": "ziek", "LOWER": "ziek"}],
    ],
)
def test_other_patterns_are_left_to_spacy(vocab, pattern):
    assert compile_simple(pattern, vocab.strings) is None


def test_overlapping_matches_are_dropped_like_greedy_longest(vocab):
    from spacy.attrs import LEMMA, LOWER

    doc = _doc(vocab, ["ziek", "Ziek", "ziek", "en", "ziek", "ziek"])
    simple = compile_simple([{"LOWER": "ziek"}, {"LEMMA": "ziek"}], vocab.strings)
    # (1, 3) overlaps (0, 2); spaCy's greedy="LONGEST" keeps the leftmost
    assert simple.find(doc.to_array(LEMMA).tolist(), doc.to_array(LOWER).tolist()) == [(0, 2), (4, 6)]
