"""The schema after m005-m007 on a new project: coders, codebook versions, the audit log,
and coding_events with its keys."""

from __future__ import annotations

from focuscode.db import open_project


def _columns(db, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]


def _keys(db, table: str) -> set[tuple[str, str, str]]:
    return {(r[3], r[2], r[4]) for r in db.execute(f"PRAGMA foreign_key_list({table})")}


def test_the_new_tables_columns_and_keys(db_path):
    db = open_project(db_path)
    assert _columns(db, "coders") == ["id", "name", "created", "merged_into"]
    assert _columns(db, "codebook_versions") == ["id", "name", "version", "source", "loaded_at"]
    assert _columns(db, "code_definitions") == ["version_id", "code_id", "name", "parent", "position", "description",
                                                "include", "exclude", "examples", "keywords"]
    assert _columns(db, "audit") == ["id", "at", "event", "coder_id", "coder", "details"]
    assert _columns(db, "coding_events") == ["id", "coder", "segment_id", "code_id", "action", "old_status",
                                             "new_status", "coding_id", "at", "coder_id", "span_start", "span_end"]
    for table in ("codings", "memos", "seen", "models"):
        assert ("coder_id", "coders", "id") in _keys(db, table), table
    assert ("codebook_version", "codebook_versions", "id") in _keys(db, "codings")
    assert _keys(db, "coding_events") == {("code_id", "codes", "id"), ("coder_id", "coders", "id")}
    assert _keys(db, "audit") == {("coder_id", "coders", "id")}
    assert _keys(db, "code_definitions") == {("version_id", "codebook_versions", "id"), ("code_id", "codes", "id")}
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"audit_no_update", "audit_no_delete", "coding_events_record", "memos_coder_ins", "seen_coder_ins",
            "models_coder_ins"} <= triggers
    # No row trigger on codings: suggest stores tens of thousands of suggestions at a time.
    assert not [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'codings'")]
    db.conn.close()


def test_a_name_written_by_any_writer_becomes_a_record(db_path):
    """Old code paths write only the name (a REFI import, a script): the record follows."""
    db = open_project(db_path)
    db.execute("INSERT INTO memos (target, coder, text, created_at, updated_at) VALUES ('project', 'dewi', 'Eerste indruk.', 'n', 'n')")
    db.conn.commit()
    assert db.execute("SELECT m.coder_id = c.id FROM memos m JOIN coders c ON c.name = 'dewi'").fetchone() == (1,)
    db.conn.close()
