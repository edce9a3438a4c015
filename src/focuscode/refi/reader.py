"""Reading REFI-QDA files safely and tolerantly into plain objects.

Safety: the archive is never extracted. Every entry name is checked (no
absolute path, no `..`), sizes are capped against zip bombs, source paths must
stay inside the archive, and XML goes through defusedxml with DTDs forbidden,
so entity bombs and external entities are refused before any parsing work.

Tolerance: vendors differ (see the tests in tests/refi for each quirk). Entry names are matched case-insensitively
(ATLAS.ti writes `Project.qde` and `Sources/`), namespaces are ignored, and a
hierarchy flattened into names (`Coke::diet Coke`) is rebuilt into a tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..codebook import Code, Codebook
from ..errors import ExchangeError
from .archive import Archive, decode_text, resolve, internal_entry

MAX_CODE_DEPTH = 100  # NVivo and MAXQDA trees are a handful of levels; thousands is a broken or hostile file


@dataclass
class RefiCode:
    guid: str
    name: str
    description: str = ""
    color: str | None = None
    children: list["RefiCode"] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiCoding:
    code_guid: str
    user_guid: str | None
    created: str | None


@dataclass
class RefiSelection:
    guid: str
    name: str
    start: int
    end: int
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    case_refs: list[str] = field(default_factory=list)  # NVivo codes text to a case: "this is what R1 says"


@dataclass
class RefiSource:
    guid: str
    name: str
    kind: str  # TextSource, PDFSource, PictureSource, AudioSource, VideoSource
    text: str | None = None  # None when the archive does not hold it
    path: str | None = None
    selections: list[RefiSelection] = field(default_factory=list)
    other_codings: int = 0  # codings on pictures, PDF regions, media: not text
    notes: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class RefiCase:
    guid: str
    name: str
    variables: dict[str, object] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    selections: list[str] = field(default_factory=list)


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user_guid: str | None
    created: str | None


@dataclass
class RefiProject:
    name: str
    origin: str
    users: dict[str, str] = field(default_factory=dict)
    codes: list[RefiCode] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    project_notes: list[str] = field(default_factory=list)

    def walk_codes(self):
        from ..codebook import walk

        return walk(self.codes)


# --- XML ---------------------------------------------------------------------------------------


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xml(data: bytes, where: str):
    """Parse XML with defusedxml: no DTD, no entities, no external references."""
    import defusedxml
    from defusedxml import ElementTree as DET
    from xml.etree.ElementTree import ParseError

    try:
        return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise ExchangeError("refused: the XML declares a DTD or entities (a possible XML bomb)", path=where) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ExchangeError(f"not well-formed XML ({str(exc).split(':')[0]})", path=where, line=line) from None


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _child(el, name: str):
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el, name: str) -> str:
    c = _child(el, name)
    return (c.text or "").strip() if c is not None else ""


def _note_refs(el) -> list[str]:
    return [_guid(r.get("targetGUID")) for r in _children(el, "NoteRef") if r.get("targetGUID")]


def _guid(value: str | None) -> str:
    # GUIDs compare case-insensitively and may come in braces.
    return (value or "").strip().strip("{}").lower()


def _parse_code(el, where: str, depth: int = 1) -> RefiCode:
    name = (el.get("name") or "").strip()
    if not name:
        raise ExchangeError("a code without a name", path=where)
    if depth > MAX_CODE_DEPTH:
        raise ExchangeError(f"refused: codes nested deeper than {MAX_CODE_DEPTH} levels (at '{name[:60]}')", path=where)
    return RefiCode(
        guid=_guid(el.get("guid")),
        name=name,
        description=_text(el, "Description"),
        color=(el.get("color") or None),
        children=[_parse_code(c, where, depth + 1) for c in _children(el, "Code")],
        notes=_note_refs(el),
    )


def _check_depth(codes: list[RefiCode], where: str) -> None:
    """A hierarchy flattened into names (`a::b::c`) can be as deep as the XML one."""
    stack = [(c, 1) for c in codes]
    while stack:
        code, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            raise ExchangeError(f"refused: codes nested deeper than {MAX_CODE_DEPTH} levels (at '{code.name[:60]}')", path=where)
        stack.extend((c, depth + 1) for c in code.children)


def _unflatten(codes: list[RefiCode]) -> list[RefiCode]:
    """ATLAS.ti writes `Coke::diet Coke` beside `Coke`: rebuild the tree from the names."""
    if not any("::" in c.name for c in codes):
        return codes
    roots: list[RefiCode] = []
    by_path: dict[tuple, RefiCode] = {}
    for code in codes:
        if "::" not in code.name:
            by_path[(code.name,)] = code
    for code in codes:
        parts = tuple(p.strip() for p in code.name.split("::") if p.strip())
        if len(parts) > 1:
            code.name = parts[-1]
            by_path[parts] = code
    for code in codes:
        pass
    for path, code in sorted(by_path.items(), key=lambda kv: len(kv[0])):
        if len(path) == 1:
            roots.append(code) if code not in roots else None
            continue
        parent_path = path[:-1]
        for depth in range(1, len(parent_path) + 1):
            prefix = parent_path[:depth]
            if prefix not in by_path:
                # A parent that exists only inside names becomes a code of its own.
                from .. import refi

                made = RefiCode(guid=refi.make_guid("flattened:" + "::".join(prefix)), name=prefix[-1])
                by_path[prefix] = made
                if depth == 1:
                    roots.append(made)
                else:
                    by_path[prefix[:-1]].children.append(made)
        by_path[parent_path].children.append(code)
    # Keep the file's order for the top level.
    order = {id(c): i for i, c in enumerate(codes)}
    roots.sort(key=lambda c: order.get(id(c), len(codes)))
    return roots


def _unique_names(codes: list[RefiCode]) -> None:
    """Our code names are unique project-wide; NVivo's only among siblings.

    A repeated name gets its parent's name in parentheses ("programming
    (cs_as_programming)"), then a number, so no code is lost.
    """
    seen: set[str] = set()

    def visit(code: RefiCode, parent: RefiCode | None) -> None:
        name = code.name.replace("::", " - ")
        if name.lower() in seen and parent is not None:
            name = f"{code.name} ({parent.name})"
        n = 2
        base = name
        while name.lower() in seen:
            name = f"{base} {n}"
            n += 1
        seen.add(name.lower())
        code.name = name
        for child in code.children:
            visit(child, code)

    for code in codes:
        visit(code, None)


def codes_from(el, where: str) -> list[RefiCode]:
    codes_el = _child(el, "Codes")
    if codes_el is None:
        return []
    codes = _unflatten([_parse_code(c, where) for c in _children(codes_el, "Code")])
    _check_depth(codes, where)
    _unique_names(codes)
    return codes


def to_codebook(codes: list[RefiCode], path: str | None = None) -> Codebook:
    def convert(code: RefiCode, parent: str | None) -> Code:
        color = code.color
        if color and not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            color = None  # "#abc" is valid REFI but not our codebook's form
        out = Code(name=code.name, description=code.description, color=color.lower() if color else None, parent=parent)
        out.children = [convert(c, code.name) for c in code.children]
        return out

    return Codebook(codes=[convert(c, None) for c in codes], path=path)


def read_codebook(path: str | Path) -> Codebook:
    """A .qdc codebook file as our Codebook."""
    from ..textio import read_bytes

    from ..ziplimits import QDPX

    p = Path(path)
    if p.is_file() and p.stat().st_size > QDPX.member:
        raise ExchangeError(f"refused: the codebook file is larger than {QDPX.describe(QDPX.member)}", path=str(p))
    root = parse_xml(read_bytes(p), str(p))
    if _local(root.tag) != "CodeBook":
        raise ExchangeError(f"not a REFI-QDA codebook (root element is <{_local(root.tag)}>, expected <CodeBook>)", path=str(p))
    codes = codes_from(root, str(p))
    if not codes:
        raise ExchangeError("the codebook holds no codes", path=str(p))
    return to_codebook(codes, str(p))


def _transcript_positions(transcript) -> dict[str, int]:
    """SyncPoint GUID -> its character position in the transcript text (QualCoder writes both)."""
    out = {}
    for point in _children(transcript, "SyncPoint"):
        try:
            out[_guid(point.get("guid"))] = int(point.get("position"))
        except (TypeError, ValueError):
            continue  # a sync point with only a time cannot place text
    return out


def _selection(el, project: "RefiProject", span: tuple[int, int] | None = None) -> RefiSelection:
    try:
        start, end = span or (int(el.get("startPosition")), int(el.get("endPosition")))
    except (TypeError, ValueError):
        raise ValueError(f"selection '{el.get('name') or el.get('guid')}' has no valid start/end position") from None
    if start < 0 or end < 0:
        raise ValueError(f"selection '{el.get('name') or el.get('guid')}' has a negative position")
    start, end = min(start, end), max(start, end)
    sel = RefiSelection(
        guid=_guid(el.get("guid")),
        name=el.get("name") or "",
        start=start,
        end=end,
        codings=[_coding(c, el) for c in _children(el, "Coding")],
        notes=_note_refs(el),
    )
    # QualCoder keeps a coding's memo, and MAXQDA an annotation without any coding,
    # in the selection's Description: kept as a memo on the segment.
    _description_note(project, el, sel.guid, sel.notes)
    return sel


def _description_note(project: "RefiProject", el, guid: str, notes: list[str]) -> None:
    text = _text(el, "Description")
    if text:
        key = f"{guid}:description"
        project.notes[key] = RefiNote(key, "", text, _user(el), el.get("creationDateTime") or el.get("modifiedDateTime"))
        notes.append(key)


def _user(el) -> str | None:
    # Some tools leave creatingUser empty or out and give only modifyingUser.
    return _guid(el.get("creatingUser")) or _guid(el.get("modifyingUser")) or None


def _coding(el, selection=None) -> RefiCoding:
    ref = _child(el, "CodeRef")
    user = _user(el) or (_user(selection) if selection is not None else None)
    return RefiCoding(_guid(ref.get("targetGUID")) if ref is not None else "", user,
                      el.get("creationDateTime") or el.get("modifiedDateTime"))


def _variable_value(vv, names: dict[str, str]):
    ref = _child(vv, "VariableRef")
    key = names.get(_guid(ref.get("targetGUID")) if ref is not None else "", None)
    for kind in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"):
        c = _child(vv, kind)
        if c is not None:
            raw = (c.text or "").strip()
            if kind == "BooleanValue":
                return key, raw.lower() in ("true", "1")
            return key, raw
    return key, None


def read_project(path: str | Path) -> RefiProject:
    """Open and parse a .qdpx. Raises ExchangeError for anything unsafe or broken."""
    p = Path(path)
    archive = Archive(p)
    try:
        return _read(archive, p)
    finally:
        archive.close()


def _read(archive: Archive, p: Path) -> RefiProject:
    info = archive.project_entry()
    if info is None:
        raise ExchangeError("not a REFI-QDA project: the archive has no project.qde", path=str(p))
    where = f"{p}!{info.filename}"
    root = parse_xml(archive.read(info), where)
    if _local(root.tag) != "Project":
        raise ExchangeError(f"project.qde has root <{_local(root.tag)}>, expected <Project>", path=where)
    project = RefiProject(name=root.get("name") or p.stem, origin=root.get("origin") or "")
    users = _child(root, "Users")
    if users is not None:
        for u in _children(users, "User"):
            project.users[_guid(u.get("guid"))] = (u.get("name") or u.get("id") or "").strip() or _guid(u.get("guid"))[:8]
    book = _child(root, "CodeBook")
    if book is not None:
        project.codes = codes_from(book, where)
    variable_names: dict[str, str] = {}
    variables = _child(root, "Variables")
    if variables is not None:
        for v in _children(variables, "Variable"):
            variable_names[_guid(v.get("guid"))] = v.get("name") or ""
    _read_sources(archive, p, root, project, variable_names, where)
    _read_cases(root, project, variable_names)
    notes = _child(root, "Notes")
    if notes is not None:
        for el in _children(notes, "Note"):
            text = _text(el, "PlainTextContent")
            path_attr = el.get("plainTextPath")
            if not text and path_attr:
                entry = internal_entry(path_attr, where)
                found = resolve(archive, entry) if entry is not None else None
                if found is not None:
                    text = decode_text(archive.read(found), f"{p}!{found.filename}").strip()
            guid = _guid(el.get("guid"))
            project.notes[guid] = RefiNote(guid, el.get("name") or "", text, _user(el),
                                           el.get("creationDateTime") or el.get("modifiedDateTime"))
    project.project_notes = _note_refs(root)
    _linked_notes(root, project)
    return project


def _linked_notes(root, project: RefiProject) -> None:
    """NVivo and ATLAS.ti tie a memo to a passage with a <Link> from the Note to the selection,
    not a NoteRef: such a note belongs on that passage, not on the project."""
    links = _child(root, "Links")
    if links is None:
        return
    selections = {sel.guid: sel for src in project.sources for sel in src.selections}
    for link in _children(links, "Link"):
        ends = _guid(link.get("originGUID")), _guid(link.get("targetGUID"))
        note = next((g for g in ends if g in project.notes), None)
        sel = next((selections[g] for g in ends if g in selections), None)
        if note is not None and sel is not None and note not in sel.notes:
            sel.notes.append(note)


_KINDS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")


def _read_sources(archive: Archive, p: Path, root, project: RefiProject, variable_names: dict, where: str) -> None:
    sources = _child(root, "Sources")
    if sources is None:
        return
    shipped = bool(archive.source_files())
    # ATLAS.ti counts a Windows line end as one character although its text files hold two.
    one_char_newlines = "atlas" in project.origin.lower()
    for el in sources:
        kind = _local(el.tag)
        if kind not in _KINDS:
            continue
        src = RefiSource(guid=_guid(el.get("guid")), name=(el.get("name") or "").strip() or _guid(el.get("guid")), kind=kind)
        src.notes = _note_refs(el)
        _description_note(project, el, src.guid, src.notes)
        for vv in _children(el, "VariableValue"):
            key, value = _variable_value(vv, variable_names)
            if key and value is not None:
                src.variables[key] = str(value)
        on_text: set[int] = set()  # transcript selections placed on the text: not counted as media codings
        text_el = el if kind == "TextSource" else _child(el, "Representation")
        if text_el is None and kind in ("AudioSource", "VideoSource"):
            text_el = _child(el, "Transcript")  # QualCoder: a media file's transcript
        if text_el is not None:
            content = _child(text_el, "PlainTextContent")
            path_attr = text_el.get("plainTextPath")
            if content is not None:
                src.text = content.text or ""
            elif path_attr:
                src.path = path_attr
                entry = internal_entry(path_attr, where)
                found = resolve(archive, entry) if entry is not None else None
                if found is not None:
                    src.text = decode_text(archive.read(found), f"{p}!{found.filename}")
                elif entry is not None and shipped:
                    # The archive ships sources, just not this one: it is damaged or incomplete.
                    raise ExchangeError(
                        f"source '{src.name}' refers to {path_attr}, which is not in the archive", path=str(p)
                    )
            if src.text is not None and one_char_newlines:
                src.text = src.text.replace("\r\n", "\n")
            placed = _transcript_positions(text_el) if _local(text_el.tag) == "Transcript" and src.text is not None else {}
            for sel_el in _children(text_el, "PlainTextSelection"):
                try:
                    src.selections.append(_selection(sel_el, project))
                except ValueError as exc:
                    raise ExchangeError(str(exc), path=where) from None
            for sel_el in _children(text_el, "TranscriptSelection"):
                span = placed.get(_guid(sel_el.get("fromSyncPoint"))), placed.get(_guid(sel_el.get("toSyncPoint")))
                if None not in span:
                    # A transcript passage between two sync points is a text selection by their positions.
                    src.selections.append(_selection(sel_el, project, span))
                    on_text.add(id(sel_el))
        for child in [*el, *(text_el if text_el is not None and text_el is not el else [])]:
            tag = _local(child.tag)
            if tag.endswith("Selection") and tag != "PlainTextSelection" and id(child) not in on_text:
                src.other_codings += len(_children(child, "Coding"))
        src.other_codings += len(_children(el, "Coding"))
        project.sources.append(src)


def _read_cases(root, project: RefiProject, variable_names: dict) -> None:
    cases = _child(root, "Cases")
    if cases is None:
        return
    by_guid = {s.guid: s for s in project.sources}
    for el in _children(cases, "Case"):
        refs = [_guid(r.get("targetGUID")) for r in _children(el, "SourceRef")]
        values = [_variable_value(vv, variable_names) for vv in _children(el, "VariableValue")]
        if el.get("name") is None:
            # MAXQDA and Quirkos attach document variables through a Case without a name:
            # they describe the sources it refers to, not a person.
            for ref in refs:
                if ref in by_guid:
                    by_guid[ref].variables.update({k: str(v) for k, v in values if k and v is not None})
            continue
        case = RefiCase(guid=_guid(el.get("guid")), name=el.get("name").strip() or _guid(el.get("guid"))[:8])
        for key, value in values:
            if key:
                case.variables[key] = value
        case.sources = refs
        case.selections = [_guid(r.get("targetGUID")) for r in _children(el, "SelectionRef")]
        project.cases.append(case)
    # NVivo codes a passage to a case with a Coding whose CodeRef names the case.
    cases_by_guid = {c.guid: c for c in project.cases}
    code_guids = {c.guid for c in project.walk_codes()}
    for src in project.sources:
        for sel in src.selections:
            kept = []
            for coding in sel.codings:
                case = cases_by_guid.get(coding.code_guid)
                if case is not None and coding.code_guid not in code_guids:
                    if sel.guid not in case.selections:
                        case.selections.append(sel.guid)
                    sel.case_refs.append(case.guid)
                else:
                    kept.append(coding)
            sel.codings = kept
