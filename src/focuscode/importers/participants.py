"""Participants files: who each speaker label is (role, sector, school type)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParticipantsError
from ..textio import read_text_file
from .text import canonical_label

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


def _make(record: dict, path: str, line: int, vocab) -> Participant:
    label = canonical_label(str(record.get("label") or ""))  # spelled as the transcript parsers spell labels
    if not label:
        raise ParticipantsError("a participant without a label", path=path, line=line)
    role = str(record.get("role") or "").strip() or "onbekend"
    sector = vocab.check_sector(str(record.get("sector") or "").strip().lower() or None, f"sector of '{label}'",
                                ParticipantsError, path=path, line=line)
    school_type = str(record.get("school_type") or "").strip() or None
    facilitator = vocab.is_facilitator_role(role)
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


def load_participants(path: str | Path, vocab=None) -> dict[str, Participant]:
    """Read a participants CSV or YAML file into label -> Participant; sectors and
    facilitator roles as the study's vocabulary (vocabulary.py) declares them."""
    from ..vocabulary import default

    vocab = vocab or default()
    p = Path(path)
    out: dict[str, Participant] = {}
    lines: dict[str, int] = {}
    if p.suffix.lower() in (".yaml", ".yml"):
        from .. import yamlsafe

        text = yamlsafe.read_text(p, error=ParticipantsError)
        for record, line in _yaml_records(text, str(p)):
            _add(out, lines, _make(record, str(p), line, vocab), str(p), line)
    elif p.suffix.lower() in (".csv", ".tsv", ".txt"):
        text, _encoding = read_text_file(p)
        for record, line in _csv_records(text, str(p)):
            _add(out, lines, _make(record, str(p), line, vocab), str(p), line)
    else:
        raise ParticipantsError("participants files are .csv or .yaml", path=str(p))
    if not out:
        raise ParticipantsError("the participants file lists nobody", path=str(p))
    return out


def _yaml_records(text: str, path: str):
    """(record, line) per participant; aliases, tags and bad YAML are one error with file:line."""
    import yaml

    from .. import yamlsafe

    root = yamlsafe.compose(text, path, error=ParticipantsError)
    if isinstance(root, yaml.MappingNode):
        root = next((v for k, v in root.value if k.value == "participants"), None)
    if not isinstance(root, yaml.SequenceNode):
        raise ParticipantsError("expected a list of participants (or 'participants:' with a list)", path=path)
    for node in root.value:
        line = node.start_mark.line + 1
        record = yamlsafe.value(node, path, error=ParticipantsError)
        if not isinstance(record, dict):
            shown = "an empty entry ('- ' with nothing after it)" if record is None else f"'{record}'"
            raise ParticipantsError(f"each participant must be a mapping with a label, not {shown}", path=path, line=line)
        for key_node, value_node in node.value:
            if not isinstance(value_node, yaml.ScalarNode):
                raise ParticipantsError(f"'{key_node.value}' must be a single value, not a list or mapping",
                                        path=path, line=value_node.start_mark.line + 1)
        yield {str(k): v for k, v in record.items()}, line


def _csv_records(text: str, path: str):
    """(record, line) per row; quoting follows RFC 4180 ("leraar ""LB"", mentor" is one field)."""
    from ..textio import csv_layout

    delimiter, text, skipped = csv_layout(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
    try:
        header = next(reader, None)
        fields = [f.strip().lstrip("\ufeff") for f in (header or [])]
        if "label" not in fields:
            raise ParticipantsError("the participants file needs a 'label' column", path=path, line=1 + skipped)
        for row in reader:
            line = reader.line_num + skipped
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(fields):
                extra = next(cell for cell in row[len(fields):] if cell.strip()) if any(c.strip() for c in row[len(fields):]) else None
                if extra is not None:
                    raise ParticipantsError(
                        f"row has {len(row)} fields but the header has {len(fields)} (extra value '{extra}'; quote values holding '{delimiter}')",
                        path=path, line=line,
                    )
            yield dict(zip(fields, row + [""] * (len(fields) - len(row)))), line
    except csv.Error as exc:
        raise ParticipantsError(f"not a readable CSV file ({exc})", path=path, line=(reader.line_num + skipped) or None) from None


def participants_beside(transcript: Path) -> Path | None:
    """`<name>.participants.csv|yaml|yml` next to the transcript, if there is one."""
    for suffix in (".participants.csv", ".participants.yaml", ".participants.yml"):
        candidate = transcript.with_name(transcript.stem + suffix)
        if candidate.exists():
            return candidate
    return None
