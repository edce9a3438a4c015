"""A small multi-label text classifier trained on the coders' decisions.

spaCy's textcat_multilabel with the bag-of-words architecture: it trains in seconds on
a few hundred segments on one CPU core, and a linear model over words is something a
researcher can still reason about. Texts are reduced to their lemmas (by the same
cascade as the fallback pipeline) before the bag of words is taken, so that `taken`
and `taak` count as one feature; that also makes the model independent of which
spaCy pipeline the suggestions ran on.
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Iterator

from spacy.tokens import Doc

from ..errors import FocuscodeError
from .lexicon import lemmatize_lower

ARCHITECTURE = "spacy.TextCatBOW.v3"
FORMAT = 1
FEATURES = ("lemma", "lower")


@dataclass
class TrainedModel:
    nlp: Any  # a blank Dutch spacy Language with one textcat_multilabel component
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return list(self.meta["labels"])

    def predict(self, texts: Iterable[str], *, batch_size: int = 256) -> list[dict[str, float]]:
        """Per text, the probability of each label."""
        return list(self.predict_iter(texts, batch_size=batch_size))

    def predict_iter(self, texts: Iterable[str], *, batch_size: int = 256) -> Iterator[dict[str, float]]:
        """`predict`, streaming through nlp.pipe for texts that do not fit in memory."""
        features = self.meta["features"]
        docs = (_feature_doc(self.nlp, text, features) for text in texts)
        for doc in self.nlp.pipe(docs, batch_size=batch_size):
            yield {label: float(doc.cats.get(label, 0.0)) for label in self.meta["labels"]}

    def feature_words(self, text: str) -> list[str]:
        """The words the classifier sees in `text` (lemmas or lowercase forms, no punctuation)."""
        return _feature_words(text, self.meta["features"])

    def predict_words(self, word_lists: Iterable[list[str]], *, batch_size: int = 256) -> Iterator[dict[str, float]]:
        """`predict_iter` for texts already reduced to `feature_words`."""
        docs = (Doc(self.nlp.vocab, words=words) for words in word_lists)
        for doc in self.nlp.pipe(docs, batch_size=batch_size):
            yield {label: float(doc.cats.get(label, 0.0)) for label in self.meta["labels"]}

    def word_weights(self, words: Iterable[str]) -> dict[str, dict[str, float]]:
        """Per word, how far it alone moves each label's log-odds.

        The bag-of-words model is linear in word counts before its sigmoid, so a text of
        one word minus an empty text is exactly that word's weight; probing is cheaper
        and safer than reading spaCy's hashed weight table.
        """
        words = sorted(set(words))
        scores = list(self.predict_words([[]] + [[w] for w in words]))
        base = {label: _logit(p) for label, p in scores[0].items()}
        return {w: {label: _logit(p) - base[label] for label, p in s.items()} for w, s in zip(words, scores[1:])}

    def to_bytes(self) -> bytes:
        """The model and its metadata as one blob (for a SQLite BLOB column)."""
        import srsly

        payload = {
            "format": FORMAT,
            "meta": self.meta,
            "config": self.nlp.config.to_str(),
            "nlp": self.nlp.to_bytes(),
        }
        # Most of the hashed weight table is never touched and stays zero.
        return zlib.compress(srsly.msgpack_dumps(payload), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> "TrainedModel":
        import srsly
        import spacy
        from thinc.api import Config

        try:
            payload = srsly.msgpack_loads(zlib.decompress(data))
            if payload.get("format") != FORMAT:
                raise ValueError(f"format {payload.get('format')!r}, expected {FORMAT}")
            config = Config().from_str(payload["config"])
            nlp = spacy.util.load_model_from_config(config, auto_fill=True)
            nlp.from_bytes(payload["nlp"])
        except Exception as exc:  # zlib.error, msgpack errors, spaCy config errors
            raise FocuscodeError(f"stored text classifier cannot be read: {' '.join(str(exc).split())[:200]}") from None
        return cls(nlp=nlp, meta=payload["meta"])


def _logit(p: float) -> float:
    p = min(max(p, 1e-7), 1 - 1e-7)
    return math.log(p / (1 - p))


@lru_cache(maxsize=1)
def _dutch_tokenizer():
    import spacy

    return spacy.blank("nl").tokenizer


def _feature_words(text: str, features: str) -> list[str]:
    words = []
    for token in _dutch_tokenizer()(text):
        if token.is_punct or token.is_space:
            continue
        words.append(lemmatize_lower(token.lower_) if features == "lemma" else token.lower_)
    return words


def _feature_doc(nlp, text: str, features: str):
    words = _feature_words(text, features)
    return Doc(nlp.vocab, words=words)


def train_textcat(
    examples: list[tuple[str, dict[str, bool]]],
    *,
    seed: int = 0,
    epochs: int = 10,
    ngram_size: int = 1,
    features: str = "lemma",
    batch_size: int = 16,
    learn_rate: float = 0.02,
    dropout: float = 0.1,
    length: int = 2**15,
) -> TrainedModel:
    """Train on (text, {label: accepted?}) pairs; a label left out of an example is unknown.

    Deterministic for a given `seed` and data on CPU. `length` is the size of the hashed
    feature table: each optimizer step touches all of it, and 2**15 buckets still leave
    the few thousand distinct words of a project's coded segments mostly apart.

    The defaults were picked by 5-fold cross-validation on generated coded segments
    (120 each, 4 data seeds): unigrams beat bigrams by about 0.02 macro-F1, and lemma
    and lowercase features were within 0.01 of each other; lemmas are kept because real
    speech inflects more than generated text does.
    """
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import Adam

    if features not in FEATURES:
        raise ValueError(f"features must be one of {FEATURES}, not {features!r}")
    labels = sorted({label for _, cats in examples for label in cats})
    if not examples or not labels:
        raise FocuscodeError("no coded segments to train the text classifier on")
    fix_random_seed(seed)
    # The classifier sees docs built from feature words, never raw text, so it needs no
    # Dutch tokenizer of its own: "xx" builds in 25 ms where "nl" takes 300.
    nlp = spacy.blank("xx")
    nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": ARCHITECTURE,
                "exclusive_classes": False,
                "ngram_size": ngram_size,
                "no_output_layer": False,
                "length": length,
            }
        },
    )
    textcat = nlp.get_pipe("textcat_multilabel")
    for label in labels:
        textcat.add_label(label)
    train = [
        Example.from_dict(_feature_doc(nlp, text, features), {"cats": {k: float(bool(v)) for k, v in cats.items()}})
        for text, cats in examples
    ]
    optimizer = nlp.initialize(lambda: train, sgd=Adam(learn_rate))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(train)
        for batch in minibatch(train, size=batch_size):
            nlp.update(batch, sgd=optimizer, drop=dropout)
    counts = {label: [0, 0] for label in labels}
    for _, cats in examples:
        for label, value in cats.items():
            counts[label][0 if value else 1] += 1
    meta = {
        "architecture": ARCHITECTURE,
        "ngram_size": ngram_size,
        "length": length,
        "features": features,
        "labels": labels,
        "label_counts": {k: {"accepted": v[0], "rejected": v[1]} for k, v in counts.items()},
        "seed": seed,
        "epochs": epochs,
        "batch_size": batch_size,
        "learn_rate": learn_rate,
        "dropout": dropout,
        "n_examples": len(examples),
        "spacy_version": spacy.__version__,
    }
    return TrainedModel(nlp=nlp, meta=meta)
