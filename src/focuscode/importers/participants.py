"""Participants files: who each speaker label is (role, sector, school type)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParticipantsError
from ..textio import read_text_file

SECTORS = ("po", "vo")
FACILITATOR_ROLES = {"gespreksleider", "facilitator", "moderator", "interviewer", "onderzoeker"}
CORE_COLUMNS = ("label", "role", "sector", "school_type")


@dataclass
class Participant:
    label: str
    role: str = "onbekend"
    sector: str | None = None
    school_type: str | None = None
    is_facilitator: bool = False
    attributes: dict = field(default_factory=dict)
    # Where the participants file describes this person: findings of the privacy gate point here.
    line: int | None = None


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "ja", "j", "y")


def _make(record: dict, path: str, line: int) -> Participant:
    label = str(record.get("label") or "").strip()
    if not label:
        raise ParticipantsError("a participant without a label", path=path, line=line)
    role = str(record.get("role") or "").strip() or "onbekend"
    sector = str(record.get("sector") or "").strip().lower() or None
    if sector is not None and sector not in SECTORS:
        raise ParticipantsError(f"sector of '{label}' must be po or vo, not '{sector}'", path=path, line=line)
    school_type = str(record.get("school_type") or "").strip() or None
    facilitator = role.lower() in FACILITATOR_ROLES
    if "facilitator" in record and str(record["facilitator"]).strip():
        facilitator = _truthy(record["facilitator"])
    attributes = {
        str(k): v if not isinstance(v, str) else v.strip()
        for k, v in record.items()
        if k not in CORE_COLUMNS and k != "facilitator" and v not in (None, "")
    }
    return Participant(label, role, sector, school_type, facilitator, attributes, line)


def _add(out: dict[str, Participant], lines: dict[str, int], p: Participant, path: str, line: int) -> None:
    if p.label in out:
        raise ParticipantsError(
            f"duplicate label '{p.label}' (first at line {lines[p.label]})", path=path, line=line
        )
    out[p.label] = p
    lines[p.label] = line


def load_participants(path: str | Path) -> dict[str, Participant]:
    """Read a participants CSV or YAML file into label -> Participant."""
    p = Path(path)
    text, _encoding = read_text_file(p)
    out: dict[str, Participant] = {}
    lines: dict[str, int] = {}
    if p.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            root = yaml.compose(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ParticipantsError(
                f"not valid YAML: {getattr(exc, 'problem', exc)}", path=str(p), line=mark.line + 1 if mark else None
            ) from None
        if isinstance(root, yaml.MappingNode):
            root = next((v for k, v in root.value if k.value == "participants"), None)
        if not isinstance(root, yaml.SequenceNode):
            raise ParticipantsError("expected a list of participants (or 'participants:' with a list)", path=str(p))
        for node in root.value:
            record = yaml.safe_load(yaml.serialize(node))
            line = node.start_mark.line + 1
            if not isinstance(record, dict):
                raise ParticipantsError("each participant must be a mapping with a label", path=str(p), line=line)
            _add(out, lines, _make(record, str(p), line), str(p), line)
    elif p.suffix.lower() in (".csv", ".tsv", ".txt"):
        try:
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        fields = [f.strip() for f in (reader.fieldnames or [])]
        if "label" not in fields:
            raise ParticipantsError("the participants file needs a 'label' column", path=str(p), line=1)
        reader.fieldnames = fields
        for record in reader:
            line = reader.line_num
            if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
                continue
            _add(out, lines, _make(record, str(p), line), str(p), line)
    else:
        raise ParticipantsError("participants files are .csv or .yaml", path=str(p))
    if not out:
        raise ParticipantsError("the participants file lists nobody", path=str(p))
    return out


def participants_beside(transcript: Path) -> Path | None:
    """`<name>.participants.csv|yaml|yml` next to the transcript, if there is one."""
    for suffix in (".participants.csv", ".participants.yaml", ".participants.yml"):
        candidate = transcript.with_name(transcript.stem + suffix)
        if candidate.exists():
            return candidate
    return None
