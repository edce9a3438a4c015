"""Querying segments with their speaker facts and codings.

`list_segments` returns plain dicts in the shape `segments --json` promises:
id, transcript, external_id, speaker, role, sector, source, text, codings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .codes import code_id, theme_map
from .errors import FocuscodeError, setting


@dataclass
class SegmentFilter:
    code: str | None = None
    role: str | None = None
    sector: str | None = None
    source: str | None = None
    transcript: str | None = None
    uncoded: bool = False
    search: str | None = None
    coder: str | None = None
    include_facilitator: bool = True
    ids: list[int] | None = None
    limit: int | None = None
    all_suggestions: bool = False  # also suggestions below the project's threshold


def _fts_query(text: str) -> str:
    # Quote each word so user input never becomes FTS syntax (AND, NEAR, "...).
    words = [w.replace('"', "") for w in text.split()]
    return " ".join(f'"{w}"' for w in words if w)


# The code itself and every code below it: filtering on a theme includes its subcodes.
CODE_SUBTREE_SQL = (
    "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT codes.id FROM codes JOIN sub ON codes.parent_id = sub.id) "
    "SELECT id FROM sub"
)


def speaker_clauses(
    db, *, role: str | None, sector: str | None, transcript: str | None, include_facilitator: bool
) -> tuple[list[str], list]:
    """WHERE clauses on who spoke, over aliases s (segments), t (transcripts), p (participants)."""
    from .vocabulary import current

    clauses, params = [], []
    if sector:
        current(db).check_sector(sector, "--sector")  # an unknown sector would silently match nothing
    if role:
        clauses.append("lower(p.role) = lower(?)")
        params.append(role)
    if sector:
        clauses.append("p.sector = ?")
        params.append(sector.lower())
    if transcript:
        clauses.append("t.name = ?")
        params.append(transcript)
    if not include_facilitator:
        clauses.append("COALESCE(p.is_facilitator, 0) = 0")
    return clauses, params


def _where(db, f: SegmentFilter) -> tuple[str, list]:
    clauses, params = [], []
    if f.code:
        cid = code_id(db, f.code)
        clauses.append(
            f"s.id IN (SELECT c.segment_id FROM codings c WHERE c.status = 'accepted' AND c.code_id IN ({CODE_SUBTREE_SQL})"
            + (" AND c.coder = ?" if f.coder else "")
            + ")"
        )
        params.append(cid)
        if f.coder:
            params.append(f.coder)
    who, who_params = speaker_clauses(
        db, role=f.role, sector=f.sector, transcript=f.transcript, include_facilitator=f.include_facilitator
    )
    clauses += who
    params += who_params
    if f.source:
        from .vocabulary import current

        current(db).check_source(f.source, "--source")
        clauses.append("t.source = ?")
        params.append(f.source)
    if f.uncoded:
        clauses.append(
            "NOT EXISTS (SELECT 1 FROM codings c WHERE c.segment_id = s.id AND c.status = 'accepted'"
            + (" AND c.coder = ?" if f.coder else "")
            + ")"
        )
        if f.coder:
            params.append(f.coder)
    if f.search:
        query = _fts_query(f.search)
        if not query:
            raise FocuscodeError(f"{setting('search')} needs at least one word")
        clauses.append("s.id IN (SELECT rowid FROM segments_fts WHERE segments_fts MATCH ?)")
        params.append(query)
    if f.ids is not None:
        # One parameter however many ids (a list of ? would hit SQLite's variable limit).
        clauses.append("s.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([int(i) for i in f.ids]))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


SEGMENT_SELECT = """
SELECT s.id, t.name AS transcript, s.ordinal, s.external_id, s.speaker, p.role, p.sector,
       p.school_type, COALESCE(p.is_facilitator, 0) AS is_facilitator, t.source, s.text,
       s.start_ms, s.end_ms, s.question, s.participant_id, s.transcript_id
FROM segments s
JOIN transcripts t ON t.id = s.transcript_id
LEFT JOIN participants p ON p.id = s.participant_id
"""


def list_segments(db, f: SegmentFilter | None = None, *, with_memos: bool = True) -> list[dict]:
    f = f or SegmentFilter()
    where, params = _where(db, f)
    sql = SEGMENT_SELECT + where + " ORDER BY t.name, s.ordinal"
    if f.limit:
        sql += f" LIMIT {int(f.limit)}"
    cursor = db.execute(sql, params)
    keys = [d[0] for d in cursor.description]
    rows = [dict(zip(keys, r)) for r in cursor]
    if not rows:
        return []
    attach_codings(db, rows, coder=f.coder, all_suggestions=f.all_suggestions)
    if with_memos:
        attach_memos(db, rows)
    return rows


def _id_list(rows: list[dict]) -> str:
    # The segment ids as one JSON parameter for json_each: one query for any number of segments.
    return json.dumps([r["id"] for r in rows])


def attach_codings(db, rows: list[dict], *, coder: str | None = None, all_suggestions: bool = False) -> None:
    """Each row's codings; suggestions below the project's threshold only with `all_suggestions`."""
    themes = theme_map(db)
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        r["codings"] = []
    sql = (
        "SELECT id, segment_id, code_id, coder, status, method, score, evidence, span_start, span_end "
        "FROM codings WHERE segment_id IN (SELECT value FROM json_each(?))"
    )
    params: list = [_id_list(rows)]
    if coder:
        sql += " AND (coder = ? OR coder IS NULL)"
        params.append(coder)
    if not all_suggestions:
        from .suggest import suggestion_threshold

        sql += " AND (coder IS NOT NULL OR score >= ?)"
        params.append(suggestion_threshold(db))
    unknown = ("?", "?")
    loads = json.loads
    for cid, sid, code, who, status, method, score, evidence, start, end in db.execute(sql + " ORDER BY id", params):
        name, theme = themes.get(code, unknown)
        by_id[sid]["codings"].append(
            {
                "id": cid,
                "code": name,
                "theme": theme,
                "coder": who,
                "status": status,
                "method": method,
                "score": score,
                "evidence": loads(evidence) if evidence else None,
                "span": [start, end] if start is not None else None,
            }
        )


def attach_memos(db, rows: list[dict]) -> None:
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        r["memos"] = []
    sql = ("SELECT segment_id, coder, text, created_at FROM memos "
           "WHERE target = 'segment' AND segment_id IN (SELECT value FROM json_each(?)) ORDER BY id")
    for m in db.execute(sql, [_id_list(rows)]):
        by_id[m[0]]["memos"].append({"coder": m[1], "text": m[2], "created_at": m[3]})


def segment_json(row: dict) -> dict:
    """The stable public shape of a segment."""
    return {
        "id": row["id"],
        "transcript": row["transcript"],
        "ordinal": row["ordinal"],
        "external_id": row["external_id"],
        "speaker": row["speaker"],
        "role": row["role"],
        "sector": row["sector"],
        "school_type": row["school_type"],
        "source": row["source"],
        "facilitator": bool(row["is_facilitator"]),
        "start_ms": row["start_ms"],
        "end_ms": row["end_ms"],
        "question": row["question"],
        "text": row["text"],
        "codings": [
            {"code": c["code"], "theme": c["theme"], "coder": c["coder"], "status": c["status"],
             "method": c["method"], "score": c["score"], "evidence": c["evidence"],
             # the passage (code points of `text`, end exclusive) and its words; null: the whole turn
             "span_start": c["span"][0] if c["span"] else None, "span_end": c["span"][1] if c["span"] else None,
             "quote": row["text"][c["span"][0]:c["span"][1]] if c["span"] else None}
            for c in row.get("codings", [])
        ],
        "memos": row.get("memos", []),
    }
