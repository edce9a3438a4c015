"""Passages of a turn: sentences, quoted words and spans, in code-point offsets.

A coding may cover a passage of its turn instead of the whole turn. A passage is
stored as (span_start, span_end): offsets into the segment's text counted in code
points (Python string indices), end exclusive, the way REFI-QDA counts positions in
a plain-text source. (None, None) is the whole turn.

Sentences are found by a small rule set for spoken and typed Dutch rather than by a
parser: it needs no model, gives the same sentences with and without
nl_core_news_sm, and is fast enough to run at display time on every turn shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import FocuscodeError, setting

Span = tuple[int, int]

# Abbreviations after which a full stop does not end a sentence ("dhr. Jansen", "o.a. De
# Bron", "blz. 4"). A word with a full stop inside ("m.i.", "i.s.m.") counts as one too.
_ABBREVIATIONS = frozenset(
    "bijv bv dhr mevr mw mr dr drs ir ing prof ca nr nrs vs resp evt incl excl etc enz jl vlg zgn "
    "blz pag min max jr st afd tel "
    "o.a a.s d.w.z i.p.v m.b.t m.n t.a.v t.o.v o.b.v i.v.m z.s.m e.d e.a n.a.v v.d t.w m.i a.u.b z.o.z "
    "i.s.m o.i.d e.v i.c.m n.v.t d.m.v".split()
)
# A sentence ends at . ! ? … (with closing quotes/brackets after it) followed by white space;
# whether it really ends depends on what comes next (decided in `sentences`). A line break
# always ends one. (The lookahead first lets the regex engine skip to those characters instead
# of trying both alternatives at every position: a third of the time of finding sentences.)
_END = re.compile(r"""(?=[.!?…\n])(?:([.!?…]+["'’”)\]]*)(\s+)(?=\S)|\n\s*)""")
_OPENING = "\"'‘’“„([\u00bf\u00a1"


# Abbreviations that often end a sentence: a capital after them starts a new one.
_CAN_END = frozenset("enz etc e.d e.a o.i.d e.v".split())


def _ends_here(text: str, punct: str, space: str, after: int) -> bool:
    if "\n" in space:
        return True  # a new line, as in a typed answer or a list
    word = text[text.rfind(" ", 0, after - len(space) - len(punct)) + 1: after - len(space) - len(punct)].lower()
    if punct == "." and word in _CAN_END:
        return text[after].isupper() or text[after] in _OPENING
    if punct.startswith(".") and not punct.startswith("..") and (
            word in _ABBREVIATIONS or "." in word or (len(word) == 1 and word.isalpha())):
        return False  # "dhr. Jansen", "m.i. is", "J. de Vries"
    nxt = text[after]
    if nxt.isupper() or nxt.isdigit() or nxt in _OPENING:
        return True
    if nxt.islower():
        # Typed answers often go on in lower case ("ik weet het niet. misschien wel."); a
        # trailing-off "maar ja… dat" goes on.
        return punct[0] in ".!?" and not punct.startswith("..") and word.isalpha() and len(word) > 1
    return not nxt.isalnum()  # an emoji or another symbol after "?!"


def sentences(text: str, until: int | None = None) -> list[Span]:
    """The sentences of a turn as (start, end) spans, without surrounding white space; with
    `until`, only those up to the one that holds that offset (each boundary is decided by the
    words around it alone, so the first sentences are the same either way)."""
    spans: list[Span] = []
    start = 0
    for m in _END.finditer(text):
        if m.group(1):
            if not _ends_here(text, m.group(1), m.group(2), m.end()):
                continue
            end = m.end(1)
        else:
            end = m.start()
        _add(text, spans, start, end)
        start = m.end()
        if until is not None and start > until:
            return spans
    _add(text, spans, start, len(text))
    return spans


def _add(text: str, spans: list[Span], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


class PassageError(FocuscodeError):
    """A passage that is not in the turn: words not found or found twice, a span outside it."""


def check_span(text: str, span: Span, *, where: str = "") -> Span | None:
    """A valid passage of `text`, or None when it covers the whole turn."""
    start, end = span
    if end <= start:
        raise PassageError(f"{where}span {start}:{end} is {'empty' if end == start else 'reversed'}: "
                           "give START:END with END after START (end exclusive)")
    if not (0 <= start < end <= len(text)):
        raise PassageError(f"{where}span {start}:{end} is not inside the turn (0:{len(text)}, end exclusive)")
    if start == 0 and end == len(text):
        return None
    return (start, end)


def parse_span(value: str) -> Span:
    """'12:40' -> (12, 40)."""
    parts = value.strip().split(":")
    if len(parts) != 2 or not all(p.strip().isascii() and p.strip().isdigit() and len(p.strip()) < 10 for p in parts):
        raise PassageError(f"not a span: '{value[:40]}' (use START:END in characters of the turn, e.g. 0:120)")
    return int(parts[0]), int(parts[1])


def find_quote(text: str, quote: str) -> Span:
    """Where the quoted words stand in the turn. White space may differ (a quote copied
    from a wrapped terminal line); the words, their case and punctuation may not."""
    words = quote.split()
    if not words:
        raise PassageError(f"{setting('quote')} is empty")
    if len(quote) > len(text) + 100:
        raise PassageError(f"{setting('quote')} is longer than the turn ({len(text)} characters)")
    # Whole words at the edges: "leraar" is not the start of "leraarsopleiding". A quote
    # typed with straight quotes finds Word's curly ones ("OOP'er" -> "OOP’er") and back.
    found = places(text, words, whole_words=True, typed=True)
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    if not found:
        hint = ""
        if places(text, words, whole_words=True, typed=True, ignore_case=True):
            hint = " (it is there with other capitals: copy it as it stands)"
        raise PassageError(f"the words '{short}' are not in this turn{hint}")
    if len(found) > 1:
        where = ", ".join(f"{s}:{e}" for s, e in found[:5])
        raise PassageError(
            f"the words '{short}' stand {len(found)} times in this turn ({where}): quote more words or give {setting('span')}"
        )
    return found[0]


_ELLIPSIS = r"(?:\.\.\.|…)"  # three full stops typed for Word's ellipsis character, and back
_QUOTE_MARKS = {"'": "'’‘`´", "’": "'’‘`´", "‘": "'’‘`´", '"': '"“”„', "“": '"“”„', "”": '"“”„', "„": '"“”„'}


def _quote_pattern(word: str) -> str:
    parts = []
    for piece in re.split(r"(\.\.\.|…)", word):
        if piece in ("...", "…"):
            parts.append(_ELLIPSIS)
        else:
            parts.append("".join(f"[{re.escape(_QUOTE_MARKS[ch])}]" if ch in _QUOTE_MARKS else re.escape(ch)
                                 for ch in piece))
    return "".join(parts)


def places(text: str, words: list[str], *, whole_words: bool, typed: bool = False,
           ignore_case: bool = False) -> list[Span]:
    """Where these words stand in the text, one after another with any white space between
    them. `whole_words`: not inside a longer word at either edge; `typed`: quote marks and
    an ellipsis may be typed the plain way or Word's way."""
    body = r"\s+".join(_quote_pattern(w) if typed else re.escape(w) for w in words)
    if whole_words:
        body = (r"(?<!\w)" if words[0][0].isalnum() else "") + body + (r"(?!\w)" if words[-1][-1].isalnum() else "")
    return [m.span() for m in re.finditer(body, text, re.IGNORECASE if ignore_case else 0)]


def sentence_span(text: str, number: str | int) -> Span:
    """Sentence N (1-based) of the turn, or a range 'N-M' of sentences."""
    spans = sentences(text)
    value = str(number).strip()
    bounds = value.split("-", 1)
    if not all(b.strip().isascii() and b.strip().isdigit() and len(b.strip()) < 10 for b in bounds):
        raise PassageError(f"not a sentence number: '{value[:20]}' (use N or N-M, counting from 1)")
    lo, hi = int(bounds[0]), int(bounds[-1])
    if hi < lo:
        raise PassageError(f"sentences {value} run backwards: give N-M with M at least N")
    if lo < 1 or hi > len(spans):
        raise PassageError(f"sentence {value} is not in this turn: it has {len(spans)} sentence{'s' if len(spans) != 1 else ''}")
    return spans[lo - 1][0], spans[hi - 1][1]


def resolve(text: str, *, quote: str | None = None, span: str | Span | None = None,
            sentence: str | int | None = None) -> Span | None:
    """The passage that one of quote / span / sentence names, None for the whole turn."""
    given = [k for k, v in (("quote", quote), ("span", span), ("sentence", sentence)) if v not in (None, "")]
    if len(given) > 1:
        from .errors import UsageError

        raise UsageError(f"give one of {', '.join(setting(k) for k in given)}, not several")
    if quote not in (None, ""):
        return check_span(text, find_quote(text, quote))
    if span not in (None, ""):
        return check_span(text, parse_span(span) if isinstance(span, str) else span)
    if sentence not in (None, ""):
        return check_span(text, sentence_span(text, sentence))
    return None


@dataclass(frozen=True)
class Excerpt:
    """A passage completed to whole sentences, for quoting."""

    start: int
    end: int
    cut_before: bool  # the turn has words before the excerpt
    cut_after: bool

    def quote(self, text: str, mark: str = "[...]") -> str:
        body = text[self.start : self.end]
        return f"{mark + ' ' if self.cut_before else ''}{body}{' ' + mark if self.cut_after else ''}"


def complete_to_sentences(text: str, span: Span | None, sentence_spans: list[Span] | None = None) -> Excerpt:
    """The whole sentences a passage touches, and whether the turn goes on either side."""
    if span is None:
        return Excerpt(0, len(text), False, False)
    start, end = span
    spans = sentence_spans if sentence_spans is not None else sentences(text)
    first = next((s for s in spans if s[1] > start), None)
    last = next((s for s in reversed(spans) if s[0] < end), None)
    s = min(start, first[0]) if first else start
    e = max(end, last[1]) if last else end
    before = text[:s].strip() != ""
    after = text[e:].strip() != ""
    return Excerpt(s, e, before, after)


def sentences_of(text: str, positions: list[Span], spans: list[Span] | None = None) -> list[Span]:
    """The sentences that hold any of the given (start, end) positions (evidence of a suggestion)."""
    spans = sentences(text) if spans is None else spans
    return [s for s in spans if any(p[0] < s[1] and s[0] < p[1] for p in positions)]
