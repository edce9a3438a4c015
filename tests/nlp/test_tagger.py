"""With a tagger in the pipeline, a token tagged ADJ does not fire a keyword verb.

nl_core_news_sm is not installed here, so the tagger is a real spaCy morphologizer trained
for the test on a few hand-tagged focus-group sentences (the way a project would use any
Dutch pipeline with POS tags); its lemmas come from spaCy's own lookup lemmatizer. The
fallback pipeline's answer to the same problem, the ambiguity list, is in test_phrases.
"""

from __future__ import annotations

import random

import pytest

from focuscode.codebook import parse_codebook
from focuscode.nlp.rules import RuleMatcher

TAGGED = [
    ("In een bepaald vak help ik vaker .", ["ADP", "DET", "ADJ", "NOUN", "VERB", "PRON", "ADV", "PUNCT"]),
    ("Dat is niet bepaald makkelijk .", ["PRON", "AUX", "ADV", "ADJ", "ADJ", "PUNCT"]),
    ("Een bepaald type leerling vraagt veel .", ["DET", "ADJ", "NOUN", "NOUN", "VERB", "PRON", "PUNCT"]),
    ("Wie heeft dat bepaald ?", ["PRON", "AUX", "PRON", "VERB", "PUNCT"]),
    ("De directie heeft het rooster bepaald .", ["DET", "NOUN", "AUX", "DET", "NOUN", "VERB", "PUNCT"]),
    ("Zij hebben alles bepaald .", ["PRON", "AUX", "PRON", "VERB", "PUNCT"]),
    ("Wie bepaalt wat ik doe ?", ["PRON", "VERB", "PRON", "PRON", "VERB", "PUNCT"]),
]


@pytest.fixture(scope="module")
def tagged_nlp():
    import spacy
    from spacy.training import Example

    nlp = spacy.blank("nl")
    morph = nlp.add_pipe("morphologizer")
    examples = [Example.from_dict(nlp.make_doc(text), {"pos": tags}) for text, tags in TAGGED]
    for _, tags in TAGGED:
        for tag in tags:
            morph.add_label(f"POS={tag}")
    optimizer = nlp.initialize(lambda: examples, sgd=None)
    for i in range(40):
        random.Random(i).shuffle(examples)
        nlp.update(examples, sgd=optimizer)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize()
    return nlp


def test_adjective_tagged_token_does_not_fire_the_verb_it_looks_like(tagged_nlp):
    matcher = RuleMatcher(tagged_nlp, list(parse_codebook("- name: wie bepaalt het werk\n  keywords: [bepalen]\n").walk()))
    adjective = tagged_nlp("In een bepaald vak help ik vaker .")
    verb = tagged_nlp("De directie heeft het rooster bepaald .")
    assert adjective[2].pos_ == "ADJ" and verb[5].pos_ == "VERB"
    assert matcher.match(adjective, adjective.text) == []
    [hit] = matcher.match(verb, verb.text)
    assert hit.evidence["matches"][0]["text"] == "bepaald"
