"""focuscode check: reports integrity and orphans without changing anything; --fix asks first."""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3

from reliability_support import CODEBOOK_YAML, db_snapshot


def _settled_digest(path) -> str:
    """Digest of the database file and its WAL once every change is checkpointed into the file."""
    gc.collect()  # close connections the in-process CLI runs left behind
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return _digest(path)


def _digest(path) -> str:
    wal = path.with_name(path.name + "-wal")
    return hashlib.sha256(path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")).hexdigest()


def _drop_code_from_codebook(tmp_path, cli, name: str):
    """Load the codebook again without `name`: the code is deactivated, its codings stay."""
    lines = CODEBOOK_YAML.split("\n")
    kept, skip = [], False
    for line in lines:
        if line.strip().startswith("- name: "):
            skip = line.strip() == f"- name: {name}"
        if not skip:
            kept.append(line)
    path = tmp_path / "smaller.yaml"
    path.write_text("\n".join(kept), encoding="utf-8")
    result = cli("codebook", "load", path)
    assert result.exit_code == 0, result.output
    assert "1 deactivated" in result.output


def _orphan_segments(db_path) -> None:
    """A transcript row gone while its segments remain (a hand edit with foreign keys off)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO transcripts (name, source, source_type, file_hash, imported_at) VALUES ('weg.txt', 'focusgroep', 'text', 'abc', '2026-01-01')")
    tid = conn.execute("SELECT id FROM transcripts WHERE name = 'weg.txt'").fetchone()[0]
    conn.execute(
        "INSERT INTO segments (transcript_id, ordinal, speaker, text, text_hash) VALUES (?, 1, 'OOP''er 9 (vo)', 'Ik moet steeds invallen bij wiskunde.', 'h1')",
        [tid],
    )
    conn.execute("DELETE FROM transcripts WHERE id = ?", [tid])
    conn.commit()
    conn.close()


def test_clean_project_passes(project, cli):
    result = cli("check", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert data["integrity"] == ["ok"]
    assert data["findings"] == []
    human = cli("check")
    assert human.exit_code == 0
    assert "integrity ok" in human.stdout and "No orphans." in human.stdout


def test_reports_orphans_without_changing_anything(project, cli, tmp_path):
    _drop_code_from_codebook(tmp_path, cli, "doorgroei")  # bram coded two segments with it
    _orphan_segments(project)
    before_rows = db_snapshot(project)
    before_file = _settled_digest(project)

    result = cli("check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    kinds = {f["kind"]: f for f in data["findings"]}
    assert kinds["codings_of_inactive_codes"]["count"] == 2
    assert kinds["segments_of_missing_transcripts"]["count"] == 1
    assert data["integrity"] == ["ok"]
    assert "problems found" in result.stderr

    human = cli("check")
    assert human.exit_code == 1
    assert "2 codings (decisions and suggestions) of codes no longer in the codebook" in human.stdout
    assert "1 segments of transcripts that do not exist" in human.stdout
    assert db_snapshot(project) == before_rows
    assert _digest(project) == before_file  # read-only: not even the WAL was touched


def test_fix_needs_confirmation(project, cli, tmp_path):
    _drop_code_from_codebook(tmp_path, cli, "doorgroei")
    before = db_snapshot(project)
    result = cli("check", "--fix", input="n\n")
    assert result.exit_code == 1
    assert "Remove these 2 orphaned rows?" in result.output
    assert "Nothing changed." in result.output
    assert db_snapshot(project) == before
    assert not list(tmp_path.glob("project.db.bak-*"))

    as_json = cli("check", "--fix", "--json")  # no one to ask: refuses
    assert as_json.exit_code == 1
    assert db_snapshot(project) == before


def test_fix_after_yes_removes_orphans_and_keeps_a_backup(project, cli, tmp_path):
    _drop_code_from_codebook(tmp_path, cli, "doorgroei")
    _orphan_segments(project)
    conn = sqlite3.connect(project)
    conn.execute("INSERT INTO participants (transcript_id, label, role) VALUES (1, 'OOP''er 12 (po)', 'OOP''er')")
    conn.commit()
    conn.close()

    result = cli("check", "--fix", input="y\n")
    assert result.exit_code == 0, result.output
    assert "Check after fixing: ok" in result.stdout
    backups = list(tmp_path.glob("project.db.bak-*"))
    assert len(backups) == 1
    # The backup still holds what was removed.
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT count(*) FROM codings c JOIN codes k ON k.id = c.code_id WHERE k.name = 'doorgroei'").fetchone()[0] == 2
    old.close()
    after = json.loads(cli("check", "--json").stdout)
    assert after["ok"] is True
    conn = sqlite3.connect(project)
    # anna's codings of an active code are untouched.
    assert conn.execute("SELECT count(*) FROM codings WHERE coder = 'anna'").fetchone()[0] == 3
    assert conn.execute("SELECT count(*) FROM segments WHERE transcript_id NOT IN (SELECT id FROM transcripts)").fetchone()[0] == 0
    conn.close()


def test_search_index_gap_is_found_and_rebuilt(project, cli):
    conn = sqlite3.connect(project)
    conn.execute("DROP TRIGGER segments_ai")
    conn.execute(
        "INSERT INTO segments (transcript_id, ordinal, speaker, text, text_hash) VALUES (1, 999, 'OOP''er 1 (po)', 'Voor de kerstmusical moest ik alle kostuums naaien.', 'h2')"
    )
    conn.commit()
    conn.close()
    data = json.loads(cli("check", "--json").stdout)
    assert [f["kind"] for f in data["findings"]] == ["search_index_out_of_date"]
    assert cli("segments", "--search", "kerstmusical", "--json").stdout.strip() == "[]"
    assert cli("check", "--fix", "--yes").exit_code == 0
    found = json.loads(cli("segments", "--search", "kerstmusical", "--json").stdout)
    assert [s["ordinal"] for s in found] == [999]


def test_damaged_file_fails_the_check(project, cli):
    # Overwrite the segments table's root page: SQLite's own check must notice.
    conn = sqlite3.connect(project)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'segments'").fetchone()[0]
    conn.close()
    data = bytearray(project.read_bytes())
    start = page * (root - 1)
    data[start + 8 : start + page] = b"\x07" * (page - 8)
    project.write_bytes(bytes(data))
    result = cli("check", "--json")
    assert result.exit_code == 1
    if result.stdout.strip():
        report = json.loads(result.stdout)
        assert report["integrity"] != ["ok"]
    else:  # SQLite refused even to read the schema: one line naming the file
        assert result.stderr.count("\n") == 1 and str(project) in result.stderr
    refused = cli("check", "--fix", "--yes")
    assert refused.exit_code == 1


def test_missing_database_is_one_line(cli, tmp_path):
    missing = tmp_path / "nergens.db"
    result = cli("check", db=missing)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "nergens.db" in result.stderr
    assert not missing.exists()


def test_check_never_migrates_an_older_database(project, cli):
    # As if the database came from before the last migration: check reports it, changes nothing.
    from focuscode.migrations import MIGRATIONS

    latest = MIGRATIONS[-1].__name__
    conn = sqlite3.connect(project)
    conn.execute("DELETE FROM _focuscode_migrations WHERE name = ?", [latest])
    conn.commit()
    conn.close()
    before = db_snapshot(project)
    data = json.loads(cli("check", "--json").stdout)
    assert data["pending_migrations"] == [latest]
    assert db_snapshot(project) == before
    assert not list(project.parent.glob("project.db.bak-*"))
    human = cli("check")
    assert f"schema not up to date ({latest} pending); run 'focuscode init'" in human.stdout
