"""The migrated schema, and how opening refuses files that are not ours."""

import os
import sqlite3
import stat

import pytest

from focuscode.db import MIGRATIONS_TABLE, open_project
from focuscode.errors import ProjectError
from focuscode.migrations import MIGRATIONS

EXPECTED_COLUMNS = {
    "transcripts": ["id", "name", "path", "source", "source_type", "file_hash", "encoding", "metadata", "imported_at"],
    "participants": ["id", "transcript_id", "label", "role", "sector", "school_type", "is_facilitator", "attributes"],
    "segments": ["id", "transcript_id", "ordinal", "participant_id", "speaker", "text", "text_hash", "line",
                 "start_ms", "end_ms", "external_id", "question"],
    "codes": ["id", "name", "parent_id", "description", "include", "exclude", "exclude_keywords", "examples",
              "keywords", "patterns", "color", "position", "codebook", "active"],
    "codings": ["id", "segment_id", "code_id", "coder", "status", "method", "score", "evidence", "span_start",
                "span_end", "suggestion_id", "model_id", "created_at", "updated_at"],
    "coding_events": ["id", "coder", "segment_id", "code_id", "action", "old_status", "new_status", "coding_id", "at"],
    "seen": ["segment_id", "coder", "at"],
    "memos": ["id", "target", "transcript_id", "segment_id", "code_id", "coder", "text", "created_at", "updated_at"],
    "models": ["id", "kind", "coder", "pipeline", "labels", "trained_on", "metadata", "data", "created_at"],
    "settings": ["key", "value"],
}


def test_migrated_schema_has_every_table_and_column(db_path):
    db = open_project(db_path)
    for table, columns in EXPECTED_COLUMNS.items():
        actual = [c.name for c in db.table(table).columns]
        assert actual[: len(columns)] == columns, table
    applied = [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]
    assert applied == [m.__name__ for m in MIGRATIONS]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert "segments_fts" in db.table_names()


def test_codings_constraints(db_path):
    db = open_project(db_path)
    db.execute("INSERT INTO transcripts (name, source, source_type, file_hash, imported_at) VALUES ('t', 'focusgroep', 'txt', 'h', 'now')")
    db.execute("INSERT INTO segments (transcript_id, ordinal, text, text_hash) VALUES (1, 1, 'Ik val vaak in.', 'x')")
    db.execute("INSERT INTO codes (name) VALUES ('invallen')")
    row = "INSERT INTO codings (segment_id, code_id, coder, status, method, created_at, updated_at) VALUES (1, 1, ?, ?, 'manual', 'n', 'n')"
    db.execute(row, ["anna", "accepted"])
    with pytest.raises(sqlite3.IntegrityError):  # one decision per coder, segment and code
        db.execute(row, ["anna", "rejected"])
    with pytest.raises(sqlite3.IntegrityError):  # a suggestion has no coder; a decision has one
        db.execute(row, [None, "accepted"])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(row, ["bram", "maybe"])


def test_reopening_applies_nothing_twice(db_path):
    open_project(db_path).close()
    db = open_project(db_path)
    assert db.execute(f"SELECT count(*) FROM {MIGRATIONS_TABLE}").fetchone()[0] == len(MIGRATIONS)


def test_database_file_is_private(db_path):
    open_project(db_path).close()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_newer_database_is_refused(db_path):
    db = open_project(db_path)
    db.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES ('m999_from_the_future', 'x')")
    db.close()
    with pytest.raises(ProjectError, match="newer focuscode"):
        open_project(db_path)


def test_not_sqlite_and_foreign_sqlite_are_refused(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("Dit is geen database.\n" * 20)
    with pytest.raises(ProjectError, match="not an SQLite file"):
        open_project(text)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE cijfers (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectError, match="not a focuscode project"):
        open_project(other)


def test_foreign_key_lookups_use_an_index(db_path):
    # SQLite checks a foreign key by looking up child rows by the referencing
    # column; without an index every deleted suggestion scanned all codings.
    db = open_project(db_path)
    for sql in ("SELECT 1 FROM codings WHERE suggestion_id = ?", "SELECT 1 FROM codings WHERE segment_id = ?",
                "SELECT 1 FROM codings WHERE code_id = ?", "SELECT 1 FROM memos WHERE segment_id = ?"):
        plan = " ".join(str(r[-1]) for r in db.execute("EXPLAIN QUERY PLAN " + sql, [1]))
        assert "USING" in plan and "INDEX" in plan, (sql, plan)


def test_a_coders_codes_on_a_segment_are_read_from_an_index_alone(db_path):
    # agreement looks up each coder's accepted codes per segment (m003).
    db = open_project(db_path)
    plan = " ".join(str(r[-1]) for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT code_id FROM codings WHERE segment_id = ? AND coder = ? AND status = 'accepted'",
        [1, "anna"]))
    assert "COVERING INDEX idx_codings_segment_coder" in plan, plan
