"""Which segments a review walks through, in which order.

A segment the coder has finished (marked seen) leaves the queue, so starting
the same review again resumes where the coder left off; skipped segments stay.
Pending means a suggestion at or above the project's threshold: the hidden ones
are stored, but a coder is not asked about them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..codes import code_id
from ..errors import FocuscodeError, UsageError
from ..segments import CODE_SUBTREE_SQL, speaker_clauses

MODES = ("pending", "uncoded", "all")


@dataclass
class ReviewFilter:
    mode: str = "pending"  # pending suggestions | uncoded by this coder | all
    code: str | None = None
    transcript: str | None = None
    role: str | None = None
    sector: str | None = None
    random: bool = False
    seed: int | None = None
    revisit: bool = False  # include segments already finished
    include_facilitator: bool = False
    all_suggestions: bool = False  # also suggestions below the project's threshold


@dataclass
class Queue:
    segment_ids: list[int]
    done_before: int  # segments matching the filter that this coder had already finished


def build_queue(db, coder: str, f: ReviewFilter) -> Queue:
    if f.mode not in MODES:
        raise UsageError(f"review mode must be one of {', '.join(MODES)}, not '{f.mode}'")
    clauses, params = [], []
    if f.mode == "pending":
        from ..suggest import suggestion_threshold

        # Only suggestions the coder is shown: at or above the project's threshold.
        clauses.append(
            """EXISTS (SELECT 1 FROM codings sg WHERE sg.segment_id = s.id AND sg.coder IS NULL AND sg.score >= ?
                 AND NOT EXISTS (SELECT 1 FROM codings d WHERE d.segment_id = sg.segment_id
                                 AND d.code_id = sg.code_id AND d.coder = ?))"""
        )
        params += [0.0 if f.all_suggestions else suggestion_threshold(db), coder]
    elif f.mode == "uncoded":
        clauses.append("NOT EXISTS (SELECT 1 FROM codings d WHERE d.segment_id = s.id AND d.coder = ? AND d.status = 'accepted')")
        params.append(coder)
    if f.code:
        cid = code_id(db, f.code)
        # A theme brings its subcodes; suggested or coded by anyone counts.
        clauses.append(
            f"s.id IN (SELECT c.segment_id FROM codings c WHERE c.status != 'rejected' AND c.code_id IN ({CODE_SUBTREE_SQL}))"
        )
        params.append(cid)
    if f.transcript:
        if not db.execute("SELECT 1 FROM transcripts WHERE name = ?", [f.transcript]).fetchone():
            raise FocuscodeError(f"no transcript named '{f.transcript}'")
    who, who_params = speaker_clauses(
        db, role=f.role, sector=f.sector, transcript=f.transcript, include_facilitator=f.include_facilitator
    )
    clauses += who
    params += who_params
    sql = (
        "SELECT s.id, EXISTS (SELECT 1 FROM seen WHERE seen.segment_id = s.id AND seen.coder = ?) AS done "
        "FROM segments s JOIN transcripts t ON t.id = s.transcript_id LEFT JOIN participants p ON p.id = s.participant_id"
    )
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    rows = db.execute(sql + " ORDER BY t.name, s.ordinal", [coder, *params]).fetchall()
    done_before = sum(1 for r in rows if r[1])
    ids = [r[0] for r in rows if f.revisit or not r[1]]
    if f.random:
        random.Random(f.seed).shuffle(ids)
    return Queue(ids, done_before)
