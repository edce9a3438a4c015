"""The domain prior's suggestions (m011): a project made by the release before passages
(tests/fixtures/release-0.2.db.sql, built at c421174) opens with every coding unchanged,
its codings table accepts the method 'prior' and still refuses unknown ones, and the
coding_events trigger, which names codings, still records decisions."""

from __future__ import annotations

import sqlite3

import pytest

from fctest import release_db, sql_rows
from focuscode.coding import set_decision
from focuscode.db import open_project


def _suggestion(db, method: str) -> None:
    sid, cid = db.execute("SELECT s.id, c.id FROM segments s, codes c ORDER BY s.id DESC, c.id DESC LIMIT 1").fetchone()
    db.execute("INSERT INTO codings (segment_id, code_id, status, method, score, created_at, updated_at) "
               "VALUES (?, ?, 'suggested', ?, 0.6, 'n', 'n')", [sid, cid, method])


def test_codings_accept_the_prior_method_after_the_upgrade_and_keep_every_row(tmp_path):
    path = release_db("release-0.2.db.sql", tmp_path / "release-0.2.db")
    before = sorted(sql_rows(path, "SELECT id, segment_id, code_id, coder, status, method, score, evidence, "
                                   "suggestion_id, coder_id, codebook_version FROM codings"))
    db = open_project(path, on_backup=lambda _: None)
    after = sorted(db.execute("SELECT id, segment_id, code_id, coder, status, method, score, evidence, "
                              "suggestion_id, coder_id, codebook_version FROM codings").fetchall())
    assert after == before and any(r[8] is not None for r in after)  # suggestion references kept
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    schema = " ".join(r[0] for r in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
    assert "codings_m011" not in schema
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'codings'")}
    assert {"idx_codings_decision", "idx_codings_suggestion", "idx_codings_segment_coder"} <= indexes
    with db.conn:
        _suggestion(db, "prior")
    with pytest.raises(sqlite3.IntegrityError):
        with db.conn:
            _suggestion(db, "guess")
    db.conn.close()


def test_a_decision_after_the_upgrade_still_writes_its_event_and_audit_line(tmp_path):
    path = release_db("release-0.2.db.sql", tmp_path / "release-0.2.db")
    db = open_project(path, on_backup=lambda _: None)
    sid, cid = db.execute("SELECT s.id, c.id FROM segments s, codes c WHERE c.active = 1 "
                          "AND NOT EXISTS (SELECT 1 FROM codings x WHERE x.segment_id = s.id AND x.code_id = c.id) "
                          "LIMIT 1").fetchone()
    audits = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with db.conn:
        set_decision(db, sid, cid, "noor", "accepted")
    row = db.execute("SELECT coder_id, codebook_version FROM codings WHERE segment_id = ? AND code_id = ? AND coder = 'noor'",
                     [sid, cid]).fetchone()
    assert row[0] is not None  # filled by the coding_events trigger, which names codings
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == audits + 1
    db.conn.close()
