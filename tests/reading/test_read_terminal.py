"""`focuscode read` in a real (pseudo) terminal of 80x24: single keys, the alternate screen,
--code jumping with n / N, paging through a turn longer than the screen, search.
The project is the Teams caption export of readkit.py, coded by two coders."""

from __future__ import annotations

import os
import re
import shutil
import struct
import sys
import time
from pathlib import Path

import pytest

from fctest import pty_drain
from reading.readkit import LATE_PASSAGE, LONG_SENTENCES, NAME

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """focuscode running on the terminal side of a pty; `screen()` is the last frame drawn."""

    def __init__(self, args: list[str], db_path: Path, colour: bool = False):
        exe = shutil.which("focuscode", path=str(Path(sys.executable).parent))
        if exe is None:
            pytest.skip("the focuscode script is not installed beside this Python")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.environ.update(COLUMNS="80", LINES="24", TERM="xterm-256color")
            if colour:
                os.environ.pop("NO_COLOR", None)
            else:
                os.environ["NO_COLOR"] = "1"
            os.execv(exe, [exe, "read", *args, "--db", str(db_path)])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.raw = b""

    def wait_for(self, needle: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        start = len(self.raw)
        while needle.encode() not in self.raw[start:] and time.monotonic() < end:
            self.raw += pty_drain(self.fd, 0.2)
        assert needle.encode() in self.raw[start:], self.raw[-3000:]
        return self.screen()

    def settle(self, quiet: float = 0.5, timeout: float = 30) -> str:
        """The screen once the program has drawn everything the keys so far asked for."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            more = pty_drain(self.fd, quiet)
            if not more:
                break
            self.raw += more
        return self.screen()

    def key(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def frames(self) -> list[str]:
        # Every frame starts by clearing the screen (rich: ESC[2J ESC[H).
        return self.raw.decode("utf-8", "replace").split("\x1b[2J")

    def screen(self, styled: bool = False) -> str:
        last = self.frames()[-1]
        return last if styled else CSI.sub("", last)

    def quit(self) -> int:
        self.key("q")
        self.raw += pty_drain(self.fd, 3)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def _rows(screen: str) -> list[str]:
    return [row.rstrip("\r") for row in screen.split("\n")]


def test_read_jumps_through_a_codes_passages_in_an_80x24_terminal(coded, db_path):
    term = Terminal([NAME, "--code", "ad-hoctaken"], db_path)
    screen = term.wait_for("ad-hoctaken 1/4")
    assert b"\x1b[?1049h" in term.raw  # the alternate (full) screen
    rows = _rows(screen)
    assert len([r for r in rows if r]) <= 24 and max(len(r) for r in rows) <= 80
    # It starts at the first passage, with its turn: speaker, role, time, passages and codes.
    assert any(r.startswith(f"#{coded[2]} · turn 2 · ") and "Onderwijsassistent 1 (po) (onderwijsassistent, po)" in r for r in rows)
    at = next(i for i, r in enumerate(rows) if r.startswith("▶ "))  # the line where the passage starts
    assert rows[at].endswith("[1]Als") and rows[at + 1] == "  er een leerkracht ziek is, sta ik gewoon voor de groep.[/1] Dat vind ik"
    assert "  passages: [1] invallen en lessen overnemen (anna) · [2] leraar worden (anna)" in rows
    assert "  codes: doorgroei (ben)" in rows
    assert "ad-hoctaken 1/4: turn 2 [1] invallen en lessen overnemen" in screen
    term.key("n")
    screen = term.wait_for("ad-hoctaken 2/4")
    assert "2/4: turn 4 [1] klusjes" in screen
    assert any(r.startswith("▶ ") and "[1]Daarnaast" in r for r in _rows(screen))
    term.key("n")
    # The third lies deep in a turn longer than the screen: the screen moves to the passage itself.
    screen = term.wait_for("ad-hoctaken 3/4")
    rows = _rows(screen)
    at = next(i for i, r in enumerate(rows) if r.startswith("▶ "))
    assert "[2]Ik" in rows[at] and "geen toelage voor" in " ".join(r.strip() for r in rows[at:at + 2])
    assert "turn 4 ·" not in screen  # the turn's speaker line is far above
    term.key("n")
    screen = term.wait_for("ad-hoctaken 4/4")
    assert any(r.startswith(f"▶ #{coded[5]} · turn 5 · ") for r in _rows(screen))  # a whole turn: marked at its speaker
    term.key("n")
    term.wait_for("last of 4")
    term.key("N")
    term.wait_for("ad-hoctaken 3/4")
    assert term.quit() == 0
    assert b"\x1b[?1049l" in term.raw  # the terminal is given back


def test_a_turn_longer_than_the_screen_pages_and_searches(coded, db_path):
    term = Terminal([NAME], db_path)
    term.wait_for("top · ? help, q quit")
    term.key("]]]]")  # from the title to the speaker line of turn 4, the long one
    term.wait_for(f"#{coded[4]} · turn 4 ")
    screen = term.settle()
    rows = _rows(screen)
    assert rows[0].startswith(f"#{coded[4]} · turn 4 ")
    assert "Ja, dat herken ik heel erg" in rows[1]
    assert LONG_SENTENCES[-1][-20:] not in screen  # the turn goes on below the screen
    term.key(" ")
    screen = term.settle()
    assert "hoger werk zonder toelage (anna)" in screen  # its legend, one page further
    assert LONG_SENTENCES[-1][-20:] in CSI.sub("", screen).replace("\r\n  ", " ")
    assert "Ja, dat herken ik heel erg" not in screen
    term.key("b")
    screen = term.settle()
    assert "Ja, dat herken ik heel erg" in screen
    term.key("\x1b[6~")  # PgDn, as the terminal sends it
    screen = term.settle()
    assert "hoger werk zonder toelage (anna)" in screen and "unknown key" not in screen
    term.key("\x1b[5~")  # PgUp
    screen = term.settle()
    assert "Ja, dat herken ik heel erg" in screen
    term.key("g/TOELAGE\r")  # case is ignored
    screen = term.wait_for("'TOELAGE': turn 4")
    hits = [r for r in _rows(screen) if r.startswith("» ")]
    assert len(hits) == 1 and "toelage" in hits[0]
    term.key("n")
    screen = term.wait_for("'TOELAGE': turn 4")
    second = [r for r in _rows(screen) if r.startswith("» ")]
    assert len(second) == 1 and "toelage" in second[0] and second != hits
    term.key("?")
    term.wait_for("focuscode read: keys")
    term.key("x")
    term.wait_for("? help, q quit")  # the message went with the key
    assert term.quit() == 0


def test_in_colour_passages_are_underlined_and_the_current_one_reversed(coded, db_path):
    term = Terminal([NAME, "--code", "hoger werk zonder toelage"], db_path, colour=True)
    term.wait_for("hoger werk zonder toelage 1/1")
    styled = term.screen(styled=True)
    # The current passage in reverse video, its number before it, no closing marker.
    reversed_runs = re.findall(r"\x1b\[([0-9;]*)m([^\x1b]+)", styled)
    passage = " ".join(text.strip() for codes, text in reversed_runs if {"4", "7"} <= set(codes.split(";")))
    assert passage == LATE_PASSAGE, reversed_runs  # underlined and reversed, over the line break
    assert "[/2]" not in styled and "[2]" in CSI.sub("", styled)
    assert term.quit() == 0
