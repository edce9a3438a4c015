"""Helpers for the reliability tests: the codebook, running focuscode in its own process
(so it can be killed, or run twice at once), and reading the database behind its back.

Named so pytest does not collect it; imported by the tests as `reliability_support`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "transcripts"

# A codebook in the shape of the design card; written per test so these tests
# do not depend on the bundled codebook's exact contents.
CODEBOOK_YAML = """\
- name: visie
  description: Visie van school of bestuur op de inzet van OOP'ers.
  keywords: [visie, beroepsbeeld, schoolplan]
- name: ad-hoctaken
  description: Taken buiten het afgesproken takenpakket.
  keywords: [klusjes, kopiëren, toelage]
  children:
    - name: invallen
      description: Invallen voor een afwezige leraar.
      keywords: [invallen, invaller, vervanging]
- name: doorgroei
  description: Ambities en loopbaanperspectief.
  keywords: [pabo, scholing, ontwikkelgesprek, opleiding]
- name: afstemming
  description: Afstemming met leraren, IB'ers en leidinggevenden.
  keywords: [afstemmen, overleg, IB'er]
"""


sys.path.insert(0, str(REPO / "tests"))
from fctest import db_snapshot  # noqa: E402,F401  (the project's shared test helpers)


def child_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.pop("FOCUSCODE_DB", None)
    env.pop("FOCUSCODE_CODER", None)
    env["NO_COLOR"] = "1"
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


MAIN = "import sys; sys.argv[0] = 'focuscode'; from focuscode.cli import main; main()"


def run_focuscode(*args, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command line in its own process, as a researcher runs it."""
    return subprocess.run(
        [sys.executable, "-c", MAIN, *map(str, args)],
        capture_output=True, text=True, env=env or child_env(), timeout=timeout,
    )


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def count(path: Path, sql: str, params=()) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


# focuscode's own command line with one stall injected at the SQLite connection: on the
# Nth INSERT statement into one table it writes (half of an executemany's rows, or the
# whole statement), leaves a marker file and sleeps, so the test can SIGKILL it in the
# middle of its transaction, whatever library call the code under test uses to insert.
HOOKED_MAIN = """
import os, re, sqlite3, sys, time

table, nth, mark = os.environ["FC_HOOK_TABLE"], int(os.environ["FC_HOOK_CALL"]), os.environ["FC_HOOK_MARK"]
insert = re.compile(r'\\s*INSERT\\s+(?:OR\\s+\\w+\\s+)?INTO\\s+[\\["`]?(\\w+)', re.IGNORECASE)
calls = {"n": 0}

def stall():
    with open(mark, "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(120)
    raise SystemExit("not killed")

def hit(sql):
    m = insert.match(sql)
    if not m or m.group(1) != table:
        return False
    calls["n"] += 1
    return calls["n"] == nth

class Stalling(sqlite3.Connection):
    def execute(self, sql, *args):
        cursor = super().execute(sql, *args)
        if hit(sql):
            stall()
        return cursor

    def executemany(self, sql, rows):
        if hit(sql):
            rows = list(rows)
            super().executemany(sql, rows[: max(1, len(rows) // 2)])
            stall()
        return super().executemany(sql, rows)

original = sqlite3.connect

def connect(*args, **kwargs):
    kwargs.setdefault("factory", Stalling)
    return original(*args, **kwargs)

sqlite3.connect = connect
sys.argv = ["focuscode"] + sys.argv[1:]
from focuscode.cli import main
main()
"""


def kill_midway(args, *, table: str, call: int, tmp_path: Path, timeout: float = 90) -> None:
    """Run focuscode `args`, wait until it is inside its write, then SIGKILL it."""
    import signal
    import time

    mark = tmp_path / f"stalled-{table}-{call}"
    mark.unlink(missing_ok=True)
    env = child_env(FC_HOOK_TABLE=table, FC_HOOK_CALL=str(call), FC_HOOK_MARK=str(mark))
    proc = subprocess.Popen([sys.executable, "-c", HOOKED_MAIN, *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    try:
        while not mark.exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(f"focuscode ended (exit {proc.returncode}) before the stall: {err[-800:]}")
            if time.monotonic() > deadline:
                raise AssertionError("focuscode never reached the stall")
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
