"""Reading REFI-QDA files safely and tolerantly into plain objects.

Safety: the archive is never extracted. Every entry name is checked (no
absolute path, no `..`), sizes are capped against zip bombs, source paths must
stay inside the archive, and XML goes through defusedxml with DTDs forbidden,
so entity bombs and external entities are refused before any parsing work.

Tolerance: vendors differ. Entry names are matched case-insensitively
(ATLAS.ti writes `Project.qde` and `Sources/`), namespaces are ignored, and a
hierarchy flattened into names (`Coke::diet Coke`) is rebuilt into a tree.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..codebook import Code, Codebook
from ..errors import ExchangeError

MAX_ENTRY_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # compressed-to-real size beyond which an entry is treated as a zip bomb
_DRIVE = re.compile(r"^[A-Za-z]:")


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
        stack = list(reversed(self.codes))
        while stack:
            code = stack.pop()
            yield code
            stack.extend(reversed(code.children))


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


def _parse_code(el, where: str) -> RefiCode:
    name = (el.get("name") or "").strip()
    if not name:
        raise ExchangeError("a code without a name", path=where)
    return RefiCode(
        guid=_guid(el.get("guid")),
        name=name,
        description=_text(el, "Description"),
        color=(el.get("color") or None),
        children=[_parse_code(c, where) for c in _children(el, "Code")],
        notes=_note_refs(el),
    )


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

    p = Path(path)
    root = parse_xml(read_bytes(p), str(p))
    if _local(root.tag) != "CodeBook":
        raise ExchangeError(f"not a REFI-QDA codebook (root element is <{_local(root.tag)}>, expected <CodeBook>)", path=str(p))
    codes = codes_from(root, str(p))
    if not codes:
        raise ExchangeError("the codebook holds no codes", path=str(p))
    return to_codebook(codes, str(p))


# --- Archive -----------------------------------------------------------------------------------


class Archive:
    """A .qdpx opened for reading, with every entry name checked up front."""

    def __init__(self, path: Path):
        self.path = path
        if not path.exists():
            raise ExchangeError("no such file", path=str(path))
        if not zipfile.is_zipfile(path):
            raise ExchangeError("not a REFI-QDA project: a .qdpx must be a ZIP archive", path=str(path))
        try:
            self.zf = zipfile.ZipFile(path)
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExchangeError(f"damaged ZIP archive ({exc})", path=str(path)) from None
        self.entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = name.split("/")
            if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
                raise ExchangeError(f"refused: the archive holds a path outside its folder: '{info.filename}'", path=str(path))
            total += info.file_size
            if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES or (
                info.compress_size and info.file_size > 10 * 1024 * 1024 and info.file_size / info.compress_size > MAX_RATIO
            ):
                raise ExchangeError(f"refused: '{info.filename}' unpacks to {info.file_size} bytes (a possible zip bomb)", path=str(path))
            if not name.endswith("/"):
                self.entries[name.lower()] = info

    def find(self, name: str) -> zipfile.ZipInfo | None:
        return self.entries.get(name.lower())

    def read(self, info: zipfile.ZipInfo) -> bytes:
        try:
            with self.zf.open(info) as fh:
                data = fh.read(MAX_ENTRY_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise ExchangeError(f"cannot read '{info.filename}' from the archive ({exc})", path=str(self.path)) from None
        if len(data) > MAX_ENTRY_BYTES:
            raise ExchangeError(f"refused: '{info.filename}' is too large", path=str(self.path))
        return data

    def source_files(self) -> list[str]:
        return [n for n in self.entries if n.startswith("sources/") and not n.rsplit("/", 1)[-1].startswith(".")]

    def close(self) -> None:
        self.zf.close()


def internal_entry(path_attr: str, where: str) -> str | None:
    """The archive entry for `internal://x.txt`; None for sources outside the archive."""
    value = path_attr.strip()
    if not value.lower().startswith("internal://"):
        return None  # relative:// and absolute:// point outside; we never read those
    name = value[len("internal://"):].replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name) or ".." in name.split("/") or "/" in posixpath.normpath(name):
        raise ExchangeError(f"refused: source path '{value}' leaves the archive's sources folder", path=where)
    return "sources/" + name


def _selection(el) -> RefiSelection:
    try:
        start, end = int(el.get("startPosition")), int(el.get("endPosition"))
    except (TypeError, ValueError):
        raise ValueError(f"selection '{el.get('name') or el.get('guid')}' has no valid start/end position") from None
    if start < 0 or end < 0:
        raise ValueError(f"selection '{el.get('name') or el.get('guid')}' has a negative position")
    start, end = min(start, end), max(start, end)
    return RefiSelection(
        guid=_guid(el.get("guid")),
        name=el.get("name") or "",
        start=start,
        end=end,
        codings=[_coding(c) for c in _children(el, "Coding")],
        notes=_note_refs(el),
    )


def _coding(el) -> RefiCoding:
    ref = _child(el, "CodeRef")
    return RefiCoding(_guid(ref.get("targetGUID")) if ref is not None else "", _guid(el.get("creatingUser")) or None, el.get("creationDateTime"))


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
    info = archive.find("project.qde")
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
    shipped = set(archive.source_files())
    sources = _child(root, "Sources")
    if sources is not None:
        for el in sources:
            kind = _local(el.tag)
            if kind not in ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource"):
                continue
            src = RefiSource(guid=_guid(el.get("guid")), name=(el.get("name") or "").strip() or _guid(el.get("guid")), kind=kind)
            src.notes = _note_refs(el)
            for vv in _children(el, "VariableValue"):
                key, value = _variable_value(vv, variable_names)
                if key and value is not None:
                    src.variables[key] = str(value)
            text_el = el if kind == "TextSource" else _child(el, "Representation")
            if text_el is not None:
                content = _child(text_el, "PlainTextContent")
                path_attr = text_el.get("plainTextPath")
                if content is not None:
                    src.text = content.text or ""
                elif path_attr:
                    src.path = path_attr
                    entry = internal_entry(path_attr, where)
                    if entry is not None and entry.lower() in archive.entries:
                        src.text = _decode(archive.read(archive.find(entry)), f"{p}!{entry}")
                    elif entry is not None and shipped:
                        # The archive ships sources, just not this one: it is damaged or incomplete.
                        raise ExchangeError(
                            f"source '{src.name}' refers to {path_attr}, which is not in the archive", path=str(p)
                        )
                for sel_el in _children(text_el, "PlainTextSelection"):
                    try:
                        src.selections.append(_selection(sel_el))
                    except ValueError as exc:
                        raise ExchangeError(str(exc), path=where) from None
            for child in el:
                tag = _local(child.tag)
                if tag.endswith("Selection") and tag != "PlainTextSelection":
                    src.other_codings += len(_children(child, "Coding"))
            src.other_codings += len(_children(el, "Coding"))
            project.sources.append(src)
    cases = _child(root, "Cases")
    if cases is not None:
        for el in _children(cases, "Case"):
            case = RefiCase(guid=_guid(el.get("guid")), name=(el.get("name") or "").strip() or _guid(el.get("guid"))[:8])
            for vv in _children(el, "VariableValue"):
                key, value = _variable_value(vv, variable_names)
                if key:
                    case.variables[key] = value
            case.sources = [_guid(r.get("targetGUID")) for r in _children(el, "SourceRef")]
            case.selections = [_guid(r.get("targetGUID")) for r in _children(el, "SelectionRef")]
            project.cases.append(case)
    notes = _child(root, "Notes")
    if notes is not None:
        for el in _children(notes, "Note"):
            text = _text(el, "PlainTextContent")
            path_attr = el.get("plainTextPath")
            if not text and path_attr:
                entry = internal_entry(path_attr, where)
                if entry is not None and archive.find(entry) is not None:
                    text = _decode(archive.read(archive.find(entry)), f"{p}!{entry}").strip()
            guid = _guid(el.get("guid"))
            project.notes[guid] = RefiNote(guid, el.get("name") or "", text, _guid(el.get("creatingUser")) or None, el.get("creationDateTime"))
    project.project_notes = _note_refs(root)
    return project


def _decode(data: bytes, where: str) -> str:
    import codecs

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")  # the standard says UTF-8; some Windows tools differ
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError(f"source text is not UTF-8 (byte {exc.start})", path=where) from None
