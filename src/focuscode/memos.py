"""Memos: free text a coder attaches to a segment, a code, a transcript or the project.

Memos are notes, not decisions, so they are never counted in agreement; they
travel with `merge` and stay out of a blind `replicate` copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .codes import code_id
from .db import now, transaction
from .errors import FocuscodeError, UnknownSegmentError

TARGETS = ("project", "transcript", "segment", "code")


@dataclass
class Memo:
    id: int
    target: str
    about: str | None  # segment id, code name or transcript name; None for the project
    coder: str | None
    text: str
    created_at: str
    warnings: list = field(default_factory=list)  # names-list findings let in by --allow-pii

    def as_json(self) -> dict:
        out = dict(self.__dict__)
        out.pop("warnings")
        return out


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise FocuscodeError("a memo needs some text")
    return text


def gate_memos(memos: list[tuple[str, str, int]], gate=None, *, what: str = "memo not stored") -> list:
    """Pass memo texts, each with its place (path and first line: ("memo", 1), ("codering.csv", 7)),
    through the privacy gate (a strict one when None); raises PrivacyError, or returns the
    --allow-pii warnings. Every way a memo is written goes through here: `memo`, `review`'s
    m key, the memo column of `code --from-file`."""
    from .privacy.gate import Field, Gate, line_finder

    gate = gate if gate is not None else Gate()
    fields = []
    for text, path, line in memos:
        at = line_finder(text)
        fields.append(Field(text, path, line, "", "text", lambda offset, at=at, base=line: base + at(offset) - 1))
    return gate.check(fields, what=what)


def add_memo(
    db,
    text: str,
    *,
    coder: str | None = None,
    segment_id: int | None = None,
    code: str | None = None,
    transcript: str | None = None,
    gate=None,
) -> Memo:
    """Store one memo about at most one thing; with none given it is a project memo.

    The text passes the privacy gate first (`gate`: a privacy.gate.Gate, strict when None)."""
    text = _clean(text)
    given = [x for x in (segment_id, code, transcript) if x is not None]
    if len(given) > 1:
        raise FocuscodeError("a memo is about one thing: give a segment, a code or a transcript, not several")
    warnings = gate_memos([(text, "memo", 1)], gate)
    with transaction(db):
        row = {"target": "project", "transcript_id": None, "segment_id": None, "code_id": None}
        about: str | None = None
        if segment_id is not None:
            if db.execute("SELECT 1 FROM segments WHERE id = ?", [segment_id]).fetchone() is None:
                raise UnknownSegmentError(f"no segment with id {segment_id}")
            row.update(target="segment", segment_id=segment_id)
            about = str(segment_id)
        elif code is not None:
            cid = code_id(db, code)
            row.update(target="code", code_id=cid)
            about = db.execute("SELECT name FROM codes WHERE id = ?", [cid]).fetchone()[0]
        elif transcript is not None:
            found = db.execute("SELECT id, name FROM transcripts WHERE name = ?", [transcript]).fetchone()
            if found is None:
                raise FocuscodeError(f"no transcript named '{transcript}'; see 'focuscode segments'")
            row.update(target="transcript", transcript_id=found[0])
            about = found[1]
        stamp = now()
        row.update(coder=(coder or "").strip() or None, text=text, created_at=stamp, updated_at=stamp)
        memo_id = db.table("memos").insert(row).last_pk
    return Memo(memo_id, row["target"], about, row["coder"], text, stamp, warnings)


def store_memo_once(db, *, target: str, coder: str | None, text: str, segment_id: int | None = None,
                    code_id: int | None = None, transcript_id: int | None = None,
                    created_at: str | None = None, updated_at: str | None = None) -> int | None:
    """Store a memo unless the same coder already has this text about the same thing;
    returns the new memo's id, or None when it was there. Scripted coding runs again
    and again (`code --from-file`), and merges repeat: memos, like codings, must not
    pile up. A merged memo keeps its own times."""
    same = db.execute(
        "SELECT 1 FROM memos WHERE target = ? AND segment_id IS ? AND code_id IS ? AND transcript_id IS ? "
        "AND coder IS ? AND text = ? LIMIT 1",
        [target, segment_id, code_id, transcript_id, coder, text],
    ).fetchone()
    if same:
        return None
    stamp = now()
    return db.table("memos").insert({
        "target": target, "segment_id": segment_id, "code_id": code_id, "transcript_id": transcript_id,
        "coder": coder, "text": text, "created_at": created_at or stamp, "updated_at": updated_at or created_at or stamp,
    }).last_pk


def list_memos(db, *, target: str | None = None, coder: str | None = None) -> list[Memo]:
    sql = """SELECT m.id, m.target, m.segment_id, c.name, t.name, m.coder, m.text, m.created_at
             FROM memos m LEFT JOIN codes c ON c.id = m.code_id LEFT JOIN transcripts t ON t.id = m.transcript_id"""
    clauses, params = [], []
    if target:
        if target not in TARGETS:
            raise FocuscodeError(f"memo target must be one of {', '.join(TARGETS)}, not '{target}'")
        clauses.append("m.target = ?")
        params.append(target)
    if coder:
        clauses.append("m.coder = ?")
        params.append(coder)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    out = []
    for r in db.execute(sql + " ORDER BY m.id", params):
        about = {"segment": str(r[2]) if r[2] is not None else None, "code": r[3], "transcript": r[4]}.get(r[1])
        out.append(Memo(r[0], r[1], about, r[5], r[6], r[7]))
    return out
