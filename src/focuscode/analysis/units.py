"""Coded units: which codes each segment carries, as SQL both counters build on.

Both stats and co-occurrence start here, so they count the same things: a
coder's accepted codings (suggestions only when asked), facilitators left out,
and a theme present wherever one of its subcodes is. A segment's value for a
dimension is a participant attribute, its source or its transcript; a missing
or empty value shows as UNKNOWN.
"""

from __future__ import annotations

from dataclasses import dataclass

# The code tree lives in focuscode.codes (one walker); the counters import it from here too.
from ..codes import CodeTree, code_tree  # noqa: F401
from ..errors import UnknownCoderError

UNKNOWN = "?"


def codings_counted(db, *, coder: str | None = None, include_suggested: bool = False) -> tuple[str, list]:
    """WHERE clause (over codings c) for the codings that count: accepted ones, and
    suggestions when asked; with a coder, that coder's decisions and the suggestions."""
    if coder and not db.execute("SELECT 1 FROM codings WHERE coder = ? LIMIT 1", [coder]).fetchone():
        raise UnknownCoderError(f"no codings by coder '{coder}'")
    statuses = ("accepted", "suggested") if include_suggested else ("accepted",)
    where = f"c.status IN ({','.join('?' * len(statuses))})" + (" AND (c.coder = ? OR c.coder IS NULL)" if coder else "")
    return where, [*statuses, *([coder] if coder else [])]


# Segments that count: facilitators left out, and only segments of a transcript
# that exists (over segments s, transcripts t, participants p).
COUNTED_SEGMENTS_SQL = """
    JOIN segments s ON s.id = c.segment_id
    JOIN transcripts t ON t.id = s.transcript_id
    LEFT JOIN participants p ON p.id = s.participant_id
"""
COUNTED_SPEAKER = "COALESCE(p.is_facilitator, 0) = 0"


def coded_units_sql(db, *, coder: str | None = None, include_suggested: bool = False,
                    tree: CodeTree | None = None) -> tuple[str, list]:
    """The coded units as SQL for set-based counting: a WITH clause defining
    `hits(segment_id, code, transcript_id, participant_id)`, one row per coded
    segment and active code it carries (each code also counting for its
    ancestors), facilitators left out.

    Counting with GROUP BY over this takes a fraction of the time of a Python loop
    per coding at study scale (60,000 codings)."""
    where, where_params = codings_counted(db, coder=coder, include_suggested=include_suggested)
    tree = tree or code_tree(db)
    chains = {cid: tree.ancestors(cid) for cid in tree.names}
    # Level k maps a code to its k-th ancestor (level 0: itself; inactive codes: NULL).
    # A CASE over the code ids is evaluated in C per coding; joining a table of
    # (code, ancestor) pairs made SQLite scan that table for every coding.
    # A segment carries a code once, however many rows say so: several coders pooled,
    # or one coder's passages of the turn (#13). UNION drops the repeats between levels;
    # a codebook without subcodes has one level, which needs DISTINCT of its own.
    depth = max((len(a) for a in chains.values()), default=0)
    levels = []
    for k in range(depth):
        whens = " ".join(f"WHEN {int(cid)} THEN {int(a[k])}" for cid, a in chains.items() if len(a) > k)
        levels.append(f"SELECT {'DISTINCT ' if depth == 1 else ''}segment_id, code FROM (SELECT c.segment_id, "
                      f"CASE c.code_id {whens} END AS code FROM codings c WHERE {where}) WHERE code IS NOT NULL")
    raw = " UNION ".join(levels) or "SELECT NULL AS segment_id, NULL AS code WHERE 0"
    sql = f"""
        WITH raw(segment_id, code) AS ({raw}),
        hits(segment_id, code, transcript_id, participant_id) AS MATERIALIZED (
            SELECT c.segment_id, c.code, s.transcript_id, s.participant_id
            FROM raw c {COUNTED_SEGMENTS_SQL}
            WHERE {COUNTED_SPEAKER}
        )
    """
    return sql, where_params * len(levels)


@dataclass
class CodingScope:
    """Whose coding a report shows: one coder's, or several coders' pooled."""

    coder: str | None  # the coder asked for, if any
    coders: list[str]  # coders whose accepted codings are counted
    suggestions: bool  # rule and model suggestions (no coder) counted too

    @property
    def pooled(self) -> bool:
        return self.coder is None and len(self.coders) > 1

    def to_json(self) -> dict:
        return {"coder": self.coder, "coders": self.coders, "pooled": self.pooled, "suggestions": self.suggestions}

    def describe(self) -> str:
        """One line for a report, in English like every CLI message."""
        if self.coders:
            names = self.coders[0] if len(self.coders) == 1 else ", ".join(self.coders[:-1]) + " and " + self.coders[-1]
            who = f"codings of {names}"
        else:
            who = "no accepted codings yet"
        if self.pooled:
            who += f", pooled ({len(self.coders)} coders; give --coder NAME for one coder's coding)"
        if self.suggestions:
            who += ", with pending suggestions"
        return who[:1].upper() + who[1:]


def coding_scope(db, *, coder: str | None = None, include_suggested: bool = False) -> CodingScope:
    """Whose codings `codings_counted` lets through, over the segments that count."""
    if coder:
        return CodingScope(coder, [coder], include_suggested)
    # Each coder once (from the coder index), then the first accepted coding of a counted
    # speaker: a DISTINCT over the join read every coding of a 60,000-coding study (0.1-0.4 s).
    coders = [r[0] for r in db.execute(
        "SELECT k.coder FROM (SELECT DISTINCT coder FROM codings WHERE status = 'accepted' AND coder IS NOT NULL) k "
        f"WHERE EXISTS (SELECT 1 FROM codings c {COUNTED_SEGMENTS_SQL} "
        f"WHERE c.coder = k.coder AND c.status = 'accepted' AND {COUNTED_SPEAKER}) ORDER BY k.coder"
    )]
    return CodingScope(None, coders, include_suggested)
