"""Multi-word keywords with words in between, and Dutch separable verbs.

Spoken Dutch rarely keeps a keyword phrase together: "docent worden" turns up as
"docent te kunnen worden", "nee zeggen" as "zeg ik nee", and a separable verb such as
`invallen` splits into "ik val dan weer in". Both are matched here on token hashes
(lemmas, and lowercase forms when a model pipeline sets lemmas of its own), within one
clause and with a bounded number of words between the parts, so that a phrase never
stitches together words from different sentences.

- A phrase's parts must come in order with at most MAX_GAP words between neighbours; a
  two-word phrase that ends in a verb also matches the other way round (verb second in
  Dutch main clauses: "ja zeggen" in "zeg je ja"), where the words between are the
  subject and adverbs, not a noun phrase of their own: no article or possessive in
  between except right before the other part ("wordt het gesprek tussen leerkrachten" is
  no `leerkracht worden`, "word ik dan toch een docent" is `docent worden`).
- A separable verb `particle+verb` matches a finite form of the verb followed, within
  SEPARABLE_REACH words of the same clause, by the particle standing on its own: not
  followed by an article or possessive, where it would be a preposition ("in de klas").
- It also matches the other order, which every infinitive with "te" and every verb
  cluster of a subordinate clause takes: the particle, then at most CLUSTER_REACH words
  that are "te" or a form of an auxiliary or modal verb, then the verb ("om in te
  vallen", "af te stemmen", "dat ik door wil groeien", "klaar moeten zetten").
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .lexicon import lemmatize_lower, tables
from .patterns import positions

MAX_GAP = 3  # words allowed between two parts of a phrase ("docent te kunnen worden")
SEPARABLE_REACH = 10  # words from the verb to its particle ("val ik eigenlijk elke week in")
CLUSTER_REACH = 3  # words between a particle and its verb in "door te kunnen groeien"
# Verbs that stand between a particle and its verb in a Dutch verb cluster.
CLUSTER_VERBS = "willen kunnen moeten mogen zullen gaan blijven laten komen hoeven durven worden hebben zijn".split()
CLAUSE_BREAKS = tuple(",.;:!?()[]\"…–—")
# After one of these the particle is a preposition, not part of the verb: "in de klas".
DETERMINERS = ("de het een die dat deze dit mijn m'n je jouw zijn z'n haar ons onze hun jullie "
               "elke iedere ieder alle veel wat welke geen").split()
# Words that open a noun phrase and cannot be the subject of a verb-second clause.
ARTICLES = "de het een deze dit mijn m'n onze elke iedere".split()
PARTICLES = ("aan af bij door in mee na neer om op over samen terug toe uit vast voor weg klaar "
             "vooruit tegen achter").split()


class _Phrase(NamedTuple):
    rule: object
    parts: tuple[frozenset[int], ...]  # per part: the hashes that count as that word
    reversible: bool


class _Separable(NamedTuple):
    rule: object
    verb: frozenset[int]  # hashes of the finite forms of the verb (and their lemmas)
    particle: frozenset[int]
    key: frozenset[int]  # the rarer of the two


def split_separable(lemma: str) -> tuple[str, str] | None:
    """('in', 'vallen') for 'invallen' when the rest is a Dutch verb; None otherwise."""
    verbs = tables().index["verb"]
    for particle in sorted(PARTICLES, key=len, reverse=True):
        if lemma.startswith(particle) and lemma[len(particle):] in verbs and len(lemma) - len(particle) >= 4:
            return particle, lemma[len(particle):]
    return None


def verb_forms(infinitive: str) -> set[str]:
    """Finite forms of a Dutch verb: stem, stem+t, infinitive, regular and irregular past."""
    stem = infinitive[:-2] if infinitive.endswith("en") else infinitive
    if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        stem = stem[:-1]  # vallen -> val
    elif _open_syllable(stem):
        stem = stem[:-1] + stem[-2] + stem[-1]  # maken -> maak, sturen -> stuur
    if stem.endswith("v"):
        stem = stem[:-1] + "f"
    if stem.endswith("z"):
        stem = stem[:-1] + "s"
    forms = {infinitive, stem, stem if stem.endswith("t") else stem + "t"}
    suffix = "te" if stem[-1:] in set("tkfschp") else "de"
    forms |= {stem + suffix, stem + suffix + "n"}
    forms |= {f for f in _irregular().get(infinitive, ()) if not f.startswith("ge") and not f.endswith(("nd", "nde", "nden"))}
    return forms


def _open_syllable(stem: str) -> bool:
    # one short vowel before a final consonant in a one-syllable stem was long in the
    # infinitive: mak(en) -> maak; rooster(en) has two syllables and keeps its spelling
    groups = re.findall(r"[aeiouy]+", stem)
    return len(groups) == 1 and len(groups[0]) == 1 and stem[-1] not in "aeiouy" and stem[-2] in "aeiou"


_IRREGULAR: dict[str, list[str]] | None = None


def _irregular() -> dict[str, list[str]]:
    global _IRREGULAR
    if _IRREGULAR is None:
        out: dict[str, list[str]] = {}
        for form, lemma in tables().exc["verb"].items():
            out.setdefault(lemma, []).append(form)
        _IRREGULAR = out
    return _IRREGULAR


class GappedMatcher:
    """Phrases with bounded gaps and separable verbs, over a doc's token hashes."""

    def __init__(self, strings):
        self.strings = strings
        self.phrases: list[_Phrase] = []
        self.separables: list[_Separable] = []
        self.breaks = frozenset(strings.add(c) for c in CLAUSE_BREAKS)
        self.determiners = frozenset(strings.add(w) for w in DETERMINERS) | frozenset(
            strings.add(lemmatize_lower(w)) for w in DETERMINERS
        )
        self.articles = frozenset(strings.add(w) for w in ARTICLES) | frozenset(
            strings.add(lemmatize_lower(w)) for w in ARTICLES
        )
        cluster = {"te"} | {f for verb in CLUSTER_VERBS for f in verb_forms(verb)}
        self.cluster = self._hashes(cluster | {lemmatize_lower(w) for w in cluster})

    def _hashes(self, words) -> frozenset[int]:
        return frozenset(self.strings.add(w) for w in words if w)

    def add_phrase(self, rule, parts: list[set[str]], *, last_is_verb: bool) -> None:
        self._add_phrase(rule, parts, last_is_verb and len(parts) == 2)
        # A phrase ending in a separable verb splits it like the verb alone does:
        # "les overnemen" as "lessen over te nemen" and "neem ik de les over".
        split = next((sp for w in sorted(parts[-1]) if (sp := split_separable(w))), None)
        if split and len(parts) >= 2:
            particle, verb = split
            forms = verb_forms(verb)
            forms |= {lemmatize_lower(f) for f in forms}
            self._add_phrase(rule, [*parts[:-1], {particle}, forms], False)
            self._add_phrase(rule, [forms, *parts[:-1], {particle}], False)

    def _add_phrase(self, rule, parts: list[set[str]], reversible: bool) -> None:
        self.phrases.append(_Phrase(rule, tuple(self._hashes(p) for p in parts), reversible))

    def add_separable(self, rule, particle: str, verb: str) -> bool:
        forms = verb_forms(verb)
        hashes = self._hashes(forms | {lemmatize_lower(f) for f in forms})
        particles = self._hashes({particle, lemmatize_lower(particle)})
        # a long particle (vooruit, terug, samen) is rarer than the verb's forms; in, op, af are not
        key = particles if len(particle) >= 5 else hashes
        self.separables.append(_Separable(rule, hashes, particles, key))
        return True

    def _index(self) -> None:
        # Which phrases and separable verbs a doc can hold at all, by a word each cannot do
        # without: one set intersection per doc instead of a check per phrase. Each entry
        # also lists the other parts, rarest first, of which the doc must hold a word too.
        from .calibration import frequency

        def rarity(part: frozenset[int]) -> float:
            return sum(frequency(self.strings[h]) for h in part)

        self._by_key: dict[int, list[tuple[object, tuple[frozenset[int], ...], bool]]] = {}
        entries = [(p, sorted(p.parts, key=rarity)) for p in self.phrases]
        # a separable verb keyed on the rarer of its particle and its forms, as add_separable chose
        entries += [(sep, [sep.key, sep.verb if sep.key is sep.particle else sep.particle]) for sep in self.separables]
        for item, parts in entries:
            # (a key with several forms may meet a doc more than once: found() then weighs it once)
            entry = (item, tuple(parts[1:]), len(parts[0]) > 1)
            for h in parts[0]:
                self._by_key.setdefault(h, []).append(entry)
        self._keys = frozenset(self._by_key)
        self._indexed = (len(self.phrases), len(self.separables))

    def find(self, lemmas: list[int], lowers: list[int] | None, words: set[int]) -> list[tuple[object, int, int]]:
        """(rule, start, end) token spans; `words` is the doc's set of lemma (and lower) hashes."""
        if getattr(self, "_indexed", None) != (len(self.phrases), len(self.separables)):
            self._index()
        present = self._keys & words
        if not present:
            return []
        out = []
        n = len(lemmas)
        weighed = None
        for h in present:
            for item, others, several in self._by_key[h]:
                for part in others:  # (a loop, not any(<generator>): this runs for most docs)
                    if part.isdisjoint(words):
                        break
                else:
                    if several:
                        if weighed is None:
                            weighed = set()
                        elif id(item) in weighed:
                            continue
                        weighed.add(id(item))
                    if type(item) is _Phrase:
                        spans = self._phrase_spans(item, lemmas, lowers, n, words)
                    else:
                        spans = self._separable_spans(item, lemmas, lowers, n, words)
                    for start, end in spans:
                        out.append((item.rule, start, end))
        return out

    def _starts(self, accepted: frozenset[int], lemmas, lowers, words: set[int]) -> list[int]:
        # Only the forms this doc has: a part accepts every inflection of its word, and
        # scanning the doc once per absent form cost more than the rest of the matching.
        present = accepted & words
        if lowers is None and len(present) == 1:
            return list(positions(lemmas, next(iter(present))))  # in order, each once
        found = {i for h in present for i in positions(lemmas, h)}
        if lowers is not None:
            found |= {i for h in present for i in positions(lowers, h)}
        return sorted(found)

    @staticmethod
    def _is(i: int, accepted: frozenset[int], lemmas, lowers) -> bool:
        return lemmas[i] in accepted or (lowers is not None and lowers[i] in accepted)

    def _phrase_spans(self, phrase: _Phrase, lemmas, lowers, n, words) -> list[tuple[int, int]]:
        orders = [phrase.parts] + ([phrase.parts[::-1]] if phrase.reversible else [])
        spans: list[tuple[int, int]] = []
        for reverse, parts in enumerate(orders):
            for start in self._starts(parts[0], lemmas, lowers, words):
                if any(s <= start < e for s, e in spans):
                    continue
                end = self._follow(parts, start, lemmas, lowers, n)
                if end is not None and reverse and not self.articles.isdisjoint(lemmas[start + 1:end - 2]):
                    continue  # "wordt het gesprek tussen leerkrachten": another noun phrase
                if end is not None:
                    spans.append((start, end))
        return spans

    def _follow(self, parts, start, lemmas, lowers, n) -> int | None:
        """End of the phrase whose first part is at `start`, or None."""
        pos = start
        for part in parts[1:]:
            for j in range(pos + 1, min(n, pos + 2 + MAX_GAP)):
                if lemmas[j] in self.breaks:
                    return None
                if self._is(j, part, lemmas, lowers):
                    pos = j
                    break
            else:
                return None
        return pos + 1

    def _separable_spans(self, sep: _Separable, lemmas, lowers, n, words) -> list[tuple[int, int]]:
        spans = []
        for i in self._starts(sep.verb, lemmas, lowers, words):
            for j in range(i + 1, min(n, i + 1 + SEPARABLE_REACH)):
                if lemmas[j] in self.breaks:
                    break
                if self._is(j, sep.particle, lemmas, lowers):
                    after = lemmas[j + 1] if j + 1 < n else None
                    if after is None or after in self.breaks or after not in self.determiners:
                        spans.append((i, j + 1))
                    break
        # particle first: "om in te vallen", "dat ik door wil groeien". Not the two side by
        # side: without a tagger "in rooster" (gaten in het rooster) would be inroosteren.
        for j in self._starts(sep.particle, lemmas, lowers, words):
            for k in range(j + 1, min(n, j + 2 + CLUSTER_REACH)):
                if k > j + 1 and self._is(k, sep.verb, lemmas, lowers):
                    if not any(s <= j < e for s, e in spans):
                        spans.append((j, k + 1))
                    break
                if not self._is(k, self.cluster, lemmas, lowers):
                    break
        return spans
