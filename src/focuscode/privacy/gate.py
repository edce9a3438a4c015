"""The privacy gate: every text that enters a project passes here first, whatever the door.

A door (import of a transcript, survey, participants file or REFI-QDA project,
`codebook load`, `memo`, `merge`) describes what it is about to store as Fields:
the text, where it is (file and line) and what it is (turn, speaker label, file
name, id, case variable, memo...). The gate scans them in one batch and either
lets them through or raises PrivacyError naming every finding at its place.
`--names FILE` and `--allow-pii` mean the same at every door: the names list is
always checked; with --allow-pii deduce is skipped and names-list hits become
warnings instead of refusals.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import PrivacyError, UsageError, setting
from .scan import Finding, NameEntry, deduce_engine, deduce_needs_build, entity_pipeline, load_names, scan_texts, summarise

# What a field is, and so how it is read:
#   text      running text (turns, answers, memos, descriptions): as written, plus words in capitals
#   label     a short name-like value (speaker label, role, case name, attribute value): also in lower case
#   id        a respondent id: a short number or code ("17", "R17", "resp-0017") is an id, anything else a label
#   filename  a file or transcript name: separators read as spaces, only names, places and e-mail count
MODES = ("text", "label", "id", "filename")
SHORT_ID = re.compile(r"[A-Za-z]{0,6}[-_ .#]?\d{1,6}[A-Za-z]?")
_FILENAME_CATEGORIES = {"persoon", "locatie", "instelling", "school", "emailadres"}
_SEPARATORS = re.compile(r"[-_.+~]")

# Participant facts every study has; other attributes reach the project only when declared.
CORE_ATTRIBUTES = ("role", "sector", "school_type")
DECLARED_SETTING = "declared_attributes"


@dataclass(frozen=True)
class Field:
    text: str
    path: str
    line: int | None = None
    kind: str = ""  # added to the category of a finding: "persoon (sprekerlabel)"
    mode: str = "text"
    # For a text that spans lines (a turn): the line of a character offset.
    line_at: Callable[[int], int | None] | None = None
    # Categories that identify no one in this kind of text (a date in a codebook's description
    # is a version or a period, not a participant's birthday); a --names hit always counts.
    ignore: frozenset = frozenset()


class Gate:
    """One gate per command: the names list is read once, deduce is built once per process."""

    def __init__(self, *, names: Path | None = None, allow_pii: bool = False,
                 notify: Callable[[str], None] | None = None, pipeline: Any = "auto"):
        self.names_path = Path(names) if names is not None else None
        self.allow_pii = allow_pii
        self.notify = notify
        self._pipeline = pipeline
        self._names: list[NameEntry] | None = None
        self.unchecked = 0  # fields let in unscanned by deduce because of --allow-pii

    def names(self) -> list[NameEntry]:
        if self._names is None:
            self._names = load_names(self.names_path) if self.names_path is not None else []
        return self._names

    def scan(self, fields: Iterable[Field]) -> list[Finding]:
        """Every finding in the fields, each at its place in the original text, in field order."""
        fields = [f for f in fields if f.text and f.text.strip()]
        names = self.names()
        use_deduce = not self.allow_pii
        if not fields or (not use_deduce and not names):
            self.unchecked += len(fields)
            return []
        if not use_deduce:
            self.unchecked += len(fields)
        else:
            if self.notify is not None and deduce_needs_build():
                self.notify("Building the privacy check's name, place and institution lookups (once, about two minutes)")
            deduce_engine(progress=self.notify)  # its build steps, or a repair, are reported
        pipeline = None
        if use_deduce:
            if self._pipeline == "auto":
                self._pipeline = entity_pipeline()
            pipeline = self._pipeline
        running = [f for f in fields if f.mode == "text"]
        # A label or value repeated on many rows (a role, a survey's school type) is read once.
        short: dict[tuple[str, str], Field] = {}
        for f in fields:
            if f.mode == "id" and SHORT_ID.fullmatch(f.text.strip()):
                continue
            if f.mode != "text":
                short.setdefault((f.mode, f.text), f)
        findings: list[tuple[int, Finding]] = []
        order = {id(f): i for i, f in enumerate(fields)}
        if running:
            spans = scan_texts([f.text for f in running], names=names, pipeline=pipeline, use_deduce=use_deduce)
            for f, found in zip(running, spans):
                for s in found:
                    if s.category in f.ignore and s.detector != "names":
                        continue
                    line = f.line_at(s.start) if f.line_at is not None else f.line
                    findings.append((order[id(f)], _finding(f, line, s)))
        if short:
            values = list(short.values())
            views = [_filename_view(f.text) if f.mode == "filename" else (f.text, None) for f in values]
            spans = scan_texts([v for v, _ in views], names=names, pipeline=pipeline, use_deduce=use_deduce, labels=True)
            for f, (_, where), found in zip(values, views, spans):
                for s in found:
                    if where is not None:  # back to the file name's own characters
                        s = type(s)(where[s.start], where[s.end - 1] + 1, s.category, s.text, s.detector)
                    if f.mode == "filename" and s.detector != "names" and s.category not in _FILENAME_CATEGORIES:
                        continue  # a date or number in a file name is a session, not a person
                    if s.category in f.ignore and s.detector != "names":
                        continue
                    findings.append((order[id(f)], _finding(f, f.line, s, text=f.text[s.start:s.end])))
        findings.sort(key=lambda pair: pair[0])
        return [f for _, f in findings]

    def check(self, fields: Iterable[Field], *, what: str = "nothing imported", path: str | None = None) -> list[Finding]:
        """Raise PrivacyError for any finding, unless --allow-pii: then return them as warnings."""
        findings = self.scan(fields)
        if findings and not self.allow_pii:
            count = f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
            raise PrivacyError(
                f"personal data found, {what} ({count}; pseudonymise with 'focuscode anonymise' or pass {setting('allow_pii')}): "
                f"{summarise(findings)}",
                findings=findings, path=path,
            )
        return findings

    def unchecked_warning(self) -> str | None:
        """The one warning a command gives when --allow-pii let text in unscanned."""
        if not self.allow_pii or not self.unchecked:
            return None
        listed = f"only the {setting('names')} list was checked" if self.names_path else "nothing was checked"
        return (f"{setting('allow_pii')}: {self.unchecked} text{'s' if self.unchecked != 1 else ''} stored without the "
                f"privacy check ({listed}); personal data may now be in the project")


def _filename_view(name: str) -> tuple[str, list[int]]:
    """A file name as words: separators read as spaces and camel case split
    ("InterviewSanneVermeulen.docx" -> "Interview Sanne Vermeulen docx"), with the
    position in the name of each character, so a finding is quoted as the name has it."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(name):
        if _SEPARATORS.match(ch):
            ch = " "
        elif i and ch.isupper() and name[i - 1].islower():
            out.append(" ")
            where.append(i)
        out.append(ch)
        where.append(i)
    return "".join(out), where


def line_finder(text: str) -> Callable[[int], int]:
    """For a text of several lines (a source, a note, a memo): the line of a character offset."""
    import bisect

    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return lambda offset: bisect.bisect_right(starts, offset)


def _finding(field: Field, line: int | None, span, text: str | None = None) -> Finding:
    category = f"{span.category} ({field.kind})" if field.kind else span.category
    return Finding(field.path, line, category, text if text is not None else span.text, span.detector)


def describe_warnings(findings: Sequence[Finding], what: str) -> str:
    return (f"{what} despite {len(findings)} finding(s) from the names list ({setting('allow_pii')}): "
            + "; ".join(f.describe() for f in findings[:5]))


# -- declared participant attributes -------------------------------------------------------


def attribute_key(name: str) -> str:
    return " ".join(str(name).split()).lower()


def declared_attributes(db) -> set[str]:
    """The attribute names (lower case) this study declared.

    A project from before declarations existed declares the attributes it already holds,
    less the known name and school columns (what its exports showed until then)."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [DECLARED_SETTING]).fetchone()
    if row is None:
        from ..export.attribution import is_private

        held = db.execute(
            "SELECT DISTINCT j.key FROM participants p, json_each(p.attributes) j WHERE json_type(p.attributes) = 'object'"
        )
        return {attribute_key(k) for (k,) in held if not is_private(k)}
    try:
        return {attribute_key(n) for n in json.loads(row[0])}
    except (ValueError, TypeError):
        return set()


def declare_attributes(db, names: Iterable[str]) -> set[str]:
    """Add names to the study's declared attributes (inside the caller's transaction)."""
    from ..export.attribution import is_private

    declared = declared_attributes(db)
    for name in names:
        key = attribute_key(name)
        if not key:
            continue
        if is_private(key):
            raise UsageError(f"'{name}' cannot be kept as a participant attribute: it would show names or schools")
        if key not in CORE_ATTRIBUTES:
            declared.add(key)
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [DECLARED_SETTING, json.dumps(sorted(declared), ensure_ascii=False)],
    )
    return declared


def split_attributes(attributes: dict, declared: set[str]) -> tuple[dict, list[str]]:
    """(the declared attributes, the names of the others)."""
    kept, dropped = {}, []
    for key, value in attributes.items():
        if attribute_key(key) in declared:
            kept[key] = value
        else:
            dropped.append(str(key))
    return kept, dropped
