"""A focuscode process killed (SIGKILL) in the middle of its write leaves a sound database:
integrity check ok, nothing half-written, and the same command run again completes
with nothing duplicated."""

from __future__ import annotations

import importlib.util
import shutil

import pytest
from reliability_support import SAMPLE, count, integrity, kill_midway, run_focuscode


def _turns(path) -> int:
    from focuscode.importers.store import ImportOptions, parse_file

    return len(parse_file(path, ImportOptions(source="focusgroep"), None).turns)


def test_killed_import_leaves_no_half_transcript(tmp_path, db_path):
    first, second = SAMPLE / "focusgroep-oop-po.txt", SAMPLE / "focusgroep-oop-vo.txt"
    # --allow-pii skips the deduce gate, which runs before the write and only costs time here.
    args = ["import", first, second, "--source", "focusgroep", "--allow-pii", "--db", db_path]
    done = run_focuscode(*args[:2], *args[3:])  # the first file, in an earlier command
    assert done.returncode == 0, done.stderr
    # Killed while the second file's segments are half inserted (the first is unchanged).
    kill_midway(args, table="segments", call=1, tmp_path=tmp_path)

    assert integrity(db_path) == "ok"
    assert count(db_path, "SELECT count(*) FROM transcripts") == 1
    assert count(db_path, "SELECT count(*) FROM segments") == _turns(first)
    assert count(db_path, "SELECT count(*) FROM transcripts WHERE name = ?", [second.name]) == 0
    assert count(db_path, "SELECT count(*) FROM participants WHERE transcript_id NOT IN (SELECT id FROM transcripts)") == 0

    again = run_focuscode(*args)
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stdout and "imported" in again.stdout
    assert count(db_path, "SELECT count(*) FROM transcripts") == 2
    assert count(db_path, "SELECT count(*) FROM segments") == _turns(first) + _turns(second)
    # The search index follows the segments exactly: no entries left by the killed run.
    assert count(db_path, "SELECT count(*) FROM segments_fts_docsize") == _turns(first) + _turns(second)
    check = run_focuscode("check", "--db", db_path)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.skipif(importlib.util.find_spec("focuscode.nlp.rules") is None, reason="the rule matcher is not in this checkout yet")
def test_killed_suggest_keeps_the_previous_suggestions(project, tmp_path):
    args = ["suggest", "--db", project]
    kill_midway(args, table="codings", call=1, tmp_path=tmp_path)
    assert integrity(project) == "ok"
    assert count(project, "SELECT count(*) FROM codings WHERE coder IS NULL") == 0
    assert count(project, "SELECT count(*) FROM codings WHERE coder IS NOT NULL") == 5  # the coders' work

    first = run_focuscode(*args)
    assert first.returncode == 0, first.stderr
    suggested = count(project, "SELECT count(*) FROM codings WHERE coder IS NULL")
    assert suggested > 0
    # One suggestion per segment, code and method: the killed run left nothing to double.
    assert count(project, "SELECT count(*) FROM (SELECT 1 FROM codings WHERE coder IS NULL GROUP BY segment_id, code_id, method)") == suggested
    # Killed again, now with suggestions stored: the old ones survive whole. A rerun that finds
    # every suggestion as it stood writes nothing, so three are taken away (the rerun inserts
    # them again) and two marked (it rewrites them): it is killed while it inserts, after those
    # rewrites, and both must be undone.
    import sqlite3

    conn = sqlite3.connect(project)
    ids = [r[0] for r in conn.execute("SELECT id FROM codings WHERE coder IS NULL AND method = 'rules' ORDER BY id LIMIT 5")]
    conn.execute(f"DELETE FROM codings WHERE id IN ({ids[0]}, {ids[1]}, {ids[2]})")
    conn.execute(f"UPDATE codings SET score = 0.0123 WHERE id IN ({ids[3]}, {ids[4]})")
    conn.commit()
    conn.close()
    kill_midway(args, table="codings", call=1, tmp_path=tmp_path)
    assert integrity(project) == "ok"
    assert count(project, "SELECT count(*) FROM codings WHERE coder IS NULL") == suggested - 3
    assert count(project, "SELECT count(*) FROM codings WHERE coder IS NULL AND score = 0.0123") == 2
    assert count(project, "SELECT count(*) FROM codings WHERE coder IS NOT NULL") == 5
    again = run_focuscode(*args)
    assert again.returncode == 0, again.stderr
    assert count(project, "SELECT count(*) FROM codings WHERE coder IS NULL") == suggested
    assert count(project, "SELECT count(*) FROM codings WHERE coder IS NULL AND score = 0.0123") == 0


@pytest.mark.skipif(importlib.util.find_spec("focuscode.merge") is None, reason="merge is not in this checkout yet")
def test_killed_merge_is_all_or_nothing(project, tmp_path):
    from focuscode.coding import code_segments
    from focuscode.db import open_project
    from focuscode.merge import replicate

    db = open_project(project)
    other = tmp_path / "bram.db"
    replicate(db, other, "bram")
    db.close()
    theirs = open_project(other)
    for code, ids in (("visie", range(10, 30)), ("afstemming", range(20, 45)), ("invallen", range(40, 55))):
        code_segments(theirs, list(ids), code, "carla")
    theirs.close()
    expected = 20 + 25 + 15
    before = count(project, "SELECT count(*) FROM codings")
    args = ["merge", other, "--db", project]
    # Killed after 30 of carla's codings were written inside the merge's transaction.
    kill_midway(args, table="codings", call=30, tmp_path=tmp_path)

    assert integrity(project) == "ok"
    assert count(project, "SELECT count(*) FROM codings") == before
    assert count(project, "SELECT count(*) FROM codings WHERE coder = 'carla'") == 0

    merged = run_focuscode(*args)
    assert merged.returncode == 0, merged.stderr
    assert count(project, "SELECT count(*) FROM codings WHERE coder = 'carla'") == expected
    twice = run_focuscode(*args)
    assert twice.returncode == 0, twice.stderr
    assert count(project, "SELECT count(*) FROM codings WHERE coder = 'carla'") == expected
    assert count(project, "SELECT count(*) FROM codings") == before + expected
    shutil.rmtree(tmp_path / "exports", ignore_errors=True)
