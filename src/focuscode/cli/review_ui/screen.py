"""Drawing one segment so that it fits the terminal (80x24 at the least).

Everything is cut to lines here, so a frame is never taller than the terminal:
the segment text gets whatever room the fixed parts leave, and a long turn is
folded around the selected sentence. What the text carries is marked in it:

- evidence words of the suggestions: reverse video, [in brackets] without styles;
- the sentences the marked suggestion points at: underlined, ‹in angle quotes›;
- the coder's selected sentence(s): reverse video, »between guillemets«;
- the coder's coded passages: green, and numbered ⟦1 … ⟧ in both modes, so the
  list of passages under the text can refer to them.

Without styles (NO_COLOR, a pipe) every mark is a character, so it stays visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from ...export.safe import terminal_safe
from ...passages import Span
from ...review.session import SegmentView

KEYS_LINE = "a accept r reject c code x remove m memo [ ] sentence ⏎ done s skip u undo ? q"
HELP = [
    ("a", "accept the marked suggestion (A: accept all pending)"),
    ("r", "reject the marked suggestion (for the whole turn)"),
    ("1-9", "mark suggestion 1-9"),
    ("c", "add a code: type part of its name, Enter"),
    ("x", "remove one of your codes, or one coded passage"),
    ("m", "write a memo on this segment"),
    ("] / j", "select the next sentence: a, A, c and x then act on it"),
    ("[ / k", "select the previous sentence"),
    ("} / J", "extend the selection by a sentence ({ / K: the other way)"),
    ("e", "select the marked suggestion's sentence (again: its next one)"),
    ("Esc", "drop the selection: keys act on the whole turn again"),
    ("Enter", "done: this segment is looked at, go to the next"),
    ("s / →", "skip for now (it stays in the queue)"),
    ("b / ←", "back to the previous segment"),
    ("u", "undo your last action (a passage coding too)"),
    ("v", "show the whole text of a long segment"),
    ("?", "this help"),
    ("q", "quit; everything is saved already, and the next review resumes here"),
]
MAX_PASSAGE_LINES = 3


def _who(row: dict) -> str:
    facts = ", ".join(x for x in (row.get("role"), row.get("sector"), row.get("school_type")) if x)
    return terminal_safe(f"{row.get('speaker') or '?'}" + (f" ({facts})" if facts else ""))


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _spans(view: SegmentView) -> list[Span]:
    """The evidence words of every suggestion."""
    text = view.row["text"]
    lowered = text.lower()
    out = []
    for s in view.suggestions:
        found = []
        ev = s.get("evidence") or {}
        for m in ev.get("matches", []) if isinstance(ev, dict) else []:
            start, end = m.get("start"), m.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                found.append((start, end))
            elif m.get("text"):
                at = lowered.find(str(m["text"]).lower())
                if at >= 0:
                    found.append((at, at + len(m["text"])))
        span = s.get("span")
        # A rule suggestion's span is the sentences its words lie in (shown apart, below); only a
        # suggestion without words of evidence has its span marked as its evidence.
        if not found and not s.get("sentences") and span and span[0] is not None and 0 <= span[0] < span[1] <= len(text):
            found.append((span[0], span[1]))
        out += found
    return _merge(out)


@dataclass
class _Layer:
    start: int
    end: int
    style: str | None
    open: str = ""
    close: str = ""
    mark_style: str | None = None


def _render(text: str, layers: list[_Layer], points: tuple[int, ...] = ()) -> tuple[Text, dict[int, int]]:
    """`text` with its layers styled and their marks inserted; also where each boundary
    (and each of `points`) ended up in the rendered text, for folding around it."""
    layers = [ly for ly in layers if 0 <= ly.start < ly.end <= len(text)]
    cuts = sorted({0, len(text), *points, *(ly.start for ly in layers), *(ly.end for ly in layers)})
    out = Text()
    where: dict[int, int] = {}
    for i, at in enumerate(cuts):
        # Inner layers close first and outer ones open first, so marks nest; of two with the
        # same extent the earlier layer is the outer one.
        for n, ly in sorted(((n, ly) for n, ly in enumerate(layers) if ly.end == at), key=lambda x: (-x[1].start, -x[0])):
            if ly.close:
                out.append(ly.close, style=ly.mark_style)
        for n, ly in sorted(((n, ly) for n, ly in enumerate(layers) if ly.start == at), key=lambda x: (-x[1].end, x[0])):
            if ly.open:
                out.append(ly.open, style=ly.mark_style)
        where[at] = len(out)
        if i + 1 < len(cuts):
            style = " ".join(ly.style for ly in layers if ly.start <= at < ly.end and ly.style)
            out.append(text[at : cuts[i + 1]], style=style or None)
    return out, where


def highlighted(view: SegmentView, plain: bool, *, cursor: int | None = None, selected: Span | None = None,
                focus: Span | None = None) -> tuple[Text, Span | None]:
    """The turn with its marks, and where `focus` (a passage of the turn) is in the result."""
    # One visible symbol for each control character: offsets into the text still fit.
    text = terminal_safe(view.row["text"])
    layers: list[_Layer] = []
    for number, p in enumerate(view.passages, start=1):
        layers.append(_Layer(p["span"][0], p["span"][1], None if plain else "green", f"⟦{number} ", "⟧",
                             None if plain else "bold green"))
    marked = view.suggestions[cursor] if cursor is not None and cursor < len(view.suggestions) else None
    for start, end in (marked or {}).get("sentences", []):
        layers.append(_Layer(start, end, None if plain else "underline", *(("‹", "›") if plain else ())))
    if selected:
        layers.append(_Layer(selected[0], selected[1], None if plain else "reverse", *(("»", "«") if plain else ())))
    for start, end in _spans(view):
        # Yellow turns into the background in reverse video: evidence stands out inside a selection too.
        layers.append(_Layer(start, end, None if plain else "reverse bold yellow", *(("[", "]") if plain else ())))
    rendered, where = _render(text, layers, tuple(focus or ()))
    return rendered, ((where[focus[0]], where[focus[1]]) if focus else None)


def _line_of(lines, plain: str, at: int) -> int:
    """Which wrapped line holds position `at` of the rendered text (wrapping keeps each
    line's characters in order and drops only line breaks and trailing spaces)."""
    pos, found = 0, 0
    for i, line in enumerate(lines):
        start = plain.find(line.plain, pos) if line.plain else pos
        if start < 0:
            start = pos
        if start > at:
            break
        found, pos = i, start + len(line.plain)
    return found


def _fold(console, text: Text, width: int, room: int | None, focus_at: Span | None) -> list[Text]:
    """The wrapped text in `room` lines: from the top, or with `focus_at` (a stretch of the
    rendered text) in view when that lies further down."""
    lines = list(text.wrap(console, width))
    if room is None or len(lines) <= room:
        return lines
    first = 0
    if focus_at is not None:
        start, end = (_line_of(lines, text.plain, at) for at in (focus_at[0], max(focus_at[1] - 1, focus_at[0])))
        if end >= room - 1:
            # Scroll just far enough that the stretch ends on the last line between the two "…"
            # lines; one longer than that shows from its start.
            first = max(0, min(start, end - (room - 3)))
    if first == 0:
        cut = lines[: room - 1]
        return cut + [Text(f"… {len(lines) - len(cut)} more lines (v: show all)", style="dim")]
    if first + room - 1 >= len(lines):
        first = len(lines) - (room - 1)
        return [Text(f"… {first} lines above (v: show all)", style="dim")] + lines[first:]
    body = lines[first : first + room - 2]
    return ([Text(f"… {first} lines above", style="dim")] + body
            + [Text(f"… {len(lines) - first - len(body)} more lines (v: show all)", style="dim")])


def _one_line(label: str, text: str, width: int, style: str = "dim") -> Text:
    line = terminal_safe(f"{label}{' '.join(text.split())}")
    if len(line) > width:
        line = line[: width - 1] + "…"
    return Text(line, style=style)


def sentence_label(sentences: list[Span], span: Span, part: str = "in ") -> str:
    """'sentence 2', 'sentences 2-3', or 'in sentence 4' (`part`) for a passage that is not whole sentences."""
    first = next((i for i, s in enumerate(sentences) if s[0] == span[0]), None)
    last = next((i for i, s in enumerate(sentences) if s[1] == span[1]), None)
    prefix = ""
    if first is None or last is None or last < first:
        prefix = part
        touched = [i for i, s in enumerate(sentences) if s[0] < span[1] and span[0] < s[1]]
        if not touched:
            return f"characters {span[0]}-{span[1]}"
        first, last = touched[0], touched[-1]
    return f"{prefix}sentence {first + 1}" if first == last else f"{prefix}sentences {first + 1}-{last + 1}"


def sentence_numbers(sentences: list[Span], spans: list[Span]) -> str:
    """'sentence 2' or 'sentences 2, 5': the sentences that a suggestion's evidence lies in."""
    numbers = [str(i + 1) for i, s in enumerate(sentences) if any(s[0] < e and b < s[1] for b, e in spans)]
    return f"sentence{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}" if numbers else ""


def _your_codes(view: SegmentView) -> str:
    parts = []
    for code in view.accepted:
        numbers = [str(i) for i, p in enumerate(view.passages, start=1) if p["code"] == code]
        if not numbers:
            parts.append(code)
            continue
        where = f"passage{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}"
        parts.append(f"{code} ({'whole turn, ' if code in view.whole else ''}{where})")
    return "your codes: " + (", ".join(parts) or "none")


def frame(console, view: SegmentView, *, header: str, message: str = "", cursor: int = 0,
          full_text: bool = False, plain: bool = False, selected: Span | None = None,
          focus: Span | None = None) -> list[Text]:
    """One screen. `selected` is the coder's selected passage (None: the whole turn), `focus`
    the sentence the coder moved to, kept in view when the turn is folded."""
    width = max(console.width, 40)
    height = max(console.height, 12)
    row = view.row
    text = row["text"]
    top = [Text(header[:width], style="bold")]
    meta = f"#{row['id']} {row['transcript']} · turn {row['ordinal']} · {row['source']}" + (" · done" if view.done else "")
    top.append(_one_line("", meta, width, "dim"))
    if row.get("question"):
        top.append(_one_line("vraag: ", row["question"], width))
    if view.before:
        top.append(_one_line("↑ ", f"{view.before['speaker'] or '?'}: {view.before['text']}", width))
    top.append(Text(_who(row)[:width], style="bold cyan"))

    bottom: list[Text] = []
    if view.after:
        bottom.append(_one_line("↓ ", f"{view.after['speaker'] or '?'}: {view.after['text']}", width))
    for i, s in enumerate(view.suggestions[:9], start=1):
        mark = "▶" if i - 1 == cursor else " "
        score = f" {s['score']:.2f}" if s.get("score") is not None else ""
        ev = s.get("evidence") or {}
        terms = [str(m.get("text")) for m in ev.get("matches", [])[:3]] if isinstance(ev, dict) else []
        if isinstance(ev, dict) and isinstance(ev.get("prior"), dict):  # the domain prior's weightiest words
            terms = ["~" + str(w[0]) for w in ev["prior"].get("words", [])[:3]]
        theme = f" ({s['theme']})" if s.get("theme") and s["theme"] != s["code"] else ""
        line = f"{mark}{i} {s['code']}{theme} {s['method']}{score} · {s['decision']}"
        if s.get("sentences") and len(view.sentences) > 1:
            line += " · " + sentence_numbers(view.sentences, s["sentences"])
        if terms:
            line += " · " + ", ".join(terms)
        style = {"accepted": "green", "rejected": "red"}.get(s["decision"], "yellow")
        bottom.append(_one_line("", line, width, style))
    if len(view.suggestions) > 9:
        bottom.append(Text(f"  … {len(view.suggestions) - 9} more suggestions", style="dim"))
    bottom.append(_one_line("", _your_codes(view), width, "green"))
    listed = len(view.passages) if full_text else MAX_PASSAGE_LINES
    for number, p in list(enumerate(view.passages, start=1))[:listed]:
        words = text[p["span"][0] : p["span"][1]]
        bottom.append(_one_line("", f"⟦{number} {p['code']} · {sentence_label(view.sentences, p['span'])} · «{words}»",
                                width, "green"))
    if len(view.passages) > listed:
        bottom.append(Text(f"  … {len(view.passages) - listed} more passages (v: show all)", style="dim"))
    for m in view.memos[-2:]:
        bottom.append(_one_line("memo: ", f"({m['coder'] or '-'}) {m['text']}", width))
    if selected:
        what = f"{sentence_label(view.sentences, selected)} of {len(view.sentences)}"
        bottom.append(_one_line("", f"» {what}: a, A, c, x act on it · {{ }} extend · Esc whole turn", width,
                                "bold" if plain else "reverse"))
    bottom.append(_one_line("", message or " ", width, "bold"))
    bottom.append(_one_line("", KEYS_LINE, width, "dim"))

    # One line stays free for the cursor, so the frame never scrolls.
    room = height - 1 - len(top) - len(bottom)
    body_text, focus_at = highlighted(view, plain, cursor=cursor, selected=selected, focus=focus)
    body = _fold(console, body_text, width, None if full_text else max(room, 3), focus_at)
    lines = top + body + bottom
    if len(lines) > height - 1 and not full_text:
        # Very small terminal or many suggestions: drop the context lines first.
        lines = [ln for ln in lines if not ln.plain.startswith(("↑ ", "↓ "))][: height - 1]
    return lines


def help_frame(console) -> list[Text]:
    lines = [Text("focuscode review: keys", style="bold")]
    for key, what in HELP:
        lines.append(Text(f"{key:>6}  {what}"[: console.width]))
    lines.append(Text("press any key to go on", style="dim"))
    return lines
