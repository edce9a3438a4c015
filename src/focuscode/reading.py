"""The reading view of one transcript: its turns with speaker, role, time, codes and
passages, laid out in lines of a given width, and the places `--code` jumps to.

A researcher reads a coded transcript here before writing about it. The library
builds the view and its lines; the CLI pages them (cli/read.py). Lines carry
abstract style names ("passage", "current", "marker", ...) that the CLI maps to
terminal styles, so nothing here knows of a terminal.

What is shown of a speaker is what `segments` shows: label, role, sector and the
transcript's source; never a school type or a name.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from .errors import FocuscodeError, UnknownCoderError

Span = tuple[int, int]


def clock(ms: int | None) -> str:
    """A turn's start as H:MM:SS ('' when the transcript has no times)."""
    if ms is None:
        return ""
    seconds = int(ms) // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@dataclass
class Mark:
    """One code on a turn or a passage of it, with every coder who gave it."""

    code: str
    theme: str
    span: Span | None  # None: the whole turn
    coders: list[str]
    number: int | None = None  # the passage's number in its turn (its markers and legend)


@dataclass
class Turn:
    row: dict  # the segment as segments.list_segments gives it
    marks: list[Mark]  # whole-turn marks first, then passages by position

    @property
    def passages(self) -> list[Mark]:
        return [m for m in self.marks if m.span is not None]


@dataclass
class Target:
    """A place `--code` jumps to: a passage of a turn, or a whole turn."""

    turn: int  # index into Reading.turns
    mark: Mark


@dataclass
class Reading:
    transcript: str
    source: str
    coder: str | None
    code: str | None
    coders: list[str]  # who coded anything in this transcript
    turns: list[Turn]
    targets: list[Target] = field(default_factory=list)
    memos: list[dict] = field(default_factory=list)  # memos on the transcript itself


def transcript_named(db, name: str) -> tuple[int, str, str]:
    """(id, name, source) of the transcript `segments` calls `name`; an unknown name
    is an error suggesting the closest names."""
    from .codes import match_codes

    rows = db.execute("SELECT id, name, source FROM transcripts ORDER BY name").fetchall()
    for exact in (True, False):
        for tid, tname, source in rows:
            if tname == name if exact else tname.lower() == name.lower():
                return tid, tname, source
    if not rows:
        raise FocuscodeError("no transcripts in the project yet; import some first")
    # match_codes is the project's one "what did they mean" over names (exact, part, typo).
    near = match_codes(name, [r[1] for r in rows], limit=3)
    hint = f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else ""
    raise FocuscodeError(f"no transcript named '{name}'{hint}; see 'focuscode segments'")


def _check_coder(db, coder: str) -> None:
    from .coding import known_coders

    coders = known_coders(db)
    if coder not in coders:
        listing = ", ".join(coders[:10]) or "none yet"
        raise UnknownCoderError(f"unknown coder '{coder}': no codings or seen segments by that name (coders here: {listing})")


def build_reading(db, transcript: str, *, coder: str | None = None, code: str | None = None) -> Reading:
    """The transcript's turns with every accepted coding (of `coder`, or of all coders),
    passages numbered per turn, and the jump targets of `code` (a theme brings its subcodes)."""
    from .segments import CODE_SUBTREE_SQL, SegmentFilter, list_segments

    _tid, name, source = transcript_named(db, transcript)
    if coder is not None:
        _check_coder(db, coder)
    wanted: set[str] = set()
    if code is not None:
        from .codes import code_id

        cid = code_id(db, code)
        code = db.execute("SELECT name FROM codes WHERE id = ?", [cid]).fetchone()[0]
        wanted = {r[0] for r in db.execute(f"SELECT name FROM codes WHERE id IN ({CODE_SUBTREE_SQL})", [cid])}
    rows = list_segments(db, SegmentFilter(transcript=name, coder=coder))
    turns: list[Turn] = []
    everyone: set[str] = set()
    for row in rows:
        # Accepted decisions only: a suggestion is nobody's code yet, and a rejected
        # passage next to an accepted one says nothing about the turn.
        kept = [c for c in row["codings"] if c["coder"] is not None and c["status"] == "accepted"]
        if coder is not None:
            row["memos"] = [m for m in row.get("memos", []) if m["coder"] in (None, coder)]
        row["codings"] = kept
        everyone.update(c["coder"] for c in kept)
        turns.append(Turn(row, _marks(row["text"], kept)))
    reading = Reading(name, source, coder, code, sorted(everyone), turns, memos=_transcript_memos(db, _tid, coder))
    if code is not None:
        reading.targets = [Target(i, m) for i, t in enumerate(turns) for m in t.marks if m.code in wanted]
    return reading


def _marks(text: str, codings: list[dict]) -> list[Mark]:
    merged: dict[tuple, Mark] = {}
    for c in codings:
        span = tuple(c["span"]) if c["span"] else None
        if span is not None and not (0 <= span[0] < span[1] <= len(text)):
            span = None  # a span outside the text (a hand-edited row): shown as the whole turn
        key = (c["code"], span)
        if key not in merged:
            merged[key] = Mark(c["code"], c["theme"], span, [])
        if c["coder"] not in merged[key].coders:
            merged[key].coders.append(c["coder"])
    whole = [m for m in merged.values() if m.span is None]
    parts = sorted((m for m in merged.values() if m.span is not None), key=lambda m: (m.span[0], -m.span[1], m.code))
    for number, m in enumerate(parts, start=1):
        m.number = number
    return whole + parts


def _transcript_memos(db, tid: int, coder: str | None) -> list[dict]:
    rows = db.execute("SELECT coder, text FROM memos WHERE target = 'transcript' AND transcript_id = ? ORDER BY id", [tid])
    return [{"coder": who, "text": text} for who, text in rows if coder is None or who in (None, coder)]


def reading_json(reading: Reading) -> dict:
    """The view as data: every turn in the shape `segments --json` gives it (its accepted
    codings with span_start, span_end and quote; null: the whole turn), without the school
    type, and the jump targets of the code."""
    from .segments import segment_json

    def turn(t: Turn) -> dict:
        data = segment_json(t.row)
        del data["school_type"]  # the view shows a speaker by label, role, sector and source only
        data["time"] = clock(t.row["start_ms"]) or None
        return data

    return {
        "transcript": reading.transcript,
        "source": reading.source,
        "coder": reading.coder,
        "code": reading.code,
        "coders": reading.coders,
        "memos": reading.memos,
        "turns": [turn(t) for t in reading.turns],
        "targets": [
            {"segment_id": reading.turns[x.turn].row["id"], "ordinal": reading.turns[x.turn].row["ordinal"],
             "code": x.mark.code, "coders": x.mark.coders,
             "span_start": x.mark.span[0] if x.mark.span else None, "span_end": x.mark.span[1] if x.mark.span else None}
            for x in reading.targets
        ],
    }


# --- lines -----------------------------------------------------------------------------------

# A line part carries style names, space separated: title, speaker, time, muted, text,
# passage, current, marker, codes, memo, and facilitator on every part of a facilitator's
# turn. The CLI maps them to terminal styles, and drops them without colour.
INDENT = "  "


@dataclass
class Line:
    parts: list[tuple[str, str]]  # (text, style names)

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.parts)


# The combining marks NFKD splits off Latin letters (é -> e + U+0301): one C-speed pass.
_DIACRITICS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Text to search in: case and diacritics ignored ("Één" finds "een")."""
    return _DIACRITICS.sub("", unicodedata.normalize("NFKD", text.casefold()))


def cells(text: str) -> int:
    """Terminal columns `text` takes: wide (East Asian, emoji) characters two, combining marks
    and format characters (the joiner inside 👩‍🏫) none."""
    if text.isascii():
        return len(text)
    n = 0
    for ch in text:
        if ch < "\u0300":
            n += 1
        elif not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf":  # Cf: joiners, no column
            n += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return n


@dataclass
class Block:
    """The lines of the view's head (block 0) or of one turn (block i + 1)."""

    lines: list[Line]
    starts: dict[int, int]  # id(mark) -> the line (in the block) the mark starts on


class View:
    """The reading laid out in lines no wider than `width`, a block at a time: the head
    (block 0), then a block per turn, each laid out when first asked for and kept in a
    bounded cache. A pager at turn 40 of a survey with 200,000 answers lays out the few
    turns on the screen, not the whole file; printing the view streams it.

    `plain`: passages get visible markers ([1]...[/1]) instead of styles only. `current`
    (an index into reading.targets) shows that passage or turn as the current one."""

    CACHE = 4096  # blocks kept; a screen needs a few dozen

    def __init__(self, reading: Reading, width: int, *, plain: bool):
        self.reading = reading
        self.width = max(width, 30)
        self.plain = plain
        self._cache: dict[tuple, Block] = {}
        self._folded: dict[int, str] | None = None  # made by the first search
        self.head = Block(_head_lines(reading, self.width), {})

    def __len__(self) -> int:
        return len(self.reading.turns) + 1

    def block(self, b: int, current: int | None = None) -> Block:
        if b == 0:
            return self.head
        i = b - 1
        targets = self.reading.targets
        mark = targets[current].mark if current is not None and targets[current].turn == i else None
        key = (i, id(mark) if mark is not None else None)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= self.CACHE:
                self._cache.clear()
            found = self._cache[key] = _turn_block(self.reading, i, self.width, self.plain, mark)
        return found

    def lines(self):
        """Every line, in order (generated: the whole view is never held at once)."""
        for b in range(len(self)):
            yield from self.block(b).lines

    def target_place(self, current: int) -> tuple[int, int]:
        """(block, line in the block) where target `current` starts."""
        target = self.reading.targets[current]
        block = self.block(target.turn + 1, current)
        return target.turn + 1, block.starts.get(id(target.mark), 0)

    def hits(self, b: int, needle: str) -> list[int]:
        """The lines of block b where the folded `needle` (fold()) starts; a phrase may run
        over a wrapped line. A turn whose words cannot hold it is not laid out for this."""
        if b and needle not in self._words(b - 1):
            return []
        folded = [fold(line.plain.strip()) for line in self.block(b).lines]
        joined = " ".join(folded)
        starts, at = [], 0
        for text in folded:
            starts.append(at)
            at += len(text) + 1
        found, pos = [], joined.find(needle)
        while pos >= 0:
            line = bisect.bisect_right(starts, pos) - 1
            if not found or found[-1] != line:
                found.append(line)
            pos = joined.find(needle, pos + 1)
        return found

    def _words(self, i: int) -> str:
        """Everything turn i shows, folded and space separated, for a quick test before laying it out."""
        if self._folded is None:
            self._folded = {}
        words = self._folded.get(i)
        if words is None:
            turn = self.reading.turns[i]
            row = turn.row
            shown = [f"#{row['id']} turn {row['ordinal']}", clock(row["start_ms"]), row["speaker"] or "", row["role"] or "",
                     row["sector"] or "", row["question"] or "", row["text"]]
            shown += [f"{m.code} {' '.join(m.coders)}" for m in turn.marks]
            shown += [f"memo {m['coder'] or '-'} {m['text']}" for m in row.get("memos", [])]
            words = self._folded[i] = fold(" ".join(" ".join(shown).split()))
        return words


def _head_lines(reading: Reading, width: int) -> list[Line]:
    from .export.safe import terminal_safe as safe

    lines: list[Line] = []
    title = f"{reading.transcript} · {reading.source} · {len(reading.turns)} turns · "
    title += f"coder {reading.coder}" if reading.coder else f"coders: {', '.join(reading.coders)}" if reading.coders else "no codes yet"
    lines += _wrapped(safe(title), width, "title", "")
    if reading.code is not None:
        lines += _wrapped(safe(_target_summary(reading)), width, "codes", "")
    for m in reading.memos:
        lines += _wrapped(safe(f"memo ({m['coder'] or '-'}): {' '.join(m['text'].split())}"), width, "memo", "")
    lines.append(Line([]))
    return lines


def _turn_block(reading: Reading, i: int, width: int, plain: bool, current: Mark | None) -> Block:
    """One turn: its speaker line, text, codes of the whole turn, passages' legend, memos."""
    from .export.safe import terminal_safe as safe

    turn = reading.turns[i]
    tagged = reading.coder is None  # all coders: each code says whose it is
    row = turn.row
    dim = " facilitator" if row["is_facilitator"] else ""
    facts = ", ".join(x for x in (row["role"], row["sector"]) if x)
    when = clock(row["start_ms"])
    parts = [(safe(f"#{row['id']} · turn {row['ordinal']}") + " · ", "muted" + dim)]
    if when:
        parts.append((when + " · ", "time" + dim))
    parts.append((safe(f"{row['speaker'] or '?'}" + (f" ({facts})" if facts else "")), "speaker" + dim))
    if current is not None and current.span is None:
        parts.insert(0, ("▶ ", "current"))
    lines = [Line(_fit_parts(parts, width))]
    starts = {id(m): 0 for m in turn.marks if m.span is None}
    if row.get("question"):
        lines += _wrapped(safe(f"vraag: {' '.join(row['question'].split())}"), width, "muted" + dim, INDENT)
    body, at = _text_lines(safe(row["text"]), turn.passages, width, plain=plain, dim=dim, current=current)
    starts.update({ident: len(lines) + n for ident, n in at.items()})
    if current is not None and current.span is not None and id(current) in at:
        # The current passage also shows in the margin, where no style is (NO_COLOR, a pipe).
        first = body[at[id(current)]]
        if first and first[0] == (INDENT, ""):
            first[0] = ("▶ ", "current")
    lines += [Line(p) for p in body]
    whole = [m for m in turn.marks if m.span is None]
    if whole:
        lines += _wrapped(safe("codes: " + " · ".join(_tag(m, tagged) for m in whole)), width, "codes" + dim, INDENT)
    if turn.passages:
        text = "passages: " + " · ".join(f"[{m.number}] {_tag(m, tagged)}" for m in turn.passages)
        lines += _wrapped(safe(text), width, "codes" + dim, INDENT)
    for m in row.get("memos", []):
        lines += _wrapped(safe(f"memo ({m['coder'] or '-'}): {' '.join(m['text'].split())}"), width, "memo", INDENT)
    lines.append(Line([]))
    return Block(lines, starts)


def _tag(mark: Mark, tagged: bool) -> str:
    return f"{mark.code} ({', '.join(mark.coders)})" if tagged else mark.code


def _target_summary(reading: Reading) -> str:
    passages = sum(1 for t in reading.targets if t.mark.span is not None)
    whole = len(reading.targets) - passages
    if not reading.targets:
        return f"{reading.code}: not coded in this transcript" + (f" by {reading.coder}" if reading.coder else "")
    ordinals = sorted({reading.turns[t.turn].row["ordinal"] for t in reading.targets})
    shown = ", ".join(str(o) for o in ordinals[:12]) + (", ..." if len(ordinals) > 12 else "")
    what = " and ".join(x for x in (_count(passages, "passage"), _count(whole, "whole turn")) if x)
    return f"{reading.code}: {what}, in turn{'s' if len(ordinals) > 1 else ''} {shown}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}" if n else ""


def _fit_parts(parts: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """A one-line header cut to the width (a very long label ends in '…')."""
    out, used = [], 0
    for text, style in parts:
        room = width - used
        if room <= 0:
            break
        if cells(text) > room:
            text = _cut(text, room - 1) + "…"
        out.append((text, style))
        used += cells(text)
    return out


def _cut(text: str, room: int) -> str:
    kept, used = [], 0
    for ch in text:
        w = cells(ch)
        if used + w > room:
            break
        kept.append(ch)
        used += w
    return "".join(kept)


def _text_lines(text: str, passages: list[Mark], width: int, *, plain: bool, dim: str,
                current: Mark | None) -> tuple[list[list[tuple[str, str]]], dict[int, int]]:
    """The turn's text wrapped, its passages marked; and the line each passage starts on
    (by id of its mark). Plain: [1]...[/1] around each passage; with styles the passage is
    underlined and only its number stands before it, to tie it to the legend."""
    text = text.replace("\t", " ")  # one column per character, as the wrapping counts
    base = "text" + dim
    room = width - len(INDENT)
    if not passages:
        return [[(INDENT, ""), (text[s:e], base)] for s, e in _breaks(text, room)], {}
    opens: dict[int, list[Mark]] = {}
    closes: dict[int, list[Mark]] = {}
    for m in passages:
        opens.setdefault(m.span[0], []).append(m)
        closes.setdefault(m.span[1], []).append(m)
    pieces: list[str] = []
    styles: list[str] = []  # one per character of the shown text
    begins: dict[int, int] = {}  # id(mark) -> where its opening marker stands in the shown text
    inside: list[Mark] = []
    shown = 0

    def put(piece: str, style: str) -> None:
        nonlocal shown
        pieces.append(piece)
        styles.extend([style] * len(piece))
        shown += len(piece)

    cuts = sorted({0, len(text), *opens, *closes})
    for a, b in zip(cuts, cuts[1:] + [None]):
        # Closing markers before opening ones at one place; the innermost closes first.
        for m in sorted(closes.get(a, []), key=inside.index, reverse=True):
            inside.remove(m)
            if plain:
                put(f"[/{m.number}]", "marker" + (" current" if m is current else "") + dim)
        for m in sorted(opens.get(a, []), key=lambda m: -m.span[1]):
            begins[id(m)] = shown
            put(f"[{m.number}]", "marker" + (" current" if m is current else "") + dim)
            inside.append(m)
        if b is None:
            break
        style = base + (" passage" if inside else "") + (" current" if current is not None and current in inside else "")
        put(text[a:b], style)
    display = "".join(pieces)
    ranges = _breaks(display, room)
    where = {}
    for key, at in begins.items():
        # The line holding the marker (a marker at a line's end counts for the next line).
        where[key] = next((n for n, (s, e) in enumerate(ranges) if at < e), max(len(ranges) - 1, 0))
    return [_parts(display, styles, s, e, INDENT) for s, e in ranges], where


def _wrapped(text: str, width: int, style: str, indent: str) -> list[Line]:
    text = text.replace("\t", " ")
    return [Line(([(indent, "")] if indent else []) + [(text[s:e], style)])
            for s, e in _breaks(text, width - len(indent))]


def _parts(text: str, styles: list[str], start: int, end: int, indent: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = [(indent, "")] if indent else []
    i = start
    while i < end:
        j = i
        while j < end and styles[j] == styles[i]:
            j += 1
        parts.append((text[i:j], styles[i]))
        i = j
    return parts


_TOKENS = re.compile(r"\n|[^\S\n]+|\S+")


# Text in which every character takes one column (Latin letters with their accents, Dutch
# punctuation, currency): lines can be found by one regular expression instead of a loop.
_NARROW = re.compile("[\n\x20-\x7e\xa0-\xac\xae-\u02ff\u2010-\u2027\u2030-\u205e\u20a0-\u20cf]*")


@functools.lru_cache(maxsize=64)
def _line_pattern(room: int) -> re.Pattern:
    # A line: from a word to the end of the last word that fits; else a word cut at the room.
    return re.compile(rf"\S(?:[^\n]{{0,{room - 2}}}\S)?(?=\s|$)|\S{{{room}}}")


def _breaks(text: str, room: int) -> list[tuple[int, int]]:
    """Where to break `text` into lines of at most `room` columns: at spaces, at line
    breaks, and inside a word only when it is longer than a line. Spaces at a break
    are dropped; (start, end) offsets into `text`."""
    room = max(room, 10)
    if text and _NARROW.fullmatch(text):
        out: list[tuple[int, int]] = []
        pattern, at = _line_pattern(room), 0
        for paragraph in text.split("\n"):
            found = [(at + m.start(), at + m.end()) for m in pattern.finditer(paragraph)]
            out += found or [(at, at)]
            at += len(paragraph) + 1
        return out
    return _breaks_by_cells(text, room)


def _breaks_by_cells(text: str, room: int) -> list[tuple[int, int]]:
    """_breaks for text with wide or zero-width characters: word by word, counting columns."""
    out: list[tuple[int, int]] = []
    start = end = None  # the line being filled: from its first word to the end of its last
    used = 0
    for m in _TOKENS.finditer(text):
        token = m.group()
        if token == "\n":
            out.append((start, end) if start is not None else (m.start(), m.start()))
            start = end = None
            used = 0
            continue
        if token[0].isspace():
            if start is not None:
                used += cells(token)
            continue
        w = cells(token)
        if start is not None and used + w <= room:
            end = m.end()
            used += w
            continue
        if start is not None:
            out.append((start, end))
        # A new line; a word longer than a line is cut where the line is full.
        a = m.start()
        while w > room:
            cut, taken = a, 0
            while cut < m.end() and taken + cells(text[cut]) <= room:
                taken += cells(text[cut])
                cut += 1
            cut = max(cut, a + 1)
            out.append((a, cut))
            a = cut
            w = cells(text[a:m.end()])
        start, end, used = a, m.end(), w
        if a == m.end():
            start = end = None
            used = 0
    if start is not None:
        out.append((start, end))
    return out
