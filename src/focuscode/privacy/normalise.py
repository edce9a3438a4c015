"""What the privacy scanner reads: text normalised so a name cannot hide, mapped back to the original.

A name can be written so that a scanner looking for "Sanne Vermeulen" misses it
while every reader sees it: with decomposed accents (NFD), with a zero-width space,
soft hyphen or direction mark inside, with a no-break or double space, in full-width
or lookalike letters of another script, hyphenated at a line end, with Markdown
emphasis inside, or in capitals (deduce mostly recognises names by their capital). The scanner therefore reads a
normalised view of each text, and a title-cased copy where the text shouts or a
label is all lower case; every span it finds is mapped back to the original
characters, so a finding is reported at its own place with its own spelling.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

# Characters that render as nothing: zero-width space/non-joiner/joiner, word joiner,
# zero-width no-break space (BOM), the soft hyphen, the combining grapheme joiner, the
# invisible operators, and the direction marks, embeddings, overrides and isolates
# (a left-to-right mark inside "San\u200ene" splits the name for a scanner, not for a reader).
INVISIBLE = ("\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u061c\u180e\u200e\u200f"
             "\u202a\u202b\u202c\u202d\u202e\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069")
# Also invisible, as ranges: variation selectors and the tag characters.
_INVISIBLE_RANGES = "\ufe00-\ufe0f\U000e0000-\U000e007f"
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A word broken at a line end by a hyphen ("Ver-\nmeulen", as Word's "save as text" and
# typists' hard hyphenation leave it): read joined. Also a hyphen and one space before a
# lower-case letter, which is what a docx line break inside a word becomes once a
# paragraph's whitespace is folded ("Ver- meulen"), but not Dutch elision ("po- en vo-").
# (The sign comes first and the letter before it is checked after it: a pattern that starts
# with a look-behind is tried at every character, ten times slower on a long turn.)
_BROKEN_WORD = (r"[-\u2010\u2011](?<=[^\W\d_].)[^\S\n]*\n[^\S\n]*(?=[^\W\d_])"
                r"|[-\u2010\u2011](?<=[^\W\d_].) (?!(?:en|of|tot|als|noch|dan)\b)(?=[^\W\d_A-ZÀ-ÖØ-Þ])")
# Markdown emphasis inside a word ("S**an**ne", "S_an_ne", "S~~an~~ne") splits it for a
# scanner, while a Markdown viewer, and the summary's Markdown, shows the word whole.
_EMPHASIS_INSIDE = r"[*_~](?<=[^\W\d_].)[*_~]*(?=[^\W\d_])"
# Only between digits: a dash between words ("po – vo") is common and changes nothing.
_DASH_IN_NUMBER = r"[\u2010\u2011\u2012\u2013\u2212](?<=\d.)(?=\d)"
# Only these stretches change; the rest of a text is copied as it is (the common case
# is a text with none of them, which costs one regex search).
_SPECIAL = re.compile(
    rf"[{INVISIBLE}{_INVISIBLE_RANGES}]+"  # dropped
    rf"|{_BROKEN_WORD}|{_EMPHASIS_INSIDE}"  # dropped: the word is read whole
    rf"|{_DASH_IN_NUMBER}"  # "-": Word's non-breaking hyphen or dash in "06–12345678"
    rf"|[^\S\n]{{2,}}|[^\S\n ]"  # a run of spaces, or one tab/no-break space: one space
    rf"|.[{_COMBINING}]+",  # a letter with combining marks: composed (NFC)
    re.DOTALL,
)
_DROPPED = re.compile(rf"[{INVISIBLE}{_INVISIBLE_RANGES}]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Letters of other scripts that look like Latin ones: "Sаnne" with a Cyrillic "а" reads as
# Sanne to everyone but a scanner. Only the scanner's view is folded; findings keep the original.
_CONFUSABLE = dict(zip(
    "аеорсухіјѕһԁԛԝӏвкмнтАВЕКМНОРСТХУІЈЅԜ"  # Cyrillic
    "οαινυκτΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"  # Greek
    "ıɑɡ",  # Latin lookalikes: dotless i, script a and g
    "aeopcyxijshdqwlbkmhtABEKMHOPCTXYIJSW"
    "oaivuktABEZHIKMNOPTYX"
    "iag",
))
_folded: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    """What a reader takes a character for: its compatibility form (full-width
    "Ｓａｎｎｅ", mathematical bold, the "ĳ" ligature), with lookalikes of other scripts as Latin."""
    out = _folded.get(ch)
    if out is None:
        out = "".join(_CONFUSABLE.get(c, c) for c in unicodedata.normalize("NFKC", ch))
        if not out.strip() and not ch.isspace():  # a compatibility form of nothing visible
            out = ch
        _folded[ch] = out
    return out


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass
class View:
    """A normalised text and how to find each of its characters in the original."""

    original: str
    text: str
    # Pieces of the view, sorted: (start in view, start in original, end in original, copied).
    # A copied piece maps character by character; a replaced one maps as a whole.
    _view_starts: list[int]
    _pieces: list[tuple[int, int, int, bool]]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of the view's characters start..end."""
        if not self._pieces:
            return start, end
        return self._orig(start, False), self._orig(end - 1, True) if end > start else self._orig(start, False)

    def _orig(self, pos: int, after: bool) -> int:
        k = max(bisect.bisect_right(self._view_starts, pos) - 1, 0)
        vstart, ostart, oend, copied = self._pieces[k]
        if copied:
            return ostart + (pos - vstart) + (1 if after else 0)
        return oend if after else ostart


_ODD_SPACE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")


def _plain(text: str) -> bool:
    """Nothing to normalise: the common case, tested with substring checks (a regex over
    every character of a million-word import costs about a second)."""
    if text.isascii():
        return not ("  " in text or "\t" in text or "\r" in text or "\x0b" in text or "\x0c" in text
                    or _broken(text))
    if any(_fold_char(ch) != ch for ch in set(_NON_ASCII.findall(text))):
        return False
    return (not _DROPPED.search(text) and unicodedata.is_normalized("NFC", text)
            and not _ODD_SPACE.search(text) and not _broken(text))


# Searched one by one: as one alternation the search is twice as slow.
_HYPHEN_BREAK, _EMPHASIS, _NUMBER_DASH = (re.compile(p) for p in (_BROKEN_WORD, _EMPHASIS_INSIDE, _DASH_IN_NUMBER))


def _broken(text: str) -> bool:
    """Whether a word is broken by a hyphen, emphasis or a dash in a number (each searched
    only when its sign is in the text at all)."""
    return bool((("-" in text or "\u2010" in text or "\u2011" in text) and _HYPHEN_BREAK.search(text))
                or (("*" in text or "_" in text or "~" in text) and _EMPHASIS.search(text))
                or (not text.isascii() and _NUMBER_DASH.search(text)))


def normalise(text: str) -> tuple[str, View]:
    """(normalised text, its View): NFC, invisible characters dropped, spaces folded.

    Line breaks are kept, so lines stay lines."""
    if _plain(text):
        return text, View(text, text, [], [])
    out: list[str] = []
    view_starts: list[int] = []
    pieces: list[tuple[int, int, int, bool]] = []
    vpos = 0
    last = 0

    def add(chunk: str, ostart: int, oend: int, copied: bool) -> None:
        nonlocal vpos
        if not chunk:
            return
        view_starts.append(vpos)
        pieces.append((vpos, ostart, oend, copied))
        out.append(chunk)
        vpos += len(chunk)

    def copy(chunk: str, ostart: int) -> None:
        # Between special stretches: composed, and each character a reader would take
        # for another (full-width, lookalike) read as that one, still mapped one to one.
        pos = 0
        for m in _NON_ASCII.finditer(chunk):
            folded = _fold_char(m.group(0))
            if folded != m.group(0):
                if m.start() > pos:
                    piece = unicodedata.normalize("NFC", chunk[pos:m.start()])
                    add(piece, ostart + pos, ostart + m.start(), len(piece) == m.start() - pos)
                add(folded, ostart + m.start(), ostart + m.end(), len(folded) == 1)
                pos = m.end()
        if pos < len(chunk):
            piece = unicodedata.normalize("NFC", chunk[pos:])
            add(piece, ostart + pos, ostart + len(chunk), len(piece) == len(chunk) - pos)

    for m in _SPECIAL.finditer(text):
        if m.start() > last:
            copy(text[last : m.start()], last)
        raw = m.group(0)
        if raw[0] in "\u2010\u2011\u2012\u2013\u2212" and len(raw) == 1 and m.start() and text[m.start() - 1].isdigit():
            add("-", m.start(), m.end(), False)
        elif _DROPPED.match(raw) or raw[0] in "-\u2010\u2011*_~":
            pass
        elif raw[0].isspace():
            add(" ", m.start(), m.end(), False)
        else:
            composed = unicodedata.normalize("NFC", _DROPPED.sub("", raw))
            add("".join(_fold_char(ch) for ch in composed), m.start(), m.end(), False)
        last = m.end()
    if last < len(text):
        copy(text[last:], last)
    return "".join(out), View(text, "".join(out), view_starts, pieces)


# A right-to-left override shows the letters after it in reverse, up to the pop or the end
# of the line: "\u202eneluemreV ennaS\u202c" shows as "Sanne Vermeulen" in every export
# and viewer that honours it. The scanner reads such text as it is shown, too.
_OVERRIDE = re.compile("\u202e([^\u202c\n]*)")


def shown_order(text: str) -> tuple[str, list[tuple[int, int]]] | None:
    """(the text with every right-to-left override's stretch reversed, those stretches),
    same length, so an offset in a stretch maps to its mirror; None without overrides."""
    if "\u202e" not in text:
        return None
    runs: list[tuple[int, int]] = []

    def flip(m: re.Match) -> str:
        runs.append((m.start(1), m.end(1)))
        return "\u200b" + m.group(1)[::-1]  # the override itself: as invisible, one character

    return _OVERRIDE.sub(flip, text), runs


def mirror(start: int, end: int, runs: list[tuple[int, int]]) -> tuple[int, int]:
    """The original span of shown_order's characters start..end."""
    for a, b in runs:
        if a <= start and end <= b:
            return a + (b - end), a + (b - start)
        if start < b and a < end:  # partly in a reversed stretch: the whole of both
            start, end = min(start, a), max(end, b)
    return start, end


_UPPER_RUN = re.compile(r"[A-ZÀ-ÖØ-Þ]{2,}")


def has_capitals(text: str) -> bool:
    """Whether a word is written in capitals ("SANNE"; not the "OOP" of "OOP'er")."""
    for m in _UPPER_RUN.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if not before.isalpha() and not after.isalpha() and after not in "'’":
            return True
    return False


def case_variant(text: str, *, lower_too: bool = False, keep: frozenset[str] | set[str] = frozenset()) -> str | None:
    """A copy with words in capitals (and, for labels, words in lower case) title-cased,
    same length and offsets; None when nothing changes.

    deduce finds "Sanne Vermeulen" but not "SANNE VERMEULEN" or a label "sanne"."""
    changed = False

    def fix(m: re.Match) -> str:
        nonlocal changed
        word = m.group(0)
        if len(word) < 2 or word.lower() in keep or not (word.isupper() or (lower_too and word.islower())):
            return word
        title = word[:1].upper() + word[1:].lower()
        if len(title) != len(word) or title == word:
            return word
        changed = True
        return title

    variant = _WORD.sub(fix, text)
    return variant if changed else None

