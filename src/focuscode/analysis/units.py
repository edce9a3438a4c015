"""Coded units: which codes each segment carries, read in one query.

Both stats and co-occurrence start here, so they count the same things: a
coder's accepted codings (suggestions only when asked), facilitators left out,
and a theme present wherever one of its subcodes is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..errors import UnknownCoderError

UNKNOWN = "?"


@dataclass
class CodedSegment:
    id: int
    transcript_id: int
    transcript: str
    source: str
    participant_id: int | None
    role: str | None
    sector: str | None
    school_type: str | None
    attributes: dict
    codes: set[int] = field(default_factory=set)

    def value(self, dimension: str) -> str:
        """The segment's value for a dimension: a participant attribute, source or transcript."""
        if dimension == "source":
            return self.source
        if dimension == "transcript":
            return self.transcript
        if dimension in ("role", "sector", "school_type"):
            return getattr(self, dimension) or UNKNOWN
        value = self.attributes.get(dimension)
        return UNKNOWN if value in (None, "") else str(value)


@dataclass
class CodeTree:
    names: dict[int, str]
    parent: dict[int, int | None]
    order: list[int]  # codebook order, parents before children

    def ancestors(self, cid: int) -> list[int]:
        out, seen = [], set()
        while cid is not None and cid not in seen:
            seen.add(cid)
            out.append(cid)
            cid = self.parent.get(cid)
        return out

    def theme(self, cid: int) -> int:
        return self.ancestors(cid)[-1]

    def depth(self, cid: int) -> int:
        return len(self.ancestors(cid)) - 1


def code_tree(db) -> CodeTree:
    rows = list(db.execute("SELECT id, name, parent_id FROM codes WHERE active = 1 ORDER BY position, id"))
    names = {r[0]: r[1] for r in rows}
    parent = {r[0]: (r[2] if r[2] in names else None) for r in rows}
    children: dict[int | None, list[int]] = {}
    for cid in names:
        children.setdefault(parent[cid], []).append(cid)
    order: list[int] = []

    def visit(cid):
        order.append(cid)
        for child in children.get(cid, []):
            visit(child)

    for root in children.get(None, []):
        visit(root)
    return CodeTree(names, parent, order)


def coded_segments(db, *, coder: str | None = None, include_suggested: bool = False, tree: CodeTree | None = None) -> list[CodedSegment]:
    """Every coded segment with its codes, each code also counting for its ancestors."""
    if coder and not db.execute("SELECT 1 FROM codings WHERE coder = ? LIMIT 1", [coder]).fetchone():
        raise UnknownCoderError(f"no codings by coder '{coder}'")
    tree = tree or code_tree(db)
    statuses = ("accepted", "suggested") if include_suggested else ("accepted",)
    sql = f"""
        SELECT s.id, s.transcript_id, t.name, t.source, s.participant_id, p.role, p.sector, p.school_type,
               p.attributes, c.code_id
        FROM codings c
        JOIN segments s ON s.id = c.segment_id
        JOIN transcripts t ON t.id = s.transcript_id
        LEFT JOIN participants p ON p.id = s.participant_id
        WHERE c.status IN ({','.join('?' * len(statuses))}) AND COALESCE(p.is_facilitator, 0) = 0
    """
    params: list = list(statuses)
    if coder:
        sql += " AND (c.coder = ? OR c.coder IS NULL)"
        params.append(coder)
    segments: dict[int, CodedSegment] = {}
    attrs_cache: dict[str, dict] = {}
    for sid, tid, tname, source, pid, role, sector, school, attrs, cid in db.execute(sql + " ORDER BY s.id", params):
        if cid not in tree.names:
            continue  # an inactive code
        seg = segments.get(sid)
        if seg is None:
            raw = attrs or "{}"
            if raw not in attrs_cache:
                attrs_cache[raw] = json.loads(raw)
            seg = segments[sid] = CodedSegment(sid, tid, tname, source, pid, role, sector, school, attrs_cache[raw])
        seg.codes.update(tree.ancestors(cid))
    return list(segments.values())
