"""Project files that are damaged, foreign or from a newer focuscode give one clear line
and exit 1; a migration first copies the database to a timestamped backup; every
file focuscode creates is readable by its owner only."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from reliability_support import db_snapshot


def _settle(path) -> None:
    """Checkpoint the WAL into the file, as after a clean shutdown, so the file alone is the database."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists() and extra.stat().st_size in (0, 32768):
            extra.unlink(missing_ok=True)


def _one_line_error(result, path) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and str(path) in lines[0]
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("command", [("segments", "--json"), ("code", "4", "visie", "--coder", "anna"), ("check",)])
def test_not_sqlite(cli, tmp_path, command):
    path = tmp_path / "notities.db"
    content = "Dit is geen database maar een lijstje: kopieerpapier, lamineren.\n".encode() * 20
    path.write_bytes(content)
    message = _one_line_error(cli(*command, db=path), path)
    assert "not an SQLite file" in message
    assert path.read_bytes() == content


def test_truncated_header(project, cli):
    _settle(project)
    data = project.read_bytes()
    project.write_bytes(data[:60])
    assert "truncated" in _one_line_error(cli("segments", "--json"), project)
    assert project.read_bytes() == data[:60]


def test_truncated_halfway(project, cli):
    _settle(project)
    data = project.read_bytes()
    project.write_bytes(data[: len(data) // 2])
    message = _one_line_error(cli("segments", "--json"), project)
    assert f"truncated ({len(data) // 2:,} of {len(data):,} bytes)" in message
    assert project.stat().st_size == len(data) // 2  # left as it was for recovery
    assert "truncated" in _one_line_error(cli("check"), project)


def test_sqlite_but_not_focuscode(cli, tmp_path):
    path = tmp_path / "ander.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE respondenten (id INTEGER PRIMARY KEY, naam TEXT)")
    conn.execute("INSERT INTO respondenten (naam) VALUES ('R1')")
    conn.commit()
    conn.close()
    before = db_snapshot(path)
    assert "not a focuscode project database" in _one_line_error(cli("segments", "--json", db=path), path)
    assert db_snapshot(path) == before


def test_from_a_newer_focuscode(project, cli):
    conn = sqlite3.connect(project)
    conn.execute("INSERT INTO _focuscode_migrations (name, applied_at) VALUES ('m999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    before = db_snapshot(project)
    for command in (("segments", "--json"), ("code", "4", "visie", "--coder", "anna"), ("check",)):
        message = _one_line_error(cli(*command), project)
        assert "newer focuscode" in message and "m999_from_the_future" in message
    assert db_snapshot(project) == before
    assert not list(project.parent.glob("*.bak-*"))


def _add_migration(monkeypatch, fn):
    import focuscode.db
    import focuscode.migrations

    extended = [*focuscode.migrations.MIGRATIONS, fn]
    monkeypatch.setattr(focuscode.migrations, "MIGRATIONS", extended)
    monkeypatch.setattr(focuscode.db, "MIGRATIONS", extended)


def test_backup_before_migrating(project, cli, monkeypatch):
    def m900_add_code_colour_names(db):
        db.execute("CREATE TABLE colour_names (code_id INTEGER, name TEXT)")

    _add_migration(monkeypatch, m900_add_code_colour_names)
    before = db_snapshot(project)
    result = cli("segments", "--json")
    assert result.exit_code == 0, result.output
    backups = sorted(project.parent.glob("project.db.bak-*"))
    assert len(backups) == 1
    assert f"Backed up the database to {backups[0]} before upgrading it" in result.stderr
    # The backup is the database as it was before the migration, and private.
    assert db_snapshot(backups[0]) == before
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    conn = sqlite3.connect(project)
    assert ("m900_add_code_colour_names",) in conn.execute("SELECT name FROM _focuscode_migrations").fetchall()
    conn.close()
    # Up to date now: no second backup.
    assert cli("segments", "--json").exit_code == 0
    assert len(list(project.parent.glob("project.db.bak-*"))) == 1


def test_failed_migration_changes_nothing_and_keeps_the_backup(project, cli, monkeypatch):
    def m901_broken(db):
        db.execute("CREATE TABLE half_done (x INTEGER)")
        db.execute("ALTER TABLE no_such_table ADD COLUMN y TEXT")

    _add_migration(monkeypatch, m901_broken)
    before = db_snapshot(project)
    result = cli("segments", "--json")
    assert result.exit_code == 1
    backups = list(project.parent.glob("project.db.bak-*"))
    assert len(backups) == 1 and db_snapshot(backups[0]) == before
    notice, error = result.stderr.strip().splitlines()  # the backup notice, then one error line
    assert notice.startswith("Backed up the database to ")
    assert error == (f"Error: {project}: upgrading the database failed in m901_broken "
                     f"(no such table: no_such_table); nothing was changed; a backup is at {backups[0]}")
    assert db_snapshot(project) == before


def test_database_files_are_private(cli, tmp_path, codebook_file):
    old = os.umask(0o022)  # the usual umask, which would leave new files world-readable
    try:
        path = tmp_path / "studie.db"
        assert cli("init", db=path).exit_code == 0
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        reader = sqlite3.connect(path)  # an open reader keeps the WAL and shared-memory files in place
        reader.execute("SELECT count(*) FROM segments").fetchone()
        assert cli("codebook", "load", codebook_file, db=path).exit_code == 0
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            assert extra.exists(), suffix
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600, suffix
        reader.close()
    finally:
        os.umask(old)
