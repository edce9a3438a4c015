"""The codebook's keywords and token patterns as spaCy matchers on lemmas.

Each kind of rule goes where it is checked fastest: single-word keywords in a dict of
lemmas, probed once per distinct lemma of a text (which is also where Dutch closed
compounds are recognised, see `compounds`); multi-word keywords, with words in between,
and separable verbs in `phrases`; exclude phrases in a PhraseMatcher on LEMMA; each
token pattern in a Matcher of its own that runs only on texts holding the words the
pattern cannot do without.

Without a tagger an adjective may be lemmatised to a keyword verb ("bepaalde
leerlingen" -> bepalen); the fallback lemmatizer keeps such forms as adjectives (see
`lexicon.ADJECTIVE_FORMS`), and with a tagger a token tagged ADJ does not fire a verb
keyword.

The caller handles the codebook's hierarchy: a hit on a subcode is not a hit on its
theme. A multi-word keyword matches as a phrase only; `compound` applies to single words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, NamedTuple

from spacy.attrs import LEMMA, LOWER

from ..codebook import Code, one_line
from ..errors import CodebookError, ModelError
from . import compounds
from .lemmatizer import LEMMA_HASHES, tokens_lemmatized
from .lexicon import is_verb, lemmatize, lemmatize_lower, tables
from .patterns import SimplePattern, compile_simple, positions
from .phrases import GappedMatcher, split_separable


@dataclass
class RuleHit:
    code: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class _Rule:
    code: int  # index into RuleMatcher.codes
    kind: str  # "keyword" or "pattern"
    label: Any  # the keyword as written, or the pattern as given
    source: int  # distinct per keyword/pattern: what counts as a separately firing rule
    verb: bool = False  # a keyword that is a verb: an adjective form must not fire it


class _Found(NamedTuple):
    rule: _Rule
    start: int  # token offsets
    end: int
    compound: bool


class _FiringCache:
    """Which word hashes fire which rules, remembered for every hash ever looked up."""

    def __init__(self, lookup):
        self.lookup = lookup  # str -> tuple of (rule, is_compound)
        self.checked: set[int] = set()
        self.firing: set[int] = set()
        self.rules: dict[int, tuple] = {}


class RuleMatcher:
    """Matches one compiled codebook against docs of `nlp` (which must set lemmas)."""

    def __init__(self, nlp, codes: Iterable[Code]):
        from spacy.matcher import PhraseMatcher

        self.nlp = nlp
        self.codes = list(codes)
        self._gapped = GappedMatcher(nlp.vocab.strings)
        self._excludes = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._keys: dict[int, _Rule] = {}  # matcher key hash -> rule
        self._exclude_keys: dict[int, tuple[int, str]] = {}  # key hash -> (code, phrase)
        self._exclude_first: set[int] = set()  # lemma hash of each exclude phrase's first word
        self._index = compounds.KeywordIndex()
        # Per lemma/lower hash: the (rule, compound) pairs that a token with it fires.
        self._by_lemma = _FiringCache(lambda s: self._index.lookup_lemma(s.lower()))
        self._by_lower = _FiringCache(self._index.lookup_form)
        self._fallback_lemmas = "focuscode_lemmatizer" in nlp.pipe_names
        # Without a tagger no token is marked ADJ; asking each doc (has_annotation walks
        # its tokens) cost more than matching the keyword that asked.
        self._tagged = any(name in nlp.pipe_names for name in ("tagger", "morphologizer"))
        # A Matcher run costs more than all other matching of a text together, so each
        # pattern has its own and runs only on docs holding the words it needs.
        # (rule, SimplePattern or Matcher, sets of words of which a doc must hold one each)
        self._patterns: list[tuple[_Rule, Any, list[set[int]]]] = []
        source = 0
        for ci, code in enumerate(self.codes):
            terms = [k.term for k in code.keywords]
            for kw, doc in zip(code.keywords, nlp.pipe(terms)):
                words = _word_span(doc, code.name, kw.term, "keyword")
                lemmas = [t.lemma_.lower() for t in words]
                rule = _Rule(ci, "keyword", kw.term, source, len(words) == 1 and is_verb(lemmas[0]))
                source += 1
                if len(words) == 1:
                    token = words[0]
                    self._index.add(rule, token.lemma_.lower(), token.lower_, kw.compound)
                    separable = split_separable(lemmatize_lower(token.lower_))
                    if separable:
                        self._gapped.add_separable(rule, *separable)
                else:
                    parts = [{t.lemma_.lower(), lemmatize_lower(t.lower_), t.lower_} for t in words]
                    self._gapped.add_phrase(rule, parts, last_is_verb=lemmas[-1] in tables().index["verb"])
            for pattern in code.patterns:
                rule = _Rule(ci, "pattern", pattern, source)
                source += 1
                self._add_pattern(code.name, rule, pattern)
            for j, (phrase, doc) in enumerate(zip(code.exclude_keywords, nlp.pipe(code.exclude_keywords))):
                words = _word_span(doc, code.name, phrase, "exclude keyword")
                key = nlp.vocab.strings.add(f"x{ci}:{j}")
                self._exclude_keys[key] = (ci, phrase)
                self._excludes.add(f"x{ci}:{j}", [words.as_doc()])
                self._exclude_first.add(words[0].lemma)

    # -- compiling -----------------------------------------------------------------

    def _add_key(self, matcher, key: str, rule: _Rule, patterns, **kwargs) -> None:
        self._keys[self.nlp.vocab.strings.add(key)] = rule
        matcher.add(key, patterns, **kwargs)

    def _add_pattern(self, code: str, rule: _Rule, pattern: list[dict]) -> None:
        from spacy.matcher import Matcher

        spacy_pattern = [self._normalise_token(t) for t in pattern] if self._fallback_lemmas else pattern
        matcher = Matcher(self.nlp.vocab, validate=True)
        try:
            self._add_key(matcher, f"p{rule.source}", rule, [spacy_pattern], greedy="LONGEST")
        except Exception as exc:  # MatchPatternError, ValueError, TypeError for odd values
            raise ModelError(
                f"code '{code}': spaCy rejects pattern {json.dumps(pattern, ensure_ascii=False)}: {one_line(exc)}"
            ) from None
        required = []
        for attr, words in _required_words(spacy_pattern):
            if attr != "LEMMA" and self._fallback_lemmas:
                # our lemmas are a function of the lowercase form, so check the lemma;
                # with a model pipeline the doc's lowercase forms are collected as well
                words = {lemmatize(w) for w in words}
            required.append({self.nlp.vocab.strings.add(w) for w in words})
        simple = compile_simple(spacy_pattern, self.nlp.vocab.strings)
        self._patterns.append((rule, simple or matcher, required))

    def _normalise_token(self, token: dict) -> dict:
        # Patterns name dictionary lemmas ("invallen"); the fallback lemmatizer has its own
        # idea of some lemmas, so the values go through the same cascade as the text.
        if "LEMMA" not in token:
            return token
        value = token["LEMMA"]
        if isinstance(value, str):
            value = lemmatize(value)
        elif isinstance(value, dict):
            value = {
                op: [lemmatize(v) if isinstance(v, str) else v for v in arg]
                if op in ("IN", "NOT_IN") and isinstance(arg, list)
                else arg
                for op, arg in value.items()
            }
        return {**token, "LEMMA": value}

    # -- matching ------------------------------------------------------------------

    def match(self, doc, text: str | None = None) -> list[RuleHit]:
        """The codes whose rules fire on `doc` (a Doc of this pipeline, or a text).

        `text` is the doc's text if the caller has it: Doc.text rebuilds it from the
        tokens on every access, which costs more than the matching itself.
        """
        if isinstance(doc, str):
            doc, text = self.nlp(doc), doc
        found: dict[int, list[_Found]] = {}
        words, lemmas, lowers = self._token_matches(doc, found)
        if self._gapped.phrases or self._gapped.separables:
            for rule, start, end in self._gapped.find(lemmas, lowers, words):
                found.setdefault(rule.code, []).append(_Found(rule, start, end, False))
        for rule, pattern, required in self._patterns:
            for req in required:  # (a loop, not all(<generator>): this runs for every doc)
                if req.isdisjoint(words):
                    break
            else:
                lowers = self._pattern_spans(doc, rule, pattern, lemmas, lowers, found)
        if not found:
            return []
        excludes: dict[int, list[tuple[str, int, int]]] = {}
        # the PhraseMatcher only where an exclude phrase can start: most docs hold none
        if len(self._excludes) and not self._exclude_first.isdisjoint(words):
            for key, start, end in self._excludes(tokens_lemmatized(doc)):
                ci, phrase = self._exclude_keys[key]
                excludes.setdefault(ci, []).append((phrase, start, end))
        hits = []
        if text is None:
            text = doc.text
        for ci in sorted(found):
            hit = self._hit(doc, text, ci, found[ci], excludes.get(ci, []), lemmas)
            if hit is not None:
                hits.append(hit)
        return hits

    @staticmethod
    def _pattern_spans(doc, rule: _Rule, pattern, lemmas: list[int], lowers: list[int] | None,
                       found: dict[int, list[_Found]]) -> list[int] | None:
        """Add the pattern's matches to `found`; returns the lowercase hashes if they had to be read."""
        if isinstance(pattern, SimplePattern):
            if lowers is None and "LOWER" in pattern.attrs:
                lowers = doc.to_array(LOWER).tolist()
            spans = pattern.find(lemmas, lowers)
        else:
            spans = [(start, end) for _, start, end in pattern(tokens_lemmatized(doc))]
        for start, end in spans:
            found.setdefault(rule.code, []).append(_Found(rule, start, end, False))
        return lowers

    def match_many(
        self, texts: Iterable[str], *, batch_size: int = 256, n_process: int = 1
    ) -> Iterator[list[RuleHit]]:
        """One list of hits per text, streaming through `nlp.pipe`."""
        pairs = ((text, text) for text in texts)
        for doc, text in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
            yield self.match(doc, text)

    def _token_matches(self, doc, found: dict[int, list[_Found]]) -> tuple[set[int], list[int], list[int] | None]:
        """Add single-word keyword matches to `found`.

        Returns the doc's distinct word hashes, its lemma hashes and, for a model
        pipeline, its lowercase hashes (None otherwise: our lemmas depend on them alone).

        The doc's distinct lemmas are intersected with those known to fire instead of
        looking at each token: most texts fire nothing and cost only that. With our own
        lemmatizer a token's lemma depends on its lowercase form alone, so a lowercase
        pass would find nothing new.
        """
        if not len(doc):
            return set(), [], []
        strings = doc.vocab.strings
        lemmas = doc.user_data.get(LEMMA_HASHES)
        if lemmas is None or len(lemmas) != len(doc):
            lemmas = doc.to_array(LEMMA).tolist()
        words = set(lemmas)
        fired = self._fired(words, self._by_lemma, strings)
        lowers: list[int] | None = None
        fired_lower: dict[int, tuple] = {}
        if not self._fallback_lemmas:
            lowers = doc.to_array(LOWER).tolist()
            unique_lowers = set(lowers)
            words |= unique_lowers
            fired_lower = self._fired(unique_lowers, self._by_lower, strings)
        if not fired and not fired_lower:
            return words, lemmas, lowers
        seen: set[tuple[int, int]] = set()  # (token, rule): lemma and lowercase may both fire
        adjectives = None  # positions a tagger marked ADJ, looked up once a verb keyword fires
        for values, hits in ((lemmas, fired), (lowers or [], fired_lower)):
            for h, pairs in hits.items():
                for i in positions(values, h):
                    for rule, compound in pairs:
                        if rule.verb:
                            if adjectives is None:
                                adjectives = _adjective_positions(doc) if self._tagged else set()
                            if i in adjectives:
                                continue  # the tagger says adjective: "bepaalde leerlingen" is no bepalen
                        if (i, rule.source) not in seen:
                            seen.add((i, rule.source))
                            found.setdefault(rule.code, []).append(_Found(rule, i, i + 1, compound))
        return words, lemmas, lowers

    @staticmethod
    def _fired(hashes: set[int], cache: "_FiringCache", strings) -> dict[int, tuple]:
        new = hashes - cache.checked  # set algebra in C: most words were seen before
        if new:
            for h in new:
                rules = cache.lookup(strings[h])
                if rules:
                    cache.rules[h] = rules
                    cache.firing.add(h)
            cache.checked |= new
        return {h: cache.rules[h] for h in hashes & cache.firing}

    def _hit(self, doc, text: str, ci: int, found: list[_Found], excludes: list[tuple[str, int, int]],
             lemmas: list[int]) -> RuleHit | None:
        # Runs once per (doc, code) that fired, so it avoids spaCy spans and generators.
        if len(found) > 1:
            found.sort(key=_order)
        matches: list[_Found] = []
        vetoed: list[tuple[_Found, tuple[str, int, int]]] = []
        previous = None
        for f in found:
            key = (f.start, f.end, f.rule.source)
            if key == previous:  # the same rule on the same tokens, e.g. via lemma and lowercase
                continue
            previous = key
            for x in excludes:
                if x[1] <= f.start and f.end <= x[2]:
                    vetoed.append((f, x))
                    break
            else:
                matches.append(f)
        if not matches:
            return None
        strings = doc.vocab.strings
        evidence = [_describe(doc, text, f, lemmas, strings) for f in matches]
        if len(matches) == 1:
            score = 0.5
        else:
            distinct = {(f.rule.source, m["lemma"]) for f, m in zip(matches, evidence)}
            sources = {f.rule.source for f in matches}
            # Each distinct piece of evidence halves the remaining doubt; a second keyword
            # or pattern agreeing counts for a little more than a second form of one.
            score = 1.0 - 0.5 ** (len(distinct) + 0.5 * (len(sources) - 1))
        excluded = []
        if excludes:
            score *= 0.5
            for x in excludes:
                phrase, start, end = x
                first, last = doc[start], doc[end - 1]
                begin, stop = first.idx, last.idx + len(last)
                excluded.append(
                    {
                        "text": text[begin:stop],
                        "exclude_keyword": phrase,
                        "start": begin,
                        "end": stop,
                        "vetoed": [_label(f.rule) for f, cover in vetoed if cover is x],
                    }
                )
        if len(evidence) == 1:
            start, end = evidence[0]["start"], evidence[0]["end"]
        else:
            start, end = min(m["start"] for m in evidence), max(m["end"] for m in evidence)
        return RuleHit(self.codes[ci].name, round(score, 4), {"matches": evidence, "excluded": excluded}, start, end)


def _adjective_positions(doc) -> set[int]:
    """Tokens a tagger marked as adjectives (none without a tagger)."""
    if not doc.has_annotation("POS"):
        return set()
    return {t.i for t in doc if t.pos_ == "ADJ"}


def _order(f: _Found) -> tuple[int, int, int]:
    return (f.start, f.end, f.rule.source)


def _describe(doc, text: str, f: _Found, lemmas: list[int], strings) -> dict[str, Any]:
    # the lemmas from the doc's lemma hashes (token.lemma_ looks up the same strings): a
    # phrase's lemmas without making a Span and a Token per word
    first = doc[f.start]
    start = first.idx
    if f.end - f.start == 1:
        end, lemma = start + len(first), strings[lemmas[f.start]]
    else:
        last = doc[f.end - 1]
        end, lemma = last.idx + len(last), " ".join([strings[h] for h in lemmas[f.start : f.end]])
    return {
        "text": text[start:end],
        "lemma": lemma,
        f.rule.kind: f.rule.label,
        "start": start,
        "end": end,
        "compound": f.compound,
    }


_ANCHOR_ATTRS = ("LEMMA", "LOWER", "ORTH", "TEXT")


def _required_words(pattern: list[dict]) -> list[tuple[str, set[str]]]:
    """For each token that must be present and names its word(s): (attribute, words).

    A doc that lacks all words of one of these sets cannot match the pattern, so its
    Matcher need not run. ORTH and TEXT are lowercased because the doc side offers
    lemma and lowercase hashes; an empty list means the pattern cannot be pre-checked.
    """
    required = []
    for token in pattern:
        op = str(token.get("OP", ""))
        if op in ("?", "*", "!") or op.startswith("{0") or op.startswith("{,"):
            continue
        for attr in _ANCHOR_ATTRS:
            value = token.get(attr)
            if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
                values = value["IN"]
            elif isinstance(value, str):
                values = [value]
            else:
                continue
            if values and all(isinstance(v, str) for v in values):
                if attr == "LEMMA":
                    required.append((attr, set(values)))
                else:
                    required.append(("LOWER", {v.lower() for v in values}))
                break
    return required


def _label(rule: _Rule) -> Any:
    return rule.label if rule.kind == "keyword" else {"pattern": rule.label}


def _word_span(doc, code: str, term: str, what: str):
    """The keyword's words without surrounding punctuation; a keyword of none is an error."""
    words = [t.i for t in doc if not (t.is_punct or t.is_space)]
    if not words:
        raise CodebookError(f"{what} '{term}' of code '{code}' has no word to match (only punctuation or spaces)")
    return doc[words[0] : words[-1] + 1]
