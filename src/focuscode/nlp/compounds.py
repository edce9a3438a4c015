"""Single-word keywords, including as the first or last part of a Dutch closed compound.

Dutch writes compounds as one word (doorgroeimogelijkheden, invaltaken, bijscholing), so
a keyword must also fire inside them; but plain substring matching fires on unrelated
words that merely contain the letters (visie in televisie, toa in toastje, les in
lessenaar). A compound match therefore needs the rest of the word to be a plausible word
part on its own, judged against the Dutch lemma tables:

- the rest is at least 3 letters, or 4 when a linking element (-s-, -e-, -en-, -er-,
  doubled consonant + -en-: lessenrooster) is cut off first;
- it is a known word or word form, or a compound of known words;
- it is not a bound prefix (tele-, super-, micro-) nor a derivational suffix
  (-lijk, -aar, -ster, -schap) that the tables happen to list as a word, and a head is
  no function word (les-se-naar would otherwise pass on `naar`);
- a hyphen is a boundary by itself (po-raad, toa-taken, ad-hoctaken).

Known limitation: lexicalised words whose parts are both real words still match
(raad in voorraad); a code can veto them with `exclude_keywords`.
"""

from __future__ import annotations

from .lexicon import is_function_word, is_known, is_wordlike, lemmatize_lower

MIN_PART = 3
_LINKS = ("s", "e", "en", "er")
BOUND_PREFIXES = frozenset(
    "tele super micro macro mini multi inter intra trans anti pre post sub hyper semi neo "
    "para meta mono poly pseudo ultra ex co re de pro bio geo eco".split()
)
BOUND_SUFFIXES = frozenset(
    "heid lijk lijke lijks loos baar achtig isch ische tje tjes je jes ing ingen schap dom "
    "ster aar aars er es ig ige ling sel nis erij atie iteit isme ist ief ieve elijk".split()
)


class KeywordIndex:
    """Keyword lemmas and surface forms, answering 'which keywords fire on this word?'."""

    def __init__(self) -> None:
        self.direct: dict[str, list] = {}  # lemma -> rules
        self.surface: dict[str, list] = {}  # lowercase form -> rules
        self.starts: dict[str, list] = {}  # may begin a compound (the modifier)
        self.ends: dict[str, list] = {}  # may end a compound (the head)

    def add(self, rule, lemma: str, lower: str, compound: bool) -> None:
        """Index a keyword by its lemma in the pipeline, its lowercase form, and its
        lemma by our cascade (a model may lemmatise a lone keyword differently from
        the same word in a sentence; the cascade is context-free on both sides)."""
        lemmas = {lemma, lemmatize_lower(lower)}
        for form in lemmas:
            self.direct.setdefault(form, []).append(rule)
        if lower not in lemmas:
            self.surface.setdefault(lower, []).append(rule)
        if not compound:
            return
        forms = {f for f in lemmas | {lower} if len(f) >= MIN_PART and f.isalpha()}
        for form in forms:
            self.ends.setdefault(form, []).append(rule)
        # As modifier a verb appears as its stem: doorgroeien -> doorgroeimogelijkheid.
        for form in forms | {s for f in forms if (s := _verb_stem(f))}:
            self.starts.setdefault(form, []).append(rule)

    def lookup_lemma(self, lemma: str) -> tuple:
        """(rule, is_compound) pairs for a token lemma."""
        pairs = [(r, False) for r in self.direct.get(lemma, ())]
        pairs += self._compound(lemma)
        return _unique(pairs)

    def lookup_form(self, lower: str) -> tuple:
        """(rule, is_compound) pairs for a lowercase token, via its fallback lemma.

        This makes keywords robust to a model pipeline whose lemma for a rare compound
        is the word itself (invaltaken) or differs from the keyword's context-free lemma.
        """
        pairs = [(r, False) for r in self.surface.get(lower, ())]
        if any(c.isalpha() for c in lower):
            lemma = lemmatize_lower(lower)
            pairs += [(r, False) for r in self.direct.get(lemma, ())]
            pairs += self._compound(lemma)
        return _unique(pairs)

    def _compound(self, word: str) -> list:
        if len(word) < 2 * MIN_PART or not (self.starts or self.ends):
            return []
        out = []
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            first, rest = word[:i], word[i:]
            for rule in self.starts.get(first, ()):
                if plausible_head(rest, first):
                    out.append((rule, True))
            for rule in self.ends.get(rest, ()):
                if plausible_modifier(first):
                    out.append((rule, True))
        return out


def _unique(pairs: list) -> tuple:
    # one entry per rule, a whole-word match before a compound one
    seen, out = set(), []
    for rule, compound in pairs:
        if id(rule) not in seen:
            seen.add(id(rule))
            out.append((rule, compound))
    return tuple(out)


def _verb_stem(form: str) -> str | None:
    if not form.endswith("en") or len(form) < 7:
        return None
    stem = form[:-2]
    if stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        stem = stem[:-1]  # invallen -> inval
    return stem if len(stem) >= 4 else None


def plausible_modifier(part: str) -> bool:
    """May `part` be the first member of a compound whose head is a keyword?"""
    if part.endswith("-"):
        return len(part.rstrip("-")) >= 2
    if "-" in part:
        return len(part.rsplit("-", 1)[1]) >= 2
    return len(part) >= MIN_PART and part not in BOUND_PREFIXES and is_wordlike(part)


def plausible_head(rest: str, keyword: str) -> bool:
    """May `rest` be what follows a keyword that is the first member of a compound?"""
    if rest.startswith("-"):
        return len(rest) >= 3
    candidates = [(rest, MIN_PART)]
    links = _LINKS + (keyword[-1] + "en",)
    candidates += [(rest[len(link):], MIN_PART + 1) for link in links if rest.startswith(link)]
    for candidate, min_len in candidates:
        if len(candidate) < min_len or candidate in BOUND_SUFFIXES or is_function_word(candidate):
            continue
        if is_known(candidate) or is_wordlike(candidate):
            return True
    return False
