"""Passage codings (m009): a project made by the release before them (0.2: coders, codebook
versions, the audit log; tests/fixtures/release-0.2.db.sql, built by
tests/schema/make_release_fixture_0_2.sh at commit c421174) opens with a backup, every coding
stays a whole-turn coding, and afterwards one coder can code two passages of one turn."""

from __future__ import annotations

import json
import sqlite3  # noqa: F401  (IntegrityError)
from pathlib import Path

import pytest

from fctest import REPO, sql_rows
from fctest import release_db as load_release
from focuscode.db import MIGRATIONS_TABLE, open_project
from focuscode.migrations import MIGRATIONS

DUMP = REPO / "tests" / "fixtures" / "release-0.2.db.sql"
RELEASE_MIGRATIONS = ["m001_initial", "m002_index_coding_references", "m003_index_codings_by_segment_and_coder",
                      "m004_codings_method_similarity", "m005_coders", "m006_codebook_versions", "m007_audit_log",
                      "m008_study_vocabulary_stored"]
TABLES = ["transcripts", "participants", "segments", "codes", "codings", "seen", "memos", "coders",
          "codebook_versions", "code_definitions", "audit", "settings"]


def release_db(tmp_path: Path) -> Path:
    return load_release(DUMP.name, tmp_path / "release-0.2.db")


rows = sql_rows


def test_the_dump_is_the_release_before_passages(tmp_path):
    path = release_db(tmp_path)
    assert [r[0] for r in rows(path, f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")] == RELEASE_MIGRATIONS
    index = rows(path, "SELECT sql FROM sqlite_master WHERE name = 'idx_codings_decision'")[0][0]
    assert "span_start" not in index  # one decision per segment, code and coder
    # A decision that answered a rule suggestion copied the words its evidence stood in.
    copied = rows(path, "SELECT method FROM codings WHERE coder IS NOT NULL AND span_start IS NOT NULL")
    assert copied and {m for (m,) in copied} == {"rules"}


def test_upgrading_keeps_every_row_and_makes_a_backup(tmp_path):
    path = release_db(tmp_path)
    before = {t: sorted(rows(path, f"SELECT * FROM {t}")) for t in TABLES}
    events_before = sorted(rows(path, "SELECT * FROM coding_events"))
    backups: list[Path] = []
    db = open_project(path, on_backup=backups.append)
    assert len(backups) == 1 and backups[0].exists()
    assert sorted(rows(backups[0], "SELECT * FROM codings")) == before["codings"]
    assert [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")] == [m.__name__ for m in MIGRATIONS]
    db.conn.close()
    for table in TABLES:
        if table == "codings":
            continue
        assert sorted(rows(path, f"SELECT * FROM {table}")) == before[table], table
    # Every coding is kept, and every decision is a whole-turn coding, as reports always read it;
    # suggestions keep the place of their evidence.
    cols = [r[1] for r in rows(path, "PRAGMA table_info(codings)")]
    start, end, who = cols.index("span_start"), cols.index("span_end"), cols.index("coder")
    after = sorted(rows(path, "SELECT * FROM codings"))
    assert [r[:start] + r[end + 1:] for r in after] == [r[:start] + r[end + 1:] for r in before["codings"]]
    assert {r[start:end + 1] for r in after if r[who] is not None} == {(None, None)}
    assert [r[start:end + 1] for r in after if r[who] is None] == [r[start:end + 1] for r in before["codings"] if r[who] is None]
    # The events keep their columns and gain the passage, empty: every old decision was on the whole turn.
    after = sorted(rows(path, "SELECT * FROM coding_events"))
    assert [r[:-2] for r in after] == events_before
    assert {r[-2:] for r in after} == {(None, None)}
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(path, "PRAGMA foreign_key_check") == []


def test_after_the_upgrade_two_passages_of_one_turn_are_two_codings(cli, tmp_path):
    path = release_db(tmp_path)
    text = rows(path, "SELECT text FROM segments WHERE id = 2")[0][0]
    # "Ik val heel vaak in als er een leerkracht ziek is, dan sta ik ineens voor de groep en de klusjes blijven liggen."
    first, second = "Ik val heel vaak in", "de klusjes blijven liggen"
    assert first in text and second in text
    assert cli("code", "2", "ad-hoctaken", "--quote", first, "--coder", "bram", db=path).exit_code == 0
    assert cli("code", "2", "ad-hoctaken", "--quote", second, "--coder", "bram", db=path).exit_code == 0
    # the same passage again is the same decision, not a third coding
    again = cli("code", "2", "ad-hoctaken", "--quote", second, "--coder", "bram", "--json", db=path)
    assert json.loads(again.stdout)[0]["action"] == "unchanged"
    segs = json.loads(cli("segments", "--json", "--coder", "bram", db=path).stdout)
    mine = [c for s in segs if s["id"] == 2 for c in s["codings"] if c["coder"] == "bram" and c["code"] == "ad-hoctaken"]
    assert sorted(c["quote"] for c in mine) == sorted([first, second])
    for c in mine:
        assert text[c["span_start"]:c["span_end"]] == c["quote"]
    # anna's whole-turn coding of that turn is still there, untouched
    assert rows(path, "SELECT count(*) FROM codings WHERE segment_id = 2 AND coder = 'anna' AND span_start IS NULL "
                      "AND status = 'accepted'") == [(1,)]


def test_the_same_passage_twice_is_refused_by_the_schema(tmp_path):
    path = release_db(tmp_path)
    db = open_project(path)
    row = ("INSERT INTO codings (segment_id, code_id, coder, status, method, span_start, span_end, created_at, updated_at) "
           "VALUES (2, 1, 'bram', 'accepted', 'manual', ?, ?, 'n', 'n')")
    db.execute(row, [0, 10])
    db.execute(row, [12, 30])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(row, [0, 10])
    db.execute(row, [None, None])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(row, [None, None])
    db.conn.close()
