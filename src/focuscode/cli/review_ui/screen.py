"""Drawing one segment so that it fits the terminal (80x24 at the least).

Everything is cut to lines here, so a frame is never taller than the terminal:
the segment text gets whatever room the fixed parts leave. Evidence is shown
in reverse video, and in brackets when colour and styles are off (NO_COLOR, a
pipe), so it stays visible everywhere.
"""

from __future__ import annotations

from rich.text import Text

from ...export.safe import terminal_safe
from ...review.session import SegmentView

KEYS_LINE = "a accept r reject c code x remove m memo ⏎ done s skip b back u undo ? q"
HELP = [
    ("a", "accept the marked suggestion (A: accept all pending)"),
    ("r", "reject the marked suggestion"),
    ("1-9", "mark suggestion 1-9"),
    ("c", "add a code: type part of its name, Enter"),
    ("x", "remove one of your codes"),
    ("m", "write a memo on this segment"),
    ("Enter", "done: this segment is looked at, go to the next"),
    ("s / →", "skip for now (it stays in the queue)"),
    ("b / ←", "back to the previous segment"),
    ("u", "undo your last action"),
    ("v", "show the whole text of a long segment"),
    ("?", "this help"),
    ("q", "quit; everything is saved already, and the next review resumes here"),
]


def _who(row: dict) -> str:
    facts = ", ".join(x for x in (row.get("role"), row.get("sector"), row.get("school_type")) if x)
    return terminal_safe(f"{row.get('speaker') or '?'}" + (f" ({facts})" if facts else ""))


def _spans(view: SegmentView) -> list[tuple[int, int]]:
    text = view.row["text"]
    lowered = text.lower()
    out = []
    for s in view.suggestions:
        span = s.get("span")
        if span and span[0] is not None and 0 <= span[0] < span[1] <= len(text):
            out.append((span[0], span[1]))
        ev = s.get("evidence") or {}
        for m in ev.get("matches", []) if isinstance(ev, dict) else []:
            start, end = m.get("start"), m.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                out.append((start, end))
            elif m.get("text"):
                at = lowered.find(str(m["text"]).lower())
                if at >= 0:
                    out.append((at, at + len(m["text"])))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(out):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlighted(view: SegmentView, plain: bool) -> Text:
    # One visible symbol for each control character: evidence offsets into the text still fit.
    text = terminal_safe(view.row["text"])
    spans = _spans(view)
    if not plain:
        t = Text(text)
        for start, end in spans:
            t.stylize("reverse bold", start, end)
        return t
    # Without styles the evidence gets brackets, which must not shift later spans.
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], "[", text[start:end], "]"]
        last = end
    parts.append(text[last:])
    return Text("".join(parts))


def _wrap(console, text: Text, width: int, max_lines: int | None) -> list[Text]:
    lines = list(text.wrap(console, width))
    if max_lines is not None and len(lines) > max_lines:
        cut = lines[: max(max_lines - 1, 0)]
        cut.append(Text(f"… {len(lines) - len(cut)} more lines (v: show all)", style="dim"))
        return cut
    return lines


def _one_line(label: str, text: str, width: int, style: str = "dim") -> Text:
    line = terminal_safe(f"{label}{' '.join(text.split())}")
    if len(line) > width:
        line = line[: width - 1] + "…"
    return Text(line, style=style)


def frame(console, view: SegmentView, *, header: str, message: str = "", cursor: int = 0,
          full_text: bool = False, plain: bool = False) -> list[Text]:
    width = max(console.width, 40)
    height = max(console.height, 12)
    row = view.row
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
        theme = f" ({s['theme']})" if s.get("theme") and s["theme"] != s["code"] else ""
        line = f"{mark}{i} {s['code']}{theme} {s['method']}{score} · {s['decision']}"
        if terms:
            line += " · " + ", ".join(terms)
        style = {"accepted": "green", "rejected": "red"}.get(s["decision"], "yellow")
        bottom.append(_one_line("", line, width, style))
    if len(view.suggestions) > 9:
        bottom.append(Text(f"  … {len(view.suggestions) - 9} more suggestions", style="dim"))
    bottom.append(_one_line("", "your codes: " + (", ".join(view.accepted) or "none"), width, "green"))
    for m in view.memos[-2:]:
        bottom.append(_one_line("memo: ", f"({m['coder'] or '-'}) {m['text']}", width))
    bottom.append(_one_line("", message or " ", width, "bold"))
    bottom.append(_one_line("", KEYS_LINE, width, "dim"))

    # One line stays free for the cursor, so the frame never scrolls.
    room = height - 1 - len(top) - len(bottom)
    body = _wrap(console, highlighted(view, plain), width, None if full_text else max(room, 3))
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
