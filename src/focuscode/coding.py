"""A coder's decisions: coding, uncoding, accepting and rejecting suggestions.

A decision is a row with the coder's name. When it answers a suggestion it
copies the suggestion's method, score and evidence and points back to it, so
the provenance survives and other coders still see the suggestion as pending.
Every change is logged in coding_events (undo in review, audit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .codes import code_id
from .db import now, transaction
from .errors import FocuscodeError, UnknownSegmentError, setting


@dataclass
class Change:
    segment_id: int
    code: str
    coder: str
    action: str  # coded | uncoded | unchanged
    status: str | None
    span: tuple[int, int] | None = None  # the passage, None for the whole turn
    note: str = ""  # why nothing changed, when the coder may have meant something else

    def as_json(self) -> dict:
        return {"segment_id": self.segment_id, "code": self.code, "coder": self.coder, "action": self.action,
                "status": self.status, "span_start": self.span[0] if self.span else None,
                "span_end": self.span[1] if self.span else None, "note": self.note}


def check_coder(coder: str) -> str:
    coder = (coder or "").strip()
    if not coder:
        raise FocuscodeError(f"a coder name is needed ({setting('coder')} NAME or FOCUSCODE_CODER)")
    return coder


def known_coders(db) -> list[str]:
    """Everyone who coded or marked a segment seen, by name (agreement, learning and the methods text)."""
    rows = db.execute(
        "SELECT coder FROM codings WHERE coder IS NOT NULL UNION SELECT coder FROM seen ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def check_segments(db, segment_ids: list[int]) -> None:
    if not segment_ids:
        raise FocuscodeError("no segments given")
    found = set()
    for i in range(0, len(segment_ids), 900):
        chunk = segment_ids[i : i + 900]
        found.update(r[0] for r in db.execute(f"SELECT id FROM segments WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    missing = [s for s in segment_ids if s not in found]
    if missing:
        raise UnknownSegmentError(f"no segment with id {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))


def _log(db, coder, segment_id, cid, action, old, new, coding_id, span=None) -> None:
    db.execute(
        "INSERT INTO coding_events (coder, segment_id, code_id, action, old_status, new_status, coding_id, at, span_start, span_end) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)",
        [coder, segment_id, cid, action, old, new, coding_id, now(), *(span or (None, None))],
    )


def set_decision(db, segment_id: int, cid: int, coder: str, status: str, *, method: str = "manual",
                 score=None, evidence=None, span=None) -> tuple[str | None, int]:
    """Insert or update this coder's decision on the turn (span None) or on one passage of
    it (code-point offsets, end exclusive); returns (old status, coding id).

    A decision that answers a pending suggestion copies its method, score and evidence, but
    not the sentences the suggestion points at: accepting a suggestion codes the whole turn,
    a passage only when the coder names one."""
    span = tuple(span) if span else (None, None)
    row = db.execute(
        "SELECT id, status FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ? AND span_start IS ? AND span_end IS ?",
        [segment_id, cid, coder, *span],
    ).fetchone()
    stamp = now()
    if row is not None:
        if row[1] != status:
            db.execute("UPDATE codings SET status = ?, updated_at = ? WHERE id = ?", [status, stamp, row[0]])
            _log(db, coder, segment_id, cid, status, row[1], status, row[0], span)
        return row[1], row[0]
    suggestion = db.execute(
        "SELECT id, method, score, evidence FROM codings WHERE segment_id = ? AND code_id = ? AND coder IS NULL ORDER BY score DESC LIMIT 1",
        [segment_id, cid],
    ).fetchone()
    values = {
        "segment_id": segment_id, "code_id": cid, "coder": coder, "status": status, "method": method,
        "score": score, "evidence": evidence, "span_start": span[0], "span_end": span[1],
        "suggestion_id": None, "created_at": stamp, "updated_at": stamp,
    }
    if suggestion is not None and method == "manual":
        values.update(method=suggestion[1], score=suggestion[2], evidence=suggestion[3], suggestion_id=suggestion[0])
    new_id = db.table("codings").insert(values).last_pk
    _log(db, coder, segment_id, cid, status, None, status, new_id, span)
    return None, new_id


def segment_text(db, segment_id: int) -> str:
    row = db.execute("SELECT text FROM segments WHERE id = ?", [segment_id]).fetchone()
    if row is None:
        raise UnknownSegmentError(f"no segment with id {segment_id}")
    return row[0]


def passage_of(db, segment_id: int, *, quote=None, span=None, sentence=None):
    """The passage of a turn named by quoted words, START:END or a sentence number (None: whole turn)."""
    from .passages import resolve

    if all(v in (None, "") for v in (quote, span, sentence)):
        return None
    return resolve(segment_text(db, segment_id), quote=quote, span=span, sentence=sentence)


def code_passage(db, segment_id: int, code: str, coder: str, *, quote=None, span=None, sentence=None,
                 uncode: bool = False) -> Change:
    """Code (or take the code off) one passage of one turn, in one transaction."""
    coder = check_coder(coder)
    with transaction(db):
        cid = code_id(db, code, inactive=uncode)  # a deactivated code's codings can be taken off
        check_segments(db, [segment_id])
        passage = passage_of(db, segment_id, quote=quote, span=span, sentence=sentence)
        if uncode:
            return _uncode_one(db, segment_id, cid, code, coder, passage)
        old, _ = set_decision(db, segment_id, cid, coder, "accepted", span=passage)
        return Change(segment_id, code, coder, "unchanged" if old == "accepted" else "coded", "accepted", passage)


def code_segments(db, segment_ids: list[int], code: str, coder: str) -> list[Change]:
    coder = check_coder(coder)
    with transaction(db):
        cid = code_id(db, code)
        check_segments(db, segment_ids)
        changes = []
        for sid in segment_ids:
            old, _ = set_decision(db, sid, cid, coder, "accepted")
            changes.append(Change(sid, code, coder, "unchanged" if old == "accepted" else "coded", "accepted"))
        return changes


def uncode_segments(db, segment_ids: list[int], code: str, coder: str) -> list[Change]:
    """Take a code off, or reject a pending suggestion of it. The decision becomes
    'rejected' so the suggestion does not come back as pending, and the history is kept."""
    coder = check_coder(coder)
    with transaction(db):
        cid = code_id(db, code, inactive=True)  # a deactivated code's codings can be taken off
        check_segments(db, segment_ids)
        return [_uncode_one(db, sid, cid, code, coder) for sid in segment_ids]


def _uncode_one(db, sid: int, cid: int, name: str, coder: str, span=None) -> Change:
    """This coder's accepted coding becomes a rejection ('uncoded'); a suggestion this
    coder has not decided yet is rejected ('rejected'); anything else is unchanged.

    Without a passage the turn loses the code: the whole-turn decision and every coded
    passage of it become rejections. With one, only that passage does."""
    if span is not None:
        row = db.execute(
            "SELECT status FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ? AND span_start IS ? AND span_end IS ?",
            [sid, cid, coder, *span],
        ).fetchone()
        if row is None or row[0] != "accepted":
            return Change(sid, name, coder, "unchanged", row[0] if row else None, span, _coded_elsewhere(db, sid, cid, coder))
        set_decision(db, sid, cid, coder, "rejected", span=span)
        return Change(sid, name, coder, "uncoded", "rejected", span)
    rows = db.execute(
        "SELECT status, span_start, span_end FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ?", [sid, cid, coder]
    ).fetchall()
    if rows:
        accepted = [r for r in rows if r[0] == "accepted"]
        if not accepted:
            return Change(sid, name, coder, "unchanged", rows[0][0])
        for _status, start, end in accepted:
            set_decision(db, sid, cid, coder, "rejected", span=(start, end) if start is not None else None)
        if not any(r[1] is None for r in rows):
            set_decision(db, sid, cid, coder, "rejected")  # the turn, too: no passage of it carries the code now
        return Change(sid, name, coder, "uncoded", "rejected")
    pending = db.execute(
        "SELECT 1 FROM codings WHERE segment_id = ? AND code_id = ? AND coder IS NULL AND status = 'suggested' LIMIT 1",
        [sid, cid],
    ).fetchone()
    if pending is None:
        return Change(sid, name, coder, "unchanged", None)
    set_decision(db, sid, cid, coder, "rejected")  # copies the suggestion's method, score and evidence
    return Change(sid, name, coder, "rejected", "rejected")


def _coded_elsewhere(db, sid: int, cid: int, coder: str) -> str:
    """Where this coder's code stands in the turn instead, for a passage that holds none of it
    (a quote one word off, a sentence counted differently)."""
    rows = db.execute("SELECT span_start, span_end FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ? "
                      "AND status = 'accepted' ORDER BY span_start", [sid, cid, coder]).fetchall()
    if not rows:
        return ""
    where = ", ".join("the whole turn" if a is None else f"passage {a}:{b}" for a, b in rows)
    return (f"not coded on this passage; it is on {where} (give that span with {setting('span')}, "
            "or no passage to take it off the whole turn)")


def parse_id_spans(spec: str) -> list[tuple[int, int]]:
    """'4,7,9-12' -> [(4, 4), (7, 7), (9, 12)], without building the ranges."""
    from .db import fits_sqlite_integer

    out: list[tuple[int, int]] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        bounds = [x.strip() for x in part.split("-", 1)]
        if not all(b.isascii() and b.isdigit() for b in bounds):
            raise FocuscodeError(f"not a segment id or range: '{part[:40]}' (use e.g. 4,7,9-12)")
        # Before int(): it refuses text of more than 4,300 digits.
        too_big = next((b for b in bounds if not fits_sqlite_integer(b)), None)
        if too_big is not None:
            raise UnknownSegmentError(f"no segment with id {too_big[:30]}{'…' if len(too_big) > 30 else ''}")
        lo, hi = int(bounds[0]), int(bounds[-1])
        if hi < lo:
            raise FocuscodeError(f"not a segment id or range: '{part[:40]}' (use e.g. 4,7,9-12)")
        out.append((lo, hi))
    if not out:
        raise FocuscodeError("no segments given")
    return out


def segment_ids(db, spec: str) -> list[int]:
    """The ids in a spec like '4,7,9-12', each checked against the project's segments.

    A range is walked through the ids that exist, so '1-2000000000' in a project of a
    few hundred segments stops at the first id that is not there: nothing the size
    of the range is ever built."""
    out: dict[int, None] = {}
    for lo, hi in parse_id_spans(spec):
        expected = lo
        for (sid,) in db.execute("SELECT id FROM segments WHERE id BETWEEN ? AND ? ORDER BY id", [lo, hi]):
            if sid != expected:
                break
            out[sid] = None
            expected += 1
        if expected <= hi:
            size = f" (the range {lo}-{hi} asks for {hi - lo + 1:,} segments)" if hi > lo else ""
            raise UnknownSegmentError(f"no segment with id {expected}{size}")
    return list(out)


@dataclass
class FileCodingResult:
    changes: list[Change]
    memos: int  # added
    memos_unchanged: int = 0  # already in the project, word for word
    warnings: list = field(default_factory=list)  # names-list findings in memos let in by --allow-pii


def _segment_ref(db, value: str) -> int | None:
    """A segment given as its id, or as transcript:turn the way `segments` prints it."""
    from .db import fits_sqlite_integer

    def number(text: str) -> bool:  # ASCII digits only ("²" is a digit to str.isdigit) that SQLite can hold
        return text.isascii() and text.isdigit() and fits_sqlite_integer(text)

    value = value.strip()
    if value.lstrip("#").isascii() and value.lstrip("#").isdigit():
        if not number(value.lstrip("#")):
            return None
        sid = int(value.lstrip("#"))
        return sid if db.execute("SELECT 1 FROM segments WHERE id = ?", [sid]).fetchone() else None
    name, sep, turn = value.rpartition(":")
    if not sep or not number(turn.strip()):
        return None
    row = db.execute(
        "SELECT s.id FROM segments s JOIN transcripts t ON t.id = s.transcript_id WHERE t.name = ? AND s.ordinal = ?",
        [name.strip(), int(turn)],
    ).fetchone()
    return row[0] if row else None


def code_from_file(db, path, coder: str, *, uncode: bool = False, gate=None) -> FileCodingResult:
    """Apply (or take off) the codes in a CSV of segment,code[,memo]; all rows or none.

    A header row is optional. Segments are ids or transcript:turn. Every bad row
    is reported with its file and line, and nothing is stored.
    """
    import csv
    import io
    from pathlib import Path

    from .errors import InputFileError
    from .memos import store_memo_once
    from .textio import csv_layout, read_text_file

    coder = check_coder(coder)
    p = Path(path)
    text, _ = read_text_file(p)
    delimiter, text, skipped = csv_layout(text)  # Dutch Excel saves CSV with semicolons
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    changes: list[Change] = []
    memos = memos_kept = 0
    memos_done: set[tuple[int, str]] = set()
    written: list[tuple[str, str, int]] = []  # memos, for the privacy gate before the commit
    done: set[tuple] = set()
    columns = ["segment", "code", "memo"]  # without a header row
    with transaction(db):
        for row in reader:
            line = reader.line_num + skipped
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if line == 1 + skipped and cells[0].lower() in ("segment", "segment_id", "id"):
                columns = _header_columns(cells, p, line)
                continue
            if len(cells) > len(columns) and any(cells[len(columns):]):
                raise InputFileError(
                    f"too many columns ({len(cells)}); quote a memo that holds commas", path=str(p), line=line
                )
            cells = [cells[columns.index(k)] if k in columns and columns.index(k) < len(cells) else ""
                     for k in ("segment", "code", "memo", "quote", "span", "sentence")]
            sid = _segment_ref(db, cells[0])
            if sid is None:
                raise InputFileError(f"no segment '{cells[0]}' (use an id or transcript:turn)", path=str(p), line=line)
            if len(cells) < 2 or not cells[1]:
                if any(cells[3:]):
                    raise InputFileError(f"a passage but no code for segment '{cells[0]}'", path=str(p), line=line)
                if uncode:
                    raise InputFileError(f"no code given for segment '{cells[0]}'", path=str(p), line=line)
                # A segment without a code: looked at, no code applies (counts for agreement).
                cur = db.execute("INSERT OR IGNORE INTO seen (segment_id, coder, at) VALUES (?, ?, ?)", [sid, coder, now()])
                changes.append(Change(sid, "", coder, "seen" if cur.rowcount else "unchanged", None))
            else:
                try:
                    passage = passage_of(db, sid, quote=cells[3], span=cells[4], sentence=cells[5])
                except FocuscodeError as exc:
                    # In a file the passage comes from its columns, not from options.
                    from .errors import show_settings

                    raise InputFileError(show_settings(exc.message, lambda key: f"the '{key}' column"),
                                         path=str(p), line=line) from None
                _apply_row(db, p, line, sid, cells[1], coder, uncode, done, changes, passage)
            memo = cells[2] if len(cells) > 2 else ""
            if memo and (sid, memo) not in memos_done:
                # Like the codings: running the same file again adds nothing.
                memos_done.add((sid, memo))
                written.append((memo, str(p), line))
                if store_memo_once(db, target="segment", segment_id=sid, coder=coder, text=memo):
                    written.append((memo, str(p), line))
                    memos += 1
                else:
                    memos_kept += 1
        if not changes:
            raise InputFileError("no segment,code rows found", path=str(p))
        from .memos import gate_memos

        warnings = gate_memos(written, gate, what="nothing coded") if written else []
    return FileCodingResult(changes, memos, memos_kept, warnings)


def _header_columns(cells: list[str], p, line: int) -> list[str]:
    """The columns a header row names: segment and code, and optionally memo, quote, span, sentence."""
    from .errors import InputFileError

    names = {"segment": "segment", "segment_id": "segment", "id": "segment", "code": "code", "memo": "memo",
             "quote": "quote", "span": "span", "sentence": "sentence"}
    columns = []
    for cell in cells:
        key = names.get(cell.lower())
        if key is None or key in columns:
            what = "twice" if key else "unknown"
            raise InputFileError(f"{what} column '{cell[:40]}' (columns: segment, code, memo, quote, span, sentence)",
                                 path=str(p), line=line)
        columns.append(key)
    if "code" not in columns:
        raise InputFileError("the header has no 'code' column", path=str(p), line=line)
    return columns


def _apply_row(db, p, line, sid, code, coder, uncode, done, changes, passage=None) -> None:
    from .errors import InputFileError

    try:
        cid = code_id(db, code, inactive=uncode)
    except FocuscodeError as exc:
        raise InputFileError(exc.message, path=str(p), line=line) from None
    name = db.execute("SELECT name FROM codes WHERE id = ?", [cid]).fetchone()[0]
    if (sid, cid, passage) in done:
        return
    done.add((sid, cid, passage))
    if uncode:
        changes.append(_uncode_one(db, sid, cid, name, coder, passage))
    else:
        old, _ = set_decision(db, sid, cid, coder, "accepted", span=passage)
        changes.append(Change(sid, name, coder, "unchanged" if old == "accepted" else "coded", "accepted", passage))
