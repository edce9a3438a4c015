"""read: a transcript turn by turn with its codes and passages, in a pager.

The view itself (turns, passages, lines, jump targets) is built by the library
(focuscode.reading); this module pages it on a terminal, or prints it whole.
Keys come from the review UI's terminal layer (review_ui/keys.py)."""

import os
import sys
from typing import Annotated, Optional

from .common import DbOption, FocuscodeGroup, JsonOption, open_db, print_json
from .declare import Argument, Option

# The terminal style of each style name the library puts on a line part.
STYLE = {"title": "bold", "speaker": "bold cyan", "facilitator": "dim", "time": "cyan", "passage": "underline",
         "current": "reverse", "marker": "dim", "codes": "green", "memo": "italic yellow", "muted": "dim"}
# Escape sequences of keys the pager knows (arrows, PgUp/PgDn, Home/End in xterm and vt forms).
SEQUENCES = {"[A": "k", "[B": "j", "[5~": "b", "[6~": " ", "[H": "g", "[F": "G", "OH": "g", "OF": "G",
             "[1~": "g", "[4~": "G", "[7~": "g", "[8~": "G"}
HELP = [
    ("space PgDn f", "next page"),
    ("b PgUp", "previous page"),
    ("j ↓ Enter / k ↑", "one line down / up"),
    ("d / u", "half a page down / up"),
    ("g Home / G End", "first / last line"),
    ("] / [", "next / previous turn"),
    ("n / N", "next / previous passage or turn of --code (after a search: next / previous hit)"),
    ("/", "search (Enter alone: end the search, n / N jump through the code again)"),
    ("?", "this help"),
    ("q", "quit"),
]


def read(
    transcript: Annotated[str, Argument(help="The transcript, named as `focuscode segments` names it (e.g. focusgroep-po.txt).")],
    coder: Annotated[Optional[str], Option("--coder", help="Only this coder's codes [default: every coder's, each tagged with its coder].", show_default=False)] = None,
    code: Annotated[Optional[str], Option("--code", help="Start at this code's first passage or turn and jump through them with n / N (a theme includes its subcodes).")] = None,
    no_pager: Annotated[bool, Option("--no-pager", help="Print the whole view instead of paging it (as when output is not a terminal).")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read a transcript turn by turn: speaker, role, time, the codes of each turn and passage, memos.

    Passages are underlined and numbered, with a legend under the turn; with NO_COLOR
    or in a pipe they stand between [1] and [/1]. Keys: space/b page, j/k line, g/G
    start/end, ]/[ turn, n/N next/previous passage of --code, / search, ? help, q quit.
    When output is not a terminal (or with --no-pager) the whole view is printed.
    """
    from ..reading import build_reading, reading_json

    conn = open_db(db)
    reading = build_reading(conn, transcript, coder=coder, code=code)
    if as_json:
        print_json(reading_json(reading))
        return
    from rich.console import Console

    console = Console(highlight=False, markup=False, soft_wrap=False)
    plain = bool(os.environ.get("NO_COLOR")) or console.no_color or not console.is_terminal
    if no_pager or not console.is_terminal or not sys.stdin.isatty():
        _print_all(console, reading, plain)
        return
    from .review_ui.keys import terminal_keys

    with terminal_keys(sequences=SEQUENCES) as keys, console.screen():
        Pager(console, reading, keys, plain).run()


def _text(line, plain: bool):
    from rich.text import Text

    text = Text(no_wrap=True, overflow="crop")
    for part, names in line.parts:
        style = "" if plain else " ".join(STYLE[n] for n in names.split() if n in STYLE)
        text.append(part, style=style or None)
    return text


def _print_all(console, reading, plain: bool) -> None:
    from ..reading import layout

    view = layout(reading, console.width, plain=plain)
    if plain:
        # No styles to render: the lines as they are (rich would take seconds on a long transcript).
        sys.stdout.write("".join(line.plain + "\n" for line in view.lines))
        return
    for line in view.lines:
        console.print(_text(line, plain), crop=False, markup=False, highlight=False)


class Pager:
    """Shows the lines from `top`, one screen at a time; the last but one row is the status
    line and the last row stays free for the cursor and the search prompt."""

    def __init__(self, console, reading, keys, plain: bool):
        self.console = console
        self.reading = reading
        self.keys = keys
        self.plain = plain
        self.current: int | None = 0 if reading.targets else None
        self.search: str | None = None
        self.hit: int | None = None  # the line of the last search hit
        self.message = ""
        self.top = 0
        self._laid: tuple | None = None
        self.view = self._layout()
        if self.current is not None:
            self._show_target()
        elif reading.code is not None:
            self.message = f"{reading.code} is not coded in this transcript"

    def _layout(self):
        from ..reading import layout

        key = (self.console.width, self.current)
        if self._laid != key:
            if self._laid is None or self._laid[0] != key[0]:
                self._cache: dict = {}  # a new width: every turn is laid out again
            self.view = layout(self.reading, self.console.width, plain=self.plain, current=self.current, cache=self._cache)
            self._laid = key
        return self.view

    @property
    def rows(self) -> int:
        return max(self.console.height - 2, 3)

    def _clamp(self) -> None:
        self.top = max(0, min(self.top, len(self.view.lines) - self.rows))

    def _show_line(self, line: int, turn_line: int | None = None) -> None:
        """Bring `line` into view with its turn's speaker line when both fit on the screen."""
        if turn_line is not None and line - turn_line < self.rows - 3:
            self.top = turn_line
        else:
            self.top = max(0, line - 2)
        self._clamp()

    def _show_target(self) -> None:
        self.view = self._layout()
        target = self.reading.targets[self.current]
        self._show_line(self.view.target_lines[self.current], self.view.turn_lines[target.turn])
        mark = target.mark
        row = self.reading.turns[target.turn].row
        where = f"turn {row['ordinal']} [{mark.number}]" if mark.span else f"turn {row['ordinal']}"
        self.message = f"{self.reading.code} {self.current + 1}/{len(self.reading.targets)}: {where} {mark.code}"

    def _status(self) -> str:
        total = len(self.view.lines)
        last = min(self.top + self.rows, total)
        where = "all" if total <= self.rows else "end" if last >= total else f"{100 * last // total}%"
        return f"lines {self.top + 1}-{last}/{total} {where} · {self.message or '? help, q quit'}"

    def _draw(self) -> None:
        from rich.text import Text

        from ..export.safe import terminal_safe

        self.view = self._layout()
        self._clamp()
        self.console.clear()
        shown = self.view.lines[self.top:self.top + self.rows]
        for at, line in enumerate(shown, start=self.top):
            text = _text(line, self.plain)
            if self.search and at == self.hit:
                # The search hit is marked in the margin, where it shows with and without colour.
                plain = text.plain
                text = Text("» ", style=None if self.plain else "bold reverse") + text[2 if plain.startswith("  ") else 0:]
            self.console.print(text, crop=True, no_wrap=True, overflow="crop")
        for _ in range(self.rows - len(shown)):
            self.console.print("~", style=None if self.plain else "dim", markup=False, highlight=False)
        status = terminal_safe(self._status())[: self.console.width]
        self.console.print(Text(status, style=None if self.plain else "reverse"), crop=True, no_wrap=True)

    def _help(self) -> None:
        self.console.clear()
        self.console.print("focuscode read: keys", style=None if self.plain else "bold", markup=False)
        for key, what in HELP:
            self.console.print(f"{key:>17}  {what}"[: self.console.width], markup=False, highlight=False)
        self.console.print("press any key to go on", markup=False, highlight=False)
        self.keys.read_key()

    def _jump(self, step: int) -> None:
        if self.search:
            self._find(step)
            return
        if self.current is None:
            self.message = "no --code to jump through" if self.reading.code is None else f"{self.reading.code} is not coded here"
            return
        count = len(self.reading.targets)
        nxt = self.current + step
        if not 0 <= nxt < count:
            self.message = f"{'last' if step > 0 else 'first'} of {count}: {self.reading.code}"
            return
        self.current = nxt
        self._show_target()

    def _find(self, step: int) -> None:
        from ..reading import fold

        needle = fold(self.search or "")
        lines = self.view.lines
        # From the last hit, not from the top: near the end the top cannot reach a hit.
        at = self.hit if self.hit is not None else self.top - (1 if step > 0 else 0)
        order = range(at + 1, len(lines)) if step > 0 else range(at - 1, -1, -1)
        hit = next((i for i in order if needle in fold(lines[i].plain)), None)
        if hit is None:
            self.message = f"'{self.search}': no further hit {'below' if step > 0 else 'above'}"
            return
        self.hit = hit
        self.top = hit
        self._clamp()
        total = sum(1 for line in lines if needle in fold(line.plain))
        self.message = f"'{self.search}': line {hit + 1} ({total} lines hold it)"

    def _echo(self, text: str) -> None:
        self.console.file.write(text)
        self.console.file.flush()

    def _act(self, key: str) -> bool:
        page = self.rows - 1
        self.message = "" if key not in ("n", "N", "/") else self.message
        if key in ("q", "Q", ""):
            return False
        if key in (" ", "f"):
            self.top += page
        elif key == "b":
            self.top -= page
        elif key in ("j", "\n"):
            self.top += 1
        elif key == "k":
            self.top -= 1
        elif key == "d":
            self.top += self.rows // 2
        elif key == "u":
            self.top -= self.rows // 2
        elif key == "g":
            self.top = 0
        elif key == "G":
            self.top = len(self.view.lines)
        elif key in ("]", "["):
            starts = self.view.turn_lines
            if key == "]":
                self.top = next((s for s in starts if s > self.top), self.top)
            else:
                self.top = next((s for s in reversed(starts) if s < self.top), 0)
        elif key in ("n", "N"):
            self._jump(1 if key == "n" else -1)
        elif key == "/":
            typed = self.keys.read_line("/", self._echo)
            if typed is None:
                self.message = "search cancelled"
            elif not typed.strip():
                self.search = None
                self.message = "search ended" + (f"; n / N jump through {self.reading.code}" if self.current is not None else "")
            else:
                self.search = typed.strip()
                self.hit = None
                self._find(1)
        elif key in ("?", "h"):
            self._help()
        else:
            self.message = f"unknown key {key!r}; ? shows the keys" if key.isprintable() else ""
        self._clamp()
        return True

    def run(self) -> None:
        try:
            while True:
                self._draw()
                if not self._act(self.keys.read_key()):
                    break
        except KeyboardInterrupt:
            pass


def register(app: FocuscodeGroup) -> None:
    app.command()(read)
