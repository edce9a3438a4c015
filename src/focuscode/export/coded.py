"""The codings a summary counts and quotes from: per code, the segments that carry it in
the summary's scope (its coder, sector and source filters; accepted codings, and suggested
ones when they count), and the accepted passages. summary.py counts from this, choose.py
picks quotes from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, repeat


# Each segment's sector and source as one string (its group), its role, and its speaker as
# one number (transcript * SPEAKERS + participant, 0 for none), made by SQLite: counting them
# is a C-level pass per code summary (tuples built per segment were most of its time).
SEP = "\x1f"
SPEAKERS = 1 << 32


def unpack(coded: "Coded", sid: int) -> dict:
    """A segment's sector, source, role, transcript and participant (None where unknown)."""
    sector, source = coded.group[sid].split(SEP)
    transcript, participant = divmod(coded.speaker[sid], SPEAKERS)
    return {"sector": sector or None, "source": source, "role": coded.role[sid] or None,
            "transcript": transcript, "participant": participant or None}


@dataclass
class Coded:
    """The codings in scope, per code: which segments carry it (any coding accepted, or
    suggested when suggestions count), which of those anyone accepted, and the accepted
    passages of a (segment, code) no one accepted as a whole turn."""

    group: dict[int, str]  # segment id -> sector and source joined by SEP
    role: dict[int, str]  # segment id -> role ('' for none)
    speaker: dict[int, int]  # segment id -> transcript_id * SPEAKERS + (participant_id or 0)
    by_code: dict[int, list[int]]  # code id -> segment ids, ascending
    accepted: dict[int, set[int]] | None  # code id -> segment ids anyone accepted; None: all
    passages: dict[tuple[int, int], list[tuple[int, int]]]  # (segment, code) -> spans

    _sets: dict[int, set[int]] = field(default_factory=dict)

    def carries(self, sid: int, code: int) -> bool:
        found = self._sets.get(code)
        if found is None:
            found = self._sets[code] = set(self.by_code.get(code, ()))
        return sid in found

    def segments_of(self, codes) -> dict[int, None]:
        """The segments carrying any of these code ids, in code order then by id."""
        return dict.fromkeys(chain.from_iterable(map(self.by_code.get, codes, repeat(()))))


def coded_in_scope(db, opts) -> Coded:
    """Three queries: the segments in scope (without their text: only the turns a quote
    may come from are read, by terms.Terms), the coded segments per code, and the accepted
    passages."""
    statuses = ("accepted", "suggested") if opts.include_suggested else ("accepted",)
    coding_where = f"c.status IN ({','.join('?' * len(statuses))})"
    coding_params: list = list(statuses)
    if opts.coder:
        coding_where += " AND (c.coder = ? OR c.coder IS NULL)"
        coding_params.append(opts.coder)
    segment_sql = f"""
    SELECT s.id, ifnull(p.sector, '') || '{SEP}' || t.source, ifnull(p.role, ''),
           s.transcript_id * {SPEAKERS} + ifnull(s.participant_id, 0)
    FROM segments s
    JOIN transcripts t ON t.id = s.transcript_id
    LEFT JOIN participants p ON p.id = s.participant_id
    WHERE COALESCE(p.is_facilitator, 0) = 0
    """
    segment_params: list = []
    if opts.sector:
        segment_sql += " AND p.sector = ?"
        segment_params.append(opts.sector.lower())
    if opts.source:
        segment_sql += " AND t.source = ?"
        segment_params.append(opts.source)
    segment_ids, groups, roles, speakers = list(zip(*db.execute(segment_sql, segment_params).fetchall())) or [()] * 4
    group = dict(zip(segment_ids, groups))
    # Per code, its segments and those anyone accepted, as id lists SQLite joins: a turn
    # carries a code if any of its codings counts, however many coders and passages ('accepted'
    # sorts before 'suggested'). Splitting strings beats a Python loop over 60,000 codings.
    by_code: dict[int, list[int]] = {}
    accepted: dict[int, set[int]] = {}
    for code_id, all_ids, accepted_ids in db.execute(
        "SELECT c.code_id, group_concat(c.segment_id), group_concat(CASE WHEN c.status = 'accepted' THEN c.segment_id END) "
        f"FROM codings c WHERE {coding_where} GROUP BY +c.code_id",  # +: group by sorting the covering index scan (2x faster)
        coding_params,
    ):
        ids = sorted(filter(group.__contains__, set(map(int, all_ids.split(",")))))
        if ids:
            by_code[code_id] = ids
            if opts.include_suggested:  # else every one counted is accepted
                accepted[code_id] = set(map(int, accepted_ids.split(","))) if accepted_ids else set()
    # Accepted passages, unless the same coders (any of them) also accepted the whole turn:
    # then the whole turn is quotable. A suggestion's span is the evidence of a rule, not a
    # coder's choice: a turn only suggested is quoted whole. Few rows: a scan for passages.
    coder_only = " AND {t}.coder = ?" if opts.coder else ""
    passages: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for sid, code_id, start, end in db.execute(
        "SELECT c.segment_id, c.code_id, c.span_start, c.span_end FROM codings c "
        f"WHERE c.status = 'accepted' AND c.coder IS NOT NULL AND c.span_start IS NOT NULL{coder_only.format(t='c')} "
        "AND NOT EXISTS (SELECT 1 FROM codings w WHERE w.segment_id = c.segment_id AND w.code_id = c.code_id "
        f"AND w.status = 'accepted' AND w.span_start IS NULL{coder_only.format(t='w')})",
        [opts.coder, opts.coder] if opts.coder else [],
    ):
        passages.setdefault((sid, code_id), []).append((start, end))
    return Coded(group, dict(zip(segment_ids, roles)), dict(zip(segment_ids, speakers)), by_code,
                 accepted if opts.include_suggested else None, passages)
