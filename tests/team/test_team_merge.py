"""merge and replicate: another coder's work comes in, matched by transcript hash and turn."""

from __future__ import annotations

import json
import sqlite3

import pytest
from team.teamkit import CODEBOOK, build_project, db_snapshot, decisions, segment_id

from focuscode.codebook import parse_codebook
from focuscode.codes import load_codebook_into
from focuscode.db import open_project

PO = "focusgroep-oop-po.txt"
VO = "focusgroep-oop-vo.txt"


def rows(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_replicate_is_a_blind_copy_with_the_same_segments(project, db_path, tmp_path, cli):
    sid = segment_id(project, PO, 4)
    project.close()
    assert cli("code", str(sid), "visie", "--coder", "referentie").exit_code == 0
    assert cli("memo", "Klassiek voorbeeld van visie", "--segment", str(sid), "--coder", "referentie").exit_code == 0
    out = tmp_path / "student.db"
    result = cli("replicate", "--coder", "student", "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["segments"] == rows(db_path, "SELECT count(*) FROM segments")[0][0] and report["codes"] == 6
    for table in ("codings", "memos", "seen", "coding_events", "models"):
        assert rows(out, f"SELECT count(*) FROM {table}") == [(0,)], table
    same = "SELECT id, transcript_id, ordinal, text, participant_id FROM segments ORDER BY id"
    assert rows(out, same) == rows(db_path, same)
    assert rows(out, "SELECT role, sector FROM participants") == rows(db_path, "SELECT role, sector FROM participants")
    assert rows(out, "SELECT value FROM settings WHERE key = 'coder'") == [("student",)]
    # Full-text search works in the copy.
    found = cli("segments", "--search", "visie", "--json", db=out)
    assert json.loads(found.stdout)
    assert not list(tmp_path.glob("*.partial*"))


def test_replicate_refuses_to_overwrite(project, tmp_path, cli):
    out = tmp_path / "student.db"
    out.write_text("mijn eigen werk")
    result = cli("replicate", "--coder", "student", "--out", out)
    assert result.exit_code == 1 and "already exists" in result.stderr and str(out) in result.stderr
    assert out.read_text() == "mijn eigen werk"
    assert cli("replicate", "--coder", "student", "--out", out, "--force").exit_code == 0


def _student(tmp_path, cli, name="student"):
    out = tmp_path / f"{name}.db"
    assert cli("replicate", "--coder", name, "--out", out).exit_code == 0
    return out


def test_merge_brings_codings_seen_memos_and_is_idempotent(project, db_path, tmp_path, cli):
    s4, s5 = segment_id(project, PO, 4), segment_id(project, PO, 5)
    project.close()
    student = _student(tmp_path, cli)
    assert cli("code", "--ids", f"{s4},{s5}", "doorgroei", db=student).exit_code == 0
    assert cli("uncode", str(s5), "doorgroei", db=student).exit_code == 0
    assert cli("memo", "Twijfelt tussen pabo en blijven", "--segment", str(s5), db=student).exit_code == 0
    assert cli("memo", "Code doorgroei overlapt met ambitie", "--code", "doorgroei", db=student).exit_code == 0
    assert cli("memo", "Eerste ronde klaar", db=student).exit_code == 0
    before_other = db_snapshot(student)

    first = json.loads(cli("merge", student, "--json").stdout)
    assert first["codings_added"] == 2 and first["codings_matched"] == 0 and first["conflicts"] == []
    assert first["memos_added"] == 3 and first["transcripts_matched"] == 1 and first["unplaced"] == []
    assert first["coders"] == ["student"]
    conn = open_project(db_path)
    assert decisions(conn, "student") == {(s4, "doorgroei", "accepted"), (s5, "doorgroei", "rejected")}
    conn.close()
    snapshot = db_snapshot(db_path)

    second = json.loads(cli("merge", student, "--json").stdout)
    assert second["codings_added"] == 0 and second["codings_matched"] == 2 and second["memos_added"] == 0
    assert second["memos_matched"] == 3
    assert db_snapshot(db_path) == snapshot  # a second merge changes nothing
    assert db_snapshot(student) == before_other  # and the other database is never written


def test_merge_matches_by_hash_and_turn_not_by_ids(tmp_path, cli):
    # Two databases built separately, transcripts imported in a different order: ids differ.
    ours = build_project(tmp_path / "ours.db", transcripts=(PO, VO))
    theirs = build_project(tmp_path / "theirs.db", transcripts=(VO, PO))
    ours_id, theirs_id = segment_id(ours, VO, 3), segment_id(theirs, VO, 3)
    assert ours_id != theirs_id
    ours.close()
    theirs.close()
    assert cli("code", str(theirs_id), "afstemming", "--coder", "bram", db=tmp_path / "theirs.db").exit_code == 0
    report = json.loads(cli("merge", tmp_path / "theirs.db", "--json", db=tmp_path / "ours.db").stdout)
    assert report["codings_added"] == 1 and report["transcripts_matched"] == 2
    assert rows(tmp_path / "ours.db", "SELECT segment_id FROM codings WHERE coder = 'bram'") == [(ours_id,)]


def test_merge_reports_unplaced_turns_and_new_codes(tmp_path, cli):
    ours = build_project(tmp_path / "ours.db", transcripts=(PO,))
    ours.close()
    theirs = build_project(tmp_path / "theirs.db", transcripts=(PO, VO), suggestions=False)
    load_codebook_into(theirs, parse_codebook(CODEBOOK + "  - name: werkdruk\n    description: Hoge werkdruk\n", "x.yaml"))
    po, vo = segment_id(theirs, PO, 4), segment_id(theirs, VO, 2)
    theirs.close()
    other = tmp_path / "theirs.db"
    assert cli("code", "--ids", f"{po},{vo}", "werkdruk", "--coder", "bram", db=other).exit_code == 0
    result = cli("merge", other, db=tmp_path / "ours.db")
    assert result.exit_code == 0, result.stderr
    assert "new codes: werkdruk" in result.stdout
    assert "1 added" in result.stdout and "1 not placed" in result.stdout
    assert f"transcripts not in this project: {VO}" in result.stdout
    assert f"not placed: {VO}:2 werkdruk (bram)" in result.stdout
    assert rows(tmp_path / "ours.db", "SELECT name, active FROM codes WHERE name = 'werkdruk'") == [("werkdruk", 1)]


def test_merge_a_changed_turn_is_not_placed(tmp_path, cli):
    ours = build_project(tmp_path / "ours.db")
    sid = segment_id(ours, PO, 4)
    ours.close()
    other = tmp_path / "bram.db"
    assert cli("replicate", "--coder", "bram", "--out", other, db=tmp_path / "ours.db").exit_code == 0
    assert cli("code", str(sid), "visie", db=other).exit_code == 0
    conn = sqlite3.connect(tmp_path / "ours.db")
    conn.execute("UPDATE segments SET text_hash = 'veranderd' WHERE id = ?", [sid])
    conn.commit()
    conn.close()
    report = json.loads(cli("merge", other, "--json", db=tmp_path / "ours.db").stdout)
    assert report["codings_added"] == 0 and report["unplaced"][0]["segment"] == f"{PO}:4"


def test_merge_conflicts_are_reported_and_the_newer_decision_kept(project, db_path, tmp_path, cli):
    s4 = segment_id(project, PO, 4)
    project.close()
    student = _student(tmp_path, cli, "anna")
    assert cli("code", str(s4), "visie", "--coder", "anna").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE codings SET updated_at = '2020-01-01T00:00:00+00:00' WHERE coder = 'anna'")
    conn.commit()
    conn.close()
    assert cli("code", str(s4), "visie", db=student).exit_code == 0
    assert cli("uncode", str(s4), "visie", db=student).exit_code == 0
    result = cli("merge", student)
    assert result.exit_code == 0
    assert f"conflict {PO}:4 visie (anna): here accepted, there rejected; kept theirs" in result.stdout
    assert rows(db_path, "SELECT status FROM codings WHERE coder = 'anna'") == [("rejected",)]
    ours = json.loads(cli("merge", student, "--prefer", "ours", "--json").stdout)
    assert ours["conflicts"] == [] and ours["codings_matched"] == 1


def test_merge_only_some_coders(project, db_path, tmp_path, cli):
    s4 = segment_id(project, PO, 4)
    project.close()
    other = _student(tmp_path, cli, "anna")
    assert cli("code", str(s4), "visie", "--coder", "anna", db=other).exit_code == 0
    assert cli("code", str(s4), "visie", "--coder", "bram", db=other).exit_code == 0
    report = json.loads(cli("merge", other, "--coder", "bram", "--json").stdout)
    assert report["coders"] == ["bram"] and report["codings_added"] == 1


def test_merging_a_different_study_fails_and_changes_nothing(tmp_path, cli):
    build_project(tmp_path / "ours.db", transcripts=(PO,)).close()
    build_project(tmp_path / "other.db", transcripts=(VO,)).close()
    assert cli("code", "3", "visie", "--coder", "bram", db=tmp_path / "other.db").exit_code == 0
    before = db_snapshot(tmp_path / "ours.db")
    result = cli("merge", tmp_path / "other.db", db=tmp_path / "ours.db")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "shares no transcript with this project" in lines[0] and "other.db" in lines[0]
    assert db_snapshot(tmp_path / "ours.db") == before


@pytest.mark.parametrize("kind", ["missing", "text", "itself", "plain-sqlite"])
def test_merge_bad_other_database(project, db_path, tmp_path, cli, kind):
    project.close()
    other = tmp_path / "other.db"
    if kind == "text":
        other.write_text("segment,code\n1,visie\n")
    elif kind == "itself":
        other = db_path
    elif kind == "plain-sqlite":
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE x (a)")
        conn.commit()
        conn.close()
    before = db_snapshot(db_path)
    result = cli("merge", other)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and str(other) in result.stderr
    assert db_snapshot(db_path) == before


def test_merge_on_a_locked_database_waits_then_fails_cleanly(project, db_path, tmp_path, cli, monkeypatch):
    from focuscode import db as dbmod

    project.close()
    other = _student(tmp_path, cli)
    assert cli("code", "4", "visie", db=other).exit_code == 0
    monkeypatch.setattr(dbmod, "LOCK_TIMEOUT_S", 0.3)
    before = db_snapshot(db_path)
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("merge", other)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and "locked by another focuscode process" in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == result.stderr.strip().splitlines()[-1:]
    assert db_snapshot(db_path) == before
    assert json.loads(cli("merge", other, "--json").stdout)["codings_added"] == 1  # nothing lost: it merges later


def test_dry_run_reports_and_changes_nothing(project, db_path, tmp_path, cli):
    s4 = segment_id(project, PO, 4)
    project.close()
    student = _student(tmp_path, cli)
    assert cli("code", str(s4), "visie", db=student).exit_code == 0
    before = db_snapshot(db_path)
    result = cli("merge", student, "--dry-run")
    assert result.exit_code == 0 and "Would merge" in result.stdout and "codings: 1 added" in result.stdout
    assert db_snapshot(db_path) == before
