"""Storing a REFI-QDA project in the database, all in one transaction.

Segments: a focuscode export marks each turn as a selection named "beurt N",
so its turns come back exactly; other tools' texts are split into lines (their
paragraphs). A selection codes every segment it overlaps, and in each of them the
part it covers (see `placements`): a passage (span_start/span_end, code points of
the segment's text) where it covers part of the segment, the whole segment where it
covers all of it. Two selections of one code by one coder on one segment stay two
codings unless they cover the same part.

Sources whose text the archive does not carry (ATLAS.ti exports media and
sometimes text outside the archive) are kept as transcripts without segments,
so no source is lost; their codings cannot be placed and are counted.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..db import dumps, now, transaction
from ..errors import ExchangeError, setting
from . import ORIGIN_PREFIX
from .reader import RefiProject, read_project
from .writer import SELECTION_PREFIX

_LINE = re.compile(r"[^\r\n]+")
_TURN = re.compile(re.escape(SELECTION_PREFIX) + r" \d+")
_CORE = {"rol": "role", "role": "role", "sector": "sector", "schooltype": "school_type", "school_type": "school_type"}
_FACILITATOR = {"gespreksleider", "facilitator"}
DEFAULT_CODER = "import"
# Selections x the turns each one touches x its codings, over one import. A 30,000-turn study
# exported by focuscode, every turn coded by three coders, asks for about 100,000; a file asking
# for a million is refused before it fills memory with decisions (a few hundred MB by then).
MAX_PLACEMENTS = 1_000_000


@dataclass
class RefiImportResult:
    path: str
    project: str
    origin: str
    codes: int = 0
    codes_added: int = 0
    sources: int = 0
    sources_without_text: int = 0
    segments: int = 0
    codings: int = 0
    codings_not_placed: int = 0
    cases: int = 0
    memos: int = 0
    notices: list[str] = field(default_factory=list)


def _segments(project: RefiProject, src) -> list[tuple[int, int, str]]:
    """(start, end, text) of each segment of a source, by code points."""
    text = src.text or ""
    own = project.origin.startswith(ORIGIN_PREFIX)
    turns = [s for s in src.selections if _TURN.fullmatch(s.name)]  # not "beurt 12 [40:95]", a passage
    if own and turns:
        return [(s.start, s.end, text[s.start : s.end]) for s in sorted(turns, key=lambda s: s.start)]
    out = []
    for m in _LINE.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        start = m.start() + (len(raw) - len(raw.lstrip()))
        out.append((start, start + len(stripped), stripped))
    return out


def placements(start: int, end: int, hit: list[tuple[int, tuple[int, int, str]]]) -> list[tuple[int, tuple]]:
    """Where a selection [start, end) of the source lands: (segment id, (span_start, span_end))
    for each segment it overlaps, the span in code points of that segment's text and
    (None, None) for the whole segment. `hit` is [(segment id, (seg_start, seg_end, text))].

    A selection that covers a segment's text, give or take white space at its edges (qc
    selects a line with its newline, MAXQDA with its Windows line end), codes the whole
    segment. One that covers part of it codes that passage. One that runs over several
    segments codes the part inside each: the end of the first, every segment in between
    whole, the start of the last, so its words are coded where they stand and no turn is
    coded for words it does not hold. An empty selection (a point) codes the segment it
    stands in, whole.
    """
    if start == end:
        return [(seg_id, (None, None)) for seg_id, _seg in hit[:1]]
    out = []
    for seg_id, (s0, e0, text) in hit:
        a, b = max(start, s0) - s0, min(end, e0) - s0
        whole = _blank(text, 0, a) and _blank(text, b, len(text))
        out.append((seg_id, (None, None) if whole else (a, b)))
    return out


def _blank(text: str, start: int, end: int) -> bool:
    # Stops at the first letter: no copy of a long paragraph for each of its many selections.
    return all(text[i].isspace() for i in range(start, end))


def import_projects(db, items, *, source: str | None = None, on_done=None, gate=None,
                    attributes: list[str] | tuple = ()) -> list[RefiImportResult]:
    """Import several (path, read project) pairs as one transaction: all of them or none."""
    results = []
    with transaction(db):
        for path, project in items:
            results.append(import_project(db, path, source=source, project=project, gate=gate, attributes=attributes))
            if on_done is not None:
                on_done(results[-1])
    return results


def import_project(db, path: str | Path, *, source: str | None = None, project: RefiProject | None = None,
                   gate=None, attributes: list[str] | tuple = ()) -> RefiImportResult:
    """Import a .qdpx into the project; nothing is written when anything fails.

    `project` is the already read file, so a caller can check it before opening a database.
    Everything the project would store passes the privacy gate first (`gate`, a
    privacy.gate.Gate; a strict one when None). Case variables other than role, sector,
    school type and the study's declared `attributes` are left out, with a notice.
    """
    from ..privacy.gate import Gate, attribute_key, declare_attributes, declared_attributes

    from ..vocabulary import current

    p = Path(path)
    vocab = current(db)
    vocab.check_source(source, "--source", ExchangeError)
    project = project or read_project(p)
    result = RefiImportResult(str(p), project.name, project.origin)
    declared = declared_attributes(db) | {attribute_key(a) for a in attributes}
    dropped = _drop_variables(project, declared)
    if dropped:
        listed = ", ".join(f"'{v}'" for v in dropped)
        result.notices.append(f"case variable{'s' if len(dropped) > 1 else ''} {listed} left out: not a declared attribute "
                              f"(declare it with {setting('attribute')} NAME if it identifies no one)")
    gate = gate if gate is not None else Gate()
    findings = gate.check(gate_fields(project, p), path=str(p))
    if findings:
        from ..privacy.gate import describe_warnings

        result.notices.append(describe_warnings(findings, "imported"))
    names = [s.name for s in project.sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    taken = {r[0] for r in db.execute("SELECT name FROM transcripts")}
    clash = sorted(set(names) & taken)
    if clash:
        raise ExchangeError(f"transcript '{clash[0]}' is already in the project; import into a fresh database", path=str(p))
    users = project.users
    stamp = now()
    with transaction(db):
        declare_attributes(db, attributes)
        code_ids = _store_codes(db, project, result)
        selection_segments: dict[str, list[int]] = {}
        source_segments: dict[str, list[int]] = {}
        source_transcript: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        # One decision per segment, code, coder and passage, kept with its first time stamp: only
        # selections that cover the same words of a segment collapse (a file may repeat one, or two
        # may differ only outside the segment); two passages of one turn stay two codings.
        decisions: dict[tuple, str | None] = {}
        touched = 0  # (selection, segment) pairs, times the selection's codings: the work this file asks for
        segment_transcript: dict[int, int] = {}
        unknown_codes = 0
        memo_rows: list[dict] = []
        for src in project.sources:
            name = src.name
            if name in dupes:  # two sources with one name: keep both, told apart by number
                seen_names[name] = seen_names.get(name, 0) + 1
                name = f"{name} ({seen_names[name]})"
            src_source = source or src.variables.get("bron") or src.variables.get("source") or "interview"
            if not vocab.is_source(src_source):
                src_source = "interview" if vocab.is_source("interview") else vocab.source_codes[0]
            segs = _segments(project, src) if src.text is not None else []
            meta = {"refi": {"guid": src.guid, "kind": src.kind, "project": project.name, "origin": project.origin}}
            if src.text is None:
                meta["refi"]["text"] = "not in the archive"
                result.sources_without_text += 1
            tid = db.table("transcripts").insert({
                "name": name, "path": f"{p}#{src.guid}", "source": src_source,
                "source_type": "refi-" + src.kind.replace("Source", "").lower(),
                "file_hash": hashlib.sha256((src.text or src.guid).encode("utf-8")).hexdigest(),
                "encoding": "utf-8" if src.text is not None else None,
                "metadata": dumps(meta), "imported_at": stamp,
            }).last_pk
            source_transcript[src.guid] = tid
            rows = [{
                "transcript_id": tid, "ordinal": i, "participant_id": None, "speaker": None, "text": text,
                "text_hash": hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest(), "line": None,
                "start_ms": None, "end_ms": None, "external_id": None, "question": None,
            } for i, (_s, _e, text) in enumerate(segs, start=1)]
            db.table("segments").insert_all(rows, batch_size=500)
            ids = [r[0] for r in db.execute("SELECT id FROM segments WHERE transcript_id = ? ORDER BY ordinal", [tid])]
            source_segments[src.guid] = ids
            result.segments += len(ids)
            ends = [e for _s, e, _t in segs]
            for sel in src.selections:
                # Segments are sorted and disjoint: find the overlapping run by bisection.
                i = bisect.bisect_right(ends, sel.start)
                if sel.start == sel.end:
                    i = bisect.bisect_left(ends, sel.start)
                hit = []
                while i < len(segs) and (segs[i][0] < sel.end or (sel.start == sel.end and segs[i][0] <= sel.start)):
                    hit.append((ids[i], segs[i]))
                    i += 1
                touched += len(hit) * max(1, len(sel.codings))
                if touched > MAX_PLACEMENTS:
                    raise ExchangeError(
                        f"refused: its selections touch more than {MAX_PLACEMENTS:,} turns in all (selections over "
                        f"whole sources, many times over); a project of that size is not a study's coding", path=str(p))
                selection_segments[sel.guid] = [h[0] for h in hit]
                placed = placements(sel.start, sel.end, hit)
                for seg_id in selection_segments[sel.guid]:
                    segment_transcript[seg_id] = tid
                for coding in sel.codings:
                    cid = code_ids.get(coding.code_guid)
                    if cid is None:
                        unknown_codes += 1  # some tools export codings of codes they left out of the codebook
                        continue
                    if not hit:
                        result.codings_not_placed += 1
                        continue
                    coder = users.get(coding.user_guid or "", None) or DEFAULT_CODER
                    for seg_id, span in placed:
                        decisions.setdefault((seg_id, cid, coder, *span), coding.created or stamp)
                for g in sel.notes:
                    _memo(project, g, memo_rows, users, stamp, target="segment", segment_id=hit[0][0] if hit else None,
                          transcript_id=tid)
            result.codings_not_placed += src.other_codings
            for g in src.notes:
                _memo(project, g, memo_rows, users, stamp, target="transcript", transcript_id=tid)
            result.sources += 1
        db.table("codings").insert_all((
            {"segment_id": seg_id, "code_id": cid, "coder": coder, "status": "accepted", "method": "import",
             "span_start": a, "span_end": b, "created_at": created, "updated_at": stamp}
            for (seg_id, cid, coder, a, b), created in decisions.items()), batch_size=1000)
        result.codings = len(decisions)
        result.cases = _store_cases(db, project, source_transcript, source_segments, selection_segments, segment_transcript, vocab)
        for code in project.walk_codes():
            for g in code.notes:
                _memo(project, g, memo_rows, users, stamp, target="code", code_id=code_ids[code.guid])
        for g in project.project_notes:
            _memo(project, g, memo_rows, users, stamp, target="project")
        # Memos keep the order of the file's notes; a note nobody refers to belongs to the project.
        placed = {}
        for m in memo_rows:
            placed.setdefault(m.pop("_guid"), m)
        memo_rows = []
        for g, note in project.notes.items():
            if note.text:
                memo_rows.append(placed.get(g) or _memo_row(note, users, stamp, target="project"))
                memo_rows[-1].pop("_guid", None)
        db.table("memos").insert_all(memo_rows, batch_size=500)
        result.memos = len(memo_rows)
    if result.sources_without_text:
        result.notices.append(
            f"{result.sources_without_text} of {result.sources} sources carry no text in the archive; kept by name, without segments"
        )
    if unknown_codes:
        result.codings_not_placed += unknown_codes
        result.notices.append(f"{unknown_codes} codings refer to codes that are not in the project's codebook; left out")
    if result.codings_not_placed:
        result.notices.append(f"{result.codings_not_placed} codings on media, PDF regions or missing text could not be placed on text")
    return result


def _drop_variables(project: RefiProject, declared: set[str]) -> list[str]:
    """Keep only the case variables that are participant facts or declared attributes."""
    from ..privacy.gate import attribute_key

    dropped: dict[str, None] = {}
    for case in project.cases:
        kept = {}
        for key, value in case.variables.items():
            if key is None or _CORE.get(key.lower()) or key.lower() in _FACILITATOR or attribute_key(key) in declared:
                kept[key] = value
            else:
                dropped[str(key)] = None
        case.variables = kept
    return list(dropped)


# The words tools write in a project's origin ("NVivo for Mac 15.0.0"): blanked before the
# origin is checked, same length, so "Mac" is not a surname and what else it holds still is.
_TOOL_WORDS = re.compile(r"\b(?:NVivo|ATLAS\.ti|MAXQDA|QualCoder|Quirkos|Dedoose|Transana|f4analyse|focuscode|for|Mac|"
                         r"macOS|OS ?X|Windows|Win|Linux|Web|Cloud|Release|Pro|Plus|Analytics|Standard|Student)\b",
                         re.IGNORECASE)


def gate_fields(project: RefiProject, path: Path) -> list:
    """What the project would store, for the privacy gate: each finding's place names the
    archive and the part of it ("studie.qdpx#interview-3.txt:12", "studie.qdpx#case 2")."""
    from ..privacy.gate import Field, line_finder

    where = str(path)
    fields = [Field(path.name, where, None, "bestandsnaam", "filename"),
              Field(project.name or "", where, None, "projectnaam", "filename"),
              # Stored with every source; tools write their name there, some also the licence holder's.
              Field(_TOOL_WORDS.sub(lambda m: " " * len(m.group(0)), project.origin or ""), where, None, "herkomst",
                    "filename")]
    fields += [Field(name, where, None, "gebruiker", "text") for name in project.users.values() if name]
    for src in project.sources:
        fields.append(Field(src.name, f"{where}#{src.name}", None, "bronnaam", "filename"))
        if src.text:
            fields.append(Field(src.text, f"{where}#{src.name}", 1, "", "text", line_finder(src.text)))
    for number, case in enumerate(project.cases, start=1):
        place = f"{where}#case {number}"
        fields.append(Field(case.name, place, None, "casenaam", "label"))
        for key, value in case.variables.items():
            if value is not None and not isinstance(value, bool) and str(value).strip():
                fields.append(Field(str(value), place, None, f"variabele '{key}'", "label"))
    for code in project.walk_codes():
        place = f"{where}#code '{code.name}'"
        fields.append(Field(code.name, place, None, "codenaam", "label"))
        fields.append(Field(code.description or "", place, 1, "beschrijving", "text", line_finder(code.description or "")))
    for number, note in enumerate(project.notes.values(), start=1):
        place = f"{where}#note {number}"
        fields.append(Field(note.name or "", place, None, "notitienaam", "label"))
        fields.append(Field(note.text or "", place, 1, "", "text", line_finder(note.text or "")))
    return fields


def _memo_row(note, users, stamp, **where) -> dict:
    return {
        "_guid": note.guid, "target": where.get("target"), "transcript_id": where.get("transcript_id"),
        "segment_id": where.get("segment_id"), "code_id": where.get("code_id"),
        "coder": users.get(note.user_guid or "") if note.user_guid else None,
        "text": note.text, "created_at": note.created or stamp, "updated_at": stamp,
    }


def _memo(project, guid, rows, users, stamp, **where) -> None:
    note = project.notes.get(guid)
    if note is None or not note.text:
        return
    if where.get("target") == "segment":
        if where.get("segment_id") is None:  # a selection on no text: keep it on its source
            where = {"target": "transcript", "transcript_id": where.get("transcript_id")}
        else:
            where.pop("transcript_id", None)
    rows.append(_memo_row(note, users, stamp, **where))


def _store_codes(db, project: RefiProject, result: RefiImportResult) -> dict[str, int]:
    """Codes merge by name with the project's codebook; new ones go at the end."""
    existing = {r[1].lower(): r[0] for r in db.execute("SELECT id, name FROM codes")}
    position = (db.execute("SELECT max(position) FROM codes").fetchone()[0] or 0) + 1
    ids: dict[str, int] = {}

    def visit(code, parent_id):
        nonlocal position
        cid = existing.get(code.name.lower())
        color = code.color.lower() if code.color and re.fullmatch(r"#[0-9a-fA-F]{6}", code.color) else None
        if cid is None:
            cid = db.table("codes").insert({
                "name": code.name, "parent_id": parent_id, "description": code.description, "color": color,
                "position": position, "codebook": f"REFI-QDA: {project.name}", "active": 1,
            }).last_pk
            existing[code.name.lower()] = cid
            position += 1
            result.codes_added += 1
        ids[code.guid] = cid
        result.codes += 1
        for child in code.children:
            visit(child, cid)

    for code in project.codes:
        visit(code, None)
    return ids


def _store_cases(db, project, source_transcript, source_segments, selection_segments, segment_transcript, vocab) -> int:
    """Each case becomes a participant of every transcript it speaks in."""
    count = 0
    for case in project.cases:
        record = {"label": case.name, "role": "onbekend", "sector": None, "school_type": None, "is_facilitator": 0}
        attributes = {}
        for key, value in case.variables.items():
            if key is None or value is None or value == "":
                continue
            column = _CORE.get(key.lower())
            if column:
                value = str(value)
                record[column] = value.lower() if column == "sector" else value
            elif key.lower() in _FACILITATOR:
                record["is_facilitator"] = int(bool(value) if isinstance(value, bool) else str(value).lower() in ("true", "1", "ja"))
            else:
                attributes[key] = value
        if record["sector"] is not None and not vocab.is_sector(record["sector"]):  # kept, as an attribute
            attributes["sector"] = record["sector"]
            record["sector"] = None
        record["attributes"] = json.dumps(attributes, ensure_ascii=False, sort_keys=True)
        by_transcript: dict[int, list[int]] = {}
        for sel in case.selections:
            for seg_id in selection_segments.get(sel, []):
                tid = segment_transcript[seg_id]
                by_transcript.setdefault(tid, []).append(seg_id)
        for src_guid in case.sources:
            tid = source_transcript.get(src_guid)
            if tid is not None and tid not in by_transcript:
                # Another tool's case naming a whole source (an interview) speaks all of it;
                # our own cases list their turns, so theirs stays a participant without turns.
                own = project.origin.startswith(ORIGIN_PREFIX)
                by_transcript[tid] = [] if own else list(source_segments.get(src_guid, []))
        for tid, seg_ids in by_transcript.items():
            pid = db.table("participants").insert({**record, "transcript_id": tid}).last_pk
            for i in range(0, len(seg_ids), 900):
                chunk = seg_ids[i : i + 900]
                db.execute(
                    f"UPDATE segments SET participant_id = ?, speaker = ? WHERE participant_id IS NULL AND id IN ({','.join('?' * len(chunk))})",
                    [pid, case.name, *chunk],
                )
        count += 1
    return count
