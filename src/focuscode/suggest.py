"""Suggestions: run the codebook's rules over segments and store them.

Suggestions are coding rows without a coder (status 'suggested'). A run
replaces the previous rule suggestions in one transaction; coders' decisions
are separate rows and are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .codes import require_codebook
from .db import dumps, get_setting, now, transaction


@dataclass
class SuggestResult:
    pipeline: str
    segments: int
    suggestions: int
    by_code: dict[str, int] = field(default_factory=dict)
    model: dict | None = None


def _segments_to_scan(db, include_facilitator: bool) -> list[tuple[int, str]]:
    sql = """SELECT s.id, s.text FROM segments s LEFT JOIN participants p ON p.id = s.participant_id"""
    if not include_facilitator:
        sql += " WHERE COALESCE(p.is_facilitator, 0) = 0"
    return [(r[0], r[1]) for r in db.execute(sql + " ORDER BY s.id")]


def run_suggest(
    db,
    *,
    model: str | None = None,
    include_facilitator: bool = False,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 256,
    n_process: int = 1,
) -> SuggestResult:
    from .nlp.pipeline import load_pipeline
    from .nlp.rules import RuleMatcher

    codebook = require_codebook(db)
    pipeline = load_pipeline(model or get_setting(db, "model"), notify=notify)
    matcher = RuleMatcher(pipeline.nlp, list(codebook.walk()))
    code_ids = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes WHERE active = 1")}
    segments = _segments_to_scan(db, include_facilitator)
    rows = []
    by_code: dict[str, int] = {}
    stamp = now()
    texts = (text for _, text in segments)
    hits_iter = matcher.match_many(texts, batch_size=batch_size, n_process=n_process)
    for i, ((segment_id, _), hits) in enumerate(zip(segments, hits_iter), start=1):
        for hit in hits:
            rows.append(
                {
                    "segment_id": segment_id,
                    "code_id": code_ids[hit.code],
                    "coder": None,
                    "status": "suggested",
                    "method": "rules",
                    "score": round(float(hit.score), 4),
                    "evidence": dumps(hit.evidence),
                    "span_start": hit.start,
                    "span_end": hit.end,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            by_code[hit.code] = by_code.get(hit.code, 0) + 1
        if progress and (i % 200 == 0 or i == len(segments)):
            progress(i, len(segments))
    with transaction(db):
        db.execute("DELETE FROM codings WHERE coder IS NULL AND method = 'rules'")
        db.table("codings").insert_all(rows, batch_size=1000)
    return SuggestResult(pipeline.name, len(segments), len(rows), by_code)
