"""Two coders reviewing one database at once, a locked database, and the CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from team.teamkit import db_snapshot, decisions

from focuscode.review import ReviewFilter, build_queue

# A child process: a coder who accepts every suggestion and writes a memo on
# every segment. It drops a marker when it is ready for its first key, so the
# parent can hold the write lock at exactly that moment.
CHILD = r"""
import io, sys
from pathlib import Path
from rich.console import Console
from focuscode.db import open_project
from focuscode.cli.review_ui import ScriptedKeys, run_review

db_path, coder, marker, n = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])

class Keys(ScriptedKeys):
    def read_key(self):
        marker.touch()
        return super().read_key()

keys = []
for i in range(n):
    keys += ["a", "m", f"{coder}: memo {i}", "\n"]
out = io.StringIO()
db = open_project(db_path, create=False)
summary = run_review(db, coder, keys=Keys(keys), console=Console(file=out, width=80, height=24))
print(out.getvalue().count("waiting for the project database"), summary.finished)
"""


def test_two_reviews_by_different_coders_at_once_keep_all_actions(project, db_path, tmp_path):
    queue = build_queue(project, "anna", ReviewFilter()).segment_ids
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")  # a third writer holds the lock while both reviews start
    env = {**os.environ, "FOCUSCODE_LOCK_TIMEOUT": "60"}
    procs, markers = [], []
    for coder in ("anna", "bram"):
        marker = tmp_path / f"{coder}.ready"
        markers.append(marker)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", CHILD, str(db_path), coder, str(marker), str(len(queue))],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            )
        )
    deadline = time.monotonic() + 120
    while not all(m.exists() for m in markers) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    holder.execute("ROLLBACK")
    holder.close()
    results = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        waited, finished = map(int, out.split())
        assert waited >= 1  # the loop said it was waiting instead of failing
        assert finished == len(queue)
    for coder in ("anna", "bram"):
        assert len(decisions(project, coder)) == len(queue)
        assert all(status == "accepted" for _, _, status in decisions(project, coder))
        memos = {r[0] for r in project.execute("SELECT text FROM memos WHERE coder = ?", [coder])}
        assert memos == {f"{coder}: memo {i}" for i in range(len(queue))}
        assert project.execute("SELECT count(*) FROM seen WHERE coder = ?", [coder]).fetchone()[0] == len(queue)


def test_review_action_on_a_locked_database_is_not_saved_and_can_be_retried(project, db_path, monkeypatch):
    import io

    from rich.console import Console

    from focuscode import db as dbmod
    from focuscode.cli.review_ui import ScriptedKeys
    from focuscode.cli.review_ui.loop import ReviewLoop

    monkeypatch.setattr(dbmod, "LOCK_TIMEOUT_S", 0.3)
    holder = sqlite3.connect(db_path)

    class Keys(ScriptedKeys):
        def read_key(self):
            key = super().read_key()
            if self.pos == 1:
                holder.execute("BEGIN IMMEDIATE")  # another review holds the lock for the first key
            elif self.pos == 2:
                holder.execute("ROLLBACK")
            return key

    out = Console(file=io.StringIO(), width=80, height=24)
    loop = ReviewLoop(project, "anna", Keys(["a", "a", "q"]), out)
    loop.run()
    text = out.file.getvalue()
    assert "not saved: " in text and "locked by another focuscode process" in text
    s1 = loop.queue[0]
    assert {d[0] for d in decisions(project, "anna")} == {s1}  # the retry stored it, once
    holder.close()


def test_code_on_a_database_locked_by_a_review_fails_with_one_line(project, db_path, cli, monkeypatch):
    from focuscode import db as dbmod

    monkeypatch.setattr(dbmod, "LOCK_TIMEOUT_S", 0.3)
    project.close()
    before = db_snapshot(db_path)
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("code", "--ids", "6,14", "visie", "--coder", "anna")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    # A notice that it waits, then one error line.
    assert lines[:-1] == ["waiting for the project database: another focuscode process is writing to it"]
    assert lines[-1].startswith("Error: ") and "locked by another focuscode process" in lines[-1] and str(db_path) in lines[-1]
    assert db_snapshot(db_path) == before


def test_cli_review_reads_keys_from_its_input_stream(project, db_path, cli):
    queue = build_queue(project, "anna", ReviewFilter()).segment_ids
    project.close()
    result = cli("review", "--coder", "anna", "--json", input="a\nrm" + "Lastig: toelage of invallen?\n" + "\nq")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["actions"] == {"accept": 1, "done": 2, "reject": 1, "memo": 1}
    assert summary["finished"] == 2 and summary["left"] == len(queue) - 2
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT segment_id, status FROM codings WHERE coder = 'anna' ORDER BY segment_id").fetchall()
    assert rows == [(queue[0], "accepted"), (queue[1], "rejected")]
    assert conn.execute("SELECT segment_id, text FROM memos").fetchall() == [(queue[1], "Lastig: toelage of invallen?")]


def test_cli_review_bad_options(project, cli):
    result = cli("review", "--coder", "anna", "--uncoded", "--all")
    assert result.exit_code == 2 and "not both" in result.stderr
    result = cli("review", "--coder", "anna", "--transcript", "bestaat-niet.txt")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "bestaat-niet.txt" in result.stderr
    result = cli("review", input="q")
    assert result.exit_code == 1 and "coder name is needed" in result.stderr
