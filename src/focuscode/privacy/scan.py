"""Finding personal data in text: deduce, spaCy entities where a full model exists, a names list.

deduce builds large lookup tables on first use (seconds with its cache, minutes
without), so one engine is built lazily per process and reused for every text.
Spans inside placeholders that anonymisation already left ("[school]",
"[PERSOON-1]") are never findings. Texts are read normalised, and in capitals or as
lower-case labels also title-cased (privacy.normalise); every span is reported in the
original text. What reaches this scanner, from which door, is privacy.gate's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import InputFileError, setting
from ..textio import read_text_file
from .normalise import case_variant, has_capitals, mirror, normalise, shown_order

# deduce tag -> the category we report and use in placeholders.
_DEDUCE_CATEGORIES = {
    "persoon": "persoon", "patient": "persoon", "voornaam": "persoon", "achternaam": "persoon",
    "locatie": "locatie", "straat": "locatie",
    "ziekenhuis": "instelling", "zorginstelling": "instelling", "instelling": "instelling",
    "datum": "datum", "leeftijd": "leeftijd", "telefoonnummer": "telefoonnummer",
    "emailadres": "emailadres", "url": "url", "bsn": "id-nummer", "id": "id-nummer",
}
_SPACY_CATEGORIES = {"PERSON": "persoon", "PER": "persoon", "GPE": "locatie", "LOC": "locatie",
                     "FAC": "locatie", "ORG": "instelling"}
NAME_CATEGORIES = {"persoon": "persoon", "naam": "persoon", "school": "school", "instelling": "instelling",
                   "plaats": "locatie", "locatie": "locatie", "bestuur": "instelling"}
# A placeholder left by anonymisation or a typist: [PERSOON-1], [school], [naam collega],
# [NAAM], [00:12:31]. Not any bracketed text (nor digits or an "@": [06-12345678]): "[Sanne Vermeulen]" and "[juf Sanne]" are
# names in brackets, so a bracket with a capital in it is a placeholder only in the
# shape anonymise writes or as one of the words typists use.
_PLACEHOLDER_WORDS = ("NAAM|SCHOOL|PLAATS|PERSOON|BESTUUR|INSTELLING|LOCATIE|ORGANISATIE|DATUM|EMAIL|E-MAIL|"
                      "TELEFOON|ID|ADRES|STRAAT|LEEFTIJD|URL|ONVERSTAANBAAR|ONDUIDELIJK|INAUDIBLE|STILTE|LACHT|X+")
PLACEHOLDER = re.compile(r"\[(?:[A-Z]+-\d+|(?:" + _PLACEHOLDER_WORDS + r")|[^\[\]\nA-ZÀ-ÖØ-Þ@\d]{1,40}"
                         r"|\d{1,2}:\d{2}(?::\d{2})?)\]")
# Words of this field that a general entity model may take for an organisation or place.
_DOMAIN_TERMS = {
    "oop", "oop'er", "oop'ers", "ib'er", "ib", "mt", "po", "vo", "cao", "cao po", "cao vo", "pabo", "vmbo", "havo",
    "vwo", "sbo", "so", "vso", "mbo", "hbo", "wo", "duo", "ocw", "lio", "toa", "pro", "ict", "ggd",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    category: str
    text: str
    detector: str  # deduce | pattern (what deduce misses) | names | spacy


@dataclass(frozen=True)
class Finding:
    path: str
    line: int | None
    category: str
    text: str
    detector: str

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where} {self.category} '{self.text}'"


@dataclass(frozen=True)
class NameEntry:
    text: str
    category: str
    pattern: re.Pattern


_engine: Any = None


def deduce_engine(progress=None):
    """The process's one deduce object: the compact engine of privacy.engine (same
    findings as stock deduce, a fraction of its start-up), built on first use with
    its steps reported to `progress`."""
    global _engine
    if _engine is None:
        from .engine import fast_deduce

        _engine = fast_deduce(progress)
    return _engine


def deduce_lookup_dir() -> Path | None:
    """Where deduce keeps its lookup lists (src/) and their pickled cache (cache/), found
    without importing deduce; None when deduce is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("deduce")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "data" / "lookup"


def deduce_needs_build() -> bool:
    """True when the gate's deduce engine is not built yet: the first use then takes
    about two minutes (seconds when deduce's own cache exists)."""
    if _engine is not None or deduce_lookup_dir() is None:
        return False
    from .engine import is_built

    return not is_built()


def import_deduce():
    """The Deduce class, imported without its side effect on logging.

    Importing deduce calls logging.basicConfig(stream=sys.stdout, level=DEBUG), which
    would pour every library's debug messages into our stdout (and break --json).
    """
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from deduce import Deduce

    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    logging.getLogger("deduce").setLevel(logging.ERROR)
    return Deduce


def name_pattern(name: str, *, person: bool = False) -> re.Pattern:
    # Whole words only: "Jan" must never match inside "Janneke" or "januari". The name is
    # normalised like the text it is matched against, and any run of spaces between its
    # words matches any run in the text ("Sanne  Vermeulen", a line break, a no-break space).
    # A person's name also in its Dutch genitive and diminutive forms: "Sannes", "Sannetje",
    # "Pietje", "Kimpje", "Jannetje" ("Sanne's" already matches: the apostrophe ends a word).
    words = [re.escape(w) for w in normalise(name)[0].split()]
    suffix = ""
    if person and words:
        last = words[-1][-1:]
        suffix = f"(?:s|je|tje|pje|{re.escape(last)}etje)?" if last.isalpha() else ""
    return re.compile(r"(?<![\w])" + r"\s+".join(words) + suffix + r"(?![\w])", re.IGNORECASE)


def load_names(path: str | Path) -> list[NameEntry]:
    """A names file: one real name per line, optionally 'school: Naam'; '#' starts a comment."""
    text, _ = read_text_file(path)
    entries: list[NameEntry] = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = normalise(raw)[0].strip()
        if not line or line.startswith("#"):
            continue
        category = "persoon"
        head, sep, rest = line.partition(":")
        if sep and head.strip().lower() in NAME_CATEGORIES:
            category, line = NAME_CATEGORIES[head.strip().lower()], rest.strip()
        if len(line) < 2:
            raise InputFileError(f"a name must have at least two characters: '{raw.strip()}'", path=str(path), line=lineno)
        entries.append(NameEntry(line, category, name_pattern(line, person=category == "persoon")))
    if not entries:
        raise InputFileError("the names file lists no names", path=str(path))
    # Longest first, so "Jan de Vries" wins over "Jan" where both match.
    entries.sort(key=lambda e: -len(e.text))
    return entries


def _inside_placeholder(start: int, end: int, holes: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in holes)


def _deduce_spans(text: str) -> list[Span]:
    doc = deduce_engine().deidentify(text)
    out = []
    for a in doc.annotations:
        category = _DEDUCE_CATEGORIES.get(a.tag.lower(), a.tag.lower())
        # deduce joins adjacent names across a sentence end ("Sanne Vermeulen. Janneke");
        # they are two people and get two placeholders. Initials ("J. de Vries") stay whole.
        start = a.start_char
        for part in _NAME_BREAK.split(a.text) if category == "persoon" else [a.text]:
            offset = text.find(part, start)
            if part.strip() and offset >= 0:
                out.append(Span(offset, offset + len(part), category, part, "deduce"))
                start = offset + len(part)
    return out


_NAME_BREAK = re.compile(r"(?<=\w\w)[.!?;]\s+")


def _spacy_spans(doc) -> list[Span]:
    out = []
    for ent in doc.ents:
        category = _SPACY_CATEGORIES.get(ent.label_)
        if category and ent.text.strip().lower() not in _DOMAIN_TERMS:
            out.append(Span(ent.start_char, ent.end_char, category, ent.text, "spacy"))
    return out


def entity_pipeline():
    """spaCy pipeline with entities when a full Dutch model is installed, else None.

    The fallback pipeline has no entity recogniser, and nothing is ever downloaded.
    Whether the model exists is asked of the import system first: importing spaCy only
    to learn that it does not costs 0.4 s on every gated import.
    """
    import importlib.util

    try:
        from ..nlp.pipeline import DEFAULT_MODEL, load_pipeline, model_installed
    except ImportError:
        return None
    try:
        if importlib.util.find_spec(DEFAULT_MODEL) is None:
            return None
    except (ImportError, ValueError):
        return None
    try:
        if not model_installed(DEFAULT_MODEL):
            return None
        pipeline = load_pipeline(DEFAULT_MODEL, entities=True)
    except Exception:  # noqa: BLE001 - a broken model must not block the gate; deduce still runs
        return None
    if getattr(pipeline, "is_fallback", True) or "ner" not in getattr(pipeline.nlp, "pipe_names", []):
        return None
    return pipeline


_SENTENCE_START = re.compile(r"(?:^|[.?!:;…—–\-\"“”'(]\s*)$")
_word_lists: tuple[set[str], set[str]] | None = None


def _words() -> tuple[set[str], set[str]]:
    """(common Dutch words, first names deduce knows), loaded once."""
    global _word_lists
    if _word_lists is None:
        import gzip
        import json
        from importlib import resources

        common: set[str] = set()
        try:
            data = resources.files("spacy_lookups_data") / "data" / "nl_lemma_index.json.gz"
            common = {w for words in json.loads(gzip.decompress(data.read_bytes())).values() for w in words}
        except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
            pass
        first: set[str] = set()
        try:
            import deduce

            names = Path(deduce.__file__).parent / "data" / "lookup" / "src" / "names" / "lst_first_name" / "items.txt"
            first = {line.strip().lower() for line in names.read_text(encoding="utf-8").splitlines() if line.strip()}
        except (ModuleNotFoundError, OSError):
            pass
        _word_lists = (common, first)
    return _word_lists


def _capitalised_word_noise(text: str, span: Span) -> bool:
    """deduce reads a capitalised common word at the start of a sentence ("Scholing is...",
    "Bond zegt...") as a surname or place. Such a single word is only a finding when it
    is also a known first name or is found elsewhere in the same file mid-sentence."""
    if span.detector != "deduce" or span.category not in ("persoon", "locatie", "instelling"):
        return False
    word = span.text
    if not word[:1].isupper() or not word.isalpha():
        return False
    if not _SENTENCE_START.search(text[: span.start]):
        return False
    common, first = _words()
    lowered = word.lower()
    return lowered in common and lowered not in first


def scan_texts(
    texts: Sequence[str],
    *,
    names: Sequence[NameEntry] = (),
    pipeline: Any = None,
    use_deduce: bool = True,
    labels: bool = False,
) -> list[list[Span]]:
    """Personal data in each text (one list of spans per text), overlaps resolved.

    Each text is read normalised (see privacy.normalise) and, where it has words in
    capitals (or, with `labels`, is a label in lower case), also as a title-cased copy;
    spans are offsets into the original text and carry its spelling. `pipeline` is a
    focuscode.nlp Pipeline (or anything with `.nlp`) whose entities are added; pass
    None to use deduce and the names list only.
    """
    views = [normalise(text)[1] for text in texts]
    docs: Iterable = iter(())
    if pipeline is not None:
        docs = pipeline.nlp.pipe([v.text for v in views], batch_size=64)
    results: list[list[Span]] = []
    for view in views:
        text = view.text
        spans: list[Span] = []
        if text.strip():
            if use_deduce:
                spans.extend(_deduce_spans(text))
                spans.extend(_pattern_spans(text))
                variant = case_variant(text, lower_too=labels, keep=_DOMAIN_TERMS) if labels or has_capitals(text) else None
                if variant is not None:
                    spans.extend(_variant_spans(text, variant))
            for entry in names:
                spans.extend(Span(m.start(), m.end(), entry.category, m.group(0), "names") for m in entry.pattern.finditer(text))
        if pipeline is not None:
            spans.extend(_spacy_spans(next(docs)))
        results.append(_resolve(text, spans))
    # A sentence-initial common word counts when the batch (one file) confirms it elsewhere.
    noise = [[_capitalised_word_noise(v.text, sp) for sp in spans] for v, spans in zip(views, results)]
    confirmed = {sp.text for spans, flags in zip(results, noise) for sp, flag in zip(spans, flags) if not flag}
    out = []
    for view, spans, flags in zip(views, results, noise):
        kept = []
        for sp, flag in zip(spans, flags):
            if flag and sp.text not in confirmed:
                continue
            start, end = view.span(sp.start, sp.end)
            kept.append(Span(start, end, sp.category, view.original[start:end], sp.detector))
        shown = shown_order(view.original)
        if shown is not None:  # right-to-left overrides: also read as shown
            kept = _add_shown(view.original, shown, kept, names, use_deduce, labels)
        out.append(kept)
    return out


def _add_shown(original: str, shown: tuple[str, list[tuple[int, int]]], kept: list[Span],
               names: Sequence[NameEntry], use_deduce: bool, labels: bool) -> list[Span]:
    """The findings of the text as it is shown, mapped back, added where nothing was found yet."""
    text, runs = shown
    extra = []
    for sp in scan_texts([text], names=names, use_deduce=use_deduce, labels=labels)[0]:
        start, end = mirror(sp.start, sp.end, runs)
        if not any(k.start < end and start < k.end for k in kept + extra):
            extra.append(Span(start, end, sp.category, original[start:end], sp.detector))
    return sorted(kept + extra, key=lambda s: s.start)


def _variant_spans(text: str, variant: str) -> list[Span]:
    """deduce's finds in the title-cased copy that are names or places, not shouted words.

    Title-casing turns every shouted word into a candidate name ("IK WIL MEER SCHOLING"),
    so a find there counts only when it holds a word deduce knows as a first name or
    surname (a person) or a word that is not common Dutch (a place or institution);
    common words at its edges ("Juf", "Interview") are left out of it."""
    common, first = _words()
    surnames = _surnames()
    out = []
    for span in _deduce_spans(variant):
        words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORDS.finditer(variant, span.start, span.end)]

        def telling(word: str) -> bool:
            if word in _DOMAIN_TERMS:
                return False
            if span.category == "persoon":
                return (word in first or word in surnames) and word not in common
            return word not in common

        if span.category in ("persoon", "locatie", "instelling"):
            marks = [w for w in words if telling(w[2])]
            if not marks:
                continue
            # One lone word must not be an English word either: file names and vendor
            # labels are often English ("nvivo15_mac_project", "my notes"). A first name
            # and surname together ("bas jansen") are a name whatever else they mean.
            interfixes = _deduce_list("lst_interfix")
            named = [w for w in words if w[2] not in interfixes and (w[2] in first or (w[2] in surnames and w[2] not in common))]
            if len(marks) == 1 and len(named) < 2 and marks[0][2] in _english_words():
                continue
            if span.category == "persoon" and len(named) >= 2:
                marks = named
            start, end = (marks[0][0], marks[-1][1]) if span.category == "persoon" else (span.start, span.end)
            # A street keeps its number, a name its initials and interfixes between the telling words.
            out.append(Span(start, end, span.category, text[start:end], "deduce"))
        else:
            out.append(Span(span.start, span.end, span.category, text[span.start:span.end], "deduce"))
    return out


_WORDS = re.compile(r"[^\W\d_]+")
_english: set[str] | None = None


def _english_words() -> set[str]:
    global _english
    if _english is None:
        import gzip
        import json
        from importlib import resources

        _english = {"my", "me", "our", "your", "his", "her", "their"}
        try:
            folder = resources.files("spacy_lookups_data") / "data"
            index = json.loads(gzip.decompress((folder / "en_lemma_index.json.gz").read_bytes()))
            _english |= {w for words in index.values() for w in words}
            # Inflected forms too: "ids", "exports", "notes".
            _english |= set(json.loads(gzip.decompress((folder / "en_lemma_lookup.json.gz").read_bytes())))
        except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
            pass
    return _english
_deduce_lists: dict[str, set[str]] = {}


def _deduce_list(name: str) -> set[str]:
    """One of deduce's name lists (lst_surname, lst_interfix), lower case, read once."""
    if name not in _deduce_lists:
        words: set[str] = set()
        base = deduce_lookup_dir()
        if base is not None:
            try:
                items = base / "src" / "names" / name / "items.txt"
                words = {w.strip().lower() for w in items.read_text(encoding="utf-8").splitlines() if w.strip()}
            except OSError:
                pass
        _deduce_lists[name] = words
    return _deduce_lists[name]


def _surnames() -> set[str]:
    return _deduce_list("lst_surname")


# What deduce misses (it finds "06-12345678" but only the last eight digits of
# "+31 6 12345678", nothing of "+31 (0)6 1234 5678" or "+31 20 123 4567", and the digits of
# an IBAN without its bank code); our detector "pattern" ranks with deduce.
_PATTERNS = (
    ("telefoonnummer", re.compile(r"(?<![\w+])(?:\+|00)31[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){7,9}(?!\d)")),
    ("id-nummer", re.compile(r"(?<![\w])NL\d{2}[ ]?[A-Z]{4}(?:[ ]?\d){10}(?!\d)")),
)
_DIMINUTIVE = re.compile(r"(?<![\w'’-])[A-Z][a-zà-ÿ]{1,15}(?:je|tje|pje)(?![\w'’-])")


def _pattern_spans(text: str) -> list[Span]:
    out = [Span(m.start(), m.end(), category, m.group(0), "pattern")
           for category, pattern in _PATTERNS for m in pattern.finditer(text)]
    # A diminutive of a first name deduce knows ("Sannetje", "Kimpje"; deduce lists some
    # itself, "Pietje", "Jantje"), unless the word or its stem is common Dutch ("Meisje", "Beetje").
    if "je" in text:
        common, first = _words()
        for m in _DIMINUTIVE.finditer(text):
            word = m.group(0).lower()
            if word in common or word in first:
                continue
            stems = [word[:-3] if word.endswith(("tje", "pje")) else None, word[:-2]]
            if word.endswith("etje") and len(word) > 5 and word[-5] == word[-6]:
                stems.append(word[:-5])  # "Jannetje", "Tommetje": a doubled consonant
            if any(s and len(s) >= 2 and s in first and s not in common for s in stems):
                out.append(Span(m.start(), m.end(), "persoon", m.group(0), "pattern"))
    return out


def _resolve(text: str, spans: list[Span]) -> list[Span]:
    holes = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    kept: list[Span] = []
    # The user's own names list is the surest source, then the longer span.
    order = {"names": 0, "deduce": 1, "pattern": 1, "spacy": 2}
    for span in sorted(spans, key=lambda s: (order[s.detector], -(s.end - s.start), s.start)):
        if span.end <= span.start or not text[span.start:span.end].strip():
            continue
        if holes and _inside_placeholder(span.start, span.end, holes):
            continue
        if any(k.start < span.end and span.start < k.end for k in kept):
            continue
        kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def summarise(findings: Sequence[Finding], limit: int = 10) -> str:
    shown = "; ".join(f.describe() for f in findings[:limit])
    more = len(findings) - limit
    if more > 0:
        shown += f"; and {more} more (list them all with 'focuscode anonymise FILE {setting('check')}')"
    return shown
