"""Word (.docx) transcripts: speaker-labelled paragraphs or a speaker | text table.

Typists use two layouts. Paragraphs ("Naam: tekst", or the label on its own line
followed by paragraphs) go through the plain-text parser, so every label style
works the same as in .txt; line numbers then count paragraphs. A table with a
speaker column and a text column (and optionally a time column) gives one turn
per row; a row without a speaker continues the turn above; line numbers count
table rows.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..errors import InputFileError, TranscriptError
from ..textio import read_bytes
from ..ziplimits import DOCX, check_package
from .model import ParsedSource, Turn
from .text import check_times, parse_text, parse_time

_TIME_CELL = re.compile(r"^\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\)?$")
_HEADER_WORDS = {
    "speaker": {"spreker", "naam", "deelnemer", "wie", "speaker", "name", "persoon", "respondent"},
    "text": {"tekst", "text", "uitspraak", "inhoud", "transcript", "fragment", "wat"},
    "time": {"tijd", "time", "tijdstip", "timestamp", "start"},
}


def open_docx(data: bytes, path: str):
    # python-docx raises zipfile, KeyError, lxml and its own errors for damaged files;
    # all of them mean the same thing to the user.
    import docx

    if not data.strip():
        raise InputFileError("the file is empty", path=path)
    if not data.startswith(b"PK"):
        raise InputFileError("not a .docx file (it is not a Word document package)", path=path)
    check_package(data, path, DOCX)  # python-docx expands every part in memory: zip bombs stop here
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - see above
        raise InputFileError(
            f"not a readable .docx (truncated or damaged: {type(exc).__name__})", path=path
        ) from None


def _cells(row) -> list[str]:
    out: list[str] = []
    seen: set[int] = set()
    for cell in row.cells:
        # Merged cells come back once per grid column; keep each cell once.
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        out.append(" ".join(cell.text.split()))
    return out


def _columns(rows: list[list[str]]) -> tuple[dict[str, int], bool] | None:
    """Which column holds speaker, text and time; (columns, first row is a header)."""
    width = max((len(r) for r in rows), default=0)
    if width < 2:
        return None
    header = [c.lower().strip(" :") for c in rows[0]]
    found = {}
    for role, words in _HEADER_WORDS.items():
        for idx, cell in enumerate(header):
            if cell in words and idx not in found.values():
                found[role] = idx
                break
    if "speaker" in found and "text" in found:
        return found, True
    body = [r for r in rows if len(r) >= 2]
    time_col = None
    for idx in range(width):
        values = [r[idx] for r in body if idx < len(r) and r[idx]]
        if values and sum(bool(_TIME_CELL.match(v)) for v in values) >= 0.8 * len(values):
            time_col = idx
            break
    others = [i for i in range(width) if i != time_col]
    if len(others) < 2:
        return None
    speaker_col, text_col = others[0], others[-1]
    labels = [r[speaker_col] for r in body if speaker_col < len(r) and r[speaker_col]]
    # A transcript table has short labels on the left, prose on the right.
    if not labels or sum(len(lbl.split()) <= 5 for lbl in labels) < 0.8 * len(labels):
        return None
    cols = {"speaker": speaker_col, "text": text_col}
    if time_col is not None:
        cols["time"] = time_col
    return cols, False


def _table_turns(tables: list[list[list[str]]], path: str) -> list[Turn] | None:
    turns: list[Turn] = []
    row_no = 0
    used = False
    for rows in tables:
        layout = _columns(rows) if rows else None
        if layout is None:
            row_no += len(rows)
            continue
        cols, has_header = layout
        used = True
        for idx, cells in enumerate(rows):
            row_no += 1
            if has_header and idx == 0:
                continue
            get = lambda role: cells[cols[role]] if role in cols and cols[role] < len(cells) else ""  # noqa: E731
            speaker, text, time = get("speaker").strip().rstrip(":").strip(), get("text"), get("time")
            if not text:
                continue
            start = parse_time(time.strip("()")) if time and _TIME_CELL.match(time) else None
            if not speaker:
                if not turns:
                    raise TranscriptError(f"a table row without a speaker: '{text[:57]}'", path=path, line=row_no)
                prev = turns[-1]
                prev.line_map.append((len(prev.text) + 1, row_no))
                prev.text = f"{prev.text}\n{text}"
                continue
            turns.append(Turn(speaker=speaker, text=text, line=row_no, start_ms=start, line_map=[(0, row_no)]))
    return turns if used else None


def parse_docx(data: bytes, path: str = "<docx>", *, speaker_pattern: str | None = None,
               known_speakers: set[str] | None = None) -> tuple[list[Turn], str]:
    """Turns from .docx bytes, and the layout used ('table' or 'paragraphs')."""
    document = open_docx(data, path)
    try:
        tables = [[_cells(row) for row in table.rows] for table in document.tables]
        # Headings and titles are not turns; they stay as blank lines so numbering holds.
        paragraphs = ["" if _is_heading(p) else " ".join(p.text.split()) for p in document.paragraphs]
    except Exception as exc:  # noqa: BLE001 - malformed XML inside a package that opened
        raise InputFileError(f"not a readable .docx (damaged content: {type(exc).__name__})", path=path) from None
    turns = _table_turns(tables, path) if tables and speaker_pattern is None else None
    if turns:
        check_times(turns, path)
        return turns, "table"
    if not any(paragraphs):
        raise InputFileError("the document is empty (no paragraphs or transcript table)", path=path)
    turns = parse_text(
        "\n".join(paragraphs), path, speaker_pattern=speaker_pattern, known_speakers=known_speakers, line_is_paragraph=True
    )
    return turns, "paragraphs"


def _is_heading(paragraph) -> bool:
    name = (getattr(paragraph.style, "name", "") or "").lower()
    return name.startswith(("heading", "kop", "title", "titel", "subtitle", "ondertitel"))


def read_docx_transcript(path: Path, *, speaker_pattern: str | None = None,
                         known_speakers: set[str] | None = None) -> ParsedSource:
    turns, layout = parse_docx(read_bytes(path), str(path), speaker_pattern=speaker_pattern, known_speakers=known_speakers)
    return ParsedSource(turns=turns, source_type="docx", encoding=None, metadata={"layout": layout})
