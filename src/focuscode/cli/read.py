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
    transcript: Annotated[str, Argument(help="The transcript, named as `focuscode segments` names it (e.g. focusgroep-oop-po.txt).")],
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
    from ..reading import View

    view = View(reading, console.width, plain=plain)
    if plain:
        # No styles to render: the lines as they are, a turn at a time (rich would take
        # seconds on a long transcript, and the whole view is never held at once).
        write = sys.stdout.write
        for b in range(len(view)):
            write("".join(line.plain + "\n" for line in view.block(b).lines))
        return
    for line in view.lines():
        console.print(_text(line, plain), crop=False, markup=False, highlight=False)


class Pager:
    """Shows the view from a position, one screen at a time; the last but one row is the
    status line and the last row stays free for the cursor and the search prompt.

    A position is (block, line in the block): block 0 is the view's head, block i + 1 is
    turn i. Moving walks from block to block, so only the turns on the screen (and those
    passed over) are ever laid out."""

    def __init__(self, console, reading, keys, plain: bool):
        self.console = console
        self.reading = reading
        self.keys = keys
        self.plain = plain
        self.current: int | None = 0 if reading.targets else None
        self.search: str | None = None
        self.hit: tuple[int, int] | None = None  # where the last search hit stands
        self.message = ""
        self.pos = (0, 0)
        self.view = self._view()
        if self.current is not None:
            self._show_target()
        elif reading.code is not None:
            self.message = f"{reading.code} is not coded here"

    def _view(self):
        from ..reading import View

        return View(self.reading, self.console.width, plain=self.plain)

    @property
    def rows(self) -> int:
        return max(self.console.height - 2, 3)

    def _block(self, b: int):
        return self.view.block(b, self.current)

    def _down(self, pos: tuple[int, int], n: int) -> tuple[int, int]:
        b, off = pos[0], pos[1] + n
        last = len(self.view) - 1
        while b < last and off >= len(self._block(b).lines):
            off -= len(self._block(b).lines)
            b += 1
        return b, min(off, len(self._block(b).lines) - 1)

    def _up(self, pos: tuple[int, int], n: int) -> tuple[int, int]:
        b, off = pos[0], pos[1] - n
        while off < 0 and b > 0:
            b -= 1
            off += len(self._block(b).lines)
        return (b, off) if off >= 0 else (0, 0)

    def _end(self) -> tuple[int, int]:
        """The top of the last full screen."""
        last = len(self.view) - 1
        return self._up((last, len(self._block(last).lines)), self.rows)

    def _go(self, pos: tuple[int, int]) -> None:
        self.pos = max((0, 0), min(pos, self._end()))

    def _show(self, b: int, line: int) -> None:
        """Bring a line into view with its turn's speaker line when both fit on the screen."""
        self._go((b, 0) if line < self.rows - 3 else (b, line - 2))

    def _show_target(self) -> None:
        b, line = self.view.target_place(self.current)
        self._show(b, line)
        target = self.reading.targets[self.current]
        mark, row = target.mark, self.reading.turns[target.turn].row
        where = f"turn {row['ordinal']} [{mark.number}]" if mark.span else f"turn {row['ordinal']}"
        self.message = f"{self.reading.code} {self.current + 1}/{len(self.reading.targets)}: {where} {mark.code}"

    def _screen(self) -> list[tuple[tuple[int, int], object]]:
        out, (b, off) = [], self.pos
        while len(out) < self.rows and b < len(self.view):
            lines = self._block(b).lines
            out += [((b, k), line) for k, line in enumerate(lines[off:], start=off)][: self.rows - len(out)]
            b, off = b + 1, 0
        return out

    def _status(self) -> str:
        b = self.pos[0]
        turns = len(self.reading.turns)
        where = "top" if b == 0 else f"turn {self.reading.turns[b - 1].row['ordinal']} of {turns}"
        if self.pos >= self._end() and self.pos != (0, 0):
            where += " (end)"
        return f"{where} · {self.message or '? help, q quit'}"

    def _draw(self) -> None:
        from rich.text import Text

        from ..export.safe import terminal_safe

        if max(self.console.width, 30) != self.view.width:
            self.view = self._view()  # the terminal was resized: lay out again, at the same turn
            self.pos = (self.pos[0], 0)
            self.hit = None
        self._go(self.pos)
        self.console.clear()
        shown = self._screen()
        for place, line in shown:
            text = _text(line, self.plain)
            if self.search and place == self.hit:
                # The search hit is marked in the margin, where it shows with and without colour.
                text = Text("» ", style=None if self.plain else "bold reverse") + text[2 if text.plain.startswith("  ") else 0:]
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

        needle = fold(" ".join((self.search or "").split()))
        b, line = self.hit or (self.pos[0], self.pos[1] - (1 if step > 0 else 0))
        found = None
        blocks = range(b, len(self.view)) if step > 0 else range(b, -1, -1)
        for k in blocks:
            hits = self.view.hits(k, needle)
            if k == b:
                hits = [h for h in hits if (h > line if step > 0 else h < line)]
            if hits:
                found = (k, hits[0] if step > 0 else hits[-1])
                break
        if found is None:
            self.message = f"'{self.search}': no further hit {'below' if step > 0 else 'above'}"
            return
        self.hit = found
        self._go(found)
        row = self.reading.turns[found[0] - 1].row if found[0] else None
        self.message = f"'{self.search}'" + (f": turn {row['ordinal']}" if row else ": top")

    def _echo(self, text: str) -> None:
        self.console.file.write(text)
        self.console.file.flush()

    def _act(self, key: str) -> bool:
        page = self.rows - 1
        self.message = "" if key not in ("n", "N", "/") else self.message
        if key in ("q", "Q", ""):
            return False
        if key in (" ", "f"):
            self._go(self._down(self.pos, page))
        elif key == "b":
            self._go(self._up(self.pos, page))
        elif key in ("j", "\n"):
            self._go(self._down(self.pos, 1))
        elif key == "k":
            self._go(self._up(self.pos, 1))
        elif key == "d":
            self._go(self._down(self.pos, self.rows // 2))
        elif key == "u":
            self._go(self._up(self.pos, self.rows // 2))
        elif key == "g":
            self.pos = (0, 0)
        elif key == "G":
            self._go(self._end())
        elif key == "]":
            self._go((min(self.pos[0] + 1, len(self.view) - 1), 0))
        elif key == "[":
            self._go((self.pos[0], 0) if self.pos[1] else (max(self.pos[0] - 1, 0), 0))
        elif key in ("n", "N"):
            self._jump(1 if key == "n" else -1)
        elif key == "/":
            self.console.show_cursor(True)  # the screen hides it; typing wants to see it
            try:
                typed = self.keys.read_line("/", self._echo)
            finally:
                self.console.show_cursor(False)
            if typed is None:
                self.message = "search cancelled"
            elif not typed.strip():
                self.search = self.hit = None
                self.message = "search ended" + (f"; n / N jump through {self.reading.code}" if self.current is not None else "")
            else:
                self.search, self.hit = typed.strip(), None
                self._find(1)
        elif key in ("?", "h"):
            self._help()
        else:
            self.message = f"unknown key {key!r}; ? shows the keys" if key.isprintable() else ""
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
