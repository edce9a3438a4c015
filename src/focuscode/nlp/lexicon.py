"""Dutch lemma tables from spacy-lookups-data and the fallback lemmatisation cascade.

Pure Python on purpose: no spaCy import, so codebook keywords can be lemmatised and
the tables shared by the spaCy component, the rule matcher and the text classifier.

Why not spaCy's own Dutch rule lemmatizer: it needs a POS tag, which the fallback
pipeline does not have, and its plain lookup table misses common forms (taken,
leraren, krijgt). Without a tag we guess the word class, and the tables make that
awkward: the verb index also lists generated "verbs" such as `taken`, `leraren`,
`kinderen` (with made-up paradigms), and the verb exception table maps noun lemmas to
them (`taak -> taken`). So, per lowercase form (see `_cascade` for the exact order):

1. a short list of frequent verb forms and function words (`_VERB_FIRST`, `_CLOSED`);
2. a noun lemma is kept, a known irregular noun plural becomes its singular;
3. the corpus lookup table, then verb exceptions, then the other lemma indexes;
4. suffix rules whose result is a known lemma, and present-tense verb forms;
5. for a word still unknown, the head of a compound, lemmatised by the same steps
   (invaltaken -> invaltaak, ad-hoctaken -> ad-hoctaak).

Results are cached per form: the cascade runs once per distinct word of a corpus.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

LOOKUPS_PACKAGE = "spacy_lookups_data"
TABLES = ("nl_lemma_lookup", "nl_lemma_exc", "nl_lemma_rules", "nl_lemma_index")

# Frequent spoken-Dutch verb forms that the noun-first order would get wrong: either the
# form is also a (rare) noun lemma or plural (de wil, het werk -> werken), or the
# noun index wrongly lists it (heeft). Kept short: each entry is a judgement call.
_VERB_FIRST = {
    "heeft": "hebben", "hebt": "hebben", "heb": "hebben",
    "ben": "zijn", "bent": "zijn", "is": "zijn", "was": "zijn", "waren": "zijn",
    "wil": "willen", "wilt": "willen", "wilde": "willen", "wilden": "willen",
    "kan": "kunnen", "kunt": "kunnen", "kon": "kunnen", "konden": "kunnen",
    "moet": "moeten", "moest": "moeten", "moesten": "moeten",
    "mag": "mogen", "mocht": "mogen", "mochten": "mogen",
    "zal": "zullen", "zult": "zullen", "zou": "zullen", "zouden": "zullen",
    "werken": "werken", "gebruiken": "gebruiken", "vragen": "vragen",
    "spelen": "spelen", "delen": "delen", "leren": "leren", "invallen": "invallen",
    "bedoelen": "bedoelen", "zorgen": "zorgen", "besluiten": "besluiten",
    "overleggen": "overleggen", "begeleiden": "begeleiden", "vinden": "vinden",
    "word": "worden", "kun": "kunnen", "wouden": "willen", "ga": "gaan", "kom": "komen",
    "sta": "staan", "zeg": "zeggen", "krijg": "krijgen", "geef": "geven", "gegeven": "geven",
    "weet": "weten", "geweten": "weten", "staat": "staan", "stond": "staan",
    "stonden": "staan", "zit": "zitten", "zaten": "zitten", "zagen": "zien",
    "vond": "vinden", "vonden": "vinden", "hou": "houden", "genomen": "nemen",
    "gedacht": "denken", "lopen": "lopen", "halen": "halen", "zetten": "zetten",
    "laten": "laten", "leggen": "leggen", "regelen": "regelen", "help": "helpen",
    "blijf": "blijven", "hoor": "horen", "praat": "praten", "kent": "kennen",
    "leest": "lezen", "las": "lezen", "schreef": "schrijven", "belt": "bellen",
    "merken": "merken", "missen": "missen", "mist": "missen", "snap": "snappen",
    "leek": "lijken", "leken": "lijken", "lijken": "lijken",
}

# Frequent function words that are in no index and that the exception tables or suffix
# rules would turn into other words (er -> haar, hoe -> hoeven, soms -> som).
_CLOSED = {
    w: w
    for w in "er hoe niks soms ergens nergens overal iets wat waar daar hier toen nu dus "
    "want maar omdat zodat terwijl tenzij alsof of en ook nog al weer eens toch even "
    "gewoon eigenlijk natuurlijk echt heel erg best vaak nooit altijd meestal misschien "
    "wel niet geen samen alleen elkaar zelf zichzelf het jou mij me je hem haar ons hun "
    "hen zich meer minder eerst later verder vervolgens geleden voordien anders".split()
}
_CLOSED.update({"beter": "goed", "best": "goed"})

# Ambiguity list for the pipeline without a tagger: inflected participles that in speech
# are nearly always adjectives ("bepaalde leerlingen", "een betaalde baan") keep their
# adjective lemma, so that they never fire a keyword verb (bepalen, betalen). Only forms
# whose verb reading is rare are listed; "bepaald" stays a verb ("wie heeft dat bepaald").
ADJECTIVE_FORMS = {
    "bepaalde": "bepaald", "betaalde": "betaald", "onbetaalde": "onbetaald", "ontwikkelde": "ontwikkeld",
    "gespecialiseerde": "gespecialiseerd", "vastgelegde": "vastgelegd", "geplande": "gepland",
    "beoordeelde": "beoordeeld", "betrokken": "betrokken", "gerichte": "gericht", "opgeleide": "opgeleid",
    "bevoegde": "bevoegd", "onbevoegde": "onbevoegd", "gemotiveerde": "gemotiveerd", "verplichte": "verplicht",
    "beperkte": "beperkt", "gewenste": "gewenst", "gevraagde": "gevraagd", "afgesproken": "afgesproken",
    "verdiepte": "verdiept", "vergoede": "vergoed", "gedeelde": "gedeeld", "aangepaste": "aangepast",
    "toegevoegde": "toegevoegd", "ervaren": "ervaren", "vaste": "vast",
}

# The other way round: inflected adjectives that the noun index lists because they can be
# nominalised ("de kleine", "de zieke"), so the noun-first order kept them as they were and
# "kleine groepjes" never matched the keyword "klein groepje". In talk about school they
# are nearly always attributive. Only frequent adjectives whose -e form is no noun of its
# own are listed (not waarde -> waard, stage, grootte, leidinggevende, volwassene).
INFLECTED_ADJECTIVES = {
    "kleine": "klein", "grote": "groot", "zieke": "ziek", "oude": "oud", "lange": "lang",
    "jonge": "jong", "zelfstandige": "zelfstandig", "verantwoordelijke": "verantwoordelijk",
    "moeilijke": "moeilijk", "huidige": "huidig", "gelijke": "gelijk", "aparte": "apart",
    "bekende": "bekend", "onbekende": "onbekend", "vreemde": "vreemd", "aanwezige": "aanwezig",
    "positieve": "positief", "centrale": "centraal", "zwakke": "zwak", "sterke": "sterk",
}

# Fallback suffix rules for present-tense verb forms (krijgt, maakt, zit), which the
# tables' verb rules do not cover; each candidate is only accepted if it is a verb lemma.
_LONG_VOWEL = re.compile(r"(aa|ee|oo|uu)([^aeiou])$")

_WORD = re.compile(r"^[a-zà-ÿ]+$")


class Tables(NamedTuple):
    lookup: dict[str, str]
    exc: dict[str, dict[str, str]]  # pos -> form -> lemma
    rules: dict[str, list[tuple[str, str]]]  # pos -> [(old suffix, new suffix)]
    index: dict[str, frozenset[str]]  # pos -> lemmas
    known: frozenset[str]  # any lemma or listed form: "is this a word at all?"


@lru_cache(maxsize=1)
def tables() -> Tables:
    """Load the Dutch lemma tables once per process (about 0.3 s)."""
    from ..errors import ModelError

    raw = {}
    try:
        data = resources.files(LOOKUPS_PACKAGE) / "data"
        for name in TABLES:
            with (data / f"{name}.json.gz").open("rb") as fh:
                raw[name] = json.loads(gzip.decompress(fh.read()))
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ModelError(
            f"the Dutch lemma tables are missing ({exc}); install them with: pip install spacy-lookups-data"
        ) from None
    exc = {pos: {k: v[0] for k, v in forms.items() if v} for pos, forms in raw["nl_lemma_exc"].items()}
    rules = {pos: [(old, new) for old, new in pairs] for pos, pairs in raw["nl_lemma_rules"].items()}
    index = {pos: frozenset(words) for pos, words in raw["nl_lemma_index"].items()}
    lookup = raw["nl_lemma_lookup"]
    known = set(lookup)
    known.update(lookup.values())
    for words in index.values():
        known.update(words)
    return Tables(lookup, exc, rules, index, frozenset(known))


def lookups_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("spacy-lookups-data")
    except Exception:  # not installed as a distribution: tables() reports it properly
        return None


def _stem_infinitives(stem: str) -> list[str]:
    """Infinitives that have `stem` as their first person: leuk -> leuken, heel -> helen."""
    m = _LONG_VOWEL.search(stem)
    bases = [stem] + ([stem[: m.start()] + m.group(1)[0] + m.group(2)] if m else [])
    out = []
    for base in bases:
        out.append(base + "en")
        if base.endswith("f"):
            out.append(base[:-1] + "ven")
        if base.endswith("s"):
            out.append(base[:-1] + "zen")
    out.append(stem + stem[-1] + "en")
    return out


def _verb_t_candidates(word: str) -> list[str]:
    # krijgt -> krijgen, maakt -> maken, leeft -> leven, reist -> reizen, zit -> zitten
    stems = ([word[:-1]] if word.endswith("t") else []) + [word]
    return [form for stem in stems if len(stem) >= 2 for form in _stem_infinitives(stem)]


def _cascade(word: str) -> str | None:
    """Lemma of a lowercase form from the tables, or None when the tables do not know it.

    The order is tuned to the tables' noise: besides junk verbs for nouns (see the module
    docstring), the verb exceptions turn adjectives and function words into the verbs
    they would be the stem of (leuk -> leuken, veel -> velen, uit -> uiten), while the
    adjective index lists past tenses and participles (werkte, gezegd, zat).
    """
    t = tables()
    fixed = _VERB_FIRST.get(word) or _CLOSED.get(word) or ADJECTIVE_FORMS.get(word) or INFLECTED_ADJECTIVES.get(word)
    if fixed:
        return fixed
    if word in t.index["noun"]:
        return word
    in_adj = word in t.index["adj"]
    noun_exc = t.exc["noun"].get(word)
    if noun_exc and not in_adj:
        return noun_exc
    looked_up = t.lookup.get(word)
    if looked_up:
        return looked_up
    verb_exc = t.exc["verb"].get(word)
    closed = word in t.index["adp"] or word in t.index["det"]
    if verb_exc and not ((in_adj or closed) and verb_exc in _stem_infinitives(word)):
        return verb_exc
    if in_adj or closed or word in t.index["verb"]:
        return word
    for pos in ("noun", "adj", "adv", "adp", "det", "pron"):
        other = t.exc[pos].get(word)
        if other:
            return other
    for pos in ("noun", "verb", "adj"):
        index = t.index[pos]
        for old, new in t.rules[pos]:
            if old and word.endswith(old):
                form = word[: len(word) - len(old)] + new
                if form in index:
                    return form
    verbs = t.index["verb"]
    for form in _verb_t_candidates(word):
        if form in verbs:
            return form
    for suffix, repl in (("'s", ""), ("'ers", "'er"), ("'en", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: len(word) - len(suffix)] + repl
    return _diminutive(word)


# Diminutive endings the tables do not list for every noun ("een kort overlegje", "een
# taakje erbij"), longest first, with what they replace: -inkje is -ing (planninkje).
_DIMINUTIVES = (("inkjes", "ing"), ("inkje", "ing"), ("etjes", ""), ("etje", ""), ("tjes", ""), ("tje", ""),
                ("pjes", ""), ("pje", ""), ("jes", ""), ("je", ""))


def _diminutive(word: str) -> str | None:
    """The noun of a diminutive the tables do not know: overlegje -> overleg, taakje -> taak."""
    nouns = tables().index["noun"]
    for suffix, repl in _DIMINUTIVES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: len(word) - len(suffix)] + repl
            if base in nouns:
                return base
            if len(base) >= 2 and base[-1] == base[-2] and base[:-1] in nouns:
                return base[:-1]  # rolletje -> rol
    return None


def _compound(word: str, after_hyphen: bool = False) -> str | None:
    """Lemmatise the head of a compound: invaltaken -> invaltaak, ad-hoctaken -> ad-hoctaak."""
    if "-" in word:
        prefix, _, head = word.rpartition("-")
        if not (head and prefix):
            return None
        head_lemma = _cascade(head) or _compound(head, after_hyphen=True) or head
        return prefix + "-" + head_lemma
    if not _WORD.match(word):
        return None
    t = tables()
    # Longest head first: the head most likely to be the real one (loopbaan|perspectieven,
    # not loopbaanperspec|tieven). Only noun heads: compounding in Dutch is mostly nominal,
    # and allowing verb or adverb heads turned function words into nonsense (waarop).
    # The modifier must look like a word unless a hyphen already marks the compound.
    min_modifier = 2 if after_hyphen else 3
    for i in range(min_modifier, len(word) - 2):
        head = _cascade(word[i:])
        if head is None or head not in t.index["noun"]:
            continue
        if after_hyphen or is_wordlike(word[:i]):
            return word[:i] + head
    return None


_LINKS = ("s", "e", "en", "er", "n")


def is_wordlike(part: str, depth: int = 0) -> bool:
    """True for a known word, a known word plus a linking -s-/-e-/-en-/-er-, or a compound of those."""
    known = tables().known
    if part in known:
        return True
    for link in _LINKS:
        if part.endswith(link) and len(part) - len(link) >= 3 and part[: -len(link)] in known:
            return True
    if depth < 2:
        # Heads of at least 4 letters: three-letter words (aar, sen, tje) end too many
        # unrelated words (lessenaar would pass as les-sen-aar).
        for i in range(3, len(part) - 3):
            if part[i:] in known and is_wordlike(part[:i], depth + 1):
                return True
    return False


_cache: dict[str, str] = {}


def lemmatize_lower(word: str) -> str:
    """Lemma of an already lowercased form (cached per form: this runs once per token)."""
    lemma = _cache.get(word)
    if lemma is None:
        lemma = _cascade(word) or _compound(word) or word
        _cache[word] = lemma
    return lemma


def lemmatize(word: str) -> str:
    """Lemma of one Dutch word by the fallback cascade (lowercase in, lowercase out)."""
    return lemmatize_lower(word.strip().lower())


def is_verb(lemma: str) -> bool:
    """True for a verb lemma that is not also a noun or adjective lemma."""
    t = tables()
    return lemma in t.index["verb"] and lemma not in t.index["noun"] and lemma not in t.index["adj"]


def is_known(word: str) -> bool:
    """True when the tables list `word` as a lemma or a word form."""
    return word in tables().known


def is_function_word(word: str) -> bool:
    """Prepositions, determiners, pronouns and the like: never the head of a compound."""
    t = tables()
    return (
        word in _CLOSED
        or word in t.index["adp"]
        or word in t.index["det"]
        or word in t.exc["pron"]
        or word in t.exc["det"]
    )
