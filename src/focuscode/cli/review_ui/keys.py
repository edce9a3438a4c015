"""Where keys come from: a terminal in cbreak mode, any text stream, or a script.

The loop only calls `read_key()` (one key, '' at end of input) and
`read_line(prompt, echo)` (a line, None when cancelled with Esc). A stream
gives the same keys a person would type, so `printf 'a\\n' | focuscode review`
and the tests drive the very same code as the keyboard.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Iterable, Protocol

ENTER = "\n"
ESC = "\x1b"
# Arrow keys arrive as escape sequences; map them to the loop's own keys.
ARROWS = {"[D": "b", "[C": "s", "[A": "b", "[B": "s"}


class KeyReader(Protocol):
    def read_key(self) -> str: ...

    def read_line(self, prompt: str, echo: Callable[[str], None] | None = None) -> str | None: ...


def _normal(ch: str) -> str:
    if ch == "\r":
        return ENTER
    if ch == "\x03":
        raise KeyboardInterrupt
    if ch == "\x04":
        return ""  # Ctrl-D: end of input, the loop quits
    return ch


class StreamKeys:
    """Keys from a text stream, one character at a time; Enter ends a line."""

    def __init__(self, stream):
        self.stream = stream

    def read_key(self) -> str:
        return _normal(self.stream.read(1))

    def read_line(self, prompt: str, echo=None) -> str | None:
        chars: list[str] = []
        while True:
            ch = _normal(self.stream.read(1))
            if ch in ("", ENTER):
                return "".join(chars)
            if ch == ESC:
                return None
            chars.append(ch)


class ScriptedKeys:
    """A list of keys and typed lines for tests: read_key takes the next item
    (a single key), read_line the next item whole (a typed line, or ESC)."""

    def __init__(self, items: Iterable[str]):
        self.items = list(items)
        self.pos = 0

    def _next(self) -> str:
        if self.pos >= len(self.items):
            return ""
        item = self.items[self.pos]
        self.pos += 1
        if item == "\x03":
            raise KeyboardInterrupt
        return item

    def read_key(self) -> str:
        return _normal(self._next())

    def read_line(self, prompt: str, echo=None) -> str | None:
        item = self._next()
        return None if item == ESC else item


class TerminalKeys:
    """Single keys from a real terminal (cbreak: no echo, no Enter needed, Ctrl-C still works).

    Reads are buffered: fast typing or a paste arrives as one read, and no key
    in it may be lost.
    """

    def __init__(self, fd: int, sequences: dict[str, str] | None = None):
        import codecs

        self.fd = fd
        self.sequences = ARROWS if sequences is None else sequences
        self._buf = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def __enter__(self):
        import termios
        import tty

        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        return self

    def __exit__(self, *exc):
        import termios

        termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _fill(self) -> bool:
        while not self._buf:
            data = os.read(self.fd, 256)
            if not data:
                return False
            self._buf += self._decoder.decode(data)
        return True

    def _take(self) -> str:
        if not self._fill():
            return ""
        ch, self._buf = self._buf[0], self._buf[1:]
        return ch

    def read_key(self) -> str:
        ch = self._take()
        if ch == ESC and self._buf[:1] in ("[", "O") and len(self._buf) >= 2:
            # A whole sequence (parameters, then one final byte: "[A", "[6~"), so PgDn
            # leaves no "~" behind; one the caller does not know is a plain Esc.
            end = 1
            while end < len(self._buf) - 1 and not "@" <= self._buf[end] <= "~":
                end += 1
            seq, self._buf = self._buf[: end + 1], self._buf[end + 1 :]
            return self.sequences.get(seq, ESC)
        return _normal(ch) if ch else ""

    def read_line(self, prompt: str, echo=None) -> str | None:
        chars: list[str] = []
        out = echo or (lambda s: (sys.stdout.write(s), sys.stdout.flush()))
        out(prompt)
        while True:
            c = self._take()
            if c == ESC:
                self._buf = self._buf[2:] if self._buf[:1] == "[" else self._buf
                out("\n")
                return None
            c = _normal(c) if c else ""
            if c in ("", ENTER):
                out("\n")
                return "".join(chars)
            if c in ("\x7f", "\b"):
                if chars:
                    chars.pop()
                    out("\b \b")
            elif c.isprintable():
                chars.append(c)
                out(c)


def terminal_keys(stdin=None, sequences: dict[str, str] | None = None):
    """The keyboard when stdin is a terminal (a context manager), else the stream itself.
    `sequences` maps escape sequences ("[6~") to keys; review's arrows by default."""
    import contextlib

    stdin = stdin or sys.stdin
    try:
        is_tty = stdin.isatty()
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):
        is_tty, fd = False, -1
    if is_tty:
        try:
            import termios  # noqa: F401

            return TerminalKeys(fd, sequences)
        except ImportError:  # Windows: fall back to line input
            pass
    return contextlib.nullcontext(StreamKeys(stdin))
