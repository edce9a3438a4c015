"""Store a parsed source as one transcript: participants resolved, gate passed, all or nothing.

`import_file` handles one file in one transaction (a savepoint when the caller
already holds one, so a folder import can keep its good files and drop a bad
one). Files are parsed one at a time, so memory holds one file's turns at most.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..db import dumps, now, transaction
from ..errors import FocuscodeError, ImportRolledBack, InputFileError, ParticipantsError, UsageError, setting
from ..textio import read_bytes
from .model import ParsedSource, Turn, describe_skipped
from .participants import Participant, load_participants, participants_beside

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
CAPTION_SUFFIXES = (".vtt", ".srt")
SURVEY_SUFFIXES = (".csv", ".xlsx")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + (".docx",) + CAPTION_SUFFIXES + SURVEY_SUFFIXES


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
    # Anonymisation gate: on unless allow_pii; `names` is the user's list of real names.
    allow_pii: bool = False
    names: Path | None = None
    # spaCy pipeline whose entities join the gate; "auto" = only a full Dutch model.
    entity_pipeline: Any = "auto"
    # Survey spreadsheets.
    text_columns: list[str] = field(default_factory=list)
    id_column: str | None = None
    role_column: str | None = None
    sector_column: str | None = None
    meta_columns: list[str] = field(default_factory=list)
    codes_columns: list[str] = field(default_factory=list)  # one per text column, in the same order
    sheet: str | None = None
    coder: str | None = None
    # Participant attributes the study declares (besides role, sector, school type); survey
    # --meta-column names count as declared too. Other columns of a participants file are left out.
    attributes: list[str] = field(default_factory=list)
    # The study's vocabulary (vocabulary.Vocabulary) that sectors, sources and facilitator roles
    # are checked against: the project's, or the study file's when `study` names one.
    vocabulary: Any = None
    study: Path | None = None  # a study file to load into the project with the import
    # The privacy gate of this command (privacy.gate.Gate), made from the options on first use.
    gate: Any = None
    # Told (once per process) when the gate starts loading deduce's tables, which takes a while.
    notify: Callable[[str], None] | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    path: str
    name: str
    status: str  # imported | unchanged | replaced
    segments: int
    encoding: str | None = None
    transcript_id: int | None = None
    source_type: str | None = None
    kept_codings: int = 0
    imported_codings: int = 0
    pii_findings: int = 0
    warnings: list[str] = field(default_factory=list)
    # Lines left out of the turns (titles, dates, 'transcription stopped'), said aloud.
    notices: list[str] = field(default_factory=list)


@dataclass
class ImportFailure:
    path: str
    error: FocuscodeError


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def _survey_columns(options: ImportOptions):
    from .survey import SurveyColumns

    return SurveyColumns(
        text=list(options.text_columns), id=options.id_column, role=options.role_column,
        sector=options.sector_column, meta=list(options.meta_columns), codes=list(options.codes_columns), sheet=options.sheet,
    )


def check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(
            f"unknown file type '{suffix or path.name}' (supported: {', '.join(SUPPORTED_SUFFIXES)})", path=str(path)
        )
    return suffix


def parse_file(path: Path, options: ImportOptions, known: set[str] | None, data: bytes | None = None) -> ParsedSource:
    """Parse one file by its extension. `data` avoids reading the file twice."""
    suffix = check_suffix(path)
    if data is None:
        data = read_bytes(path)
    if suffix in SURVEY_SUFFIXES:
        from .survey import parse_survey

        return parse_survey(data, str(path), _survey_columns(options), xlsx=suffix == ".xlsx", vocab=vocab_of(options))
    if suffix == ".docx":
        from .word import parse_docx

        return parse_docx(data, str(path), speaker_pattern=options.speaker_pattern, known_speakers=known)
    from ..textio import decode_bytes

    text, encoding = decode_bytes(data, str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in CAPTION_SUFFIXES:
        from .captions import parse_captions

        turns = parse_captions(text, str(path), kind=suffix[1:], known_speakers=known)
        layout = f"{'WebVTT' if suffix == '.vtt' else 'SubRip'} cues, one speaker's consecutive cues merged"
        return ParsedSource(turns=turns, source_type=suffix[1:], encoding=encoding, layouts={layout: len(turns)})
    from .text import parse_text

    parsed = parse_text(text, str(path), speaker_pattern=options.speaker_pattern, known_speakers=known,
                        source_type="md" if suffix in (".md", ".markdown") else "txt")
    parsed.encoding = encoding
    return parsed


def _resolve_participants(
    turns: list[Turn], people: dict[str, Participant], options: ImportOptions, path: Path, participants_path
) -> dict[str, Participant]:
    unknown: dict[str, int | None] = {}
    for turn in turns:
        if turn.speaker and turn.speaker not in people and turn.speaker not in unknown:
            unknown[turn.speaker] = turn.line
    if unknown and not options.allow_unknown:
        listed = ", ".join(f"'{s}' (line {line})" for s, line in unknown.items())
        where = f"in {participants_path}" if participants_path else f"(no participants file; give {setting('participants')} FILE or {setting('allow_unknown')})"
        raise ParticipantsError(f"speakers not {where}: {listed}", path=str(path))
    resolved = dict(people)
    for speaker in unknown:
        # "Gespreksleider", "Interviewer 2": the label says who leads the conversation.
        word = re.sub(r"[\d()\[\]*:.\s]+", " ", speaker).strip().lower()
        if vocab_of(options).is_facilitator_role(word):
            resolved[speaker] = Participant(label=speaker, role=word, is_facilitator=True)
        else:
            resolved[speaker] = Participant(label=speaker, role=options.role or "onbekend", sector=options.sector)
    return resolved


def _digest(data: bytes, options: ImportOptions, suffix: str) -> str:
    if suffix not in SURVEY_SUFFIXES:
        return file_hash(data)
    # One spreadsheet can be imported per question or sheet: the choice is part of its identity.
    choice = dumps({"text": options.text_columns, "sheet": options.sheet, "id": options.id_column})
    return file_hash(data + b"\0" + choice.encode("utf-8"))


def vocab_of(options: ImportOptions):
    """The vocabulary this import checks against (the default study's until one is resolved)."""
    from ..vocabulary import default

    return options.vocabulary or default()


def resolve_vocabulary(db, options: ImportOptions):
    """The study file's vocabulary when the import loads one, else the project's (`db`
    None: no project yet, the default)."""
    from ..vocabulary import current, default, load_study

    if options.vocabulary is None:
        options.vocabulary = load_study(options.study) if options.study else current(db) if db is not None else default()
    return options.vocabulary


def check_options(options: ImportOptions, *, dry_run: bool = False) -> None:
    vocab = vocab_of(options)
    if not (dry_run and options.source is None):
        vocab.check_source(options.source, "--source")
    options.sector = vocab.check_sector(options.sector, "--sector")
    if options.codes_columns and not (options.coder or "").strip():
        raise UsageError(f"{setting('codes_column')} needs {setting('coder')} NAME (whose codes they are)")
    from ..export.attribution import is_private

    for name in [*options.attributes, *options.meta_columns]:
        if is_private(name):
            raise UsageError(f"'{name}' cannot be kept as a participant attribute: it would show names or schools")
    if options.speaker_pattern is not None:
        from .text import compile_speaker_pattern

        compile_speaker_pattern(options.speaker_pattern)


def privacy_gate(options: ImportOptions):
    """The command's one gate: --names read once, the entity pipeline chosen once."""
    if options.gate is None:
        from ..privacy.gate import Gate

        options.gate = Gate(names=options.names, allow_pii=options.allow_pii, notify=options.notify,
                            pipeline=options.entity_pipeline)
    return options.gate


def gate_fields(parsed: ParsedSource, path: Path, name: str, people: dict[str, Participant],
                participants_path: Path | None) -> list:
    """Everything of one import that would be stored, as the privacy gate reads it: the file
    and transcript name, every turn, each speaker label once, survey ids, roles and meta
    values, and every value of the participants file."""
    from ..privacy.gate import Field

    where = str(path)
    fields = [Field(path.name, where, None, "bestandsnaam", "filename")]
    if name != path.name:
        fields.append(Field(name, where, None, "transcriptnaam", "filename"))
    seen: set[tuple[str, str]] = set()

    def once(text, line, kind, mode) -> None:
        if text and (kind, str(text)) not in seen:
            seen.add((kind, str(text)))
            fields.append(Field(str(text), where, line, kind, mode))

    for turn in parsed.turns:
        if turn.question is None:
            once(turn.speaker, turn.line, "sprekerlabel", "label")
        else:  # a survey row: its question (the column header), id, role and meta columns are stored
            once(turn.question, 1, "kolomnaam", "text")
            once(turn.external_id, turn.line, "id", "id")
            once(turn.role, turn.line, "rol", "label")
            for key, value in turn.attributes.items():
                once(value, turn.line, f"kolom '{key}'", "label")
        fields.append(Field(turn.text, where, turn.line, "", "text", turn.line_at))
    if participants_path is not None:
        source = str(participants_path)
        for person in people.values():
            values = [("label", person.label), ("role", person.role), ("school_type", person.school_type),
                      *person.attributes.items()]
            for column, value in values:
                if value not in (None, "") and not (column == "role" and value == "onbekend"):
                    fields.append(Field(str(value), source, person.line, f"kolom '{column}'", "label"))
    return fields


def gate(parsed: ParsedSource, path: Path, options: ImportOptions, *, name: str | None = None,
         people: dict[str, Participant] | None = None, participants_path: Path | None = None) -> list:
    """Findings of personal data in a parsed file; raises PrivacyError unless allow_pii.

    With allow_pii only the user's names list is checked (cheap; findings become
    warnings): deduce and the entity model are skipped, which is the point of the
    option on a large corpus that is known to be clean or will be pseudonymised later.
    """
    fields = gate_fields(parsed, path, name or path.name, people or {}, participants_path)
    return privacy_gate(options).check(fields, path=str(path))


def _declared(db, options: ImportOptions) -> set[str]:
    from ..privacy.gate import attribute_key, declared_attributes

    return declared_attributes(db) | {attribute_key(n) for n in [*options.attributes, *options.meta_columns]}


def _drop_undeclared(people: dict[str, Participant], declared: set[str], participants_path) -> list[str]:
    """Leave out attribute columns the study did not declare; the notice names them."""
    from ..privacy.gate import split_attributes

    dropped: dict[str, None] = {}
    for person in people.values():
        person.attributes, gone = split_attributes(person.attributes, declared)
        dropped.update(dict.fromkeys(gone))
    if not dropped:
        return []
    listed = ", ".join(f"'{c}'" for c in dropped)
    return [f"{participants_path}: column{'s' if len(dropped) > 1 else ''} {listed} left out: not a declared attribute "
            f"(declare it with {setting('attribute')} NAME if it identifies no one)"]


def import_file(db, path: str | Path, options: ImportOptions) -> ImportResult:
    """Import one file into the project; one transaction, nothing stored on error."""
    path = Path(path)
    resolve_vocabulary(db, options)
    check_options(options)
    suffix = check_suffix(path)
    data = read_bytes(path)
    digest = _digest(data, options, suffix)
    name = options.name or (f"{path.name}#{options.sheet}" if options.sheet else path.name)
    same = db.execute("SELECT name FROM transcripts WHERE file_hash = ?", [digest]).fetchone()
    if same is not None:
        count = db.execute(
            "SELECT count(*) FROM segments JOIN transcripts t ON t.id = transcript_id WHERE t.name = ?", [same[0]]
        ).fetchone()[0]
        return ImportResult(str(path), same[0], "unchanged", count)
    existing = db.execute("SELECT id FROM transcripts WHERE name = ?", [name]).fetchone()
    if existing is not None and not options.replace:
        raise InputFileError(
            f"transcript '{name}' was imported before with different content: if this file is a new version of "
            f"that session, use {setting('replace')} to replace it; if it is another session with the same file "
            "name, rename the file and import it again",
            path=str(path),
        )
    survey = suffix in SURVEY_SUFFIXES
    participants_path = options.participants or (None if survey else participants_beside(path))
    people = load_participants(participants_path, vocab_of(options)) if participants_path else {}
    warnings = _drop_undeclared(people, _declared(db, options), participants_path)
    parsed = parse_file(path, options, set(people) or None, data)
    del data
    if survey:
        resolved = {}
    else:
        resolved = _resolve_participants(parsed.turns, people, options, path, participants_path)
    findings = gate(parsed, path, options, name=name, people=people, participants_path=participants_path)
    if findings:
        from ..privacy.gate import describe_warnings

        warnings.append(describe_warnings(findings, "imported"))
    with transaction(db):
        from ..privacy.gate import declare_attributes

        declare_attributes(db, [*options.attributes, *options.meta_columns])
        code_ids = _code_ids(db, parsed.turns, path)
        old = _detach(db, existing[0]) if existing is not None else None
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
        first_id = _next_free_id(db, "segments", "segment_id")
        for ordinal, turn in enumerate(parsed.turns, start=1):
            rows.append(
                {
                    "id": first_id + ordinal - 1,
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
        from ..export.terms import keep_turns

        keep_turns(db, ((r["id"], r["text"]) for r in rows))  # the summary's lemma counts, counted once here
        kept = _reattach(db, transcript_id, old) if old else 0
        if old and old["codings_dropped"]:
            n = old["codings_dropped"]
            warnings.append(f"{n} coding{'s' if n != 1 else ''} of turns whose words changed not kept")
        if old:
            from ..audit import record

            dropped = sorted(set(old["occurrence"]) - set(old["segment_map"]))
            record(db, "import replace", transcript_id=transcript_id, replaced_transcript_id=existing[0],
                   segments=len(rows), segments_kept=len(old["segment_map"]), segments_dropped=dropped,
                   codings_kept=kept, codings_dropped=old["codings_dropped"], segment_map={str(k): v for k, v in old["segment_map"].items()},
                   coding_map={str(k): v for k, v in old["coding_map"].items()})
        imported = _store_codes(db, transcript_id, parsed.turns, code_ids, options.coder) if options.codes_columns else 0
    status = "replaced" if existing is not None else "imported"
    return ImportResult(
        str(path), name, status, len(rows), parsed.encoding, transcript_id, parsed.source_type,
        kept_codings=kept, imported_codings=imported, pii_findings=len(findings), warnings=warnings,
        notices=skipped_notices(parsed),
    )


def skipped_notices(parsed: ParsedSource) -> list[str]:
    if not parsed.skipped:
        return []
    return [f"not turns, left out: {describe_skipped(parsed.skipped)}"]


def expand_paths(paths: Iterable[str | Path], *, surveys: bool = True) -> Iterator[Path]:
    """Files as given; a folder gives every supported file in it.

    In a folder, participants files and READMEs are not sources, and spreadsheets
    count only when `surveys` (a --text-column was given): without one a .csv in a
    transcript folder is a participants list or a coding table, not a survey.
    """
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            yield p
            continue
        for child in sorted(p.iterdir()):
            suffix = child.suffix.lower()
            if not child.is_file() or child.name.startswith(".") or child.name.lower().startswith("readme"):
                continue
            if ".participants." in child.name or suffix not in SUPPORTED_SUFFIXES:
                continue
            if suffix in SURVEY_SUFFIXES and not surveys:
                continue
            yield child


def import_many(
    db, paths: Iterable[str | Path], options: ImportOptions, *, on_result: Callable[[ImportResult | ImportFailure], None] | None = None
) -> list[ImportResult | ImportFailure]:
    """Import files and folders in one transaction: all of them or none.

    Every file is read and checked even after one has failed, so one run reports every
    problem; then ImportRolledBack (holding each file's outcome) undoes the whole import."""
    resolve_vocabulary(db, options)
    check_options(options)
    results: list[ImportResult | ImportFailure] = []
    with transaction(db):
        if options.study is not None:
            from ..vocabulary import store_study

            from ..vocabulary import label_fields

            # Its labels end up in exports: through the gate like every other door.
            privacy_gate(options).check(label_fields(options.vocabulary, str(options.study)), path=str(options.study))
            store_study(db, options.vocabulary)  # with the files: all of it or none
        for path in expand_paths(paths, surveys=bool(options.text_columns)):
            try:
                with db.atomic():  # a savepoint: this file's writes only
                    result: ImportResult | ImportFailure = import_file(db, path, options)
            except UsageError:
                raise
            except FocuscodeError as exc:
                result = ImportFailure(str(path), exc)
            results.append(result)
            if on_result is not None:
                on_result(result)
        if any(isinstance(r, ImportFailure) for r in results):
            raise ImportRolledBack(results)  # leaving the transaction undoes every file
    return results


@dataclass
class Preview:
    """How one file will be read, for `import --dry-run`: nothing is stored."""

    path: str
    source_type: str
    encoding: str | None
    layout: str | None
    turns: int
    layouts: dict[str, int]
    speakers: list[dict]
    timed_turns: int
    first_ms: int | None
    last_ms: int | None
    skipped: list[dict]
    unknown_speakers: list[str]
    participants: str | None

    def as_json(self) -> dict:
        return {"status": "dry-run", **self.__dict__}


def preview_file(path: str | Path, options: ImportOptions) -> Preview:
    """Parse one file exactly as `import_file` would, without the database or the privacy gate."""
    path = Path(path)
    check_options(options, dry_run=True)
    suffix = check_suffix(path)
    data = read_bytes(path)
    survey = suffix in SURVEY_SUFFIXES
    participants_path = options.participants or (None if survey else participants_beside(path))
    people = load_participants(participants_path, vocab_of(options)) if participants_path else {}
    parsed = parse_file(path, options, set(people) or None, data)
    del data
    speakers: dict[str, dict] = {}
    for turn in parsed.turns:
        if turn.speaker is None:
            continue
        entry = speakers.setdefault(turn.speaker, {"label": turn.speaker, "turns": 0, "first_line": turn.line})
        entry["turns"] += 1
    unknown = [] if survey else [s for s in speakers if s not in people]
    times = [t.start_ms for t in parsed.turns if t.start_ms is not None]
    layout = parsed.metadata.get("layout")
    return Preview(
        path=str(path), source_type=parsed.source_type, encoding=parsed.encoding, layout=layout,
        turns=len(parsed.turns), layouts=dict(parsed.layouts), speakers=list(speakers.values()),
        timed_turns=len(times), first_ms=min(times) if times else None, last_ms=max(times) if times else None,
        skipped=[{"line": s.line, "kind": s.kind} for s in parsed.skipped], unknown_speakers=unknown,
        participants=str(participants_path) if participants_path else None,
    )


def preview_many(paths: Iterable[str | Path], options: ImportOptions) -> list[Preview | ImportFailure]:
    """`preview_file` for files and folders; a bad file is reported, not raised."""
    check_options(options, dry_run=True)
    results: list[Preview | ImportFailure] = []
    for path in expand_paths(paths, surveys=bool(options.text_columns)):
        try:
            results.append(preview_file(path, options))
        except UsageError:
            raise
        except FocuscodeError as exc:
            results.append(ImportFailure(str(path), exc))
    return results


def _turn_key(turn: Turn) -> tuple:
    # Survey rows carry their own participant facts; transcript turns share a label.
    if turn.role is not None or turn.sector is not None or turn.attributes or turn.question is not None:
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
                "role": p.role if p.role and p.role != "onbekend" else options.role or p.role or "onbekend",
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
                "school_type": _school_type(turn.attributes) or (base.school_type if base else None),
                "is_facilitator": 0,
                "attributes": dumps(turn.attributes),
            }
        record["transcript_id"] = transcript_id
        existing = db.execute(
            "SELECT id FROM participants WHERE transcript_id = ? AND label = ?", [transcript_id, record["label"]]
        ).fetchone()
        if existing is not None:
            # One respondent answering several questions is one participant.
            ids[key] = existing[0]
            continue
        ids[key] = db.table("participants").insert(record).last_pk
    return ids


_SCHOOL_TYPE_KEYS = ("school_type", "schooltype", "schoolsoort", "type school")


def _school_type(attributes: dict) -> str | None:
    # A survey meta column that names the school type fills the participant's school_type too.
    for key, value in attributes.items():
        if key.strip().lower() in _SCHOOL_TYPE_KEYS and value:
            return value
    return None


def _code_ids(db, turns: list[Turn], path: Path) -> dict[str, int]:
    """Codes named in the source, each checked against the project codebook first."""
    from ..codes import code_id
    from ..errors import UnknownCodeError

    ids: dict[str, int] = {}
    for turn in turns:
        for code in turn.codes:
            if code in ids:
                continue
            try:
                ids[code] = code_id(db, code)
            except UnknownCodeError:
                raise InputFileError(
                    f"unknown code '{code}' in the codes column; load a codebook that has it first", path=str(path), line=turn.line
                ) from None
    return ids


def _store_codes(db, transcript_id: int, turns: list[Turn], code_ids: dict[str, int], coder: str | None) -> int:
    """A coded answer is a finished decision: its codes accepted, and the answer marked seen,
    so every other code counts as not applying (an empty codes cell: no code applies),
    as `code --from-file` does for a row without a code."""
    from ..coding import set_decision
    from ..db import now

    count = 0
    coder = coder.strip()
    stamp = now()
    seg_ids = [r[0] for r in db.execute("SELECT id FROM segments WHERE transcript_id = ? ORDER BY ordinal", [transcript_id])]
    for seg_id, turn in zip(seg_ids, turns):
        for code in dict.fromkeys(turn.codes):
            old, _ = set_decision(db, seg_id, code_ids[code], coder, "accepted", method="import")
            count += old is None
    db.conn.executemany("INSERT OR IGNORE INTO seen (segment_id, coder, at) VALUES (?, ?, ?)", [(sid, coder, stamp) for sid in seg_ids])
    return count


def _detach(db, transcript_id: int) -> dict:
    """Keep what hangs on a transcript being replaced, keyed by turn text, then drop it."""
    occurrence: dict[int, tuple[str, int]] = {}
    seen_hash: dict[str, int] = {}
    for seg_id, h in db.execute("SELECT id, text_hash FROM segments WHERE transcript_id = ? ORDER BY ordinal", [transcript_id]):
        # The n-th "Ja." of the old file maps to the n-th "Ja." of the new one.
        occurrence[seg_id] = (h, seen_hash.get(h, 0))
        seen_hash[h] = seen_hash.get(h, 0) + 1
    codings = list(
        db.query("SELECT c.* FROM codings c JOIN segments s ON s.id = c.segment_id WHERE s.transcript_id = ?", [transcript_id])
    )
    memos = list(
        db.query(
            """SELECT m.* FROM memos m LEFT JOIN segments s ON s.id = m.segment_id
               WHERE s.transcript_id = ? OR (m.transcript_id = ? AND m.segment_id IS NULL)""",
            [transcript_id, transcript_id],
        )
    )
    seen = list(db.query("SELECT x.* FROM seen x JOIN segments s ON s.id = x.segment_id WHERE s.transcript_id = ?", [transcript_id]))
    # A kept turn is matched on its words, white space aside: its passages are found again in the new text.
    texts = dict(db.execute("SELECT id, text FROM segments WHERE transcript_id = ?", [transcript_id]).fetchall())
    db.execute("DELETE FROM transcripts WHERE id = ?", [transcript_id])
    return {"occurrence": occurrence, "codings": codings, "memos": memos, "seen": seen, "texts": texts}


def _reattach(db, transcript_id: int, saved: dict) -> int:
    """Codings, memos and 'seen' marks of unchanged turns move to the new segments."""
    new_ids: dict[tuple[str, int], int] = {}
    seen_hash: dict[str, int] = {}
    for seg_id, h in db.execute("SELECT id, text_hash FROM segments WHERE transcript_id = ? ORDER BY ordinal", [transcript_id]):
        new_ids[(h, seen_hash.get(h, 0))] = seg_id
        seen_hash[h] = seen_hash.get(h, 0) + 1
    seg_map = {old: new_ids[key] for old, key in saved["occurrence"].items() if key in new_ids}
    id_map: dict[int, int] = {}
    kept = 0
    saved["codings_dropped"] = sum(1 for r in saved["codings"] if r["coder"] is not None and r["segment_id"] not in seg_map)
    new_texts = dict(db.execute("SELECT id, text FROM segments WHERE transcript_id = ?", [transcript_id]).fetchall())
    # Suggestions first, so decisions can point back at their new ids.
    for row in sorted(saved["codings"], key=lambda r: r["suggestion_id"] is not None):
        target = seg_map.get(row["segment_id"])
        if target is None:
            continue
        new = {k: v for k, v in row.items() if k != "id"}
        if row["span_start"] is not None:
            moved = _passage_in_new_text(saved["texts"].get(row["segment_id"], ""), new_texts[target],
                                         (row["span_start"], row["span_end"]))
            if moved is None:
                saved["codings_dropped"] += row["coder"] is not None
                continue
            new["span_start"], new["span_end"] = moved
        new["id"] = _next_free_id(db, "codings", "coding_id")
        new["segment_id"] = target
        if new.get("suggestion_id") is not None:
            new["suggestion_id"] = id_map.get(new["suggestion_id"])
        id_map[row["id"]] = db.table("codings").insert(new).last_pk
        kept += row["coder"] is not None
    for row in saved["memos"]:
        memo = {k: v for k, v in row.items() if k != "id"}
        if row["transcript_id"] is not None:
            memo["transcript_id"] = transcript_id
        if row["segment_id"] is None:
            db.table("memos").insert(memo)  # a memo on the transcript as a whole
        elif row["segment_id"] in seg_map:
            db.table("memos").insert({**memo, "segment_id": seg_map[row["segment_id"]]})
    for row in saved["seen"]:
        if row["segment_id"] in seg_map:
            db.table("seen").insert({**row, "segment_id": seg_map[row["segment_id"]]}, replace=True)
    # coding_events is history and is not rewritten: its old ids are never reused (see
    # _next_free_id), and the audit line of this replace maps each kept turn to its new id.
    saved["segment_map"] = seg_map
    saved["coding_map"] = id_map
    return kept


def _passage_in_new_text(old: str, new: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """Where a passage's words stand in the kept turn's new text, which may differ from the
    old in white space only (turns are matched on their words); None when the words do not
    stand there exactly once."""
    if old == new:
        return span
    from ..passages import places

    words = old[span[0]:span[1]].split()
    found = places(new, words, whole_words=False) if words else []
    return found[0] if len(found) == 1 else None


def _next_free_id(db, table: str, column: str) -> int:
    """An id above every row of `table` and every id the audit trail refers to.

    SQLite reuses the highest rowids after a delete; without this a replaced
    transcript's new turns could inherit the coding history of dropped ones.
    """
    return db.execute(
        f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), coalesce((SELECT max({column}) FROM coding_events), 0)) + 1"
    ).fetchone()[0]
