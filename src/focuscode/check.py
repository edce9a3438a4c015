"""`focuscode check`: is the project database sound, and is anything left dangling?

A check never writes: it opens the file without migrating it and only reads.
Orphans are rows that point at something that is gone or no longer used:
codings of codes removed from the codebook (deactivated codes), rows whose
segment, transcript or code no longer exists (possible after a crash with
foreign keys off or a hand edit), participants no segment refers to, and a
full-text index out of step with the segments. `fix_problems` removes them
in one transaction after a timestamped backup, because a coder's decision on
a code that later left the codebook is still work someone did.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .db import MIGRATIONS_TABLE, backup_database, check_file, connect_readonly, open_project, resolve_path, transaction
from .errors import ProjectError, setting
from .migrations import MIGRATIONS


@dataclass
class Finding:
    kind: str
    count: int
    description: str
    fixable: bool = True
    examples: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "count": self.count,
            "description": self.description,
            "fixable": self.fixable,
            "examples": self.examples,
        }


@dataclass
class CheckReport:
    path: str
    integrity: list[str]
    foreign_keys: int
    findings: list[Finding]
    pending_migrations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_keys and not self.findings

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "ok": self.ok,
            "integrity": self.integrity,
            "foreign_key_violations": self.foreign_keys,
            "pending_migrations": self.pending_migrations,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class FixResult:
    backup: str
    removed: dict[str, int]


# kind -> (description, SQL counting/listing the rows, SQL deleting them).
# Order matters for fixing: codings before the segments and codes they hang on.
ORPHAN_CHECKS: list[tuple[str, str, str, str]] = [
    (
        "codings_of_inactive_codes",
        "codings (decisions and suggestions) of codes no longer in the codebook",
        "SELECT c.id FROM codings c JOIN codes k ON k.id = c.code_id WHERE k.active = 0",
        "DELETE FROM codings WHERE code_id IN (SELECT id FROM codes WHERE active = 0)",
    ),
    (
        "codings_of_missing_codes",
        "codings of codes that do not exist",
        "SELECT id FROM codings WHERE code_id NOT IN (SELECT id FROM codes)",
        "DELETE FROM codings WHERE code_id NOT IN (SELECT id FROM codes)",
    ),
    (
        "codings_of_missing_segments",
        "codings of segments that do not exist",
        "SELECT id FROM codings WHERE segment_id NOT IN (SELECT id FROM segments)",
        "DELETE FROM codings WHERE segment_id NOT IN (SELECT id FROM segments)",
    ),
    (
        "segments_of_missing_transcripts",
        "segments of transcripts that do not exist",
        "SELECT id FROM segments WHERE transcript_id NOT IN (SELECT id FROM transcripts)",
        "DELETE FROM segments WHERE transcript_id NOT IN (SELECT id FROM transcripts)",
    ),
    (
        "participants_of_missing_transcripts",
        "participants of transcripts that do not exist",
        "SELECT id FROM participants WHERE transcript_id NOT IN (SELECT id FROM transcripts)",
        "DELETE FROM participants WHERE transcript_id NOT IN (SELECT id FROM transcripts)",
    ),
    (
        "participants_unused",
        "participants no segment refers to",
        "SELECT p.id FROM participants p WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.participant_id = p.id)",
        "DELETE FROM participants WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.participant_id = participants.id)",
    ),
    (
        "memos_of_missing_targets",
        "memos on a segment, transcript or code that does not exist",
        "SELECT id FROM memos WHERE (segment_id IS NOT NULL AND segment_id NOT IN (SELECT id FROM segments))"
        " OR (transcript_id IS NOT NULL AND transcript_id NOT IN (SELECT id FROM transcripts))"
        " OR (code_id IS NOT NULL AND code_id NOT IN (SELECT id FROM codes))",
        "DELETE FROM memos WHERE (segment_id IS NOT NULL AND segment_id NOT IN (SELECT id FROM segments))"
        " OR (transcript_id IS NOT NULL AND transcript_id NOT IN (SELECT id FROM transcripts))"
        " OR (code_id IS NOT NULL AND code_id NOT IN (SELECT id FROM codes))",
    ),
    (
        "seen_of_missing_segments",
        "'seen' marks on segments that do not exist",
        "SELECT rowid FROM seen WHERE segment_id NOT IN (SELECT id FROM segments)",
        "DELETE FROM seen WHERE segment_id NOT IN (SELECT id FROM segments)",
    ),
]
EXAMPLES = 5


def check_project(path: str | Path | None = None) -> CheckReport:
    """Run the integrity check and look for orphans, without changing anything."""
    p = resolve_path(path)
    if not p.exists():
        raise ProjectError(f"no project database here; run 'focuscode init' or pass {setting('db')}", path=str(p))
    check_file(p)
    if p.stat().st_size == 0:
        raise ProjectError("the project database is empty; run 'focuscode init'", path=str(p))
    try:
        conn = connect_readonly(p)
        try:
            return _check(conn, p)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"the project database cannot be read ({exc})", path=str(p)) from None


def _check(conn: sqlite3.Connection, p: Path) -> CheckReport:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if MIGRATIONS_TABLE not in tables:
        raise ProjectError("this SQLite file is not a focuscode project database", path=str(p))
    applied = [r[0] for r in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]
    known = [fn.__name__ for fn in MIGRATIONS]
    unknown = [n for n in applied if n not in known]
    if unknown:
        raise ProjectError(
            f"the project database was created by a newer focuscode (unknown migration {unknown[0]}); upgrade focuscode",
            path=str(p),
        )
    pending = [n for n in known if n not in applied]
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    fk = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    findings: list[Finding] = []
    for kind, description, select, _delete in ORPHAN_CHECKS:
        try:
            ids = [r[0] for r in conn.execute(select)]
        except sqlite3.OperationalError:
            continue  # a table from a later migration this database does not have yet
        if ids:
            findings.append(Finding(kind, len(ids), description, True, ids[:EXAMPLES]))
    # A passage is code points of its turn (end exclusive): SQLite's length() of TEXT counts
    # characters, the same unit. Only a hand-edited or damaged file holds one outside; exports
    # read it as the whole turn, and no fix can know which words the coder meant.
    try:
        outside = [r[0] for r in conn.execute(
            "SELECT c.id FROM codings c JOIN segments s ON s.id = c.segment_id WHERE c.span_start IS NOT NULL "
            "AND (c.span_end IS NULL OR c.span_start < 0 OR c.span_end <= c.span_start OR c.span_end > length(s.text))"
        )]
    except sqlite3.OperationalError:
        outside = []
    if outside:
        findings.append(Finding(
            "passages_outside_their_turn", len(outside),
            "codings whose passage lies outside its turn (exports read them as the whole turn; recode them)",
            False, outside[:EXAMPLES],
        ))
    if "segments_fts_docsize" in tables:
        # FTS5's own 'integrity-check' is a write statement, refused on a
        # read-only connection; its docsize table holds one row per indexed
        # segment, which is enough to see segments missing from the index.
        stale = [r[0] for r in conn.execute(
            "SELECT id FROM segments WHERE id NOT IN (SELECT id FROM segments_fts_docsize)"
            " UNION ALL SELECT id FROM segments_fts_docsize WHERE id NOT IN (SELECT id FROM segments)"
        )]
        if stale:
            findings.append(Finding(
                "search_index_out_of_date", len(stale),
                "segments missing from (or left over in) the full-text search index", True, stale[:EXAMPLES],
            ))
    return CheckReport(str(p), integrity, fk, findings, pending)


def fix_problems(path: str | Path | None = None) -> FixResult:
    """Remove the orphans `check_project` reports, in one transaction, after a backup."""
    p = resolve_path(path)
    report = check_project(p)
    if report.integrity != ["ok"]:
        raise ProjectError(
            "the database is damaged (integrity check failed); restore a backup or run "
            f"'sqlite3 DB .recover' instead of {setting('fix')}",
            path=str(p),
        )
    db = open_project(p, create=False)
    try:
        backup = backup_database(db, p)
        removed: dict[str, int] = {}
        with transaction(db):
            # Foreign keys on: deleting a segment cascades to its codings, so
            # each count below is what that step itself removed.
            for kind, _description, _select, delete in ORPHAN_CHECKS:
                cur = db.execute(delete)
                if cur.rowcount:
                    removed[kind] = cur.rowcount
            if any(f.kind == "search_index_out_of_date" for f in report.findings):
                db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('rebuild')")
                removed["search_index_out_of_date"] = next(
                    f.count for f in report.findings if f.kind == "search_index_out_of_date")
            from .audit import record

            record(db, "check fix", removed=removed, backup=Path(backup).name)
    finally:
        db.close()
    return FixResult(str(backup), removed)
