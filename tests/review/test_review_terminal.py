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
