"""Writing REFI-QDA: a project archive (.qdpx) or a codebook (.qdc).

The XML is streamed element by element and every table is read with one
query, so exporting a large project needs neither per-row queries nor the
whole tree in memory. GUIDs are derived from content (see `make_guid`), so the
same project exports to the same file and a round trip keeps identities.

Privacy: participants become cases named by number, role and sector
("P03 OOP'er po"); their anonymised speaker labels never leave the project.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import escape as _escape, quoteattr as _quoteattr

from .. import __version__
from ..codes import project_codebook
from ..codebook import Code
from ..errors import FocuscodeError, setting
from ..export import paused_gc
from ..export.attribution import is_private
from ..export.safe import NOT_XML, private_dir, write_atomically
from . import CODEBOOK_NS, ORIGIN_PREFIX, PROJECT_NS, make_guid

TURN_SEPARATOR = "\n\n"
SELECTION_PREFIX = "beurt"  # selections named "beurt 12" are whole turns (segments)
CORE_VARIABLES = ("rol", "sector", "schooltype", "gespreksleider")
# Deflate level 1: at 30,000 segments a third of the time of the default level 6 for
# an archive about a quarter larger (6.0 instead of 4.8 MB); the XML inside is the same.
ZIP_LEVEL = 1


# Characters XML 1.0 cannot carry at all; a stray one in a memo would make the file unreadable.
_NOT_XML = NOT_XML


# Most values need no escaping at all; finding that out with one regex search is far
# cheaper than saxutils' chain of replaces, and a large project has ~500,000 values.
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_QUOTING = re.compile("[&<>\"'\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _escape(_NOT_XML.sub("", text))


def quoteattr(text: str) -> str:
    if _NEEDS_QUOTING.search(text) is None:
        return f'"{text}"'
    return _quoteattr(_NOT_XML.sub("", text))


def _attrs(**values) -> str:
    return "".join(f" {k}={quoteattr(str(v))}" for k, v in values.items() if v is not None)


@lru_cache(maxsize=65536)  # codings made in one session share their time stamps
def _stamp(value: str | None) -> str | None:
    """REFI wants xsd:dateTime; ours are ISO strings with an offset already."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def case_name(number: int, role: str | None, sector: str | None) -> str:
    parts = [f"P{number:02d}", (role or "onbekend").strip() or "onbekend"]
    if sector:
        parts.append(sector)
    return " ".join(parts)


def _code_xml(code: Code, out: list[str], notes_by_code: dict[str, list[str]], depth: int) -> None:
    pad = "  " * depth
    attrs = _attrs(guid=make_guid("code:" + code.name), name=code.name, isCodable="true", color=code.color)
    inner = bool(code.description or code.children or notes_by_code.get(code.name))
    if not inner:
        out.append(f"{pad}<Code{attrs}/>\n")
        return
    out.append(f"{pad}<Code{attrs}>\n")
    if code.description:
        out.append(f"{pad}  <Description>{escape(code.description)}</Description>\n")
    for note_guid in notes_by_code.get(code.name, []):
        out.append(f"{pad}  <NoteRef{_attrs(targetGUID=note_guid)}/>\n")
    for child in code.children:
        _code_xml(child, out, notes_by_code, depth + 1)
    out.append(f"{pad}</Code>\n")


def codebook_xml(codes: list[Code], notes_by_code: dict[str, list[str]] | None = None, depth: int = 2) -> str:
    out: list[str] = []
    for code in codes:
        _code_xml(code, out, notes_by_code or {}, depth)
    return "".join(out)


def write_codebook(db, out: str | Path) -> Path:
    """The project's codebook as a REFI-QDA .qdc file."""
    book = project_codebook(db)
    if not book.codes:
        raise FocuscodeError("no codebook loaded; nothing to export")
    target = Path(out)
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<CodeBook{_attrs(xmlns=CODEBOOK_NS, origin=f'{ORIGIN_PREFIX} {__version__}')}>\n"
        "  <Codes>\n" + codebook_xml(book.codes, depth=2) + "  </Codes>\n</CodeBook>\n"
    )
    _write_file(target, lambda tmp: tmp.write_text(text, encoding="utf-8"), private=False)
    return target


def _write_file(target: Path, write: Callable[[Path], None], *, private: bool = True) -> None:
    """Refuse a folder as target, make the parent (owner-only for a private file: a .qdpx
    holds every transcript), then write through export.safe.write_atomically."""
    if target.exists() and target.is_dir():
        raise FocuscodeError(f"{setting('out')} names a folder; give a file name ending in .qdpx or .qdc", path=str(target))
    if private:
        private_dir(target.parent)  # like export summary's --out folder
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, write, private=private)


class _Stream:
    """Buffered text writes into a zip entry."""

    def __init__(self, fh):
        self.fh = fh
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > 1 << 16:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.fh.write("".join(self.parts).encode("utf-8"))
            self.parts, self.size = [], 0


def _memos(db) -> list[dict]:
    return [dict(r) for r in db.query(
        """SELECT m.id, m.target, m.transcript_id, m.segment_id, m.code_id, m.coder, m.text, m.created_at,
                  c.name AS code_name, t.name AS transcript_name, s.ordinal, st.name AS segment_transcript
           FROM memos m LEFT JOIN codes c ON c.id = m.code_id LEFT JOIN transcripts t ON t.id = m.transcript_id
           LEFT JOIN segments s ON s.id = m.segment_id LEFT JOIN transcripts st ON st.id = s.transcript_id
           ORDER BY m.id"""
    )]


def _participants(db) -> list[dict]:
    rows = [dict(r) for r in db.query(
        """SELECT p.id, p.transcript_id, p.role, p.sector, p.school_type, p.is_facilitator, p.attributes,
                  t.name AS transcript
           FROM participants p JOIN transcripts t ON t.id = p.transcript_id ORDER BY t.name, p.id"""
    )]
    public: dict[str, dict] = {}  # participants of one study mostly share a few attribute sets
    for number, r in enumerate(rows, start=1):
        r["case"] = case_name(number, r["role"], r["sector"])
        raw = r["attributes"] or "{}"
        if raw not in public:
            # Names and schools never leave the project, whatever the participants file held.
            public[raw] = {k: v for k, v in json.loads(raw).items() if not is_private(k)}
        r["attributes"] = dict(public[raw])
    return rows


def write_project(db, out: str | Path, *, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write the whole project as a .qdpx archive; returns counts of what went in."""
    with paused_gc():
        return _write_project(db, out, progress=progress)


def _write_project(db, out: str | Path, *, progress: Callable[[int, int], None] | None = None) -> dict:
    target = Path(out)
    book = project_codebook(db, include_inactive=True)
    memos = _memos(db)
    people = _participants(db)
    coders = [r[0] for r in db.execute(
        "SELECT DISTINCT coder FROM codings WHERE coder IS NOT NULL AND status = 'accepted' "
        "UNION SELECT DISTINCT coder FROM memos WHERE coder IS NOT NULL ORDER BY 1")]
    transcripts = [dict(r) for r in db.query("SELECT id, name, source, imported_at FROM transcripts ORDER BY name")]
    counts = {"codes": sum(1 for _ in book.walk()), "sources": len(transcripts), "selections": 0,
              "codings": 0, "passages": 0, "cases": len(people), "memos": len(memos), "users": len(coders)}

    note_guid = {m["id"]: make_guid(f"note:{n}:{m['target']}:{m['text']}") for n, m in enumerate(memos)}
    notes_by_code: dict[str, list[str]] = {}
    notes_by_transcript: dict[str, list[str]] = {}
    notes_by_segment: dict[tuple, list[str]] = {}
    project_notes: list[str] = []
    for m in memos:
        g = note_guid[m["id"]]
        if m["target"] == "code" and m["code_name"]:
            notes_by_code.setdefault(m["code_name"], []).append(g)
        elif m["target"] == "transcript" and m["transcript_name"]:
            notes_by_transcript.setdefault(m["transcript_name"], []).append(g)
        elif m["target"] == "segment" and m["segment_transcript"]:
            notes_by_segment.setdefault((m["segment_transcript"], m["ordinal"]), []).append(g)
        else:
            project_notes.append(g)
    user_guid = {c: make_guid("user:" + c) for c in coders}
    user_attr = {c: f" creatingUser=\"{g}\"" for c, g in user_guid.items()}
    code_guids: dict[str, str] = {}

    def code_guid(name: str) -> str:
        guid = code_guids.get(name)
        if guid is None:
            guid = code_guids[name] = make_guid("code:" + name)
        return guid

    variables: list[str] = list(CORE_VARIABLES)
    for p in people:
        for key in p["attributes"]:
            if key not in variables:
                variables.append(key)
    variables.append("bron")
    var_guid = {v: make_guid("var:" + v) for v in variables}

    # The schema orders Cases before Sources, so the sources section is built
    # into a temporary file first and spliced in after the cases.
    def _sources(sink) -> dict[int, list[str]]:
        """Writes <Sources> into sink; returns participant id -> selection guids."""
        refs: dict[int, list[str]] = {}
        sink.write("  <Sources>\n")
        by_transcript: dict[int, dict] = {t["id"]: t for t in transcripts}
        seg_rows = db.execute(
            "SELECT s.id, s.transcript_id, s.ordinal, s.participant_id, s.text FROM segments s "
            "JOIN transcripts t ON t.id = s.transcript_id ORDER BY t.name, s.ordinal"
        )
        # Codings grouped by segment in memory and ordered per segment (by code position,
        # code name, coder) here: sorting all of them in SQL by transcript name and
        # ordinal took a temporary B-tree and most of the query time.
        code_order = {cid: (position, name) for cid, position, name in db.execute("SELECT id, position, name FROM codes")}
        codings_of: dict[int, list] = {}
        passages_of: dict[int, list] = {}  # codings of part of a turn: a selection of their own
        for seg_id, coder, created, code_id, span_start, span_end in db.execute(
            "SELECT segment_id, coder, created_at, code_id, span_start, span_end FROM codings "
            "WHERE status = 'accepted' AND coder IS NOT NULL"
        ):
            code = code_order.get(code_id)
            if code is None:  # an orphan (codes deleted with foreign keys off): the join dropped it too
                continue
            position, name = code
            if span_start is None or span_end is None:
                codings_of.setdefault(seg_id, []).append((position, name, coder, seg_id, created))
            else:
                passages_of.setdefault(seg_id, []).append((span_start, span_end, position, name, coder, seg_id, created))
        current_tid = None
        pieces: list[str] = []
        offset = 0
        done = 0
        total = len(transcripts)

        def close_source() -> None:
            nonlocal pieces, offset, done
            if current_tid is None:
                return
            t = by_transcript[current_tid]
            text = "".join(pieces)
            sink.flush_source(t, text)
            pieces, offset = [], 0
            done += 1
            if progress:
                progress(done, total)

        seen_tids = set()
        n_selections = n_codings = n_passages = 0
        transcript = ""
        for sid, tid, ordinal, pid, text in seg_rows:
            if tid != current_tid:
                close_source()
                current_tid = tid
                seen_tids.add(tid)
                t = by_transcript[tid]
                transcript = t["name"]
                sink.open_source(t, notes_by_transcript.get(transcript, []))
            if pieces:
                pieces.append(TURN_SEPARATOR)
                offset += len(TURN_SEPARATOR)
            start = offset
            pieces.append(text)
            offset += len(text)
            sel = make_guid(f"sel:{transcript}:{ordinal}")
            found = codings_of.get(sid)
            codings = [(seg_id, coder, created, name) for _pos, name, coder, seg_id, created in sorted(found)] if found else []
            passages = passages_of.get(sid)
            groups = _passage_groups(passages, len(text), codings) if passages else ()
            sink.selection(sel, ordinal, start, offset, codings, notes_by_segment.get((transcript, ordinal), ()), transcript)
            n_selections += 1
            n_codings += len(codings)
            for (a, b), on_passage in groups:
                # Offsets of the source = the turn's offset + the passage's, both in code points.
                sink.selection(make_guid(f"sel:{transcript}:{ordinal}:{a}:{b}"), ordinal, start + a, start + b,
                               on_passage, (), transcript, span=(a, b))
                n_selections += 1
                n_codings += len(on_passage)
                n_passages += 1
            if pid is not None:
                refs.setdefault(pid, []).append(sel)
        close_source()
        counts["selections"] += n_selections
        counts["codings"] += n_codings
        counts["passages"] += n_passages
        for t in transcripts:  # transcripts without segments still travel
            if t["id"] not in seen_tids:
                sink.open_source(t, notes_by_transcript.get(t["name"], []))
                sink.flush_source(t, "")
        sink.write("  </Sources>\n")
        return refs

    class _SourceSink:
        def __init__(self, w: _Stream, zf):
            self.w, self.zf = w, zf

        def write(self, text: str) -> None:
            self.w.write(text)

        def open_source(self, t: dict, notes: list[str]) -> None:
            guid = make_guid("source:" + t["name"])
            self.w.write(f"    <TextSource{_attrs(guid=guid, name=t['name'], plainTextPath=f'internal://{guid}.txt', creationDateTime=_stamp(t['imported_at']))}>\n")
            self._notes = notes

        def selection(self, sel, ordinal, start, end, codings, notes, transcript, span=None) -> None:
            # The hot path (one call per segment, one Coding per decision): written as
            # one string, with GUIDs and numbers unescaped since they cannot need it.
            # The output is what _attrs() would give for the same values.
            head = (f"      <PlainTextSelection guid=\"{sel}\" name={quoteattr(selection_name(ordinal, span))} "
                    f"startPosition=\"{start}\" endPosition=\"{end}\"")
            if not codings and not notes:
                self.w.write(head + "/>\n")
                return
            parts = [head, ">\n"]
            where = f"{ordinal}:{span[0]}:{span[1]}" if span else ordinal
            for _sid, coder, created, code in codings:
                cg = make_guid(f"coding:{transcript}:{where}:{code}:{coder}")
                user = user_attr.get(coder, "")
                stamp = _stamp(created)
                when = f" creationDateTime={quoteattr(stamp)}" if stamp is not None else ""
                parts.append(f"        <Coding guid=\"{cg}\"{user}{when}><CodeRef targetGUID=\"{code_guid(code)}\"/></Coding>\n")
            for g in notes:
                parts.append(f"        <NoteRef targetGUID=\"{g}\"/>\n")
            parts.append("      </PlainTextSelection>\n")
            self.w.write("".join(parts))

        def flush_source(self, t: dict, text: str) -> None:
            for g in self._notes:
                self.w.write(f"      <NoteRef{_attrs(targetGUID=g)}/>\n")
            self.w.write(f"      <VariableValue><VariableRef{_attrs(targetGUID=var_guid['bron'])}/>"
                         f"<TextValue>{escape(t['source'])}</TextValue></VariableValue>\n")
            self.w.write("    </TextSource>\n")
            guid = make_guid("source:" + t["name"])
            self.w.flush()
            self.zf.writestr(f"sources/{guid}.txt", text.encode("utf-8"))

    def write_archive(tmp: Path) -> None:
        with tempfile.TemporaryFile("w+b") as spool, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zf:
            sw = _Stream(spool)
            refs = _sources(_SourceSink(sw, zf))
            sw.flush()
            with zf.open("project.qde", "w", force_zip64=True) as fh:
                w = _Stream(fh)
                now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                name = Path(str(getattr(db, "path", "focuscode"))).stem or "focuscode"
                w.write('<?xml version="1.0" encoding="utf-8"?>\n')
                w.write(f"<Project{_attrs(xmlns=PROJECT_NS, name=name, origin=f'{ORIGIN_PREFIX} {__version__}', creationDateTime=now)}>\n")
                if coders:
                    w.write("  <Users>\n")
                    for c in coders:
                        w.write(f"    <User{_attrs(guid=user_guid[c], name=c)}/>\n")
                    w.write("  </Users>\n")
                if book.codes:
                    w.write("  <CodeBook>\n    <Codes>\n")
                    w.write(codebook_xml(book.codes, notes_by_code, depth=3))
                    w.write("    </Codes>\n  </CodeBook>\n")
                w.write("  <Variables>\n")
                for v in variables:
                    kind = "Boolean" if v == "gespreksleider" else "Text"
                    w.write(f"    <Variable{_attrs(guid=var_guid[v], name=v, typeOfVariable=kind)}/>\n")
                w.write("  </Variables>\n")
                if people:
                    w.write("  <Cases>\n")
                    for p in people:
                        _case_xml(w, p, var_guid, refs.get(p["id"], []))
                    w.write("  </Cases>\n")
                w.flush()
                spool.seek(0)
                while chunk := spool.read(1 << 20):
                    fh.write(chunk)
                if memos:
                    w.write("  <Notes>\n")
                    for m in memos:
                        _note_xml(w, m, note_guid[m["id"]], user_guid)
                    w.write("  </Notes>\n")
                for g in project_notes:
                    w.write(f"  <NoteRef{_attrs(targetGUID=g)}/>\n")
                w.write("</Project>\n")
                w.flush()

    _write_file(target, write_archive)
    return counts


def selection_name(ordinal: int, span: tuple[int, int] | None = None) -> str:
    """"beurt 12" for a whole turn, "beurt 12 [40:95]" for a passage of it (offsets in the turn)."""
    return f"{SELECTION_PREFIX} {ordinal}" if span is None else f"{SELECTION_PREFIX} {ordinal} [{span[0]}:{span[1]}]"


def _passage_groups(passages: list, length: int, whole: list) -> list[tuple[tuple[int, int], list]]:
    """The passage codings of one turn as one selection per passage (its codings ordered like a
    turn's: by code position, code name, coder), passages in text order.

    A span that is not inside the turn (only a damaged database holds one) is written as a
    coding of the whole turn, appended to `whole` unless the coder has that one already:
    a selection outside its turn would point at the next turn's words."""
    by_span: dict[tuple[int, int], list] = {}
    for a, b, position, name, coder, seg_id, created in passages:
        if 0 <= a < b <= length:
            by_span.setdefault((a, b), []).append((position, name, coder, seg_id, created))
        elif not any(n == name and c == coder for _s, c, _t, n in whole):
            whole.append((seg_id, coder, created, name))
    return [(span, [(seg_id, coder, created, name) for _pos, name, coder, seg_id, created in sorted(found)])
            for span, found in sorted(by_span.items())]


@lru_cache(maxsize=4096)
def _source_guid(name: str) -> str:
    return make_guid("source:" + name)


def _case_xml(w: _Stream, p: dict, var_guid: dict[str, str], selections: Iterable[str]) -> None:
    # One string per case; GUIDs are written unescaped (they are hex and dashes).
    parts = [f"    <Case guid=\"{make_guid('case:' + p['case'])}\" name={quoteattr(p['case'])}>\n"]
    values = [("rol", p["role"]), ("sector", p["sector"]), ("schooltype", p["school_type"])]
    values += [(k, v) for k, v in p["attributes"].items()]
    for key, value in values:
        if value is None or value == "":
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"      <VariableValue><VariableRef targetGUID=\"{var_guid[key]}\"/><TextValue>{escape(text)}</TextValue></VariableValue>\n")
    parts.append(f"      <VariableValue><VariableRef targetGUID=\"{var_guid['gespreksleider']}\"/>"
                 f"<BooleanValue>{'true' if p['is_facilitator'] else 'false'}</BooleanValue></VariableValue>\n")
    parts.append(f"      <SourceRef targetGUID=\"{_source_guid(p['transcript'])}\"/>\n")
    for sel in selections:
        parts.append(f"      <SelectionRef targetGUID=\"{sel}\"/>\n")
    parts.append("    </Case>\n")
    w.write("".join(parts))


def _note_xml(w: _Stream, m: dict, guid: str, user_guid: dict[str, str]) -> None:
    name = {"project": "memo project", "transcript": f"memo {m['transcript_name']}",
            "segment": f"memo {m['segment_transcript']} {SELECTION_PREFIX} {m['ordinal']}",
            "code": f"memo {m['code_name']}"}.get(m["target"], "memo")
    w.write(f"    <Note{_attrs(guid=guid, name=name, creatingUser=user_guid.get(m['coder']) if m['coder'] else None, creationDateTime=_stamp(m['created_at']))}>"
            f"<PlainTextContent>{escape(m['text'])}</PlainTextContent></Note>\n")
