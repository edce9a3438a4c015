"""Two processes coding into one database at once lose nothing, and a writer that has
to wait for the lock says so (and gives up with one clear line after the timeout)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from reliability_support import SAMPLE, child_env, count, integrity, run_focuscode

CODES = ("visie", "ad-hoctaken", "invallen", "doorgroei", "afstemming")
FILES = ("focusgroep-oop-po.txt", "focusgroep-oop-vo.txt", "focusgroep-systeem-vo.txt", "dialoogtafel.txt")

# One coder's session: 1,000 decisions, each its own transaction as in review.
CODER_SESSION = """
import os, sys, time
from focuscode.coding import code_segments
from focuscode.db import open_project

db_path, coder, go, order = sys.argv[1:5]
waits = []
db = open_project(db_path, on_wait=lambda message: (waits.append(message), print(message, file=sys.stderr, flush=True)))
ids = [r[0] for r in db.execute("SELECT id FROM segments ORDER BY id")]
pairs = [(sid, code) for code in %r for sid in ids][:1000]
if order == "reversed":
    pairs.reverse()
while not os.path.exists(go):
    time.sleep(0.005)
for sid, code in pairs:
    code_segments(db, [sid], code, coder)
print(len(pairs), len(waits))
""" % (CODES,)

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
conn.execute("COMMIT")
"""


@pytest.fixture
def big_project(db_path, codebook_file):
    from focuscode.codebook import load_codebook
    from focuscode.codes import load_codebook_into
    from focuscode.db import open_project
    from focuscode.importers.store import ImportOptions, import_file

    db = open_project(db_path)
    load_codebook_into(db, load_codebook(codebook_file))
    for name in FILES:
        import_file(db, SAMPLE / name, ImportOptions(source="focusgroep", allow_pii=True))
    db.close()
    assert count(db_path, "SELECT count(*) FROM segments") * len(CODES) >= 1000
    return db_path


def test_two_coders_at_once_keep_all_2000_codings(big_project, tmp_path):
    go = tmp_path / "go"
    env = child_env(FOCUSCODE_LOCK_TIMEOUT="60")
    procs = [
        subprocess.Popen([sys.executable, "-c", CODER_SESSION, str(big_project), coder, str(go), order],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for coder, order in (("anna", "forward"), ("bram", "reversed"))
    ]
    time.sleep(1.0)  # both have opened the database and wait for the start signal
    go.touch()
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err[-1500:]
    assert count(big_project, "SELECT count(*) FROM codings WHERE coder = 'anna'") == 1000
    assert count(big_project, "SELECT count(*) FROM codings WHERE coder = 'bram'") == 1000
    assert count(big_project, "SELECT count(*) FROM codings") == 2000
    assert count(big_project, "SELECT count(*) FROM coding_events") == 2000
    assert integrity(big_project) == "ok"
    # Every wait that happened was announced on stderr, never silent.
    for out, err in results:
        done, waited = map(int, out.split())
        assert done == 1000
        assert err.count("waiting for the project database") == waited
    print("waits announced:", [r[0].split()[1] for r in results])


def _hold(db_path, tmp_path, seconds: float) -> subprocess.Popen:
    held = tmp_path / "held"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path), str(held), str(seconds)])
    deadline = time.monotonic() + 30
    while not held.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the lock holder did not start"
        time.sleep(0.01)
    return proc


def test_waiting_writer_says_so_and_then_writes(project, tmp_path):
    holder = _hold(project, tmp_path, 1.5)
    try:
        result = run_focuscode("code", "10", "visie", "--coder", "carla", "--db", project,
                               env=child_env(FOCUSCODE_LOCK_TIMEOUT="30"))
    finally:
        holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "waiting for the project database: another focuscode process is writing to it" in result.stderr
    assert count(project, "SELECT count(*) FROM codings WHERE coder = 'carla'") == 1


def test_writer_gives_up_after_the_lock_timeout_with_one_line(project, tmp_path):
    holder = _hold(project, tmp_path, 60)
    try:
        result = run_focuscode("code", "10", "visie", "--coder", "carla", "--db", project,
                               env=child_env(FOCUSCODE_LOCK_TIMEOUT="1"))
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("waiting for the project database")
    assert len(lines) == 2 and lines[1].startswith("Error: ") and "locked by another focuscode process" in lines[1]
    assert str(project) in lines[1]
    assert "Traceback" not in result.stderr
    assert count(project, "SELECT count(*) FROM codings WHERE coder = 'carla'") == 0


def test_check_reads_while_a_coder_is_writing(project, tmp_path):
    holder = _hold(project, tmp_path, 60)
    try:
        start = time.monotonic()
        result = run_focuscode("check", "--json", "--db", project, env=child_env(FOCUSCODE_LOCK_TIMEOUT="30"))
        waited = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "waiting for the project database" not in result.stderr
    assert waited < 20  # it never queued behind the writer's lock
