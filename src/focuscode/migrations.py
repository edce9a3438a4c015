"""Schema migrations: an ordered list of small functions, each recorded by name.

A migration that has shipped is never edited; changes go in a new function
appended to MIGRATIONS. `db.open_project` applies pending ones on open.
"""

from __future__ import annotations

from typing import Callable

MIGRATIONS: list[Callable] = []


def migration(fn: Callable) -> Callable:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db) -> None:
    db.execute(
        """
        CREATE TABLE transcripts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            path TEXT,
            source TEXT NOT NULL,
            source_type TEXT NOT NULL,
            file_hash TEXT NOT NULL,
            encoding TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX idx_transcripts_hash ON transcripts(file_hash)")
    db.execute(
        """
        CREATE TABLE participants (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT 'onbekend',
            sector TEXT,
            school_type TEXT,
            is_facilitator INTEGER NOT NULL DEFAULT 0,
            attributes TEXT NOT NULL DEFAULT '{}',
            UNIQUE (transcript_id, label)
        )"""
    )
    db.execute(
        """
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            speaker TEXT,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            line INTEGER,
            start_ms INTEGER,
            end_ms INTEGER,
            external_id TEXT,
            question TEXT,
            UNIQUE (transcript_id, ordinal)
        )"""
    )
    db.execute("CREATE INDEX idx_segments_participant ON segments(participant_id)")
    db.execute(
        """
        CREATE TABLE codes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            parent_id INTEGER REFERENCES codes(id) ON DELETE SET NULL,
            description TEXT NOT NULL DEFAULT '',
            include TEXT NOT NULL DEFAULT '',
            exclude TEXT NOT NULL DEFAULT '',
            exclude_keywords TEXT NOT NULL DEFAULT '[]',
            examples TEXT NOT NULL DEFAULT '[]',
            keywords TEXT NOT NULL DEFAULT '[]',
            patterns TEXT NOT NULL DEFAULT '[]',
            color TEXT,
            position INTEGER NOT NULL DEFAULT 0,
            codebook TEXT,
            active INTEGER NOT NULL DEFAULT 1
        )"""
    )
    # One table for suggestions and decisions. A suggestion has no coder; a
    # coder's decision on it is its own row pointing back (suggestion_id) and
    # carrying the suggestion's method, score and evidence, so provenance stays
    # when several coders decide on one suggestion independently.
    db.execute(
        """
        CREATE TABLE codings (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            coder TEXT,
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            method TEXT NOT NULL CHECK (method IN ('manual', 'rules', 'model', 'import')),
            score REAL,
            evidence TEXT,
            span_start INTEGER,
            span_end INTEGER,
            suggestion_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,
            model_id INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ((coder IS NULL) = (status = 'suggested'))
        )"""
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_codings_decision ON codings(segment_id, code_id, coder) WHERE coder IS NOT NULL"
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_codings_suggestion ON codings(segment_id, code_id, method) WHERE coder IS NULL"
    )
    db.execute("CREATE INDEX idx_codings_code ON codings(code_id, status)")
    db.execute("CREATE INDEX idx_codings_coder ON codings(coder, status)")
    # Every change of a coder's decision, for undo in review and for audit.
    db.execute(
        """
        CREATE TABLE coding_events (
            id INTEGER PRIMARY KEY,
            coder TEXT NOT NULL,
            segment_id INTEGER NOT NULL,
            code_id INTEGER NOT NULL,
            action TEXT NOT NULL,
            old_status TEXT,
            new_status TEXT,
            coding_id INTEGER,
            at TEXT NOT NULL
        )"""
    )
    # Segments a coder has looked at in review without coding them: they count
    # for agreement as "seen, no code".
    db.execute(
        """
        CREATE TABLE seen (
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            coder TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (segment_id, coder)
        )"""
    )
    db.execute(
        """
        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            target TEXT NOT NULL CHECK (target IN ('project', 'transcript', 'segment', 'code')),
            transcript_id INTEGER REFERENCES transcripts(id) ON DELETE CASCADE,
            segment_id INTEGER REFERENCES segments(id) ON DELETE CASCADE,
            code_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,
            coder TEXT,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE models (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            coder TEXT,
            pipeline TEXT,
            labels TEXT NOT NULL DEFAULT '[]',
            trained_on TEXT NOT NULL DEFAULT '[]',
            metadata TEXT NOT NULL DEFAULT '{}',
            data BLOB,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        "CREATE VIRTUAL TABLE segments_fts USING fts5(text, content='segments', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute(
        "CREATE TRIGGER segments_ai AFTER INSERT ON segments BEGIN "
        "INSERT INTO segments_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    db.execute(
        "CREATE TRIGGER segments_ad AFTER DELETE ON segments BEGIN "
        "INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    db.execute(
        "CREATE TRIGGER segments_au AFTER UPDATE OF text ON segments BEGIN "
        "INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO segments_fts(rowid, text) VALUES (new.id, new.text); END"
    )


@migration
def m002_index_coding_references(db) -> None:
    # Foreign-key checks look up child rows by these columns. Without an index,
    # deleting N suggestions (every `suggest` re-run) scanned all codings N times
    # for rows pointing back through suggestion_id: minutes at 40,000 suggestions.
    # The partial decision index cannot serve lookups by segment_id alone.
    db.execute("CREATE INDEX IF NOT EXISTS idx_codings_suggestion_ref ON codings(suggestion_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_codings_segment ON codings(segment_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_memos_segment ON memos(segment_id)")


@migration
def m003_index_codings_by_segment_and_coder(db) -> None:
    # agreement reads each coder's accepted codes per segment: with (segment_id,
    # coder, status, code_id) that is a lookup in the index alone, about 40% less
    # time at 30,000 segments. Its first column serves every lookup the plain
    # segment_id index of m002 served (foreign-key checks included), so that one
    # would only be a second index to keep up to date on every insert.
    db.execute("CREATE INDEX IF NOT EXISTS idx_codings_segment_coder ON codings(segment_id, coder, status, code_id)")
    db.execute("DROP INDEX IF EXISTS idx_codings_segment")


@migration
def m004_codings_method_similarity(db) -> None:
    # Suggestions by closeness to a code's examples and accepted segments get a method of
    # their own. SQLite cannot change a CHECK constraint, so the table is rebuilt: the old
    # one is renamed first, so that dropping it later cannot touch the new table's
    # self-reference (suggestion_id); ids, and so every reference, are kept as they are.
    db.execute("ALTER TABLE codings RENAME TO codings_m004")
    db.execute(
        """
        CREATE TABLE codings (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            coder TEXT,
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            method TEXT NOT NULL CHECK (method IN ('manual', 'rules', 'model', 'import', 'similarity')),
            score REAL,
            evidence TEXT,
            span_start INTEGER,
            span_end INTEGER,
            suggestion_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,
            model_id INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ((coder IS NULL) = (status = 'suggested'))
        )"""
    )
    columns = ("id, segment_id, code_id, coder, status, method, score, evidence, span_start, span_end, "
               "suggestion_id, model_id, created_at, updated_at")
    db.execute(f"INSERT INTO codings ({columns}) SELECT {columns} FROM codings_m004")
    db.execute("DROP TABLE codings_m004")
    db.execute("CREATE UNIQUE INDEX idx_codings_decision ON codings(segment_id, code_id, coder) WHERE coder IS NOT NULL")
    db.execute("CREATE UNIQUE INDEX idx_codings_suggestion ON codings(segment_id, code_id, method) WHERE coder IS NULL")
    db.execute("CREATE INDEX idx_codings_code ON codings(code_id, status)")
    db.execute("CREATE INDEX idx_codings_coder ON codings(coder, status)")
    db.execute("CREATE INDEX idx_codings_suggestion_ref ON codings(suggestion_id)")
    db.execute("CREATE INDEX idx_codings_segment_coder ON codings(segment_id, coder, status, code_id)")


@migration
def m005_study_vocabulary_stored(db) -> None:
    # Every project holds its study vocabulary (sectors, sources, roles, labels) in its
    # settings, so a report reads JSON there instead of parsing the shipped YAML at each
    # start (PyYAML's import alone is a fifth of a small query's time budget). A project
    # without a study file takes this study's default, as it did implicitly before.
    import json

    from .vocabulary import SETTING, default

    if db.execute("SELECT 1 FROM settings WHERE key = ?", [SETTING]).fetchone() is None:
        db.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                   [SETTING, json.dumps(default().to_json(), ensure_ascii=False, sort_keys=True)])
