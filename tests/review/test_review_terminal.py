"""The review loop in a real (pseudo) terminal: single keys without Enter, full screen."""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import sys
import time
from pathlib import Path

import pytest
from team.teamkit import decisions

from fctest import pty_drain

from focuscode.review import ReviewFilter, build_queue

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")


def _wait_for(fd, needle: bytes, timeout: float = 60) -> bytes:
    out = b""
    end = time.monotonic() + timeout
    while needle not in out and time.monotonic() < end:
        out += pty_drain(fd, 0.2)
    assert needle in out, out[-2000:]
    return out


def test_review_in_an_80x24_terminal_with_single_keys(project, db_path):
    exe = shutil.which("focuscode", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the focuscode script is not installed beside this Python")
    first = build_queue(project, "tess", ReviewFilter()).segment_ids[0]
    project.close()
    pid, fd = pty.fork()
    if pid == 0:  # the child: focuscode review on the terminal side
        os.environ.update(NO_COLOR="1", COLUMNS="80", LINES="24")
        os.execv(exe, [exe, "review", "--coder", "tess", "--db", str(db_path)])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    screen = _wait_for(fd, b"segment 1/")
    assert b"\x1b[?1049h" in screen  # the alternate (full) screen
    os.write(fd, b"a")  # no Enter needed
    _wait_for(fd, b"accepted ")
    os.write(fd, b"m")
    os.write(fd, b"Vraag: is dit echt doorgroei?\r")
    _wait_for(fd, b"memo saved")
    os.write(fd, b"\r")
    _wait_for(fd, b"segment 2/")
    os.write(fd, b"q")
    tail = pty_drain(fd, 3)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"\x1b[?1049l" in tail  # the terminal is given back
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT segment_id, text FROM memos").fetchall() == [(first, "Vraag: is dit echt doorgroei?")]
    assert conn.execute("SELECT segment_id FROM seen WHERE coder = 'tess'").fetchall() == [(first,)]
    conn.close()
    from focuscode.db import open_project

    db = open_project(db_path)
    assert [(d[0], d[2]) for d in decisions(db, "tess")] == [(first, "accepted")]
    db.close()


def _screens(raw: bytes) -> list[list[str]]:
    """The screens drawn after each clear, as plain lines (escape sequences taken out)."""
    import re

    text = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    return [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", s).rstrip("\n").split("\n") for s in text.split("\x1b[2J")[1:]]


def test_review_by_sentence_in_an_80x24_terminal(tmp_path, db_path):
    """A long turn of a Teams-style transcript (review/longturn.py): select sentences, code
    them, undo, accept a suggestion for its own sentence, and scroll to the last sentence."""
    from review.longturn import build_long_turn_project

    exe = shutil.which("focuscode", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the focuscode script is not installed beside this Python")
    build_long_turn_project(tmp_path, db_path).close()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(NO_COLOR="1", COLUMNS="80", LINES="24")
        os.execv(exe, [exe, "review", "--coder", "tess", "--all", "--all-suggestions", "--db", str(db_path)])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    raw = _wait_for(fd, b"segment 1/")
    steps = [
        (b"]", b"sentence 1 of 12:"),
        (b"]}", b"sentences 2-3 of 12:"),
        (b"c", b"(part of its name): "),
        (b"toelage\r", b"added toelage for sentences 2-3"),
        (b"u", b"undone: add toelage on #"),
        (b"\x1b", b"whole turn"),
        (b"e", b"doorgroei: its evidence is in sentence 9"),  # the best suggestion is marked
        (b"a", b"accepted doorgroei for sentence 9"),
        (b"]]]", b"sentence 12 of 12:"),
    ]
    for keys, needle in steps:
        for key in keys:  # one key at a time, as typed
            os.write(fd, bytes([key]))
            time.sleep(0.05)
        raw += _wait_for(fd, needle)
    os.write(fd, b"q")
    raw += pty_drain(fd, 3)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    screens = _screens(raw)
    assert len(screens) >= 10
    for lines in screens:
        assert len(lines) <= 24 and max(len(line) for line in lines) <= 80, lines
    flat = [" ".join(" ".join(s).split()) for s in screens]
    coded = next(f for f in flat if "added toelage" in f)
    assert "⟦1 »Als er een docent ziek is," in coded and "want ik ken de leerlingen toch.«⟧" in coded
    assert "⟦1 toelage · sentences 2-3 · «Als er een docent" in coded
    accepted = next(f for f in flat if "accepted doorgroei for sentence 9" in f)
    # The passage (⟦1), still selected (»«), folded into view; the next pending suggestion is marked now.
    assert "⟦1 »Eerlijk gezegd denk ik er wel eens over om de [pabo] of een [lerarenopleiding] te gaan doen.«⟧" in accepted
    assert "lines above" in accepted and "▶2 invallen" in accepted
    marked = next(f for f in flat if "doorgroei: its evidence is in sentence 9" in f)
    assert "‹»Eerlijk gezegd denk ik er wel eens over om de [pabo]" in marked  # the suggestion's sentence, selected
    last = next(f for f in flat if "sentence 12 of 12:" in f)
    assert "lines above" in last and "»Daar is bij ons geen budget voor, zeggen ze dan.«" in last
    conn = sqlite3.connect(db_path)
    got = conn.execute("SELECT k.name, c.status, c.span_start, c.span_end FROM codings c JOIN codes k ON k.id = c.code_id "
                       "WHERE c.coder = 'tess'").fetchall()
    text = conn.execute("SELECT text FROM segments WHERE text LIKE 'Nou, dat%'").fetchone()[0]
    conn.close()
    start = text.index("Eerlijk gezegd")
    assert got == [("doorgroei", "accepted", start, text.index("te gaan doen.") + len("te gaan doen."))]
