"""The fallback lemmatizer as a spaCy pipeline component.

Registered at module level so that `nlp.pipe(..., n_process=2)` and `spacy.load` of a
saved pipeline that contains it can find the factory; importing this module imports
spaCy, so `focuscode.nlp` only imports it when a pipeline is built.
"""

from __future__ import annotations

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .lexicon import lemmatize_lower, lookups_version, tables

FACTORY = "focuscode_lemmatizer"
# doc.user_data key of the lemma hashes in token order: the rule matcher reads them
# instead of calling Doc.to_array, whose fixed cost is a quarter of matching a short text.
LEMMA_HASHES = "focuscode_lemma_hashes"
DESCRIPTION = "lookup lemmatizer cascade over spacy-lookups-data (nl) with compound heads"
# doc.user_data key: False while a doc's lemmas are only in LEMMA_HASHES (see hashes_only),
# so a reader that needs token.lemma (spaCy's Matcher, PhraseMatcher) calls tokens_lemmatized.
TOKEN_LEMMAS = "focuscode_token_lemmas"


class FocuscodeLemmatizer:
    """Sets token.lemma from the table cascade in `lexicon`, without needing POS tags."""

    def __init__(self, vocab: Vocab, name: str = FACTORY):
        self.vocab = vocab
        self.name = name
        # Hash of the lowercase form -> hash of the lemma: a dict hit per token is all the
        # steady-state cost, which keeps the component within a few percent of tokenising.
        self._by_lower: dict[int, int] = {}
        # Set by `suggest` while it reads its segments: the lemma hashes in user_data only,
        # without a Token object per word to set token.lemma on (what its matching reads; a
        # third of the component's time). Readers of token.lemma call tokens_lemmatized.
        self.hashes_only = False
        tables()

    def __call__(self, doc: Doc) -> Doc:
        cache = self._by_lower
        strings = doc.vocab.strings
        if self.hashes_only:
            lemmas = []
            for lower in doc.to_array(LOWER).tolist():
                lemma = cache.get(lower)
                if lemma is None:
                    lemma = cache[lower] = strings.add(lemmatize_lower(strings[lower]))
                lemmas.append(lemma)
            doc.user_data[LEMMA_HASHES] = lemmas
            doc.user_data[TOKEN_LEMMAS] = False
            return doc
        lemmas = []
        for token in doc:
            lower = token.lower
            lemma = cache.get(lower)
            if lemma is None:
                lemma = strings.add(lemmatize_lower(token.lower_))
                cache[lower] = lemma
            token.lemma = lemma
            lemmas.append(lemma)
        doc.user_data[LEMMA_HASHES] = lemmas
        return doc

    def info(self) -> str:
        version = lookups_version()
        return f"{DESCRIPTION}; spacy-lookups-data {version or 'unknown version'}"

    def __reduce__(self):
        # Worker processes rebuild the cache instead of receiving it pickled.
        return (FocuscodeLemmatizer, (self.vocab, self.name))


def tokens_lemmatized(doc: Doc) -> Doc:
    """The doc with token.lemma set, also when the lemmatizer left its lemmas in user_data only."""
    if doc.user_data.get(TOKEN_LEMMAS) is False:
        for token, lemma in zip(doc, doc.user_data[LEMMA_HASHES]):
            token.lemma = lemma
        doc.user_data[TOKEN_LEMMAS] = True
    return doc


@Language.factory(FACTORY, assigns=["token.lemma"])
def make_focuscode_lemmatizer(nlp: Language, name: str) -> FocuscodeLemmatizer:
    return FocuscodeLemmatizer(nlp.vocab, name)
