"""Store a parsed source as one transcript: participants resolved, all or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..db import dumps, now, transaction
from ..errors import InputFileError, ParticipantsError, UsageError
from ..textio import read_bytes
from . import SOURCES
from .model import ParsedSource, Turn
from .participants import Participant, load_participants, participants_beside


@dataclass
class ImportOptions:
    source: str
    participants: Path | None = None
    speaker_pattern: str | None = None
    allow_unknown: bool = False
    role: str | None = None
    sector: str | None = None
    replace: bool = False
    name: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    path: str
    name: str
    status: str  # imported | unchanged | replaced
    segments: int
    encoding: str | None = None
    transcript_id: int | None = None


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def parse_file(path: Path, options: ImportOptions, known: set[str] | None) -> ParsedSource:
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".markdown", ".text"):
        from .text import read_text_transcript

        return read_text_transcript(path, speaker_pattern=options.speaker_pattern, known_speakers=known)
    raise InputFileError(f"unknown file type '{suffix or path.name}' (supported: .txt, .md)", path=str(path))


def _resolve_participants(
    turns: list[Turn], people: dict[str, Participant], options: ImportOptions, path: Path, participants_path
) -> dict[str, Participant]:
    unknown: dict[str, int | None] = {}
    for turn in turns:
        if turn.speaker and turn.speaker not in people and turn.speaker not in unknown:
            unknown[turn.speaker] = turn.line
    if unknown and not options.allow_unknown:
        listed = ", ".join(f"'{s}' (line {line})" for s, line in unknown.items())
        where = f"in {participants_path}" if participants_path else "(no participants file; give --participants FILE or --allow-unknown)"
        raise ParticipantsError(f"speakers not {where}: {listed}", path=str(path))
    resolved = dict(people)
    for speaker in unknown:
        resolved[speaker] = Participant(label=speaker, role=options.role or "onbekend", sector=options.sector)
    return resolved


def import_file(db, path: str | Path, options: ImportOptions) -> ImportResult:
    """Import one file into the project; one transaction, nothing stored on error."""
    path = Path(path)
    if options.source not in SOURCES:
        raise UsageError(f"--source must be one of {', '.join(SOURCES)}, not '{options.source}'")
    data = read_bytes(path)
    digest = file_hash(data)
    name = options.name or path.name
    same = db.execute("SELECT name FROM transcripts WHERE file_hash = ?", [digest]).fetchone()
    if same is not None:
        count = db.execute(
            "SELECT count(*) FROM segments JOIN transcripts t ON t.id = transcript_id WHERE t.name = ?", [same[0]]
        ).fetchone()[0]
        return ImportResult(str(path), same[0], "unchanged", count)
    existing = db.execute("SELECT id FROM transcripts WHERE name = ?", [name]).fetchone()
    if existing is not None and not options.replace:
        raise InputFileError(
            f"transcript '{name}' was imported before with different content; use --replace to replace it",
            path=str(path),
        )
    participants_path = options.participants or participants_beside(path)
    people = load_participants(participants_path) if participants_path else {}
    parsed = parse_file(path, options, set(people) or None)
    resolved = _resolve_participants(parsed.turns, people, options, path, participants_path)
    with transaction(db):
        old_codings = []
        if existing is not None:
            old_codings = _detach(db, existing[0])
        transcript_id = db.table("transcripts").insert(
            {
                "name": name,
                "path": str(path),
                "source": options.source,
                "source_type": parsed.source_type,
                "file_hash": digest,
                "encoding": parsed.encoding,
                "metadata": dumps(parsed.metadata),
                "imported_at": now(),
            }
        ).last_pk
        participant_ids = _store_participants(db, transcript_id, parsed.turns, resolved, options)
        rows = []
        for ordinal, turn in enumerate(parsed.turns, start=1):
            rows.append(
                {
                    "transcript_id": transcript_id,
                    "ordinal": ordinal,
                    "participant_id": participant_ids.get(_turn_key(turn)),
                    "speaker": turn.speaker,
                    "text": turn.text,
                    "text_hash": text_hash(turn.text),
                    "line": turn.line,
                    "start_ms": turn.start_ms,
                    "end_ms": turn.end_ms,
                    "external_id": turn.external_id,
                    "question": turn.question,
                }
            )
        db.table("segments").insert_all(rows, batch_size=500)
        if old_codings:
            _reattach(db, transcript_id, old_codings)
    status = "replaced" if existing is not None else "imported"
    return ImportResult(str(path), name, status, len(rows), parsed.encoding, transcript_id)


def _turn_key(turn: Turn) -> tuple:
    # Survey rows carry their own participant facts; transcript turns share a label.
    if turn.role is not None or turn.sector is not None or turn.attributes:
        return (turn.speaker, turn.role, turn.sector, dumps(turn.attributes))
    return (turn.speaker,)


def _store_participants(db, transcript_id, turns, resolved, options) -> dict[tuple, int]:
    ids: dict[tuple, int] = {}
    for turn in turns:
        key = _turn_key(turn)
        if key in ids or turn.speaker is None:
            continue
        if len(key) == 1:
            p = resolved[turn.speaker]
            record = {
                "label": p.label,
                "role": p.role or options.role or "onbekend",
                "sector": p.sector or options.sector,
                "school_type": p.school_type,
                "is_facilitator": int(p.is_facilitator),
                "attributes": dumps(p.attributes),
            }
        else:
            base = resolved.get(turn.speaker)
            record = {
                "label": turn.speaker,
                "role": turn.role or (base.role if base else None) or options.role or "onbekend",
                "sector": turn.sector or (base.sector if base else None) or options.sector,
                "school_type": base.school_type if base else None,
                "is_facilitator": 0,
                "attributes": dumps(turn.attributes),
            }
        record["transcript_id"] = transcript_id
        ids[key] = db.table("participants").insert(record).last_pk
    return ids


def _detach(db, transcript_id: int) -> list[dict]:
    """Keep the codings of a transcript being replaced, keyed by turn text, then drop it."""
    rows = list(
        db.query(
            """SELECT c.*, s.text_hash AS _text_hash, s.ordinal AS _ordinal FROM codings c
               JOIN segments s ON s.id = c.segment_id WHERE s.transcript_id = ?""",
            [transcript_id],
        )
    )
    memos = list(
        db.query(
            """SELECT m.*, s.text_hash AS _text_hash FROM memos m JOIN segments s ON s.id = m.segment_id
               WHERE s.transcript_id = ?""",
            [transcript_id],
        )
    )
    db.execute("DELETE FROM transcripts WHERE id = ?", [transcript_id])
    return [{"kind": "coding", **r} for r in rows] + [{"kind": "memo", **m} for m in memos]


def _reattach(db, transcript_id: int, saved: list[dict]) -> None:
    """Codings of turns whose text is unchanged move to the new segments."""
    by_hash: dict[str, list[int]] = {}
    for seg_id, h in db.execute("SELECT id, text_hash FROM segments WHERE transcript_id = ? ORDER BY ordinal", [transcript_id]):
        by_hash.setdefault(h, []).append(seg_id)
    id_map: dict[int, int] = {}
    for row in sorted((r for r in saved if r["kind"] == "coding"), key=lambda r: r["suggestion_id"] is not None):
        targets = by_hash.get(row["_text_hash"])
        if not targets:
            continue
        new = {k: v for k, v in row.items() if not k.startswith("_") and k not in ("kind", "id")}
        new["segment_id"] = targets[0]
        if new.get("suggestion_id") is not None:
            new["suggestion_id"] = id_map.get(new["suggestion_id"])
        id_map[row["id"]] = db.table("codings").insert(new).last_pk
    for row in (r for r in saved if r["kind"] == "memo"):
        targets = by_hash.get(row["_text_hash"])
        if targets:
            new = {k: v for k, v in row.items() if not k.startswith("_") and k not in ("kind", "id")}
            new["segment_id"] = targets[0]
            db.table("memos").insert(new)
