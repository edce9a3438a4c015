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


# -- issue #14: coders as records, codebook versions, an append-only audit log -----------------
# These three touch only their own tables, add columns, and rebuild coding_events (which no other
# migration touches), so they may run before or after any other migration appended beside them.

# Each table that names a coder keeps the readable name and coder_id, the record. Writers keep
# writing the name; the record is found or made here, in the schema, in one place: for memos,
# seen and models by a trigger on insert; for codings through the coding_events trigger of
# m007 (every decision writes an event), because any row trigger on codings made `suggest`,
# which writes tens of thousands of suggestions, about three times slower to store them.
_CODER_TABLES = ("codings", "memos", "seen", "coding_events", "models")
_NOW = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"


def _coder_trigger(db, table: str) -> None:
    db.execute(
        f"CREATE TRIGGER IF NOT EXISTS {table}_coder_ins AFTER INSERT ON {table} WHEN new.coder IS NOT NULL BEGIN "
        f"INSERT OR IGNORE INTO coders (name, created) VALUES (new.coder, {_NOW}); "
        f"UPDATE {table} SET coder_id = (SELECT id FROM coders WHERE name = new.coder) WHERE rowid = new.rowid; END"
    )


@migration
def m005_coders(db) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS coders (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created TEXT NOT NULL, "
        "merged_into INTEGER REFERENCES coders(id))"  # a typo'd coder folded into another keeps its record
    )
    names: set[str] = set()
    for table in _CODER_TABLES:
        if table == "coding_events":
            continue  # rebuilt with its keys in m007
        db.execute(f"ALTER TABLE {table} ADD COLUMN coder_id INTEGER REFERENCES coders(id)")
        names.update(r[0] for r in db.execute(f"SELECT DISTINCT coder FROM {table} WHERE coder IS NOT NULL"))
    names.update(r[0] for r in db.execute("SELECT DISTINCT coder FROM coding_events WHERE coder IS NOT NULL"))
    # A coder's record is as old as their first trace in the project.
    for name in sorted(names):
        first = db.execute(
            "SELECT min(t) FROM (SELECT min(created_at) AS t FROM codings WHERE coder = ? "
            "UNION ALL SELECT min(at) FROM coding_events WHERE coder = ? UNION ALL SELECT min(created_at) FROM memos WHERE coder = ?)",
            [name, name, name],
        ).fetchone()[0]
        db.execute("INSERT OR IGNORE INTO coders (name, created) VALUES (?, coalesce(?, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')))",
                   [name, first])
    for table in _CODER_TABLES:
        if table == "coding_events":
            continue
        db.execute(f"UPDATE {table} SET coder_id = (SELECT id FROM coders WHERE name = {table}.coder) WHERE coder IS NOT NULL")
        db.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_coder_id ON {table}(coder_id)")
        if table != "codings":
            _coder_trigger(db, table)


@migration
def m006_codebook_versions(db) -> None:
    # Every `codebook load` is a version; each code's definition is kept per version, so a
    # reload adds a version instead of losing what coders coded against.
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS codebook_versions (
            id INTEGER PRIMARY KEY,
            name TEXT,
            version TEXT,
            source TEXT,
            loaded_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS code_definitions (
            version_id INTEGER NOT NULL REFERENCES codebook_versions(id),
            code_id INTEGER NOT NULL REFERENCES codes(id),
            name TEXT NOT NULL,
            parent TEXT,
            position INTEGER NOT NULL DEFAULT 0,
            description TEXT NOT NULL DEFAULT '',
            include TEXT NOT NULL DEFAULT '',
            exclude TEXT NOT NULL DEFAULT '',
            examples TEXT NOT NULL DEFAULT '[]',
            keywords TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (version_id, code_id)
        )"""
    )
    db.execute("ALTER TABLE codings ADD COLUMN codebook_version INTEGER REFERENCES codebook_versions(id)")
    if db.execute("SELECT 1 FROM codes LIMIT 1").fetchone():
        # The codebook an older project holds becomes version 1; its codings were made under it.
        import json

        row = db.execute("SELECT value FROM settings WHERE key = 'codebook'").fetchone()
        about = json.loads(row[0]) if row and row[0] else {}
        first = db.execute("SELECT min(created_at) FROM codings").fetchone()[0]
        vid = db.execute(
            "INSERT INTO codebook_versions (name, version, source, loaded_at) VALUES (?, ?, ?, coalesce(?, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')))",
            [about.get("name"), about.get("version"), about.get("path"), first],
        ).lastrowid
        db.execute(
            "INSERT INTO code_definitions (version_id, code_id, name, parent, position, description, include, exclude, examples, keywords) "
            "SELECT ?, c.id, c.name, p.name, c.position, c.description, c.include, c.exclude, c.examples, c.keywords "
            "FROM codes c LEFT JOIN codes p ON p.id = c.parent_id WHERE c.active = 1",
            [vid],
        )
        db.execute("UPDATE codings SET codebook_version = ?", [vid])
    # A decision is tied to the version in force when it was made or last decided: set by the
    # coding_events trigger of m007, like its coder record. Carried-over decisions (the kept
    # turns of a replaced transcript) are copied with their version.


@migration
def m007_audit_log(db) -> None:
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            event TEXT NOT NULL,
            coder_id INTEGER REFERENCES coders(id),
            coder TEXT,
            details TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    # Append-only: the methods appendix cites it, so nothing may change or remove a line.
    db.execute("CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN "
               "SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    db.execute("CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN "
               "SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    # coding_events gets its keys. segment_id stays a plain id: a replaced transcript's turns
    # get new ids and the old ones are never reused (importers.store._next_free_id), so an
    # event keeps naming the turn it was about; the audit line of the replace maps old to new.
    db.execute("ALTER TABLE coding_events RENAME TO coding_events_m007")
    db.execute(
        """
        CREATE TABLE coding_events (
            id INTEGER PRIMARY KEY,
            coder TEXT NOT NULL,
            segment_id INTEGER NOT NULL,
            code_id INTEGER NOT NULL REFERENCES codes(id),
            action TEXT NOT NULL,
            old_status TEXT,
            new_status TEXT,
            coding_id INTEGER,
            at TEXT NOT NULL,
            coder_id INTEGER REFERENCES coders(id)
        )"""
    )
    db.execute(
        "INSERT INTO coding_events (id, coder, coder_id, segment_id, code_id, action, old_status, new_status, coding_id, at) "
        "SELECT e.id, e.coder, (SELECT id FROM coders WHERE name = e.coder), e.segment_id, e.code_id, e.action, "
        "e.old_status, e.new_status, e.coding_id, e.at FROM coding_events_m007 e ORDER BY e.id"
    )
    db.execute("DROP TABLE coding_events_m007")
    db.execute("CREATE INDEX idx_coding_events_segment ON coding_events(segment_id)")
    db.execute("CREATE INDEX idx_coding_events_coder ON coding_events(coder_id)")
    # Every coding decision, from whichever writer, makes an event: there the decision gets its
    # coder record and codebook version, and the audit log its line (ids and codes, no text).
    db.execute(
        "CREATE TRIGGER coding_events_record AFTER INSERT ON coding_events BEGIN "
        f"INSERT OR IGNORE INTO coders (name, created) VALUES (new.coder, {_NOW}); "
        "UPDATE coding_events SET coder_id = (SELECT id FROM coders WHERE name = new.coder) WHERE id = new.id; "
        "UPDATE codings SET coder_id = (SELECT id FROM coders WHERE name = new.coder), "
        "codebook_version = (SELECT max(id) FROM codebook_versions) WHERE id = new.coding_id AND coder = new.coder; "
        "INSERT INTO audit (at, event, coder_id, coder, details) VALUES (new.at, 'coding', "
        "(SELECT id FROM coders WHERE name = new.coder), new.coder, json_object('segment_id', new.segment_id, "
        "'code_id', new.code_id, 'code', (SELECT name FROM codes WHERE id = new.code_id), 'action', new.action, "
        "'old_status', new.old_status, 'new_status', new.new_status, 'coding_id', new.coding_id, "
        # how the decision came about (a suggestion's method, or manual) and under which codebook version
        "'method', (SELECT method FROM codings WHERE id = new.coding_id), "
        "'suggestion_id', (SELECT suggestion_id FROM codings WHERE id = new.coding_id), "
        "'codebook_version', (SELECT codebook_version FROM codings WHERE id = new.coding_id))); END"
    )


@migration
def m008_study_vocabulary_stored(db) -> None:
    # Every project holds its study vocabulary (sectors, sources, roles, labels) in its
    # settings, so a report reads JSON there instead of parsing the shipped YAML at each
    # start (PyYAML's import alone is a fifth of a small query's time budget). A project
    # without a study file takes this study's default, as it did implicitly before.
    # The study file is read here as plain data (vocabulary.parse_study reads the stored
    # JSON on every use), so the migrations do not depend on the vocabulary module.
    import json
    from pathlib import Path

    from . import yamlsafe

    if db.execute("SELECT 1 FROM settings WHERE key = 'study'").fetchone() is None:
        shipped = Path(__file__).parent / "study" / "oop.yaml"
        data = yamlsafe.load(yamlsafe.read_text(shipped), str(shipped))
        db.execute("INSERT INTO settings (key, value) VALUES ('study', ?)",
                   [json.dumps(data, ensure_ascii=False, sort_keys=True)])


# -- issue #13: codings of a passage ----------------------------------------------------------
@migration
def m009_passage_codings(db) -> None:
    # A coder may code several passages of one turn with one code: a decision is one per
    # (segment, code, coder, passage), the whole turn being the passage (NULL, NULL). Every
    # existing coding keeps its span, so a whole-turn coding stays one. Events record the
    # passage too, so an undo or the audit can tell two passages of one turn apart.
    #
    # Until now a decision that answered a rule suggestion copied the suggestion's span: the
    # words its evidence stood in, never a passage the coder chose, and every report read it
    # as a coding of the whole turn. Those decisions become whole-turn codings, as they were
    # meant (the evidence JSON keeps the words' offsets). A REFI selection inside one turn was
    # the only passage a coder ever chose; imported decisions keep theirs.
    db.execute("UPDATE codings SET span_start = NULL, span_end = NULL "
               "WHERE coder IS NOT NULL AND method != 'import' AND span_start IS NOT NULL")
    db.execute("DROP INDEX IF EXISTS idx_codings_decision")
    db.execute(
        "CREATE UNIQUE INDEX idx_codings_decision ON codings(segment_id, code_id, coder, "
        "ifnull(span_start, -1), ifnull(span_end, -1)) WHERE coder IS NOT NULL"
    )
    db.execute("ALTER TABLE coding_events ADD COLUMN span_start INTEGER")
    db.execute("ALTER TABLE coding_events ADD COLUMN span_end INTEGER")
    db.execute("UPDATE coding_events SET span_start = (SELECT c.span_start FROM codings c WHERE c.id = coding_events.coding_id), "
               "span_end = (SELECT c.span_end FROM codings c WHERE c.id = coding_events.coding_id)")


# -- issue #13: summary speed -----------------------------------------------------------------
@migration
def m010_segment_terms(db) -> None:
    # The lemmas of each sentence of a turn, counted once for the summary's quote choice
    # (export/terms.py): loading the lemma tables and counting every coded turn cost most of
    # `export summary`. Derived data under the basis it was counted with; the triggers drop a
    # turn's row when its text changes or the turn goes (anonymise, import --replace), so no
    # word outlives the text it came from.
    db.execute("CREATE TABLE segment_terms (segment_id INTEGER PRIMARY KEY, basis TEXT NOT NULL, terms TEXT NOT NULL)")
    db.execute("CREATE TRIGGER segment_terms_text AFTER UPDATE OF text ON segments BEGIN "
               "DELETE FROM segment_terms WHERE segment_id = old.id; END")
    db.execute("CREATE TRIGGER segment_terms_gone AFTER DELETE ON segments BEGIN "
               "DELETE FROM segment_terms WHERE segment_id = old.id; END")


# -- issue #12: the domain prior's suggestions -------------------------------------------------
@migration
def m011_codings_method_prior(db) -> None:
    # The domain prior's own suggestions (nlp/prior.py) get a method of their own, as closeness
    # did in m004: SQLite cannot change a CHECK constraint, so the table is rebuilt from its own
    # CREATE statement with one more method, renamed away first so that dropping the old one
    # cannot touch the new table's self-reference (suggestion_id), and with the legacy rename so
    # that the coding_events trigger, which names codings, keeps naming the new table. Ids, and
    # so every reference, are kept; the indexes are made again from their own statements.
    create = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'codings'").fetchone()[0]
    methods = "'import', 'similarity')"
    if methods not in create:
        raise RuntimeError("m011: the codings table is not the one this migration was written for")
    indexes = [r[0] for r in db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'codings' AND sql IS NOT NULL")]
    columns = ", ".join(r[1] for r in db.execute("PRAGMA table_info(codings)"))
    db.execute("PRAGMA legacy_alter_table = ON")
    try:
        db.execute("ALTER TABLE codings RENAME TO codings_m011")
    finally:
        db.execute("PRAGMA legacy_alter_table = OFF")
    for sql in indexes:  # index names are unique across the schema: free them for the new table
        name = sql.split(" ON ")[0].split()[-1]
        db.execute(f"DROP INDEX IF EXISTS {name}")
    db.execute(create.replace(methods, "'import', 'similarity', 'prior')"))
    db.execute(f"INSERT INTO codings ({columns}) SELECT {columns} FROM codings_m011")
    db.execute("DROP TABLE codings_m011")
    for sql in indexes:
        db.execute(sql)
