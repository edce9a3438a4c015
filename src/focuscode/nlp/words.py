"""Which words carry content: what similarity compares and what a model may show as its reason.

Stop words (spaCy's Dutch list), spoken filler and every word that is very frequent in
Dutch at large (wordfreq) say nothing about a theme: "heel", "begin", "eigenlijk" were
the reasons the learned model once gave.
"""

from __future__ import annotations

from functools import lru_cache

FILLERS = frozenset(
    "heel begin beginnen eigenlijk gewoon echt wel nou ja nee even zo dus toch natuurlijk beetje soms vaak "
    "altijd nooit best erg veel weinig goed leuk denken vinden zeggen gaan komen doen maken hebben zijn worden "
    "kunnen moeten willen zullen mogen krijgen zien weten staan zitten laten keer jaar dag week tijd mens "
    "iemand ding allemaal precies helemaal misschien ook nog al meer minder".split()
)
FILLER_ZIPF = 5.5  # a word more frequent than this in Dutch at large is filler too


@lru_cache(maxsize=None)
def _stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@lru_cache(maxsize=262144)
def is_content_word(word: str) -> bool:
    """A lemma or word that may stand for what a text is about."""
    from .calibration import zipf

    if len(word) < 3 or not any(ch.isalpha() for ch in word):
        return False
    if word in FILLERS or word in _stop_words():
        return False
    return zipf(word) < FILLER_ZIPF
