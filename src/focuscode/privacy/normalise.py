"""What the privacy scanner reads: text normalised so a name cannot hide, mapped back to the original.

A name can be written so that a scanner looking for "Sanne Vermeulen" misses it
while every reader sees it: with decomposed accents (NFD), with a zero-width space
or soft hyphen inside, with a no-break or double space, or in capitals (deduce
mostly recognises names by their capital). The scanner therefore reads a
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
# zero-width no-break space (BOM) and the soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Only these stretches change; the rest of a text is copied as it is (the common case
# is a text with none of them, which costs one regex search).
_SPECIAL = re.compile(
    rf"[{INVISIBLE}]+"  # dropped
    rf"|[^\S\n]{{2,}}|[^\S\n ]"  # a run of spaces, or one tab/no-break space: one space
    rf"|.[{_COMBINING}]+",  # a letter with combining marks: composed (NFC)
    re.DOTALL,
)
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
        return not ("  " in text or "\t" in text or "\r" in text or "\x0b" in text or "\x0c" in text)
    return (not any(ch in text for ch in INVISIBLE) and unicodedata.is_normalized("NFC", text)
            and not _ODD_SPACE.search(text))


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

    for m in _SPECIAL.finditer(text):
        if m.start() > last:
            chunk = text[last : m.start()]
            composed = unicodedata.normalize("NFC", chunk)
            add(composed, last, m.start(), len(composed) == len(chunk))
        raw = m.group(0)
        if raw[0] in INVISIBLE:
            pass
        elif raw[0].isspace():
            add(" ", m.start(), m.end(), False)
        else:
            add(unicodedata.normalize("NFC", raw), m.start(), m.end(), False)
        last = m.end()
    if last < len(text):
        rest = text[last:]
        composed = unicodedata.normalize("NFC", rest)
        add(composed, last, len(text), len(composed) == len(rest))
    return "".join(out), View(text, "".join(out), view_starts, pieces)


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

