"""Fixed-length token patterns on LEMMA and LOWER, matched without spaCy's Matcher.

Most codebook patterns are a few words in a row, each named by lemma or lowercase
form, possibly as a list: [{LEMMA: {IN: [leraar, docent]}}, {LEMMA: ziek}]. spaCy's
Matcher spends 20-60 µs on every short text for one such pattern, more than the whole
rest of the matching, while finding the first word's positions with list.index and
checking the next few words costs a microsecond. Patterns with operators or other
attributes still go to spaCy's Matcher.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

SIMPLE_ATTRS = ("LEMMA", "LOWER")


class SimplePattern(NamedTuple):
    attrs: tuple[str, ...]  # per token: "LEMMA" or "LOWER"
    words: tuple[frozenset[int], ...]  # per token: the hashes it accepts

    def find(self, lemmas: list[int], lowers: list[int] | None) -> list[tuple[int, int]]:
        """(start, end) token offsets of the non-overlapping matches, leftmost first."""
        columns = [lemmas if attr == "LEMMA" else lowers for attr in self.attrs]
        if any(c is None for c in columns):
            raise ValueError("lowercase forms are needed for this pattern")
        n = len(self.words)
        first_column, first_words = columns[0], self.words[0]
        starts = sorted({i for h in first_words for i in positions(first_column, h)})
        out: list[tuple[int, int]] = []
        next_free = 0
        for start in starts:
            if start < next_free or start + n > len(lemmas):
                continue
            if all(columns[k][start + k] in self.words[k] for k in range(1, n)):
                out.append((start, start + n))
                next_free = start + n
        return out


def compile_simple(pattern: list[dict], strings) -> SimplePattern | None:
    """The pattern as a SimplePattern, or None if it needs spaCy's Matcher.

    `strings` is the vocab's StringStore, used to hash the words.
    """
    attrs, words = [], []
    for token in pattern:
        if len(token) != 1:
            return None
        ((attr, value),) = token.items()
        if attr not in SIMPLE_ATTRS:
            return None
        if isinstance(value, str):
            values = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            values = value["IN"]
        else:
            return None
        if not values or not all(isinstance(v, str) for v in values):
            return None
        attrs.append(attr)
        words.append(frozenset(strings.add(v) for v in values))
    return SimplePattern(tuple(attrs), tuple(words)) if attrs else None


def positions(values: list[int], value: int) -> Sequence[int]:
    """Where `value` stands in `values`, in order."""
    # list.count and list.index search in C: much faster than enumerating the tokens in
    # Python, and counting first spares a generator and the ValueError that ended it (this
    # runs about seven times per segment)
    n = values.count(value)
    if n < 2:
        return (values.index(value),) if n else ()
    found = []
    i = -1
    for _ in range(n):
        i = values.index(value, i + 1)
        found.append(i)
    return found
