"""Coders as records: listing, renaming and folding a typo'd coder into the right one.

Each table that names a coder keeps the readable name beside `coder_id`; triggers (see
migrations.m005_coders) find or make the record on every write. A rename or merge
changes the record and every name in one transaction and is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .audit import record
from .db import now, transaction
from .errors import FocuscodeError

# Tables whose `coder` column names a coder (and carries coder_id).
NAMED = ("codings", "memos", "seen", "coding_events", "models")


@dataclass
class Coder:
    id: int
    name: str
    created: str
    decisions: int
    memos: int
    merged_into: str | None = None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class MergeResult:
    source: str
    into: str
    moved: int = 0  # decisions now under INTO
    duplicates: int = 0  # the same decision both had: one kept
    conflicts: list[dict] = field(default_factory=list)  # different decisions on one segment and code

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def list_coders(db, *, merged: bool = False) -> list[Coder]:
    """The project's coders with their decision and memo counts; with merged, also those
    folded into another (named in merged_into)."""
    with transaction(db):
        sync_records(db)
    rows = db.execute(
        "SELECT c.id, c.name, c.created, "
        "(SELECT count(*) FROM codings WHERE coder_id = c.id), (SELECT count(*) FROM memos WHERE coder_id = c.id), "
        "m.name FROM coders c LEFT JOIN coders m ON m.id = c.merged_into "
        f"{'' if merged else 'WHERE c.merged_into IS NULL '}ORDER BY c.name COLLATE NOCASE, c.id"
    )
    return [Coder(*r) for r in rows]


def _coder(db, name: str) -> tuple[int, str]:
    name = (name or "").strip()
    row = db.execute("SELECT id, name FROM coders WHERE name = ? AND merged_into IS NULL", [name]).fetchone()
    if row is None:
        known = ", ".join(f"'{r[0]}'" for r in db.execute("SELECT name FROM coders WHERE merged_into IS NULL ORDER BY name"))
        raise FocuscodeError(f"no coder '{name}' in this project" + (f" (coders: {known})" if known else ""))
    return row[0], row[1]


def _rename_rows(db, coder_id: int, name: str, *, into: int | None = None) -> None:
    """Every row of coder_id gets the name (and with `into`, that coder's record)."""
    for table in NAMED:
        db.execute(f"UPDATE {table} SET coder = ?, coder_id = ? WHERE coder_id = ?",
                   [name, coder_id if into is None else into, coder_id])


def sync_records(db) -> None:
    """Give the record to rows written with a name only by a writer that logs no coding event
    (a REFI-QDA import's codings); the schema's triggers cover every other writer."""
    for table in NAMED:
        db.execute(f"INSERT OR IGNORE INTO coders (name, created) SELECT DISTINCT coder, ? FROM {table} "
                   "WHERE coder_id IS NULL AND coder IS NOT NULL", [now()])
        db.execute(f"UPDATE {table} SET coder_id = (SELECT id FROM coders WHERE name = {table}.coder) "
                   "WHERE coder_id IS NULL AND coder IS NOT NULL")


def rename_coder(db, old: str, new: str) -> Coder:
    """Give a coder another name everywhere; their id, history and decisions stay."""
    new = (new or "").strip()
    if not new:
        raise FocuscodeError("the new coder name is empty")
    with transaction(db):
        sync_records(db)
        cid, old_name = _coder(db, old)
        if new == old_name:
            raise FocuscodeError(f"coder '{old_name}' already has that name")
        if db.execute("SELECT 1 FROM coders WHERE name = ?", [new]).fetchone():
            raise FocuscodeError(f"there is already a coder '{new}'; use 'coder merge {old_name} {new}' to fold one into the other")
        db.execute("UPDATE coders SET name = ? WHERE id = ?", [new, cid])
        _rename_rows(db, cid, new)
        record(db, "coder rename", coder=new, coder_id=cid, old=old_name, new=new)
    return next(c for c in list_coders(db) if c.id == cid)


def merge_coders(db, source: str, into: str) -> MergeResult:
    """Fold SOURCE (a typo'd name) into INTO: SOURCE's decisions, memos and seen marks
    become INTO's. Where both decided on one segment and code, INTO's decision is kept;
    a different decision of SOURCE is reported as a conflict (and in the audit log), not
    dropped in silence."""
    with transaction(db):
        sync_records(db)
        sid, source_name = _coder(db, source)
        iid, into_name = _coder(db, into)
        if sid == iid:
            raise FocuscodeError(f"cannot merge coder '{source_name}' into itself")
        result = MergeResult(source_name, into_name)
        clashes = db.execute(
            "SELECT s.id, s.segment_id, s.code_id, k.name, s.status, i.status FROM codings s "
            "JOIN codings i ON i.segment_id = s.segment_id AND i.code_id = s.code_id AND i.coder_id = ? "
            "AND i.span_start IS s.span_start AND i.span_end IS s.span_end "
            "JOIN codes k ON k.id = s.code_id WHERE s.coder_id = ? ORDER BY s.segment_id, k.name",
            [iid, sid],
        ).fetchall()
        for coding_id, segment_id, _code_id, code, theirs, ours in clashes:
            if theirs == ours:
                result.duplicates += 1
            else:
                result.conflicts.append({"segment_id": segment_id, "code": code, "from_status": theirs,
                                         "into_status": ours, "kept": ours})
            # INTO's decision stands; SOURCE's own row would break "one decision per coder".
            db.execute("DELETE FROM codings WHERE id = ?", [coding_id])
        result.moved = db.execute("SELECT count(*) FROM codings WHERE coder_id = ?", [sid]).fetchone()[0]
        db.execute("INSERT OR IGNORE INTO seen (segment_id, coder, at) SELECT segment_id, ?, at FROM seen WHERE coder_id = ?",
                   [into_name, sid])
        db.execute("DELETE FROM seen WHERE coder_id = ?", [sid])
        _rename_rows(db, sid, into_name, into=iid)
        record(db, "coder merge", coder=into_name, source=source_name, source_id=sid, into=into_name, into_id=iid,
               moved=result.moved, duplicates=result.duplicates, conflicts=result.conflicts)
        # The record stays (the audit log names it), marked as folded into INTO.
        db.execute("UPDATE coders SET merged_into = ? WHERE id = ?", [iid, sid])
    return result
