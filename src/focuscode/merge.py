"""Bringing another coder's work into this project, and making blind copies for it.

`merge` matches segments by the transcript's file hash and the turn's ordinal
(checking the turn text is the same), never by database ids, so databases
built separately from the same files merge. It brings coder decisions, seen
marks, memos and codes this project lacks; suggestions are not merged (they
are re-made by `suggest`). Merging the same database twice adds nothing.

`replicate` makes the blind copy a student codes: transcripts, participants,
segments and codebook with the same ids, and no codings, suggestions, memos,
seen marks, events or models.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .db import MIGRATIONS_TABLE, connect_readonly, dumps, now, open_project, remove_project_files, set_setting, transaction
from .errors import FocuscodeError, ProjectError, setting
from .memos import store_memo_once
from .migrations import MIGRATIONS

PREFER = ("newer", "ours", "theirs")


@dataclass
class MergeReport:
    other: str
    transcripts_matched: int = 0
    transcripts_unmatched: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_matched: int = 0
    conflicts: list[dict] = field(default_factory=list)
    unplaced: list[dict] = field(default_factory=list)
    seen_added: int = 0
    memos_added: int = 0
    memos_matched: int = 0
    coders: list[str] = field(default_factory=list)
    warnings: list = field(default_factory=list)  # names-list findings let in by --allow-pii

    def as_json(self) -> dict:
        out = dict(self.__dict__)
        out["warnings"] = [w.describe() for w in self.warnings]
        return out


def _open_other(path: Path):
    if not path.exists():
        raise ProjectError("no such database to merge", path=str(path))
    if path.is_dir():
        raise ProjectError("is a folder; give the other coder's project database file", path=str(path))
    with path.open("rb") as fh:
        if not fh.read(16).startswith(b"SQLite format 3"):
            raise ProjectError("not a focuscode project database (not an SQLite file)", path=str(path))
    # Read-only: merging must never change the other coder's file.
    conn = connect_readonly(path)
    conn.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if MIGRATIONS_TABLE not in tables:
            raise ProjectError("not a focuscode project database", path=str(path))
        applied = [r[0] for r in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectError(f"cannot read the database to merge ({exc})", path=str(path)) from None
    known = {fn.__name__ for fn in MIGRATIONS}
    newer = [n for n in applied if n not in known]
    if newer:
        conn.close()
        raise ProjectError(f"made by a newer focuscode (unknown migration {newer[0]}); upgrade focuscode", path=str(path))
    return conn


class _DryRun(Exception):
    pass


def merge_database(db, other_path, *, prefer: str = "newer", coders: list[str] | None = None,
                   dry_run: bool = False, gate=None) -> MergeReport:
    """Merge OTHER's decisions, seen marks, memos and missing codes into db, in one transaction.

    With dry_run the same work is done and then rolled back, so the report says
    what a merge would do. The memos and new codes it brings pass the privacy gate
    (`gate`: a privacy.gate.Gate, strict when None) before anything is kept: another
    coder's copy is a door into the project like any import."""
    if prefer not in PREFER:
        raise FocuscodeError(f"{setting('prefer')} must be one of {', '.join(PREFER)}, not '{prefer}'")
    other_path = Path(other_path)
    here = Path(str(getattr(db, "path", ""))).resolve() if getattr(db, "path", None) else None
    if here is not None and other_path.resolve() == here:
        raise FocuscodeError("cannot merge a project database into itself", path=str(other_path))
    other = _open_other(other_path)
    report = MergeReport(other=str(other_path))
    try:
        with transaction(db):
            seg_map = _map_segments(db, other, report)
            incoming: list = []  # what the other database brings in: the gate reads it before commit
            code_map = _merge_codes(db, other, report, incoming)
            _merge_codings(db, other, seg_map, code_map, report, prefer, coders)
            _merge_seen(db, other, seg_map, report, coders)
            _merge_memos(db, other, seg_map, code_map, report, coders, incoming)
            from .privacy.gate import Gate

            report.warnings = (gate if gate is not None else Gate()).check(incoming, what="nothing merged", path=str(other_path))
            changed = (report.codes_added or report.codings_added or report.seen_added or report.memos_added
                       or any(c["kept"] == "theirs" for c in report.conflicts))
            if changed:  # a merge that brings nothing (run twice) leaves the project, log included, as it was
                from .audit import record

                # The other file by name only: its folder may say whose copy it was.
                record(db, "merge", other=other_path.name, prefer=prefer, coders=report.coders,
                       codes_added=len(report.codes_added), codings_added=report.codings_added,
                       codings_matched=report.codings_matched, conflicts=len(report.conflicts),
                       conflicts_theirs_kept=sum(c["kept"] == "theirs" for c in report.conflicts),
                       seen_added=report.seen_added, memos_added=report.memos_added, unplaced=len(report.unplaced))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    finally:
        other.close()
    return report


def _map_segments(db, other, report: MergeReport) -> dict[int, int | None]:
    """other segment id -> our segment id (None when the turn cannot be placed)."""
    ours = {r[0]: r[1] for r in db.execute("SELECT file_hash, id FROM transcripts")}
    theirs = list(other.execute("SELECT id, name, file_hash FROM transcripts ORDER BY id"))
    matched = {t["id"]: ours[t["file_hash"]] for t in theirs if t["file_hash"] in ours}
    report.transcripts_matched = len(matched)
    report.transcripts_unmatched = [t["name"] for t in theirs if t["id"] not in matched]
    if theirs and not matched:
        raise FocuscodeError(
            f"{report.other} shares no transcript with this project (compared by file hash); "
            "it looks like a different study, so nothing was merged"
        )
    by_turn = {
        (r[0], r[1]): (r[2], r[3]) for r in db.execute("SELECT transcript_id, ordinal, id, text_hash FROM segments")
    }
    out: dict[int, int | None] = {}
    for s in other.execute("SELECT id, transcript_id, ordinal, text_hash FROM segments"):
        target = None
        if s["transcript_id"] in matched:
            hit = by_turn.get((matched[s["transcript_id"]], s["ordinal"]))
            if hit is not None and hit[1] == s["text_hash"]:
                target = hit[0]
        out[s["id"]] = target
    return out


def _merge_codes(db, other, report: MergeReport, incoming: list) -> dict[int, int]:
    from .privacy.gate import Field, line_finder

    ours = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes")}
    rows = list(other.execute("SELECT * FROM codes ORDER BY position, id"))
    names = {r["id"]: r["name"] for r in rows}
    next_pos = (db.execute("SELECT max(position) FROM codes").fetchone()[0] or 0) + 1
    for r in rows:
        if r["name"] in ours:
            continue
        record = {k: r[k] for k in r.keys() if k not in ("id", "parent_id")}
        record["position"] = next_pos
        next_pos += 1
        ours[r["name"]] = db.table("codes").insert(record).last_pk
        report.codes_added.append(r["name"])
        place = f"{report.other}#code '{r['name']}'"
        incoming.append(Field(r["name"], place, None, "codenaam", "label"))
        for column in ("description", "include", "exclude", "examples"):
            text = record.get(column)
            if isinstance(text, str) and text.strip():
                incoming.append(Field(text, place, 1, column, "text", line_finder(text)))
    # Parents after all codes exist, so a new subcode under a new theme keeps its place.
    for r in rows:
        if r["name"] in report.codes_added and r["parent_id"] in names:
            db.execute("UPDATE codes SET parent_id = ? WHERE id = ?", [ours[names[r["parent_id"]]], ours[r["name"]]])
    return {r["id"]: ours[r["name"]] for r in rows}


def _where_coder(coders, column="coder") -> tuple[str, list]:
    if not coders:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(coders))})", list(coders)


def _merge_codings(db, other, seg_map, code_map, report, prefer, coders) -> None:
    extra, params = _where_coder(coders)
    names = {r[0]: r[1] for r in other.execute("SELECT id, name FROM codes")}
    seg_label = {
        r[0]: f"{r[1]}:{r[2]}"
        for r in other.execute("SELECT s.id, t.name, s.ordinal FROM segments s JOIN transcripts t ON t.id = s.transcript_id")
    }
    merged_coders = set()
    for c in other.execute(f"SELECT * FROM codings WHERE coder IS NOT NULL{extra} ORDER BY id", params):
        merged_coders.add(c["coder"])
        sid = seg_map.get(c["segment_id"])
        if sid is None:
            report.unplaced.append(
                {"segment": seg_label.get(c["segment_id"]), "code": names.get(c["code_id"]), "coder": c["coder"], "status": c["status"]}
            )
            continue
        cid = code_map[c["code_id"]]
        mine = db.execute(
            # one decision per coder, segment, code and passage (the whole turn: no span)
            "SELECT id, status, updated_at FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ? "
            "AND span_start IS ? AND span_end IS ?",
            [sid, cid, c["coder"], c["span_start"], c["span_end"]],
        ).fetchone()
        if mine is None:
            suggestion = db.execute(
                "SELECT id FROM codings WHERE segment_id = ? AND code_id = ? AND coder IS NULL AND method = ?",
                [sid, cid, c["method"]],
            ).fetchone()
            # The other file's record ids mean nothing here: the coder's record and the codebook
            # version are this project's own (set by the triggers of migrations m005/m006).
            record = {k: c[k] for k in c.keys() if k not in ("id", "model_id", "coder_id", "codebook_version")}
            record.update(segment_id=sid, code_id=cid, suggestion_id=suggestion[0] if suggestion else None)
            new_id = db.table("codings").insert(record).last_pk
            _event(db, c["coder"], sid, cid, None, c["status"], new_id, (c["span_start"], c["span_end"]))
            report.codings_added += 1
        elif mine[1] == c["status"]:
            report.codings_matched += 1
        else:
            take = prefer == "theirs" or (prefer == "newer" and (c["updated_at"] or "") > (mine[2] or ""))
            report.conflicts.append(
                {"segment": seg_label.get(c["segment_id"]), "segment_id": sid, "code": names.get(c["code_id"]),
                 "coder": c["coder"], "ours": mine[1], "theirs": c["status"], "kept": "theirs" if take else "ours"}
            )
            if take:
                db.execute("UPDATE codings SET status = ?, updated_at = ? WHERE id = ?", [c["status"], c["updated_at"], mine[0]])
                _event(db, c["coder"], sid, cid, mine[1], c["status"], mine[0], (c["span_start"], c["span_end"]))
    report.coders = sorted(merged_coders)


def _event(db, coder, sid, cid, old, new, coding_id, span=(None, None)) -> None:
    db.execute(
        "INSERT INTO coding_events (coder, segment_id, code_id, action, old_status, new_status, coding_id, at, span_start, span_end) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)",
        [coder, sid, cid, "merged", old, new, coding_id, now(), *span],
    )


def _merge_seen(db, other, seg_map, report, coders) -> None:
    extra, params = _where_coder(coders)
    for r in other.execute(f"SELECT segment_id, coder, at FROM seen WHERE 1 = 1{extra}", params):
        sid = seg_map.get(r["segment_id"])
        if sid is None:
            continue
        cur = db.execute("INSERT OR IGNORE INTO seen (segment_id, coder, at) VALUES (?, ?, ?)", [sid, r["coder"], r["at"]])
        report.seen_added += cur.rowcount


def _merge_memos(db, other, seg_map, code_map, report, coders, incoming: list) -> None:
    from .privacy.gate import Field, line_finder

    extra, params = _where_coder(coders)
    ours_t = {r[0]: r[1] for r in db.execute("SELECT file_hash, id FROM transcripts")}
    t_map = {r[0]: ours_t.get(r[1]) for r in other.execute("SELECT id, file_hash FROM transcripts")}
    for m in other.execute(f"SELECT * FROM memos WHERE 1 = 1{extra} ORDER BY id", params):
        target = {"target": m["target"], "segment_id": None, "code_id": None, "transcript_id": None}
        if m["target"] == "segment":
            target["segment_id"] = seg_map.get(m["segment_id"])
            if target["segment_id"] is None:
                report.unplaced.append({"memo": m["text"], "coder": m["coder"]})
                continue
        elif m["target"] == "code":
            target["code_id"] = code_map.get(m["code_id"])
        elif m["target"] == "transcript":
            target["transcript_id"] = t_map.get(m["transcript_id"])
            if target["transcript_id"] is None:
                report.unplaced.append({"memo": m["text"], "coder": m["coder"]})
                continue
        if store_memo_once(db, **target, coder=m["coder"], text=m["text"], created_at=m["created_at"],
                           updated_at=m["updated_at"]) is None:
            report.memos_matched += 1
            continue
        incoming.append(Field(m["text"] or "", f"{report.other}#memo {m['id']}", 1, "memo", "text", line_finder(m["text"] or "")))
        report.memos_added += 1


# -- replicate -----------------------------------------------------------------------------------


@dataclass
class ReplicateReport:
    out: str
    coder: str
    transcripts: int
    segments: int
    codes: int

    def as_json(self) -> dict:
        return dict(self.__dict__)


BLIND_TABLES = ("transcripts", "participants", "segments", "codes")


def _blind(table: str, row: dict, declared: set[str]) -> dict:
    """A row as the copy gets it: what passed the gate and nothing more. A participant keeps
    only declared attributes (a project from before declarations may hold others), and a
    transcript its file name, not the folder it was imported from (a home folder is a name)."""
    from .privacy.gate import attribute_key

    if table == "participants":
        try:
            attributes = json.loads(row.get("attributes") or "{}")
        except ValueError:
            attributes = {}
        if isinstance(attributes, dict):
            row["attributes"] = dumps({k: v for k, v in attributes.items() if attribute_key(k) in declared})
        else:
            row["attributes"] = "{}"
    elif table == "transcripts" and row.get("path"):
        head, sep, tail = str(row["path"]).partition("#")  # a REFI source: archive#guid
        row["path"] = Path(head).name + sep + tail
    return row


def replicate(db, out, coder: str, *, force: bool = False) -> ReplicateReport:
    """A blind copy for `coder`: the material and the codebook, none of anyone's coding."""
    from .coding import check_coder

    coder = check_coder(coder)
    out = Path(out)
    here = Path(str(getattr(db, "path", ""))).resolve() if getattr(db, "path", None) else None
    if here is not None and out.resolve() == here:
        raise FocuscodeError("the copy cannot overwrite the project database itself", path=str(out))
    if out.exists() and not force:
        raise FocuscodeError(f"already exists; choose another {setting('out')} or pass {setting('force')} to replace it", path=str(out))
    if out.is_dir():
        # --force replaces a database file, never a folder (and whatever is in it).
        raise FocuscodeError(f"is a folder; {setting('out')} names the database file to write", path=str(out))
    if not out.parent.is_dir():
        raise FocuscodeError("the folder for the copy does not exist", path=str(out))
    if not db.execute("SELECT 1 FROM segments LIMIT 1").fetchone():
        raise FocuscodeError("this project has no transcripts to replicate yet")
    if not db.execute("SELECT 1 FROM codes WHERE active = 1 LIMIT 1").fetchone():
        raise FocuscodeError("this project has no codebook to replicate yet; run 'focuscode codebook load FILE'")
    # Build beside the target and rename at the end, so a failure leaves no half copy.
    tmp = out.with_name(out.name + ".partial")
    remove_project_files(tmp)
    from .privacy.gate import DECLARED_SETTING, declared_attributes

    declared = declared_attributes(db)
    copy = None
    try:
        copy = open_project(tmp, create=True)
        with transaction(copy):
            counts = {}
            for table in BLIND_TABLES:
                rows = [_blind(table, dict(r), declared) for r in db.query(f"SELECT * FROM {table} ORDER BY id")]
                copy.table(table).insert_all(rows, batch_size=500)
                counts[table] = len(rows)
            # The codebook's versions too, so the blind coder's decisions are tied to the same one.
            for table, order in (("codebook_versions", "id"), ("code_definitions", "version_id, code_id")):
                copy.table(table).insert_all(db.query(f"SELECT * FROM {table} ORDER BY {order}"), batch_size=500)
            set_setting(copy, DECLARED_SETTING, json.dumps(sorted(declared), ensure_ascii=False))
            set_setting(copy, "coder", coder)
            set_setting(copy, "replica_of", dumps({"path": str(getattr(db, "path", "")), "at": now()}))
        with copy.ensure_autocommit_on():
            copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy.close()
        copy = None
        for suffix in ("-wal", "-shm"):
            Path(str(out) + suffix).unlink(missing_ok=True)
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        tmp.replace(out)
    except BaseException as exc:
        # Whatever failed (the copy, the rename), no half copy of the transcripts stays behind.
        if copy is not None:
            copy.close()
        remove_project_files(tmp)
        if isinstance(exc, OSError):
            reason = (exc.strerror or str(exc)).lower()
            raise FocuscodeError(f"cannot write the copy: {reason}", path=str(out)) from None
        raise
    return ReplicateReport(str(out), coder, counts["transcripts"], counts["segments"], counts["codes"])
