"""A project made by focuscode 0.1 (the release before coders, codebook versions and the
audit log) opens with this code and loses nothing.

tests/fixtures/release-0.1.db.sql is the sqlite3 shell's dump of a small coded project that
the release itself built (tests/schema/make_release_fixture.sh, run against commit a90fe49):
a focus-group transcript with a participants file, two survey answers, a codebook with a
`version:` key, rule suggestions, decisions by anna, bram and a typo'd "Anna", a rejection,
and memos on a segment, a code and the project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fctest import REPO, sql_rows
from fctest import release_db as load_release
from focuscode.db import MIGRATIONS_TABLE, open_project
from focuscode.migrations import MIGRATIONS

DUMP = REPO / "tests" / "fixtures" / "release-0.1.db.sql"
RELEASE_MIGRATIONS = ["m001_initial", "m002_index_coding_references", "m003_index_codings_by_segment_and_coder",
                      "m004_codings_method_similarity"]


def release_db(tmp_path: Path) -> Path:
    return load_release(DUMP.name, tmp_path / "release.db")


rows = sql_rows


# What 0.1 stored, column by column as 0.1 knew it; the upgrade must keep every value.
OLD_TABLES = {
    "transcripts": "id, name, path, source, source_type, file_hash, encoding, metadata, imported_at",
    "participants": "id, transcript_id, label, role, sector, school_type, is_facilitator, attributes",
    "segments": "id, transcript_id, ordinal, participant_id, speaker, text, text_hash, line, start_ms, end_ms, external_id, question",
    "codes": "id, name, parent_id, description, include, exclude, exclude_keywords, examples, keywords, patterns, color, position, codebook, active",
    "codings": "id, segment_id, code_id, coder, status, method, score, evidence, span_start, span_end, suggestion_id, model_id, created_at, updated_at",
    "coding_events": "id, coder, segment_id, code_id, action, old_status, new_status, coding_id, at",
    "seen": "segment_id, coder, at",
    "memos": "id, target, transcript_id, segment_id, code_id, coder, text, created_at, updated_at",
    "settings": "key, value",
}


def test_the_dump_is_a_release_database(tmp_path):
    path = release_db(tmp_path)
    assert [r[0] for r in rows(path, f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")] == RELEASE_MIGRATIONS
    tables = {r[0] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"coders", "audit", "codebook_versions"} & tables
    assert rows(path, "SELECT count(*) FROM codings WHERE coder IS NOT NULL")[0][0] == 8


def test_upgrading_a_release_database_loses_nothing(tmp_path):
    path = release_db(tmp_path)
    before = {t: sorted(rows(path, f"SELECT {cols} FROM {t}")) for t, cols in OLD_TABLES.items()}
    backups: list[Path] = []
    db = open_project(path, on_backup=backups.append)
    # A backup first, holding the release database as it was.
    assert len(backups) == 1 and backups[0].exists()
    assert sorted(rows(backups[0], "SELECT id, coder, status FROM codings")) == sorted(
        (r[0], r[3], r[4]) for r in before["codings"])
    applied = [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]
    assert applied == [m.__name__ for m in MIGRATIONS]
    db.conn.close()
    after = {t: sorted(rows(path, f"SELECT {cols} FROM {t}")) for t, cols in OLD_TABLES.items()}
    for table in OLD_TABLES:
        if table == "settings":
            # m008 records the study vocabulary the project used implicitly; nothing else changes.
            assert set(before[table]) <= set(after[table])
            assert {r[0] for r in set(after[table]) - set(before[table])} == {"study"}
            continue
        if table == "codings":
            # m009: a decision that answered a rule suggestion had copied its evidence's words as
            # a span; it becomes the whole-turn coding every report read it as. All else stays.
            def turn_level(r):
                return r[:8] + ((None, None) if r[3] is not None else r[8:10]) + r[10:]
            assert after[table] == sorted(turn_level(r) for r in before[table])
            continue
        assert after[table] == before[table], table
    # The full-text index still finds the turns.
    assert rows(path, "SELECT count(*) FROM segments_fts WHERE segments_fts MATCH 'klusjes'")[0][0] == 2
    assert rows(path, "PRAGMA foreign_key_check") == []
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_the_upgrade_makes_records_of_what_was_free_text(tmp_path):
    path = release_db(tmp_path)
    open_project(path).conn.close()
    # Every coder name becomes a record, and every row that names a coder points at it.
    assert sorted(r[0] for r in rows(path, "SELECT name FROM coders")) == ["Anna", "anna", "bram"]
    for table in ("codings", "memos", "coding_events", "seen"):
        loose = rows(path, f"SELECT count(*) FROM {table} t LEFT JOIN coders c ON c.id = t.coder_id "
                           f"WHERE t.coder IS NOT NULL AND (c.name IS NOT t.coder)")
        assert loose == [(0,)], table
    # The loaded codebook (its YAML said version: "1") is version 1, and every coding was made under it.
    assert rows(path, "SELECT id, version FROM codebook_versions") == [(1, "1")]
    defs = dict(rows(path, "SELECT name, description FROM code_definitions WHERE version_id = 1"))
    assert defs["ad-hoctaken"] == "Taken die de OOP'er erbij krijgt zonder vaste afspraak."
    assert rows(path, "SELECT count(*) FROM codings WHERE codebook_version IS NOT 1") == [(0,)]
    # The old history is in the new coding_events table, with its keys.
    keys = {(r[2], r[3]) for r in rows(path, "PRAGMA foreign_key_list(coding_events)")}
    assert keys == {("codes", "code_id"), ("coders", "coder_id")}
    assert rows(path, "SELECT count(*) FROM coding_events")[0][0] == 8


def test_an_upgraded_release_project_works_with_the_new_commands(cli, tmp_path):
    path = release_db(tmp_path)
    listed = cli("coder", "list", "--json", db=path)
    assert listed.exit_code == 0, listed.output
    counts = {c["name"]: c["decisions"] for c in json.loads(listed.stdout)}
    assert counts == {"Anna": 2, "anna": 5, "bram": 1}
    versions = json.loads(cli("codebook", "versions", "--json", db=path).stdout)
    assert [(v["number"], v["version"], v["codings"]) for v in versions] == [(1, "1", 8)]
    # An old database has no audit trail before the upgrade; the log starts empty, and grows.
    assert json.loads(cli("audit", "--json", db=path).stdout) == []
    assert cli("code", "7", "doorgroei", "--coder", "bram", db=path).exit_code == 0
    log = json.loads(cli("audit", "--json", db=path).stdout)
    assert [(line["event"], line["coder"], line["details"]["segment_id"]) for line in log] == [("coding", "bram", 7)]


@pytest.mark.parametrize("order", ["mine first", "another migration first"])
def test_the_new_migrations_do_not_depend_on_running_right_after_0_1(tmp_path, order, monkeypatch):
    """Another helper may append a migration beside these; the lead orders them at merge.
    One that adds a table and a column to codings, before or after ours, changes nothing."""
    from focuscode import migrations

    def m_other(db) -> None:
        db.execute("CREATE TABLE other_feature (id INTEGER PRIMARY KEY, segment_id INTEGER REFERENCES segments(id))")
        db.execute("ALTER TABLE codings ADD COLUMN other_flag INTEGER")

    ours = [m for m in migrations.MIGRATIONS if m.__name__ not in RELEASE_MIGRATIONS]
    release = [m for m in migrations.MIGRATIONS if m.__name__ in RELEASE_MIGRATIONS]
    order_list = release + (ours + [m_other] if order == "mine first" else [m_other] + ours)
    monkeypatch.setattr(migrations, "MIGRATIONS", order_list)
    monkeypatch.setattr("focuscode.db.MIGRATIONS", order_list)
    path = release_db(tmp_path)
    open_project(path).conn.close()
    assert sorted(r[0] for r in rows(path, "SELECT name FROM coders")) == ["Anna", "anna", "bram"]
    assert rows(path, "SELECT count(*) FROM codings WHERE codebook_version = 1")[0][0] == 18
