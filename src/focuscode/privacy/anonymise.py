"""Pseudonymised copies of source files: every finding becomes a stable placeholder.

The same name gets the same placeholder in every file of a run ("Jan de Vries"
is [PERSOON-1] everywhere), and a run that reuses an existing key file keeps
its numbering. Replacement works on whole words only: "Jan" never turns
"Janneke" into "[PERSOON-1]neke". Placeholders already in the text ([school],
[PERSOON-3]) are left alone and their numbers are not reused. The key linking
placeholders to real names goes to a separate file that must stay out of the project.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..errors import InputFileError, UsageError
from ..export.safe import PRIVATE_FILE, private_dir, private_file, write_private_text
from ..textio import decode_bytes, read_bytes
from .scan import PLACEHOLDER, Finding, NameEntry, Span, scan_texts

# Participants files (.csv, .yaml) are pseudonymised with their transcripts, so labels keep matching.
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".vtt", ".srt", ".csv", ".yaml", ".yml")
SUPPORTED = TEXT_SUFFIXES + (".docx", ".xlsx")
PREFIXES = {
    "persoon": "PERSOON", "school": "SCHOOL", "instelling": "INSTELLING", "locatie": "PLAATS",
    "datum": "DATUM", "leeftijd": "LEEFTIJD", "telefoonnummer": "TELEFOON", "emailadres": "EMAIL",
    "url": "URL", "id-nummer": "ID",
}
# Forms of address stay in the text: "mevrouw [PERSOON-2]" reads better than "[PERSOON-2]".
_TITLES = {"collega", "mevrouw", "meneer", "meester", "juf", "juffrouw", "dhr", "dhr.", "mw", "mw.", "mevr",
           "mevr.", "dokter", "dr.", "drs.", "ir.", "mr.", "broer", "zus", "moeder", "vader"}
_NUMBERED = re.compile(r"\[([A-Z]+)-(\d+)\]")
_CUE_TIMING = re.compile(r"^\s*[\d:.,]+\s*-->\s*[\d:.,]+")
# VTT voice tags: the name inside stays visible to the scanner, the markup does not.
_MARKUP = re.compile(r"</?[a-zA-Z]+(?:\.[^\s>]*)?\s?|>")
KEY_WARNING = (
    "the key file links placeholders to real names: keep it out of the project folder "
    "and never share it with the pseudonymised files"
)


@dataclass
class FileReport:
    path: str
    out: str | None
    replacements: int
    findings: list[Finding] = field(default_factory=list)


@dataclass
class AnonymiseResult:
    files: list[FileReport]
    key: Path | None
    placeholders: dict[str, str]  # placeholder -> original


class Pseudonyms:
    """Original text -> placeholder, stable within a run and across runs sharing a key file."""

    def __init__(self) -> None:
        self.by_original: dict[tuple[str, str], str] = {}
        self.originals: dict[str, str] = {}
        self.categories: dict[str, str] = {}
        self.counters: dict[str, int] = {}

    @staticmethod
    def _norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    def reserve(self, text: str) -> None:
        """Placeholders already in the sources keep their numbers."""
        for prefix, number in _NUMBERED.findall(text):
            self.counters[prefix] = max(self.counters.get(prefix, 0), int(number))

    def placeholder(self, category: str, original: str) -> str:
        prefix = PREFIXES.get(category, category.upper().replace("-", ""))
        key = (prefix, self._norm(original))
        found = self.by_original.get(key)
        if found is None:
            self.counters[prefix] = self.counters.get(prefix, 0) + 1
            found = f"[{prefix}-{self.counters[prefix]}]"
            self.by_original[key] = found
            self.originals[found] = original
            self.categories[found] = category
        return found

    def load_key(self, path: Path) -> None:
        text, _ = decode_bytes(read_bytes(path), str(path))
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"placeholder", "categorie", "origineel"} <= set(reader.fieldnames):
            raise InputFileError("not a focuscode key file (needs columns placeholder, categorie, origineel)", path=str(path))
        for row in reader:
            m = _NUMBERED.fullmatch(row["placeholder"] or "")
            if not m:
                raise InputFileError(f"not a placeholder: '{row['placeholder']}'", path=str(path), line=reader.line_num)
            self.by_original[(m.group(1), self._norm(row["origineel"]))] = row["placeholder"]
            self.originals[row["placeholder"]] = row["origineel"]
            self.categories[row["placeholder"]] = row["categorie"]
            self.counters[m.group(1)] = max(self.counters.get(m.group(1), 0), int(m.group(2)))

    def write_key(self, path: Path) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["placeholder", "categorie", "origineel"])
        for placeholder, original in sorted(self.originals.items(), key=lambda kv: _sort_key(kv[0])):
            writer.writerow([placeholder, self.categories[placeholder], original])
        # The one file that undoes the pseudonymisation: written owner-only from the first
        # byte and renamed over the old key, so a key that was readable by others (mode
        # 644) never gets the new names, and a failed write leaves the old key whole.
        tmp = path.with_name(path.name + ".tmp")
        try:
            private_dir(path.parent)
            write_private_text(tmp, buf.getvalue())
            os.replace(tmp, path)
        except OSError as exc:
            raise InputFileError(f"cannot write the key file ({exc.strerror}); nothing pseudonymised",
                                 path=str(path)) from None
        finally:
            if tmp.is_file():
                tmp.unlink()


def _sort_key(placeholder: str):
    m = _NUMBERED.fullmatch(placeholder)
    return (m.group(1), int(m.group(2))) if m else (placeholder, 0)


def _trim_titles(span: Span) -> Span:
    if span.category != "persoon":
        return span
    words = span.text.split(" ")
    cut = 0
    while cut < len(words) - 1 and words[cut].lower() in _TITLES:
        cut += 1
    if not cut:
        return span
    skipped = len(" ".join(words[:cut])) + 1
    return Span(span.start + skipped, span.end, span.category, span.text[skipped:], span.detector)


def _scan_view(line: str) -> str:
    """The line as the scanner should see it: VTT markup blanked, same length and offsets."""
    return _MARKUP.sub(lambda m: " " * len(m.group(0)), line)


def _skip_line(line: str, suffix: str) -> bool:
    stripped = line.strip()
    if suffix in (".vtt", ".srt"):
        return not stripped or stripped.isdigit() or stripped.startswith("WEBVTT") or bool(_CUE_TIMING.match(stripped))
    return not stripped


@dataclass
class _Source:
    path: Path
    kind: str  # text | docx | xlsx
    units: list[str]  # lines (text), paragraphs (docx) or text cells (xlsx)
    lines: list[int]
    encoding: str | None = None
    document: object = None
    paragraphs: list = field(default_factory=list)


def _load(path: Path) -> _Source:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputFileError(f"cannot pseudonymise '{suffix or path.name}' files (supported: {', '.join(SUPPORTED)})",
                             path=str(path))
    data = read_bytes(path)
    if suffix == ".docx":
        from ..importers.word import open_docx

        document = open_docx(data, str(path))
        paragraphs = list(document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    paragraphs.extend(p for p in cell.paragraphs if p not in paragraphs)
        units = [p.text for p in paragraphs]
        return _Source(path, "docx", units, list(range(1, len(units) + 1)), None, document, paragraphs)
    if suffix == ".xlsx":
        return _load_xlsx(path, data)
    text, encoding = decode_bytes(data, str(path))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _Source(path, "text", lines, list(range(1, len(lines) + 1)), encoding)


def _load_xlsx(path: Path, data: bytes) -> _Source:
    import openpyxl

    from ..ziplimits import XLSX, check_package

    if not data.strip():
        raise InputFileError("the file is empty", path=str(path))
    check_package(data, str(path), XLSX)  # the whole workbook is loaded to be rewritten: zip bombs stop here
    try:
        book = openpyxl.load_workbook(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - openpyxl/zipfile raise many types for one meaning
        raise InputFileError(f"not a readable .xlsx (truncated or damaged: {type(exc).__name__})", path=str(path)) from None
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.strip()]
    # Line numbers are spreadsheet rows, as in the import's messages.
    return _Source(path, "xlsx", [c.value for c in cells], [c.row for c in cells], None, book, cells)


def _find(source: _Source, names: Sequence[NameEntry], pipeline) -> list[list[Span]]:
    suffix = source.path.suffix.lower()
    todo = [i for i, unit in enumerate(source.units) if not _skip_line(unit, suffix)]
    spans = scan_texts([_scan_view(source.units[i]) for i in todo], names=names, pipeline=pipeline)
    out: list[list[Span]] = [[] for _ in source.units]
    for i, found in zip(todo, spans):
        out[i] = [_trim_titles(s) for s in found]
    return out


def expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(c for c in sorted(p.iterdir()) if c.is_file() and c.suffix.lower() in SUPPORTED
                       and not c.name.startswith(".") and not c.name.lower().startswith("readme"))
        else:
            out.append(p)
    return out


def _replace_all(text: str, pattern: re.Pattern | None, mapping: dict[str, str]) -> tuple[str, int]:
    """Replace every known original (whole words) outside existing placeholders."""
    if pattern is None:
        return text, 0
    count = 0
    pieces: list[str] = []
    last = 0
    for hole in list(PLACEHOLDER.finditer(text)) + [None]:
        end = hole.start() if hole else len(text)
        chunk = text[last:end]

        def sub(m: re.Match) -> str:
            nonlocal count
            count += 1
            return mapping[m.group(0)]

        pieces.append(pattern.sub(sub, chunk))
        if hole:
            pieces.append(hole.group(0))
            last = hole.end()
    return "".join(pieces), count


def _pattern(mapping: dict[str, str]) -> re.Pattern | None:
    if not mapping:
        return None
    # Longest first, so "Jan de Vries" is replaced before "Jan"; whole words only.
    alternatives = "|".join(re.escape(o) for o in sorted(mapping, key=len, reverse=True))
    return re.compile(r"(?<![\w])(?:" + alternatives + r")(?![\w])")


def anonymise(
    paths: Sequence[str | Path],
    out_dir: Path | None,
    *,
    names: Sequence[NameEntry] = (),
    key_path: Path | None = None,
    check_only: bool = False,
    pipeline=None,
    on_file: Callable[[FileReport], None] | None = None,
) -> AnonymiseResult:
    files = _unique(expand(paths))
    if not files:
        raise InputFileError("no files to pseudonymise", path=", ".join(str(p) for p in paths))
    if not check_only:
        if out_dir is None:
            raise UsageError("--out DIR is needed (or --check to only list findings)")
        out_dir = Path(out_dir)
        _check_targets(files, out_dir)
        key_path = _key_location(out_dir, key_path)
    pseudonyms = Pseudonyms()
    if key_path is not None and key_path.exists() and not check_only:
        # It already holds real names: nobody else may read it, from now on.
        try:
            os.chmod(key_path, PRIVATE_FILE)
        except OSError as exc:
            raise InputFileError(f"cannot make the key file readable by its owner only ({exc.strerror})",
                                 path=str(key_path)) from None
        pseudonyms.load_key(key_path)
    # Pass 1: read and scan every file, so one name gets one placeholder across the run.
    sources: list[tuple[_Source, list[list[Span]]]] = []
    for path in files:
        source = _load(path)
        for unit in source.units:
            pseudonyms.reserve(unit)
        sources.append((source, _find(source, names, pipeline)))
    reports: list[FileReport] = []
    # Every spelling found maps to its placeholder ("Jan", "JAN" -> the same one).
    mapping = {original: placeholder for placeholder, original in pseudonyms.originals.items()}
    for source, spans in sources:
        findings = [Finding(str(source.path), source.lines[i], s.category, s.text, s.detector)
                    for i, found in enumerate(spans) for s in found]
        for f in findings:
            mapping[f.text] = pseudonyms.placeholder(f.category, f.text)
        reports.append(FileReport(str(source.path), None, 0, findings))
    if check_only:
        for report in reports:
            if on_file:
                on_file(report)
        return AnonymiseResult(reports, None, {})
    # The key first: every placeholder is known now, and copies whose key could not be
    # written would be pseudonymised for good.
    pseudonyms.write_key(key_path)
    # Pass 2: replace every known original everywhere, also where the scanner missed it.
    pattern = _pattern(mapping)
    # The copies are still transcripts (and the scanner may have missed something):
    # owner-only like the project database, shared only by a deliberate act.
    private_dir(out_dir)
    for (source, _spans), report in zip(sources, reports):
        target = private_file(out_dir / source.path.name)
        if source.kind == "docx":
            total = 0
            for paragraph in source.paragraphs:
                total += _replace_paragraph(paragraph, pattern, mapping)
            source.document.save(target)
        elif source.kind == "xlsx":
            total = 0
            for cell in source.paragraphs:
                cell.value, n = _replace_all(cell.value, pattern, mapping)
                total += n
            source.document.save(target)
        else:
            new_lines = []
            total = 0
            for line in source.units:
                if _skip_line(line, source.path.suffix.lower()):
                    new_lines.append(line)
                    continue
                new, n = _replace_all(line, pattern, mapping)
                new_lines.append(new)
                total += n
            write_private_text(target, "\n".join(new_lines))
        report.out, report.replacements = str(target), total
        if on_file:
            on_file(report)
    return AnonymiseResult(reports, key_path, dict(pseudonyms.originals))


def _same_name(name: str) -> str:
    """A file name as a case-insensitive file system (macOS, Windows) compares it."""
    return unicodedata.normalize("NFC", name).casefold()


def _unique(files: list[Path]) -> list[Path]:
    """The inputs, each file once (a folder and a file in it may both be named)."""
    seen: set[Path] = set()
    out = []
    for f in files:
        real = f.resolve()
        if real not in seen:
            seen.add(real)
            out.append(f)
    return out


def _check_targets(files: list[Path], out_dir: Path) -> None:
    """Refuse, before anything is written, a run that would overwrite an input or one of its own copies."""
    inputs = {f.resolve() for f in files}
    first: dict[str, Path] = {}
    for f in files:
        target = out_dir / f.name
        if target.resolve() in inputs:
            raise UsageError(f"--out {out_dir} holds the original {target}: it would be overwritten by its copy; "
                             "choose another --out")
        other = first.setdefault(_same_name(f.name), f)
        if other is not f:
            raise UsageError(f"{other} and {f} would both be written as {target}; "
                             "pseudonymise them in separate runs with different --out folders")


def _key_location(out_dir: Path, key_path: Path | None) -> Path:
    """Where the key goes: --key, or beside --out as <out>-sleutel.csv; never in the --out tree.

    The default is refused when --out is the folder the researcher works in (or one
    above it): "beside" it would then be a folder the researcher did not name.
    """
    out_real = out_dir.resolve()
    if key_path is None:
        here = Path.cwd().resolve()
        if here == out_real or out_real in here.parents or not out_real.name:
            raise UsageError(f"--out {out_dir} is the current folder or one above it, so the key's default place "
                             f"beside it ({out_real.parent}) is outside where you work; name the key with --key FILE "
                             "outside the --out folder")
        return out_real.parent / f"{out_real.name}-sleutel.csv"
    key_path = Path(key_path)
    key_real = key_path.resolve()
    if key_real == out_real or out_real in key_real.parents:
        raise UsageError(f"the key file {key_path} is inside the --out folder {out_dir}: it would be shared with "
                         "the pseudonymised files; put it outside --out")
    if key_real.is_dir():
        raise UsageError(f"--key {key_path} is a folder; name the key file itself")
    return key_path


def _replace_paragraph(paragraph, pattern, mapping) -> int:
    """Replace inside a Word paragraph, keeping run formatting where a name sits in one run."""
    text = paragraph.text
    new, count = _replace_all(text, pattern, mapping)
    if not count:
        return 0
    runs = paragraph.runs
    if "".join(r.text for r in runs) != text:
        paragraph.text = new  # hyperlinks or fields: rewrite the paragraph as plain text
        return count
    run_texts = [r.text for r in runs]
    changed = [_replace_all(t, pattern, mapping) for t in run_texts]
    if "".join(t for t, _ in changed) == new:
        for run, (t, _) in zip(runs, changed):
            run.text = t
    else:
        # A name split over runs (spell-check marks, formatting): keep the first run's style.
        runs[0].text = new
        for run in runs[1:]:
            run.text = ""
    return count
